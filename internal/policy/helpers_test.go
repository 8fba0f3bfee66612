package policy_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// t0 is the start of every test's clock: a whole second, so that offsets
// from it fall in the one-second buckets a test means.
var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for the Limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func ptr[T any](v T) *T { return &v }

// principal returns a caller with a key, user and team, each present when
// its limits are given.
func principal(key, user, team *store.Limits) *auth.Principal {
	p := &auth.Principal{Role: "internal_user"}
	if key != nil {
		p.Key = &store.Key{Hash: "hash-1", Name: "sk-...abcd", Limits: *key}
		p.KeyHash = p.Key.Hash
	}
	if user != nil {
		p.User = &store.User{ID: "alice", Limits: *user}
		p.UserID = p.User.ID
	}
	if team != nil {
		p.Team = &store.Team{ID: "team-1", Alias: "eng", Limits: *team}
		p.TeamID = p.Team.ID
	}
	return p
}

// refusal returns the status, message and Retry-After of a refusal, or
// zeros for nil.
func refusal(t *testing.T, err error) (status int, msg, retry string) {
	t.Helper()
	e := httpError(t, err)
	return e.Status, e.Message, e.Header.Get("Retry-After")
}

// httpError returns err as an *httpapi.Error, a zero one for nil.
func httpError(t *testing.T, err error) *httpapi.Error {
	t.Helper()
	if err == nil {
		return &httpapi.Error{}
	}
	var e *httpapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *httpapi.Error", err)
	}
	return e
}

// admitAt admits p at t0+at on l, settling the ticket at the same time
// with tokens and cost when admitted.
func admitAt(l *policy.Limiter, c *clock, p *auth.Principal, at time.Duration,
	estimate float64, tokens int64, cost float64) error {
	c.Set(t0.Add(at))
	tk, err := l.Admit(p, estimate, c.Now())
	if err == nil {
		tk.Done(tokens, cost)
	}
	return err
}
