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
