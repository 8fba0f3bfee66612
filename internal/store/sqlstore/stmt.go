package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps the read pool's queries prepared. On SQLite, parsing a
// query costs more than running it: caching makes GetKey several times
// faster.
// PostgreSQL needs none, since pgx caches statements on each connection.
//
// The queries are a fixed set, so the cache stays small. database/sql
// prepares a cached statement again on each connection that runs it.
type stmtCache struct {
	db    *sql.DB
	stmts sync.Map // query -> *sql.Stmt
}

// get returns the prepared form of query.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.stmts.LoadOrStore(query, st); loaded {
		st.Close() // another goroutine prepared it first
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	var errs []error
	c.stmts.Range(func(q, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		c.stmts.Delete(q)
		return true
	})
	return errors.Join(errs...)
}

// rowStmt is a statement that a write on SQLite runs once for each of
// many rows, such as the insert of a spend record.
type rowStmt struct {
	ctx  context.Context // the write's
	bare context.Context // ctx without its end, for each row
	st   *sql.Stmt
	d    *dialect
}

// prepareRows prepares query for the rows of a write in t: parsing a short
// statement costs more than running it.
//
// Each row runs without ctx, which is checked between rows instead. The
// driver watches a context that can end with a goroutine of its own for
// every call, and that costs more than inserting a row, which takes
// microseconds.
func (t *tx) prepareRows(ctx context.Context, query string) (*rowStmt, error) {
	st, err := t.q.PrepareContext(ctx, t.d.rebind(query))
	if err != nil {
		return nil, err
	}
	return &rowStmt{ctx: ctx, bare: context.WithoutCancel(ctx), st: st, d: t.d}, nil
}

// exec runs the statement with the arguments of one row.
func (s *rowStmt) exec(args ...any) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if _, err := s.st.ExecContext(s.bare, args...); err != nil {
		return s.d.classify(err)
	}
	return nil
}

// close releases the statement; the end of the transaction would too.
func (s *rowStmt) close() { s.st.Close() }
