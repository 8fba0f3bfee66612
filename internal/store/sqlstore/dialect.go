package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"time"
)

// timeLayout is how SQLite stores times: UTC text of fixed width, so that
// sorting the text sorts by time. PostgreSQL stores timestamptz instead.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dialect holds what differs between SQLite and PostgreSQL. Queries are
// written once, with ? placeholders, and passed through rebind.
type dialect struct {
	name string // "sqlite" or "postgres", also the migrations directory

	// dollar numbers placeholders ($1, $2, ...) instead of ?.
	dollar bool
	// noLimit is the LIMIT argument that means no limit.
	noLimit any
	// textTimes stores times as timeLayout text instead of timestamps.
	textTimes bool
	// prepare keeps the read queries prepared (see stmtCache).
	prepare bool
	// arrays takes a column of values as one array argument, so that a
	// write of many rows is one statement (see AddSpend).
	arrays bool

	// lockWrites, when set, runs first in every InTx transaction so that
	// those transactions run one at a time, as they do on SQLite where
	// BEGIN IMMEDIATE takes the database's write lock.
	lockWrites string
	// lockMigrations, when set, runs first in the migration transaction so
	// that two gateways starting together migrate one after the other.
	lockMigrations string
	// migrationsTable creates the table that records applied migrations.
	migrationsTable string

	// classify maps constraint violations to store.ErrExists and
	// store.ErrNotFound, keeping the driver's error in the chain.
	classify func(error) error

	rebound sync.Map // query text -> query with numbered placeholders
}

// rebind returns query with the dialect's placeholders. Queries must not
// hold a literal question mark.
func (d *dialect) rebind(query string) string {
	if !d.dollar {
		return query
	}
	if q, ok := d.rebound.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	d.rebound.Store(query, b.String())
	return b.String()
}

// timeArg returns t as the dialect stores it: UTC, truncated to the
// microsecond, which is the precision of both backends.
func (d *dialect) timeArg(t time.Time) any {
	t = storedTime(t)
	if d.textTimes {
		return t.Format(timeLayout)
	}
	return t
}

// nullTimeArg is timeArg for a nullable column.
func (d *dialect) nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.timeArg(*t)
}

// storedTime is t as the store keeps it.
func storedTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
