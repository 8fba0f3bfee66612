package policy_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/testenv"
)

// replica is one gateway replica's Limiter and the Syncer that shares its
// counts.
type replica struct {
	*policy.Limiter
	sync *policy.Syncer
	rdb  *redis.Client
}

// newReplicas returns n replicas on the clock c, sharing their counts
// through the Redis at addr. Tests drive the exchanges with Sync.
func newReplicas(t *testing.T, c *clock, addr string, n int, log *slog.Logger) []replica {
	t.Helper()
	rs := make([]replica, n)
	for i := range rs {
		rdb := newClient(addr, nil)
		t.Cleanup(func() { rdb.Close() })
		l := policy.NewLimiter(c.Now)
		s := policy.NewSyncer(l, rdb, policy.SyncOptions{Log: log})
		rs[i] = replica{Limiter: l, rdb: rdb, sync: s}
	}
	return rs
}

// newClient is a client of addr as the gateway makes it: no retries
// within an exchange, since the next exchange is the retry.
func newClient(addr string, hook redis.Hook) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	if hook != nil {
		rdb.AddHook(hook)
	}
	return rdb
}

// syncAll makes one exchange on each replica, in order.
func syncAll(t *testing.T, rs ...replica) {
	t.Helper()
	for i, r := range rs {
		if err := r.sync.Sync(t.Context()); err != nil {
			t.Fatalf("replica %d: Sync: %v", i, err)
		}
	}
}

// admit admits p on r at t0+at, settling at once with tokens; it returns
// the refusal's message and Retry-After, empty when admitted.
func admit(t *testing.T, r replica, c *clock, p *auth.Principal, at time.Duration,
	tokens int64) (msg, retry string) {
	t.Helper()
	status, msg, retry := refusal(t, admitAt(r.Limiter, c, p, at, 0, tokens, 0))
	if msg != "" && status != http.StatusTooManyRequests {
		t.Errorf("refusal status %d, want 429", status)
	}
	return msg, retry
}

// TestSharedRPM checks that after an exchange a replica counts the
// requests the other admitted, refusing as a single gateway would.
func TestSharedRPM(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	a, b := rs[0], rs[1]
	p := principal(&store.Limits{RPMLimit: ptr[int64](10)}, nil, nil)

	if msg, _ := admit(t, b, c, p, 0, 0); msg != "" {
		t.Fatalf("b's first request: %s", msg)
	}
	for i := range 5 {
		if msg, _ := admit(t, a, c, p, 0, 0); msg != "" {
			t.Fatalf("a's request %d: %s", i, msg)
		}
	}
	syncAll(t, a, b)

	// b knows of a's 5: 6 in second 0, and room for 4 more.
	for i := range 4 {
		if msg, _ := admit(t, b, c, p, 10*time.Second, 0); msg != "" {
			t.Fatalf("b's request %d at 10s: %s", i, msg)
		}
	}
	const full = "Rate limit reached for key sk-...abcd: 10 requests per minute. " +
		"Try again in 50s."
	if msg, retry := admit(t, b, c, p, 10*time.Second, 0); msg != full || retry != "50" {
		t.Errorf("b's 11th request: %q, Retry-After %q; want %q, 50", msg, retry, full)
	}
	syncAll(t, b, a)
	if msg, retry := admit(t, a, c, p, 10*time.Second, 0); msg != full || retry != "50" {
		t.Errorf("a after the exchange: %q, Retry-After %q; want %q, 50", msg, retry, full)
	}

	// Second 0 leaves the window at 60s: b's 4 from 10s are left, and
	// room for 6.
	for i, r := range []replica{a, b, a, b, a, b} {
		if msg, _ := admit(t, r, c, p, time.Minute, 0); msg != "" {
			t.Fatalf("request %d at 60s: %s", i, msg)
		}
	}
	syncAll(t, a, b, a)
	for _, r := range []replica{a, b} {
		if msg, retry := admit(t, r, c, p, time.Minute, 0); msg == "" || retry != "10" {
			t.Errorf("an 11th request at 60s: %q, Retry-After %q; want a refusal, 10", msg, retry)
		}
	}
	assertKeysExpire(t, a.rdb)
}

// assertKeysExpire checks that every key the replicas wrote expires.
func assertKeysExpire(t *testing.T, rdb *redis.Client) {
	t.Helper()
	keys, err := rdb.Keys(t.Context(), "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("KEYS = %v, %v; want the counters", keys, err)
	}
	for _, k := range keys {
		ttl, err := rdb.TTL(t.Context(), k).Result()
		want := 3 * time.Minute
		if strings.HasSuffix(k, ":epoch") {
			want = 24 * time.Hour
		}
		if err != nil || ttl <= 0 || ttl > want {
			t.Errorf("TTL of %s = %v, %v; want up to %v", k, ttl, err, want)
		}
	}
}

// TestSharedTPM checks that tokens settled on one replica count against
// the tpm limit on another after an exchange.
func TestSharedTPM(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	a, b := rs[0], rs[1]
	p := principal(nil, &store.Limits{TPMLimit: ptr[int64](100)}, nil)

	if msg, _ := admit(t, a, c, p, 0, 70); msg != "" {
		t.Fatal(msg)
	}
	if msg, _ := admit(t, b, c, p, time.Second, 20); msg != "" {
		t.Fatal(msg)
	}
	syncAll(t, a, b)

	c.Set(t0.Add(2 * time.Second))
	tk, err := b.Admit(p, 0, c.Now())
	if err != nil {
		t.Fatalf("b at 90 tokens of 100: %v", err)
	}
	if got := tk.Headers().Get("x-ratelimit-remaining-tokens"); got != "10" {
		t.Errorf("b's remaining tokens = %q, want 10: a's 70 and its own 20 used", got)
	}
	tk.Done(10, 0)
	const full = "Rate limit reached for user alice: 100 tokens per minute. Try again in 58s."
	if msg, retry := admit(t, b, c, p, 2*time.Second, 0); msg != full || retry != "58" {
		t.Errorf("b at 100 tokens: %q, Retry-After %q; want %q, 58", msg, retry, full)
	}
	syncAll(t, b, a)
	if msg, retry := admit(t, a, c, p, 2*time.Second, 0); msg != full || retry != "58" {
		t.Errorf("a at 100 tokens: %q, Retry-After %q; want %q, 58", msg, retry, full)
	}
}

// TestSharedBound runs two replicas through a minute of steady traffic
// and checks that together they admit at most the limit plus the requests
// that arrive within L = 2(I + D) (see Syncer), here 400 ms: each
// exchange takes no time on the test's clock, every 200 ms per replica.
func TestSharedBound(t *testing.T) {
	const (
		limit    = 30
		step     = 100 * time.Millisecond // a request every step, to a and b in turn
		interval = 200 * time.Millisecond
		lag      = 2 * interval
	)
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	p := principal(&store.Limits{RPMLimit: ptr[int64](limit)}, nil, nil)

	admitted := 0
	for at := time.Duration(0); at < time.Minute; at += step {
		r := rs[int(at/step)%2]
		if msg, _ := admit(t, r, c, p, at, 0); msg == "" {
			admitted++
		}
		// Each replica exchanges after each of its requests, so every
		// interval, b half an interval after a.
		syncAll(t, r)
	}
	t.Logf("admitted %d of %d requests in a minute, limit %d", admitted, time.Minute/step, limit)
	slack := int(lag / step)
	if admitted < limit || admitted > limit+slack {
		t.Errorf("admitted %d in a minute, want from %d to %d", admitted, limit, limit+slack)
	}
}

// TestSharedFirstMeeting checks the one case outside the steady-state
// bound: a replica that has not counted an owner in the last minute knows
// the others' count only after its next exchange.
func TestSharedFirstMeeting(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	a, b := rs[0], rs[1]
	p := principal(&store.Limits{RPMLimit: ptr[int64](2)}, nil, nil)

	admit(t, a, c, p, 0, 0)
	admit(t, a, c, p, 0, 0)
	syncAll(t, a, b)
	if msg, _ := admit(t, b, c, p, time.Second, 0); msg != "" {
		t.Fatalf("b's first request for the key: %s; b had not met it, so it knew nothing", msg)
	}
	syncAll(t, b)
	if msg, _ := admit(t, b, c, p, time.Second, 0); msg == "" {
		t.Error("b admitted a request after its exchange, with a's 2 known")
	}
}

// TestSharedRedisDown checks that admission goes on, on the replica's own
// counts, while Redis is unreachable, that one warning says so, and that
// the counts of the outage are shared once Redis is back.
func TestSharedRedisDown(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	rs := newReplicas(t, c, srv.Addr, 2, log)
	a, b := rs[0], rs[1]
	p := principal(&store.Limits{RPMLimit: ptr[int64](5)}, nil, nil)

	admit(t, b, c, p, 0, 0)
	admit(t, a, c, p, 0, 0)
	syncAll(t, a, b, a)
	srv.Stop()

	start := time.Now()
	for i := range 3 {
		if msg, _ := admit(t, a, c, p, time.Second, 0); msg != "" {
			t.Fatalf("a's request %d with Redis down: %s", i, msg)
		}
		if err := a.sync.Sync(t.Context()); err == nil {
			t.Fatal("Sync succeeded with Redis down")
		}
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("3 admissions and exchanges took %v with Redis down", elapsed)
	}
	// a counts its own 4 and b's 1 it last knew: the 6th is refused.
	msg, _ := admit(t, a, c, p, time.Second, 0)
	if !strings.Contains(msg, "5 requests per minute") {
		t.Errorf("a's 6th request with Redis down: %q, want a rate-limit refusal", msg)
	}
	if a.sync.Up() || a.sync.Failures() != 3 {
		t.Errorf("Up() = %v, Failures() = %d; want false, 3", a.sync.Up(), a.sync.Failures())
	}
	if n := strings.Count(logged.String(), "redis unreachable"); n != 1 {
		t.Errorf("%d warnings of 3 failed exchanges, want 1:\n%s", n, logged.String())
	}

	// Redis comes back empty: the first exchange of each replica finds
	// the counts from before the outage lost, and the second pushes them
	// again.
	srv.Start()
	syncAll(t, a, b, a, b)
	if !a.sync.Up() || !strings.Contains(logged.String(), "redis reachable again") {
		t.Errorf("Up() = %v after Redis came back; log:\n%s", a.sync.Up(), logged.String())
	}
	if msg, _ := admit(t, b, c, p, 2*time.Second, 0); msg == "" {
		t.Error("b admitted a request with a's 4 and its own 1 known")
	}
}

// TestSharedConcurrent races admissions on two replicas against their
// exchanges, and checks that Redis ends up with every admitted request
// once: none lost, none pushed twice.
func TestSharedConcurrent(t *testing.T) {
	srv := testenv.Redis(t)
	c := newClock()
	rs := newReplicas(t, c, srv.Addr, 2, nil)
	p := principal(&store.Limits{RPMLimit: ptr[int64](1 << 30)}, nil, nil)

	done := make(chan struct{})
	syncing := make(chan struct{})
	go func() {
		defer close(syncing)
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
	var admitted atomic.Int64
	race(func(i int) {
		for range 50 {
			if tk, err := rs[i%2].Admit(p, 0, t0); err == nil {
				admitted.Add(1)
				tk.Done(0, 0)
			}
		}
	})
	close(done)
	<-syncing
	syncAll(t, rs...)

	key := "litellm-gateway:ratelimit:{key:hash-1}:requests:" + strconv.FormatInt(t0.Unix()/60, 10)
	counts, err := rs[0].rdb.HGetAll(t.Context(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	got := counts[strconv.FormatInt(t0.Unix(), 10)]
	if want := strconv.FormatInt(admitted.Load(), 10); got != want {
		t.Errorf("Redis holds %s requests, want the %s admitted", got, want)
	}
}

// countingHook counts the connections and commands of a Redis client.
type countingHook struct{ dials, commands atomic.Int64 }

func (h *countingHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		h.dials.Add(1)
		return next(ctx, network, addr)
	}
}

func (h *countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.commands.Add(1)
		return next(ctx, cmd)
	}
}

func (h *countingHook) ProcessPipelineHook(
	next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.commands.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// TestAdmitDoesNoRedisIO checks that a shared Limiter reaches Redis only
// through its Syncer's exchanges, never while admitting or settling, for
// rate limits and budgets alike.
func TestAdmitDoesNoRedisIO(t *testing.T) {
	srv := testenv.Redis(t)
	var hook countingHook
	rdb := newClient(srv.Addr, &hook)
	defer rdb.Close()
	c := newClock()
	l := policy.NewLimiter(c.Now)
	s := policy.NewSyncer(l, rdb, policy.SyncOptions{})
	limits := &store.Limits{RPMLimit: ptr[int64](1 << 40), TPMLimit: ptr[int64](1 << 40),
		MaxBudget: ptr(1e12)}
	p := principal(limits, limits, limits)

	for i := range 1000 {
		if err := admitAt(l, c, p, time.Duration(i)*time.Millisecond, 1, 10, 1); err != nil {
			t.Fatal(err)
		}
	}
	if d, n := hook.dials.Load(), hook.commands.Load(); d != 0 || n != 0 {
		t.Fatalf("1000 admissions dialled %d times and sent %d commands, want none", d, n)
	}
	if err := s.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if hook.commands.Load() == 0 {
		t.Error("an exchange sent no command")
	}
}
