package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// migrationFiles holds one directory of numbered migrations per dialect:
// migrations/<dialect>/0001_init.sql, 0002_..., applied in order, each
// once, and recorded in schema_migrations. A released migration is never
// edited; a change is a new file.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string // the file name without .sql, such as 0001_init
	sql     string
}

// loadMigrations returns the migrations of a dialect, checking that their
// versions run 1, 2, 3 and so on.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	var ms []migration
	for i, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		num, _, _ := strings.Cut(name, "_")
		if v, err := strconv.Atoi(num); err != nil || v != i+1 {
			return nil, fmt.Errorf("load migrations: %s/%s: want version %04d", dir, e.Name(), i+1)
		}
		data, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		ms = append(ms, migration{version: i + 1, name: name, sql: string(data)})
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, all in one
// transaction. Two gateways starting together on one database migrate one
// after the other: BEGIN IMMEDIATE on SQLite and an advisory lock on
// PostgreSQL make the second wait, and it then finds nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.d.name)
	if err != nil {
		return err
	}
	if v, ok := s.version(ctx); ok && v >= len(ms) {
		if v > len(ms) {
			// A newer gateway migrated the database: keep going, since
			// migrations only add, but say so.
			s.log.Warn("database schema is newer than this gateway",
				"version", v, "backend", s.d.name)
		}
		return nil
	}

	applied, err := s.applyMigrations(ctx, ms)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	for _, name := range applied {
		s.log.Info("applied schema migration", "migration", name, "backend", s.d.name)
	}
	return nil
}

// version returns the newest migration applied, without taking any lock,
// so that a restart on an up-to-date database writes nothing. ok is false
// when the database has no migration yet.
func (s *Store) version(ctx context.Context) (v int, ok bool) {
	err := s.read.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return v, err == nil
}

// applyMigrations applies those of ms the database lacks and returns their
// names.
func (s *Store) applyMigrations(ctx context.Context, ms []migration) ([]string, error) {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer sqlTx.Rollback() // after Commit, a no-op

	done, err := s.appliedVersions(ctx, sqlTx)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if done[m.version] {
			continue
		}
		if err := s.apply(ctx, sqlTx, m); err != nil {
			return nil, err
		}
		applied = append(applied, m.name)
	}
	return applied, sqlTx.Commit()
}

// appliedVersions takes the migration lock, creates schema_migrations if
// needed and returns the versions it lists.
func (s *Store) appliedVersions(ctx context.Context, sqlTx *sql.Tx) (map[int]bool, error) {
	if s.d.lockMigrations != "" {
		if _, err := sqlTx.ExecContext(ctx, s.d.lockMigrations); err != nil {
			return nil, fmt.Errorf("lock: %w", err)
		}
	}
	if _, err := sqlTx.ExecContext(ctx, s.d.migrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}

	rows, err := sqlTx.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

func (s *Store) apply(ctx context.Context, sqlTx *sql.Tx, m migration) error {
	if _, err := sqlTx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	const q = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
	_, err := sqlTx.ExecContext(ctx, s.d.rebind(q), m.version, m.name, s.d.timeArg(s.now()))
	if err != nil {
		return fmt.Errorf("%s: record: %w", m.name, err)
	}
	return nil
}
