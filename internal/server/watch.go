package server

import (
	"context"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
)

// watch polls the store's revision so that changes made through another
// replica (or straight in the database) reach this one's caches within
// watchInterval.
func (s *Server) watch(ctx context.Context) {
	last, _ := s.store.Revision(ctx)
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rev, err := s.store.Revision(ctx)
		if err != nil || rev == last {
			continue
		}
		last = rev
		if err := s.reload(ctx); err != nil {
			s.log.Warn("reload after a change in the database", "err", err)
		}
	}
}

// reload refreshes the models added at run time and drops cached callers.
func (s *Server) reload(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stored, err := catalog.LoadStored(ctx, s.store, s.sealer, s.opts.Env)
	if err != nil {
		return err
	}
	s.catalog.SetStored(stored)
	s.auth.Invalidate()
	return nil
}
