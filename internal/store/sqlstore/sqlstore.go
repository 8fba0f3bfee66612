// Package sqlstore implements store.Store on SQLite and on PostgreSQL.
//
// Open picks the backend from the database URL and brings the schema up to
// date with the migrations embedded in the binary. Both backends keep the
// same schema, give the same answers and pass the same conformance suite
// (storetest); what differs between them (placeholders, time columns,
// locks, error codes) lives in a dialect.
//
// On SQLite, reads go to a pool of read-only connections and every write
// goes through a single connection, so readers never wait for writers and
// writers in one process queue instead of failing with SQLITE_BUSY.
//
// Records come back with times in UTC, truncated to the microsecond, and
// with Models, Members and Metadata never nil: a nil or empty value is
// stored as an empty one. Create and Update methods write the timestamps
// they store back into the record they were given.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// Store is a store.Store on a SQLite file or a PostgreSQL database. It is
// safe for concurrent use.
type Store struct {
	d     *dialect
	read  *sql.DB // reads outside transactions
	write *sql.DB // transactions; the same pool as read on PostgreSQL
	ro    *tx     // the read methods, on the read pool
	log   *slog.Logger
	now   func() time.Time
}

var _ store.Store = (*Store)(nil)

// Open opens the database at url and applies any migration it lacks.
//
// A url starting with postgres:// or postgresql:// names a PostgreSQL
// database (see pgx.ParseConfig for its parameters). Anything else is the
// path of a SQLite file, created when missing, optionally prefixed by
// sqlite:// or file:. A nil logger discards the log.
func Open(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	s, err := connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.log = logger

	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

func connect(ctx context.Context, url string) (*Store, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return openPostgres(ctx, url)
	}
	path, err := sqlitePath(url)
	if err != nil {
		return nil, err
	}
	return openSQLite(ctx, path)
}

func newStore(d *dialect, read, write *sql.DB) *Store {
	s := &Store{d: d, read: read, write: write, now: time.Now}
	s.ro = &tx{q: read, d: d, now: s.now}
	if d.prepare {
		s.ro.stmts = &stmtCache{db: read}
	}
	return s
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	if s.write != s.read {
		if err := s.write.PingContext(ctx); err != nil {
			return fmt.Errorf("ping store: %w", err)
		}
	}
	return nil
}

// Close closes the connection pools. Calls in flight may fail.
func (s *Store) Close() error {
	var err error
	if s.ro.stmts != nil {
		err = s.ro.stmts.close()
	}
	err = errors.Join(err, s.read.Close())
	if s.write != s.read {
		err = errors.Join(err, s.write.Close())
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
