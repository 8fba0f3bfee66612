package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/litellm-go/gateway/internal/store"
)

// The connection parameters of the two SQLite pools. The writer pool has a
// single connection whose transactions begin IMMEDIATE: writers in this
// process queue in database/sql instead of failing with SQLITE_BUSY, and a
// writer in another process makes us wait up to busy_timeout. Readers run
// concurrently with it thanks to WAL, and are query_only so that a write
// sent to the wrong pool fails at once.
//
// synchronous stays at its default (FULL): management writes are rare and
// a created key must survive a power cut.
const (
	sqliteCommon = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	sqliteWriter = sqliteCommon + "&_pragma=journal_mode(WAL)&_txlock=immediate"
	sqliteReader = sqliteCommon + "&_pragma=query_only(1)"
)

func newSQLiteDialect() *dialect {
	return &dialect{
		name:      "sqlite",
		noLimit:   -1,
		textTimes: true,
		prepare:   true,
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL
		) STRICT`,
		classify: classifySQLite,
	}
}

// sqlitePath returns the file path in a SQLite database URL: a plain path,
// or one prefixed by sqlite:// or file: (sqlite:///abs/x.db is /abs/x.db).
func sqlitePath(url string) (string, error) {
	path := url
	for _, prefix := range []string{"sqlite://", "file://", "file:"} {
		if p, ok := strings.CutPrefix(url, prefix); ok {
			path = p
			break
		}
	}
	if scheme, _, ok := strings.Cut(path, "://"); ok {
		return "", fmt.Errorf("unsupported database url scheme %q", scheme)
	}

	switch {
	case path == "":
		return "", errors.New("empty sqlite database path")
	case strings.HasPrefix(path, ":memory:"):
		// Each connection of the two pools would have a database of its own.
		return "", errors.New("in-memory sqlite databases are not supported: use a file")
	case strings.Contains(path, "?"):
		// The driver runs _pragma parameters as SQL: only we set them.
		return "", errors.New("sqlite database path must not carry parameters")
	}
	return path, nil
}

// openSQLite opens the two connection pools on the database file at path,
// creating the file if needed.
func openSQLite(ctx context.Context, path string) (*Store, error) {
	w, err := openSQLitePool(ctx, path, sqliteWriter, 1)
	if err != nil {
		return nil, err
	}
	// The writer went first: the file exists and is in WAL mode.
	r, err := openSQLitePool(ctx, path, sqliteReader, max(4, 2*runtime.GOMAXPROCS(0)))
	if err != nil {
		w.Close()
		return nil, err
	}
	return newStore(newSQLiteDialect(), r, w), nil
}

func openSQLitePool(ctx context.Context, path, params string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	return db, nil
}

func classifySQLite(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %w", store.ErrExists, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	return err
}
