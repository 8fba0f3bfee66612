package sso

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// attempt runs one throttled attempt with outcome o, or returns the
// throttle's refusal.
func attempt(th *throttle, login, addr string, o outcome) error {
	keys := th.keys(login, addr)
	if err := th.begin(keys); err != nil {
		return err
	}
	th.end(keys, o)
	return nil
}

func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	var te *ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, ErrThrottled) {
		t.Fatalf("error %v, want a *ThrottledError", err)
	}
	if te.RetryAfter%time.Second != 0 || te.RetryAfter < time.Second {
		t.Errorf("RetryAfter %s, want whole seconds", te.RetryAfter)
	}
	return te.RetryAfter
}

func TestThrottleAccount(t *testing.T) {
	clock := newFakeClock()
	th := newThrottle(ThrottleOptions{Now: clock.Now})
	fail := func(n int) {
		t.Helper()
		for i := range n { // from many addresses: the account counts
			if err := attempt(th, "Jane", fmt.Sprintf("192.0.2.%d:1", i), failed); err != nil {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
	}

	// Each lockout in a row doubles: 1, 2, 4 minutes.
	for _, lock := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		fail(5)
		err := attempt(th, "jane", "198.51.100.1:1", succeeded)
		if got := retryAfter(t, err); got != lock {
			t.Errorf("RetryAfter %s, want %s", got, lock)
		}
		clock.Advance(lock - time.Second)
		if err := attempt(th, "jane", "198.51.100.1:1", succeeded); err == nil {
			t.Fatalf("admitted %s into a %s lockout", lock-time.Second, lock)
		}
		clock.Advance(time.Second)
	}

	// A success clears the account: five more failures before a lockout.
	if err := attempt(th, "jane", "198.51.100.1:1", succeeded); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	fail(4)
	if err := attempt(th, "jane", "198.51.100.1:1", failed); err != nil {
		t.Errorf("fifth failure after a success: %v", err)
	}

	// Failures older than the window are forgotten.
	clock.Advance(time.Hour)
	fail(4)
	clock.Advance(16 * time.Minute)
	fail(4)
	if err := attempt(th, "jane", "198.51.100.1:1", succeeded); err != nil {
		t.Errorf("four failures in each of two windows locked the account: %v", err)
	}
}

func TestThrottleAddress(t *testing.T) {
	clock := newFakeClock()
	th := newThrottle(ThrottleOptions{Now: clock.Now, AddressFailures: 3})
	for i := range 3 {
		attempt(th, fmt.Sprintf("user%d", i), "2001:db8:1:1::7", failed)
	}
	// The same /64, another account: locked. A success does not unlock it.
	retryAfter(t, attempt(th, "someone", "[2001:db8:1:1:ffff::1]:443", succeeded))
	if err := attempt(th, "someone", "[2001:db8:1:2::1]:443", succeeded); err != nil {
		t.Errorf("another /64: %v", err)
	}
	if err := attempt(th, "someone", "::ffff:192.0.2.1", succeeded); err != nil {
		t.Errorf("an IPv4 address: %v", err)
	}
}

func TestThrottleParallelAttempts(t *testing.T) {
	clock := newFakeClock()
	th := newThrottle(ThrottleOptions{Now: clock.Now})
	keys := th.keys("jane", "")
	for i := range 5 { // begun, not yet ended
		if err := th.begin(keys); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if got := retryAfter(t, th.begin(keys)); got != time.Second {
		t.Errorf("sixth attempt in flight: RetryAfter %s, want 1s", got)
	}
	th.end(keys, undecided)
	if err := th.begin(keys); err != nil {
		t.Errorf("after one attempt ended undecided: %v", err)
	}
}

func TestThrottleMemoryBound(t *testing.T) {
	clock := newFakeClock()
	th := newThrottle(ThrottleOptions{Now: clock.Now, MaxEntries: 100})
	for i := range 1000 {
		attempt(th, fmt.Sprintf("user%d", i), fmt.Sprintf("10.0.%d.%d:1", i/256, i%256), failed)
	}
	if len(th.byKey) > 100 || th.lru.Len() != len(th.byKey) {
		t.Errorf("%d keys, %d in the list; want at most 100 of each", len(th.byKey), th.lru.Len())
	}

	// Keys with nothing to remember are dropped at once.
	th = newThrottle(ThrottleOptions{Now: clock.Now})
	attempt(th, "jane", "192.0.2.1:1", succeeded)
	if len(th.byKey) != 0 {
		t.Errorf("%d keys kept after a success, want none", len(th.byKey))
	}
	attempt(th, "jane", "192.0.2.1:1", failed)
	attempt(th, "jane", "192.0.2.1:1", succeeded)
	if len(th.byKey) != 1 {
		t.Errorf("%d keys kept after a failure then a success, want the address only", len(th.byKey))
	}
}
