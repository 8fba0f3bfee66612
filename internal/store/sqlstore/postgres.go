package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/litellm-go/gateway/internal/store"
)

// migrationLockKey identifies the schema migration among the advisory
// locks of a database ("litellm" in ASCII).
const migrationLockKey = 0x6c6974656c6c6d

func newPostgresDialect() *dialect {
	return &dialect{
		name:    "postgres",
		dollar:  true,
		noLimit: nil, // LIMIT NULL is no limit
		arrays:  true,
		// Management writes advance the revision, so they queue on its row
		// anyway. InTx and the writes that leave the revision alone (spend,
		// logins) lock the row before anything else: a read-modify-write
		// in InTx is then safe, and no two writers can deadlock.
		lockWrites:     "SELECT value FROM revision WHERE id = 1 FOR UPDATE",
		lockMigrations: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLockKey),
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL
		)`,
		classify: classifyPostgres,
	}
}

// openPostgres connects to the PostgreSQL database at dsn, a postgres:// URL.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, parseError(err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return newStore(newPostgresDialect(), db, db), nil
}

// parseError reports a malformed URL without quoting it: it may hold a
// password.
func parseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("parse postgres url: %w", ue.Err)
	}
	return fmt.Errorf("parse postgres url: %w", err)
}

func classifyPostgres(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %w", store.ErrExists, err)
	case "23503": // foreign_key_violation
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	return err
}
