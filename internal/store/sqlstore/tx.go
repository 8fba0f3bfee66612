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
	return s.inTx(ctx, txExplicit, func(t *tx) error { return fn(t) })
}

// txKind says what a write transaction serves.
type txKind int

const (
	// txExplicit is a transaction of InTx. It takes the write lock first
	// (see dialect.lockWrites) and advances the revision at its first
	// management write.
	txExplicit txKind = iota
	// txManage serves one management write of the Store. It advances the
	// revision first thing, which takes the same lock.
	txManage
	// txQuiet serves one write of the Store that no cache holds (spend, a
	// login in progress, a session touched). It takes the write lock
	// first and leaves the revision alone.
	txQuiet
)

// inTx runs fn in a write transaction. Every writer takes the write lock
// before anything else, so none can deadlock, and a quiet write cannot
// slip between the read and the write of a read-modify-write in InTx (an
// update of a key's spend, say).
func (s *Store) inTx(ctx context.Context, kind txKind, fn func(t *tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer sqlTx.Rollback() // after Commit, a no-op

	t := &tx{q: sqlTx, d: s.d, now: s.now, explicit: kind == txExplicit}
	if err := t.begin(ctx, kind); err != nil {
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

func (t *tx) begin(ctx context.Context, kind txKind) error {
	if kind == txManage {
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

// write runs op, a change of one management record, and advances the
// revision.
func (t *tx) write(ctx context.Context, op func() error) error {
	return t.atomic(ctx, func() error {
		if err := op(); err != nil {
			return err
		}
		return t.bump(ctx)
	})
}

// writeQuiet runs op, a change that no cache holds, and leaves the
// revision alone.
func (t *tx) writeQuiet(ctx context.Context, op func() error) error {
	return t.atomic(ctx, op)
}

// atomic runs op, which may change several rows, as a whole. In an
// explicit transaction op runs in a savepoint, so that when it fails the
// rows it already changed (a team's members, say) are restored. Outside
// InTx, op has a transaction of its own, which its failure rolls back.
func (t *tx) atomic(ctx context.Context, op func() error) error {
	if !t.explicit {
		return op()
	}
	if _, err := t.q.ExecContext(ctx, "SAVEPOINT write"); err != nil {
		return err
	}
	err := op()
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

// Revision returns the counter that every management write advances.
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
