package server_test

import (
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
	"github.com/litellm-go/gateway/internal/testenv"
)

// redisConfig is pricedConfig with the Redis of $TEST_REDIS_URL.
const redisConfig = pricedConfig + "router_settings: {redis_url: os.environ/TEST_REDIS_URL}\n"

// TestRateLimitAcrossReplicas runs two gateways on one PostgreSQL and one
// Redis, and checks that a key's rpm limit holds for both together.
func TestRateLimitAcrossReplicas(t *testing.T) {
	db := testenv.PostgresURL(t)
	rds := testenv.Redis(t)
	opts := servertest.Options{
		Config: redisConfig, DatabaseURL: db, ReplicaSync: 10 * time.Millisecond,
		Env: map[string]string{"TEST_REDIS_URL": "redis://" + rds.Addr},
	}
	a, b := servertest.Start(t, opts), servertest.Start(t, opts)
	var key apitype.GenerateKeyResponse
	a.MustDo(t, 200, "POST", "/key/generate", a.MasterKey, map[string]any{"rpm_limit": 3}).
		JSON(t, &key)

	// b must have met the key to learn of a's requests (see policy.Syncer).
	b.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	a.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	a.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	waitPushed(t, rds.Addr, 3)
	time.Sleep(200 * time.Millisecond) // 20 exchanges of each gateway

	for name, g := range map[string]*servertest.Gateway{"a": a, "b": b} {
		r := g.MustDo(t, 429, "POST", "/v1/chat/completions", key.Key, chatBody)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", name)
		}
	}
	metrics := string(a.MustDo(t, 200, "GET", "/metrics", "", nil).Body)
	if !strings.Contains(metrics, "litellm_redis_rate_limit_sync_up 1") {
		t.Errorf("/metrics does not say that the exchanges succeed:\n%s", metrics)
	}
}

// waitPushed waits until the Redis at addr counts n requests in all.
func waitPushed(t *testing.T, addr string, n int64) {
	t.Helper()
	waitRedis(t, addr, "*:requests:*", fmt.Sprintf("requests, want %d", n),
		func(rdb *redis.Client, key string) (sum int64) {
			counts, _ := rdb.HGetAll(t.Context(), key).Result()
			for _, v := range counts {
				c, _ := strconv.ParseInt(v, 10, 64)
				sum += c
			}
			return sum
		},
		func(total int64) bool { return total == n })
}

// waitRedis polls the Redis at addr until the values of the keys that
// match pattern, read by value and summed, satisfy ok; it fails the test
// after 5 s, naming what it waited for.
func waitRedis(t *testing.T, addr, pattern, what string,
	value func(rdb *redis.Client, key string) int64, ok func(total int64) bool) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var total int64
		keys, err := rdb.Keys(t.Context(), pattern).Result()
		for _, k := range keys {
			total += value(rdb, k)
		}
		if err == nil && ok(total) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Redis holds %d %s (err %v)", total, what, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestBudgetAcrossReplicas runs two gateways on one PostgreSQL and one
// Redis, and checks that a key's budget holds for both together: each
// spends less than the budget, both refuse once their spend together
// passes it.
func TestBudgetAcrossReplicas(t *testing.T) {
	db := testenv.PostgresURL(t)
	rds := testenv.Redis(t)
	opts := servertest.Options{
		Config: redisConfig, DatabaseURL: db, ReplicaSync: 10 * time.Millisecond,
		Env: map[string]string{"TEST_REDIS_URL": "redis://" + rds.Addr},
	}
	a, b := servertest.Start(t, opts), servertest.Start(t, opts)
	r := a.MustDo(t, 200, "POST", "/v1/chat/completions", a.MasterKey, chatBody)
	cost, err := strconv.ParseFloat(r.Header.Get("x-litellm-response-cost"), 64)
	if err != nil || cost <= 0 {
		t.Fatalf("x-litellm-response-cost = %q", r.Header.Get("x-litellm-response-cost"))
	}
	var key apitype.GenerateKeyResponse
	a.MustDo(t, 200, "POST", "/key/generate", a.MasterKey,
		map[string]any{"max_budget": 1.5 * cost, "budget_duration": "30d"}).JSON(t, &key)

	// Each gateway spends one request's cost of the one and a half.
	b.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	a.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	waitSpend(t, rds.Addr, 2*cost)
	time.Sleep(200 * time.Millisecond) // 20 exchanges of each gateway

	for name, g := range map[string]*servertest.Gateway{"a": a, "b": b} {
		var env apitype.ErrorEnvelope
		g.MustDo(t, 429, "POST", "/v1/chat/completions", key.Key, chatBody).JSON(t, &env)
		if !strings.HasPrefix(env.Error.Message, "Budget has been exceeded!") {
			t.Errorf("%s: refusal %q, want a budget refusal", name, env.Error.Message)
		}
	}
}

// waitSpend waits until the Redis at addr holds usd of spend in all.
func waitSpend(t *testing.T, addr string, usd float64) {
	t.Helper()
	want := int64(math.Round(usd * 1e6))
	waitRedis(t, addr, "litellm-gateway:spend:*", fmt.Sprintf("µUSD of spend, want %d", want),
		func(rdb *redis.Client, key string) int64 {
			n, _ := rdb.Get(t.Context(), key).Int64()
			return n
		},
		// Each gateway rounds its own spend to the millionth.
		func(total int64) bool { return total >= want-1 && total <= want+1 })
}

// TestRateLimitWithRedisDown checks that a gateway whose Redis does not
// answer serves as without one, enforcing limits on its own counts.
func TestRateLimitWithRedisDown(t *testing.T) {
	rds := testenv.Redis(t)
	rds.Stop()
	g := servertest.Start(t, servertest.Options{
		Config: redisConfig, ReplicaSync: 10 * time.Millisecond,
		Env: map[string]string{"TEST_REDIS_URL": "redis://" + rds.Addr},
	})
	var key apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{"rpm_limit": 2}).
		JSON(t, &key)

	g.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	g.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	g.MustDo(t, 429, "POST", "/v1/chat/completions", key.Key, chatBody)
	time.Sleep(50 * time.Millisecond)
	metrics := string(g.MustDo(t, 200, "GET", "/metrics", "", nil).Body)
	if !strings.Contains(metrics, "litellm_redis_rate_limit_sync_up 0") ||
		strings.Contains(metrics, "litellm_redis_rate_limit_sync_failures_total 0") {
		t.Errorf("/metrics does not show the failing exchanges:\n%s", metrics)
	}
}

// Failed logins at the built-in login page count across replicas that
// share a Redis: five wrong passwords on one lock the account on the
// other too.
func TestLoginThrottleAcrossReplicas(t *testing.T) {
	rds := testenv.Redis(t)
	opts := servertest.Options{Config: redisConfig, Env: map[string]string{
		"TEST_REDIS_URL": "redis://" + rds.Addr, "EXPERIMENTAL_UI_LOGIN": "True"}}
	a, b := servertest.Start(t, opts), servertest.Start(t, opts)
	for i := range 5 {
		if status := localSignIn(t, a, "wrong password"); status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i+1, status)
		}
	}
	if status := localSignIn(t, b, b.MasterKey); status != http.StatusTooManyRequests {
		t.Errorf("right password on the other replica: status %d, want 429", status)
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// localSignIn starts a CLI login on g and signs in at its login page as
// the built-in admin with password, and returns the status of the answer.
func localSignIn(t *testing.T, g *servertest.Gateway, password string) int {
	t.Helper()
	var start apitype.CLILoginStart
	g.MustDo(t, 200, "POST", "/sso/cli/start", "", nil).JSON(t, &start)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(g.URL + "/sso/key/generate?source=litellm-cli&key=" + start.LoginID)
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(form)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("login form: status %d: %s", resp.StatusCode, form)
	}
	resp, err = c.PostForm(g.URL+"/sso/login", url.Values{"login_id": {start.LoginID},
		"csrf_token": {html.UnescapeString(string(m[1]))}, "username": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
