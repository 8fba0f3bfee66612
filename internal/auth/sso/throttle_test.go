package sso

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/testenv"
)

// attempt runs one throttled attempt with outcome o, or returns the
// throttle's refusal.
func attempt(th throttler, login, addr string, out outcome) error {
	end, err := th.begin(context.Background(), login, addr)
	if err != nil {
		return err
	}
	end(out)
	return nil
}

// eachThrottle runs test on a throttle in memory and on one in Redis, each
// with options o on a fake clock of its own.
func eachThrottle(t *testing.T, o ThrottleOptions,
	test func(t *testing.T, th throttler, clock *fakeClock)) {
	for _, name := range []string{"memory", "redis"} {
		t.Run(name, func(t *testing.T) {
			clock, o := newFakeClock(), o
			o.Now = clock.Now
			var th throttler = newThrottle(o)
			if name == "redis" {
				th = newSharedThrottle(redisClient(t), o, nil)
			}
			test(t, th, clock)
		})
	}
}

// redisClient starts a redis-server and returns a client of it.
func redisClient(t *testing.T) *redis.Client {
	r := testenv.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	return rdb
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
	eachThrottle(t, ThrottleOptions{}, func(t *testing.T, th throttler, clock *fakeClock) {
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
	})
}

func TestThrottleAddress(t *testing.T) {
	eachThrottle(t, ThrottleOptions{AddressFailures: 3}, func(t *testing.T, th throttler, _ *fakeClock) {
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
	})
}

func TestThrottleParallelAttempts(t *testing.T) {
	eachThrottle(t, ThrottleOptions{}, func(t *testing.T, th throttler, _ *fakeClock) {
		var ends []func(outcome)
		for i := range 5 { // begun, not yet ended
			end, err := th.begin(context.Background(), "jane", "")
			if err != nil {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
			ends = append(ends, end)
		}
		_, err := th.begin(context.Background(), "jane", "")
		if got := retryAfter(t, err); got != time.Second {
			t.Errorf("sixth attempt in flight: RetryAfter %s, want 1s", got)
		}
		ends[0](undecided)
		if _, err := th.begin(context.Background(), "jane", ""); err != nil {
			t.Errorf("after one attempt ended undecided: %v", err)
		}
	})
}

// Replicas that share a Redis share the counts: five failures spread over
// two lock the account on both, and the counters expire.
func TestSharedThrottleAcrossReplicas(t *testing.T) {
	rdb := redisClient(t)
	clock := newFakeClock()
	o := ThrottleOptions{Now: clock.Now}
	o.setDefaults()
	a, b := newSharedThrottle(rdb, o, nil), newSharedThrottle(rdb, o, nil)
	for i := range 5 {
		th := []throttler{a, b}[i%2]
		if err := attempt(th, "jane", "192.0.2.1:1", failed); err != nil {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	for name, th := range map[string]throttler{"a": a, "b": b} {
		if got := retryAfter(t, attempt(th, "jane", "198.51.100.1:1", succeeded)); got != time.Minute {
			t.Errorf("replica %s: RetryAfter %s, want 1m", name, got)
		}
	}
	keys, err := rdb.Keys(t.Context(), throttleKeyPrefix+"*").Result()
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %v, %v; want the account's and the address's", keys, err)
	}
	for _, k := range keys {
		if ttl := rdb.PTTL(t.Context(), k).Val(); ttl <= 0 || ttl > o.Window+o.MaxLockout {
			t.Errorf("%s expires in %s, want within %s", k, ttl, o.Window+o.MaxLockout)
		}
		if strings.Contains(k, "jane") {
			t.Errorf("key %s names the account in clear", k)
		}
	}
}

// Without Redis, each replica counts on its own, and says so once.
func TestSharedThrottleRedisDown(t *testing.T) {
	r := testenv.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	var logs bytes.Buffer
	clock := newFakeClock()
	th := newSharedThrottle(rdb, ThrottleOptions{Now: clock.Now}, slog.New(slog.NewTextHandler(&logs, nil)))
	r.Stop()
	for i := range 5 {
		if err := attempt(th, "jane", "192.0.2.1:1", failed); err != nil {
			t.Fatalf("failure %d with Redis down: %v", i+1, err)
		}
	}
	if got := retryAfter(t, attempt(th, "jane", "192.0.2.1:1", succeeded)); got != time.Minute {
		t.Errorf("RetryAfter %s with Redis down, want the local lockout of 1m", got)
	}
	if n := strings.Count(logs.String(), "Redis failed"); n != 1 {
		t.Errorf("%d warnings, want one:\n%s", n, logs.String())
	}

	// Back, Redis counts again once the retry delay has passed.
	r.Start()
	th.mu.Lock()
	th.retryAt = time.Time{}
	th.mu.Unlock()
	if err := attempt(th, "bob", "192.0.2.2:1", failed); err != nil {
		t.Fatal(err)
	}
	if keys := rdb.Keys(t.Context(), throttleKeyPrefix+"*").Val(); len(keys) != 2 {
		t.Errorf("keys in Redis after it came back: %v, want bob's account and address", keys)
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
