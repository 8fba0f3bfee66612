package clilogin

import (
	"context"
	"time"

	"github.com/litellm-go/gateway/internal/auth/signer"
)

// CollectInterval is how often Collect deletes expired records.
const CollectInterval = time.Minute

// gcTimeout bounds one collection pass.
const gcTimeout = 30 * time.Second

// Collect deletes expired logins, sign-in states and sessions now and then
// every CollectInterval, until ctx is done. The gateway runs it in a
// goroutine of its own; replicas may all run it.
func (s *Service) Collect(ctx context.Context) {
	t := time.NewTicker(CollectInterval)
	defer t.Stop()
	for {
		s.collectOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// collectOnce runs one pass. Failures are logged and retried on the next.
// A session is deleted only once expired, even if revoked earlier: until
// then its row is what says the token is revoked.
func (s *Service) collectOnce(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, gcTimeout)
	defer cancel()
	now := s.now()
	s.starts.prune(now)
	s.signIns.prune(now)
	logins, err := s.store.DeleteExpiredLogins(ctx, now)
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "delete expired cli logins", "err", err)
	}
	// Leeway: the Signer accepts a token that far past its exp.
	sessions, err := s.store.DeleteExpiredSessions(ctx, now.Add(-signer.Leeway))
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "delete expired sessions", "err", err)
	}
	if logins > 0 || sessions > 0 {
		s.log.DebugContext(ctx, "expired records deleted", "logins", logins, "sessions", sessions)
	}
}
