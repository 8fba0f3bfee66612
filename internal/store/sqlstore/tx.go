package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// InTx runs fn in one transaction and commits it if fn returns nil.
//
// Transactions of InTx run one at a time, so a read-modify-write inside fn
// never loses an update. A write through tx that fails leaves nothing
// behind and the transaction usable. fn must make its calls through tx:
// calling the Store's own write methods from fn waits for fn to end.
func (s *Store) InTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.inTx(ctx, true, func(t *tx) error { return fn(t) })
}

// inTx runs fn in a write transaction. An explicit transaction, one of
// InTx, takes the write lock first (see dialect.lockWrites) and advances
// the revision at its first write. The others serve one write method of
// the Store and advance the revision first thing, which takes the same
// lock: every writer takes it before anything else, so none can deadlock.
func (s *Store) inTx(ctx context.Context, explicit bool, fn func(t *tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer sqlTx.Rollback() // after Commit, a no-op

	t := &tx{q: sqlTx, d: s.d, now: s.now, explicit: explicit}
	if err := t.begin(ctx); err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// tx implements store.Tx on a transaction, or, for reads only, on a pool.
type tx struct {
	q        querier
	d        *dialect
	now      func() time.Time
	explicit bool // a transaction of InTx: writes run in savepoints
	bumped   bool // the revision has advanced in this transaction

	stmts *stmtCache // prepared reads; nil in transactions and on PostgreSQL
}

func (t *tx) begin(ctx context.Context) error {
	if !t.explicit {
		return t.bump(ctx)
	}
	if t.d.lockWrites == "" {
		return nil
	}
	if _, err := t.q.ExecContext(ctx, t.d.lockWrites); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	return nil
}

// bump advances the revision, once per transaction.
func (t *tx) bump(ctx context.Context) error {
	if t.bumped {
		return nil
	}
	const q = "UPDATE revision SET value = value + 1 WHERE id = 1"
	if _, err := t.q.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("advance revision: %w", err)
	}
	t.bumped = true
	return nil
}

// write runs op, a change of one record, and advances the revision. In an
// explicit transaction op runs in a savepoint, so that when it fails the
// rows it already changed (a team's members, say) are restored.
func (t *tx) write(ctx context.Context, op func() error) error {
	if !t.explicit {
		return op()
	}
	if _, err := t.q.ExecContext(ctx, "SAVEPOINT write"); err != nil {
		return err
	}
	err := op()
	if err == nil {
		err = t.bump(ctx)
	}
	if err != nil {
		if _, rbErr := t.q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT write"); rbErr != nil {
			return errors.Join(err, rbErr)
		}
	}
	if _, relErr := t.q.ExecContext(ctx, "RELEASE SAVEPOINT write"); relErr != nil {
		return errors.Join(err, relErr)
	}
	return err
}

// Revision returns the counter that every write advances.
func (t *tx) Revision(ctx context.Context) (int64, error) {
	var rev int64
	err := t.q.QueryRowContext(ctx, "SELECT value FROM revision WHERE id = 1").Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("get revision: %w", err)
	}
	return rev, nil
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := t.q.ExecContext(ctx, t.d.rebind(query), args...)
	if err != nil {
		return nil, t.d.classify(err)
	}
	return res, nil
}

// query and queryRow use a prepared statement when there is a cache. If
// preparing fails, running the query unprepared reports why.
func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.d.rebind(query)
	if t.stmts != nil {
		if st, err := t.stmts.get(ctx, query); err == nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return t.q.QueryContext(ctx, query, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.d.rebind(query)
	if t.stmts != nil {
		if st, err := t.stmts.get(ctx, query); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

// rowErr maps the error of scanning one row: no row is store.ErrNotFound.
func (t *tx) rowErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return t.d.classify(err)
}

// mustChange reports store.ErrNotFound when res changed no row.
func mustChange(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
