package sso

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/litellm-go/gateway/internal/secret"
)

// ErrThrottled is matched by every *ThrottledError.
var ErrThrottled = errors.New("too many failed login attempts")

// ThrottledError is returned while an account or an address is locked
// after too many failed logins.
type ThrottledError struct {
	// RetryAfter is how long to wait, in whole seconds and at least one:
	// the value of a Retry-After header.
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed login attempts; retry after %s", e.RetryAfter)
}

// Is makes errors.Is(err, ErrThrottled) match.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// ThrottleOptions limit failed local logins per account and per remote
// address, in memory or in Redis (LocalOptions.Redis). Zero fields take
// the defaults.
type ThrottleOptions struct {
	// AccountFailures is how many failures an account may have within
	// Window before it is locked. Default 5.
	AccountFailures int
	// AddressFailures is the same for a remote address, where an IPv6
	// address counts as its /64. Default 20, as many people may share an
	// office's address.
	AddressFailures int
	// Window is the period over which failures are counted. Default 15
	// minutes.
	Window time.Duration
	// Lockout is the first lockout; each further one doubles it, up to
	// MaxLockout, until a Window passes without one. Defaults 1 and 30
	// minutes.
	Lockout    time.Duration
	MaxLockout time.Duration
	// MaxEntries bounds the accounts and addresses remembered in memory.
	// When it is reached, the one seen least recently is forgotten.
	// Default 10000. In Redis, counters expire instead.
	MaxEntries int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

type outcome int

const (
	succeeded outcome = iota
	failed
	undecided // the user store failed: neither a success nor a guess
)

type throttleKey struct {
	name    string
	limit   int
	account bool
}

// counter is what the throttle remembers of one account or address.
type counter struct {
	key         string
	failures    int // within the window that began at since
	since       time.Time
	inflight    int // attempts begun and not yet ended
	lockouts    int // in a row, for the growing lockout
	lockedUntil time.Time
}

// throttler counts login attempts by account and by remote address, and
// refuses those over the limits of ThrottleOptions. An attempt counts from
// the moment it begins, so that parallel guesses cannot all pass before
// the first failure is recorded; end records how it went.
type throttler interface {
	begin(ctx context.Context, login, remoteAddr string) (end func(outcome), err error)
}

// throttle is a throttler in this process's memory.
type throttle struct {
	opts  ThrottleOptions
	mu    sync.Mutex
	byKey map[string]*list.Element
	lru   *list.List // of *counter, most recently seen first
}

func newThrottle(o ThrottleOptions) *throttle {
	o.setDefaults()
	return &throttle{opts: o, byKey: make(map[string]*list.Element), lru: list.New()}
}

// setDefaults gives the zero fields of o their defaults.
func (o *ThrottleOptions) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.AccountFailures, 5)
	def(&o.AddressFailures, 20)
	def(&o.MaxEntries, 10000)
	defDur(&o.Window, 15*time.Minute)
	defDur(&o.Lockout, time.Minute)
	defDur(&o.MaxLockout, 30*time.Minute)
	if o.Now == nil {
		o.Now = time.Now
	}
}

// keys names the account (hashed, so that any login has a short key) and
// the address of an attempt.
func (o *ThrottleOptions) keys(login, remoteAddr string) []throttleKey {
	ks := []throttleKey{{
		name:    "account:" + secret.HashKey(strings.ToLower(login)),
		limit:   o.AccountFailures,
		account: true,
	}}
	if a := addressKey(remoteAddr); a != "" {
		ks = append(ks, throttleKey{name: "address:" + a, limit: o.AddressFailures})
	}
	return ks
}

func addressKey(remoteAddr string) string {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return secret.HashKey(host)
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		// One host commonly holds a whole /64.
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// begin refuses an attempt while any of its keys is locked, or while the
// attempts in flight could reach its limit; otherwise it records the
// attempt as in flight.
func (t *throttle) begin(_ context.Context, login, remoteAddr string) (func(outcome), error) {
	keys := t.opts.keys(login, remoteAddr)
	if err := t.admit(keys); err != nil {
		return nil, err
	}
	return func(o outcome) { t.end(keys, o) }, nil
}

func (t *throttle) admit(keys []throttleKey) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.opts.Now()
	var wait time.Duration
	for _, k := range keys {
		e, ok := t.byKey[k.name]
		if !ok {
			continue
		}
		// Seen again: a key under attack must not be the one forgotten.
		t.lru.MoveToFront(e)
		c := e.Value.(*counter)
		c.roll(now, t.opts.Window)
		switch {
		case now.Before(c.lockedUntil):
			wait = max(wait, c.lockedUntil.Sub(now))
		case c.failures+c.inflight >= k.limit:
			wait = max(wait, time.Second) // the attempts in flight decide soon
		}
	}
	if wait > 0 {
		return throttled(wait)
	}
	for _, k := range keys {
		t.get(k.name, now).inflight++
	}
	return nil
}

// throttled is the refusal of an attempt that may be made again after
// wait, rounded up to whole seconds.
func throttled(wait time.Duration) *ThrottledError {
	return &ThrottledError{RetryAfter: (wait + time.Second - 1).Truncate(time.Second)}
}

// end records how an attempt that began went. A success clears the
// account, but not the address: one good password must not buy more
// guesses at other accounts.
func (t *throttle) end(keys []throttleKey, o outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.opts.Now()
	for _, k := range keys {
		c := t.get(k.name, now)
		c.inflight = max(c.inflight-1, 0)
		c.roll(now, t.opts.Window)
		switch {
		case o == succeeded && k.account:
			c.failures, c.lockouts, c.lockedUntil = 0, 0, time.Time{}
		case o == failed:
			if c.failures == 0 {
				c.since = now
			}
			c.failures++
			if c.failures >= k.limit {
				c.lockedUntil = now.Add(t.lockout(c.lockouts))
				c.lockouts++
				c.failures = 0
			}
		}
		if c.inflight == 0 && c.failures == 0 && c.lockouts == 0 {
			t.lru.Remove(t.byKey[k.name])
			delete(t.byKey, k.name)
		}
	}
}

// lockout returns the length of lockout number n, counted from 0.
func (t *throttle) lockout(n int) time.Duration {
	d := t.opts.Lockout
	for range n {
		if d >= t.opts.MaxLockout {
			break
		}
		d *= 2
	}
	return min(d, t.opts.MaxLockout)
}

// roll forgets failures older than the window, and the lockouts in a row
// once a window has passed since the last one ended.
func (c *counter) roll(now time.Time, window time.Duration) {
	if c.failures > 0 && now.Sub(c.since) >= window {
		c.failures = 0
	}
	if c.lockouts > 0 && now.Sub(c.lockedUntil) >= window {
		c.lockouts = 0
	}
}

// get returns the counter of key, creating it, and marks it most recently
// seen. At MaxEntries it forgets the least recently seen counter: the
// memory bound wins over the history of a key nobody has tried for the
// longest time.
func (t *throttle) get(key string, now time.Time) *counter {
	if e, ok := t.byKey[key]; ok {
		t.lru.MoveToFront(e)
		return e.Value.(*counter)
	}
	for t.lru.Len() >= t.opts.MaxEntries {
		old := t.lru.Remove(t.lru.Back()).(*counter)
		delete(t.byKey, old.key)
	}
	c := &counter{key: key, since: now}
	t.byKey[key] = t.lru.PushFront(c)
	return c
}
