package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// touchEvery is how often a session's last use is written back at most.
const touchEvery = time.Minute

// Errors for session tokens. A token that is forged, revoked, signed by
// another key or meant for another audience gets the same answer, so a
// caller learns nothing from it.
var (
	ErrInvalidToken = httpapi.Errorf(http.StatusUnauthorized, "Invalid or revoked token.")
	// ErrLoginExpired is the answer to a session token past its expiry.
	ErrLoginExpired = httpapi.Errorf(http.StatusUnauthorized,
		"Your CLI login has expired. Run `litellm-proxy login` to sign in again.")
)

// SessionVerifier checks the signature and claims of a CLI session token.
type SessionVerifier interface {
	Verify(ctx context.Context, token string) (*signer.Claims, error)
}

// EnableSessions makes the authenticator accept CLI session tokens signed
// by v. Call it before serving.
func (a *Authenticator) EnableSessions(v SessionVerifier) { a.sessions = v }

// looksLikeJWT reports whether a credential has the three dot-separated
// parts of a compact JWS (RFC 7515 §7.1).
func looksLikeJWT(s string) bool {
	return strings.Count(s, ".") == 2 && !strings.HasPrefix(s, "sk-")
}

// loadSession verifies a session token and reads the live state it
// depends on: the session row (not revoked), the user (current role) and,
// for a token with a team, that the user is still a member.
func (a *Authenticator) loadSession(ctx context.Context, token string) (*Principal, error) {
	c, err := a.sessions.Verify(ctx, token)
	if errors.Is(err, signer.ErrExpired) {
		return nil, ErrLoginExpired
	}
	if err != nil {
		return nil, ErrInvalidToken
	}
	s, err := a.store.GetSession(ctx, c.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	} else if err != nil {
		return nil, fmt.Errorf("authenticate session: %w", err)
	}
	if s.RevokedAt != nil || s.UserID != c.Subject || s.TeamID != c.TeamID {
		return nil, ErrInvalidToken
	}
	p := &Principal{UserID: s.UserID, TeamID: s.TeamID, SessionID: s.ID, expiresAt: c.ExpiresAt}
	if p.User, err = a.store.GetUser(ctx, s.UserID); errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	} else if err != nil {
		return nil, fmt.Errorf("authenticate session: %w", err)
	}
	p.Role = p.User.Role
	if s.TeamID != "" {
		if p.Team, err = a.store.GetTeam(ctx, s.TeamID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("authenticate session: %w", err)
		}
		if member, _ := p.InTeam(p.Team); p.Team == nil || !member {
			return nil, httpapi.Errorf(http.StatusUnauthorized,
				"You are no longer a member of the team this login was for. Run `litellm-proxy login` again.")
		}
	}
	p.models = modelAccess(p, a.catalog.Snapshot())
	return p, nil
}

// sessionUse collects when sessions were used, written back in batches so
// that the hot path never waits for the database.
type sessionUse struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// note records a use of p's session, at most once per touchEvery.
func (a *Authenticator) note(p *Principal, now time.Time) {
	last := p.lastTouch.Load()
	if now.Unix()-last < int64(touchEvery/time.Second) || !p.lastTouch.CompareAndSwap(last, now.Unix()) {
		return
	}
	a.use.mu.Lock()
	if a.use.seen == nil {
		a.use.seen = make(map[string]time.Time)
	}
	a.use.seen[p.SessionID] = now
	a.use.mu.Unlock()
}

// FlushSessionUse writes the recorded session uses to the store.
func (a *Authenticator) FlushSessionUse(ctx context.Context) error {
	a.use.mu.Lock()
	seen := a.use.seen
	a.use.seen = nil
	a.use.mu.Unlock()
	if len(seen) == 0 {
		return nil
	}
	if err := a.store.TouchSessions(ctx, seen); err != nil {
		return fmt.Errorf("record session use: %w", err)
	}
	return nil
}
