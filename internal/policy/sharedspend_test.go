package policy_test

import (
	"bytes"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/testenv"
)

// Amounts in these tests are sums of powers of two, exact in floating
// point, so that boundaries are hit exactly.

const (
	overBudget = "Budget has been exceeded! Key=sk-...abcd "
	// foreverKey is the Redis key of the spend of the key hash-1 when its
	// budget never resets.
	foreverKey = "litellm-gateway:spend:{key:hash-1}:forever"
)

// spendKey returns the Redis key of the spend of the key hash-1 in the
// period that ends at end, as the Syncer names it.
func spendKey(end time.Time) string {
	return "litellm-gateway:spend:{key:hash-1}:" + strconv.FormatInt(end.Unix(), 10)
}

// assertSpend checks that Redis holds usd as the spend at key, in
// millionths of a dollar, and that the key expires within ttl.
func assertSpend(t *testing.T, rdb *redis.Client, key string, usd float64, ttl time.Duration) {
	t.Helper()
	got, err := rdb.Get(t.Context(), key).Result()
	if want := strconv.FormatFloat(usd*1e6, 'f', 0, 64); err != nil || got != want {
		t.Errorf("GET %s = %q, %v; want %s", key, got, err, want)
	}
	if left, err := rdb.TTL(t.Context(), key).Result(); err != nil || left <= 0 || left > ttl {
		t.Errorf("TTL of %s = %v, %v; want up to %v", key, left, err, ttl)
	}
}

// TestSharedBudget checks that after an exchange a replica counts the
// spend the other settled, refusing the request that would cross the
// key's budget as a single gateway would.
func TestSharedBudget(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	a, b := rs[0], rs[1]
	end := t0.Add(30 * time.Minute)
	p := principal(&store.Limits{MaxBudget: ptr(1.0), BudgetDuration: "1h",
		BudgetResetAt: &end}, nil, nil)
	spend := func(r replica, at time.Duration, estimate, cost float64) string {
		t.Helper()
		return httpError(t, admitAt(r.Limiter, c, p, at, estimate, 0, cost)).Message
	}

	if msg := spend(b, 0, 0, 0); msg != "" {
		t.Fatalf("b's first request: %s", msg)
	}
	syncAll(t, b) // reads a key no replica has written yet
	if msg := spend(b, 0, 0, 0.25); msg != "" {
		t.Fatalf("b's second request: %s", msg)
	}
	if msg := spend(a, 0, 0, 0.5); msg != "" {
		t.Fatalf("a's first request: %s", msg)
	}
	syncAll(t, a, b)

	// b knows of a's 0.5: 0.75 spent, room for 0.25.
	want := overBudget + "Current cost: 0.75, Max budget: 1. This request may cost up to 0.5, " +
		"more than the budget has left. The budget resets at 2026-05-01T12:30:00Z."
	if msg := spend(b, time.Second, 0.5, 0); msg != want {
		t.Errorf("b's request of 0.5 with 0.25 left: %q, want %q", msg, want)
	}
	if msg := spend(b, time.Second, 0.25, 0.25); msg != "" {
		t.Fatalf("b's request of 0.25 with 0.25 left: %s", msg)
	}
	full := overBudget + "Current cost: 1, Max budget: 1. " +
		"The budget resets at 2026-05-01T12:30:00Z."
	if msg := spend(b, time.Second, 0, 0); msg != full {
		t.Errorf("b at its budget: %q, want %q", msg, full)
	}
	syncAll(t, b, a)
	if msg := spend(a, 2*time.Second, 0, 0); msg != full {
		t.Errorf("a after the exchange: %q, want %q", msg, full)
	}
	assertSpend(t, a.rdb, spendKey(end), 1, 30*time.Minute+time.Hour)
}

// TestSharedBudgetNewPeriod checks that replicas whose clocks differ keep
// the spend of two periods apart, that a new period starts from zero on
// every replica, and that the Resetter's reset of the store takes the end
// the replicas rolled over to, keeping the spend of the new period.
func TestSharedBudgetNewPeriod(t *testing.T) {
	srv := testenv.Redis(t)
	ca, cb := newClock(), newClock()
	a := newReplicas(t, ca, srv.Addr, 1, nil)[0]
	b := newReplicas(t, cb, srv.Addr, 1, nil)[0]
	end := t0.Add(30 * time.Minute)
	p := principal(&store.Limits{MaxBudget: ptr(1.0), BudgetDuration: "1h",
		BudgetResetAt: &end}, nil, nil)
	spend := func(r replica, c *clock, at time.Duration, estimate, cost float64) string {
		t.Helper()
		return httpError(t, admitAt(r.Limiter, c, p, at, estimate, 0, cost)).Message
	}
	const last = 30*time.Minute - time.Second

	if msg := spend(b, cb, 28*time.Minute, 0, 0); msg != "" {
		t.Fatal(msg)
	}
	if msg := spend(a, ca, 29*time.Minute, 0, 1); msg != "" {
		t.Fatal(msg)
	}
	syncAll(t, a, b)
	if msg := spend(b, cb, 29*time.Minute, 0, 0); !strings.Contains(msg, "Current cost: 1,") {
		t.Fatalf("b at the old period's budget: %q, want a refusal", msg)
	}

	// a's clock is past the end, b's a second before it.
	if msg := spend(a, ca, 30*time.Minute, 0.25, 0.25); msg != "" {
		t.Fatalf("a in the new period: %s", msg)
	}
	if msg := spend(b, cb, last, 0, 0); !strings.Contains(msg, "Current cost: 1,") {
		t.Errorf("b in the last second of the old period: %q, want a refusal", msg)
	}
	syncAll(t, a, b)
	if msg := spend(b, cb, 30*time.Minute, 0, 0); msg != "" {
		t.Fatalf("b in the new period: %s", msg)
	}
	syncAll(t, b)
	want := overBudget + "Current cost: 0.25, Max budget: 1. This request may cost up to 1, " +
		"more than the budget has left. The budget resets at 2026-05-01T13:30:00Z."
	if msg := spend(b, cb, 30*time.Minute, 1, 0); msg != want {
		t.Errorf("b in the new period: %q, want %q", msg, want)
	}
	assertSpend(t, a.rdb, spendKey(end), 1, 30*time.Minute+time.Hour)
	assertSpend(t, a.rdb, spendKey(end.Add(time.Hour)), 0.25, 2*time.Hour)

	// a's Resetter resets the store a minute late, to the end a rolled
	// over to, and a keeps the new period's spend.
	ca.Set(end.Add(time.Minute))
	st := &fakeBudgets{due: []store.BudgetRef{
		{Kind: store.BudgetKey, ID: "hash-1", Duration: "1h", ResetAt: end},
	}}
	r := policy.NewResetter(st, a.Limiter, discard(), ca.Now)
	if err := r.ResetDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"key hash-1 2026-05-01T13:30:00Z"}; !slices.Equal(st.resets, want) {
		t.Errorf("store resets %q, want %q", st.resets, want)
	}
	if msg := spend(a, ca, 31*time.Minute, 1, 0); !strings.Contains(msg, "Current cost: 0.25,") {
		t.Errorf("a after the store's reset: %q, want a refusal at 0.25", msg)
	}
}

// TestSharedBudgetRedisDown checks that spend is counted on each replica
// alone while Redis is unreachable, and shared again, all of it, once
// Redis is back, even empty.
func TestSharedBudgetRedisDown(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	rs := newReplicas(t, c, srv.Addr, 2, log)
	a, b := rs[0], rs[1]
	p := principal(&store.Limits{MaxBudget: ptr(1.0)}, nil, nil) // never resets
	spend := func(r replica, estimate, cost float64) string {
		t.Helper()
		return httpError(t, admitAt(r.Limiter, c, p, time.Second, estimate, 0, cost)).Message
	}

	spend(a, 0, 0.25)
	spend(b, 0, 0.25)
	syncAll(t, a, b, a)
	srv.Stop()

	for i := range 2 {
		if msg := spend(a, 0.25, 0.25); msg != "" {
			t.Fatalf("a's request %d with Redis down: %s", i, msg)
		}
		if err := a.sync.Sync(t.Context()); err == nil {
			t.Fatal("Sync succeeded with Redis down")
		}
	}
	// a counts its own 0.75 and b's 0.25 it last knew.
	if msg := spend(a, 0, 0); !strings.Contains(msg, "Current cost: 1, Max budget: 1.") {
		t.Errorf("a at its budget with Redis down: %q, want a refusal", msg)
	}
	// b knows 0.5: it goes on alone, within its budget.
	if msg := spend(b, 0.25, 0.25); msg != "" {
		t.Errorf("b with Redis down: %s", msg)
	}
	if a.sync.Up() || !strings.Contains(logged.String(), "budgets are enforced") {
		t.Errorf("Up() = %v with Redis down; log:\n%s", a.sync.Up(), logged.String())
	}

	// Redis comes back empty: the first exchange of each replica finds
	// the spend lost, and the second pushes the rest of it.
	srv.Start()
	syncAll(t, a, b, a, b, a)
	want := overBudget + "Current cost: 1.25, Max budget: 1."
	for name, r := range map[string]replica{"a": a, "b": b} {
		if msg := spend(r, 0, 0); msg != want {
			t.Errorf("%s after Redis came back: %q, want %q", name, msg, want)
		}
	}
	assertSpend(t, a.rdb, foreverKey, 1.25, 30*24*time.Hour)
}

// TestSharedBudgetConcurrent races requests on one replica against the
// exchanges of two: the request that would cross the budget is refused
// as without Redis, Redis ends up with the spend once, and the other
// replica refuses too.
func TestSharedBudgetConcurrent(t *testing.T) {
	const limit, estimate = 1.0, 0.125
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	p := principal(&store.Limits{MaxBudget: ptr(limit)}, nil, nil)
	if err := admitAt(rs[1].Limiter, c, p, 0, 0, 0, 0); err != nil {
		t.Fatal(err) // the other replica meets the key
	}
	stop := exchangeUntilDone(t, rs)

	var admitted atomic.Int64
	race(func(int) {
		for {
			tk, err := rs[0].Admit(p, estimate, t0)
			if err != nil {
				return
			}
			admitted.Add(1)
			tk.Done(0, estimate)
		}
	})
	stop()
	if n := admitted.Load(); n != 8 {
		t.Errorf("admitted %d requests of %v each, want 8", n, estimate)
	}
	assertSpend(t, rs[0].rdb, foreverKey, limit, 30*24*time.Hour)
	if _, err := rs[1].Admit(p, 0, t0); err == nil {
		t.Error("the other replica admitted a request with the budget spent")
	}
}

// TestSharedSpendPushedOnce races requests on two replicas against their
// exchanges, and checks that Redis ends up with every cost once, costs
// under a millionth of a dollar included.
func TestSharedSpendPushedOnce(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	p := principal(&store.Limits{MaxBudget: ptr(1e6)}, nil, nil)
	stop := exchangeUntilDone(t, rs)

	race(func(i int) {
		for range 100 {
			if tk, err := rs[i%2].Admit(p, 0, t0); err == nil {
				tk.Done(0, 1.0/(1<<22)) // about 0.24 millionths
			}
		}
	})
	stop()
	// 6400 costs of 2^-22: 0.00152587890625, which rounds to 1526 µUSD
	// on each replica's half.
	got, err := rs[0].rdb.Get(t.Context(), foreverKey).Result()
	if err != nil || got != "1526" {
		t.Errorf("Redis holds %q µUSD (err %v), want 1526 for the two replicas' 763", got, err)
	}
}

// exchangeUntilDone runs the exchanges of rs one after the other until
// the returned function is called, which then makes one more on each.
func exchangeUntilDone(t *testing.T, rs []replica) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			default:
				for _, r := range rs {
					r.sync.Sync(t.Context())
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		syncAll(t, rs...)
	}
}

// TestSharedBudgetEvict checks that a replica that forgot an idle owner's
// shared spend reads it again, its own included, without counting its own
// twice.
func TestSharedBudgetEvict(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	a, b := rs[0], rs[1]
	p := principal(&store.Limits{MaxBudget: ptr(1.0)}, nil, nil)

	if err := admitAt(a.Limiter, c, p, 0, 0, 0, 0.5); err != nil {
		t.Fatal(err)
	}
	syncAll(t, a)
	a.Evict(t0.Add(time.Minute))
	if err := admitAt(b.Limiter, c, p, time.Minute, 0, 0, 0.25); err != nil {
		t.Fatal(err)
	}
	syncAll(t, b)

	// a's next request meets the owner again; its next exchange reads
	// 0.75, of which 0.5 is a's.
	if err := admitAt(a.Limiter, c, p, time.Minute, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	syncAll(t, a)
	err := admitAt(a.Limiter, c, p, time.Minute, 0.5, 0, 0)
	if msg := httpError(t, err).Message; !strings.Contains(msg, "Current cost: 0.75,") {
		t.Errorf("a after meeting the owner again: %q, want a refusal at 0.75", msg)
	}
}

// TestSharedBudgetReloaded checks that a principal loaded again, with the
// same reset time written in another zone, keeps the spend still to push.
func TestSharedBudgetReloaded(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	a := newReplicas(t, c, srv.Addr, 1, nil)[0]
	end := t0.Add(30 * time.Minute)
	limits := func(end time.Time) *store.Limits {
		return &store.Limits{MaxBudget: ptr(1.0), BudgetDuration: "1h", BudgetResetAt: &end}
	}

	if err := admitAt(a.Limiter, c, principal(limits(end), nil, nil), 0, 0, 0, 0.25); err != nil {
		t.Fatal(err)
	}
	reloaded := principal(limits(end.In(time.FixedZone("CEST", 2*60*60))), nil, nil)
	if err := admitAt(a.Limiter, c, reloaded, time.Second, 0, 0, 0.5); err != nil {
		t.Fatal(err)
	}
	syncAll(t, a)
	assertSpend(t, a.rdb, spendKey(end), 0.75, 30*time.Minute+time.Hour)
}
