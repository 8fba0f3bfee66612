package router_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider"
)

func TestRetries(t *testing.T) {
	ok := completion("fine", 3)
	tests := []struct {
		name     string
		params   string // extra litellm_params
		handler  http.HandlerFunc
		hits     int64
		status   int // 0: success
		retries  int
		sleeps   []time.Duration // nil: any backoff, checked by count
		nSleeps  int
		retryHdr time.Duration // RetryAfter of the final error
	}{
		{name: "429 then success", handler: sequence(failing(429, "rate"), failing(429, "rate"), ok),
			hits: 3, retries: 2, nSleeps: 2},
		{name: "500 then success", handler: sequence(failing(500, "boom"), ok),
			hits: 2, retries: 1, nSleeps: 1},
		{name: "400 is not retried", handler: failing(400, "bad"), hits: 1, status: 400},
		{name: "401 is not retried", handler: failing(401, "key"), hits: 1, status: 401},
		{name: "retries run out", handler: failing(503, "down"), hits: 3, status: 503,
			retries: 2, nSleeps: 2},
		{name: "retry-after honoured",
			handler: sequence(failing(429, "rate", "Retry-After", "2"), failing(429, "rate", "Retry-After-Ms", "1500"), ok),
			hits:    3, retries: 2, sleeps: []time.Duration{2 * time.Second, 1500 * time.Millisecond}},
		{name: "long retry-after goes to the client",
			handler: failing(429, "rate", "Retry-After", "60"), hits: 1, status: 429, retryHdr: time.Minute},
		{name: "max_retries overrides num_retries", params: ", max_retries: 0",
			handler: failing(500, "boom"), hits: 1, status: 500},
		{name: "x-should-retry false", handler: failing(500, "boom", "X-Should-Retry", "false"),
			hits: 1, status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, "up", nil, tt.handler)
			e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}"`+tt.params+`}}
`, up)
			res := e.do(context.Background(), "g")
			if got := up.hits.Load(); got != tt.hits {
				t.Errorf("upstream hits = %d, want %d", got, tt.hits)
			}
			checkStatus(t, res.err, tt.status)
			if res.Retries != tt.retries {
				t.Errorf("Retries = %d, want %d", res.Retries, tt.retries)
			}
			sleeps := e.clock.Sleeps()
			switch {
			case tt.sleeps != nil && !slices.Equal(sleeps, tt.sleeps):
				t.Errorf("sleeps = %v, want %v", sleeps, tt.sleeps)
			case tt.sleeps == nil && len(sleeps) != tt.nSleeps:
				t.Errorf("sleeps = %v, want %d of them", sleeps, tt.nSleeps)
			}
			var ue *provider.UpstreamError
			if tt.retryHdr > 0 && (!errors.As(res.err, &ue) || ue.RetryAfter != tt.retryHdr) {
				t.Errorf("error = %v, want RetryAfter %v", res.err, tt.retryHdr)
			}
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	up := newUpstream(t, "up", nil, failing(500, "boom"))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}"}}
router_settings: {num_retries: 6}
`, up)
	e.do(context.Background(), "g")
	sleeps := e.clock.Sleeps()
	if len(sleeps) != 6 {
		t.Fatalf("sleeps = %v, want 6", sleeps)
	}
	for i, d := range sleeps {
		full := min(8*time.Second, 500*time.Millisecond<<i)
		if d > full || d < full*3/4 {
			t.Errorf("sleep %d = %v, want within [%v, %v]", i, d, full*3/4, full)
		}
	}
}

// A retry goes to another deployment of the group, at once.
func TestRetryPrefersAnotherDeployment(t *testing.T) {
	var log hitLog
	bad := newUpstream(t, "bad", &log, failing(500, "boom"))
	good := newUpstream(t, "good", &log, completion("ok", 1))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/b, api_base: "{bad}"}, model_info: {id: bad}}
  - {model_name: g, litellm_params: {model: openai/g, api_base: "{good}"}, model_info: {id: good}}
router_settings: {allowed_fails: 100}
`, bad, good)
	for i := range 10 {
		if res := e.do(context.Background(), "g"); res.err != nil || res.id != "good" {
			t.Fatalf("request %d: %+v", i, res)
		}
	}
	if bad.hits.Load() == 0 || bad.hits.Load() > 10 {
		t.Errorf("bad hits = %d; want some, at most one a request (order: %s)", bad.hits.Load(), &log)
	}
	if s := e.clock.Sleeps(); len(s) != 0 {
		t.Errorf("sleeps = %v; a retry on another deployment should not wait", s)
	}
}

// checkStatus fails unless err is an upstream error of status, or nil
// when status is 0.
func checkStatus(t *testing.T, err error, status int) {
	t.Helper()
	var ue *provider.UpstreamError
	switch {
	case status == 0 && err != nil:
		t.Errorf("error = %v, want success", err)
	case status != 0 && (!errors.As(err, &ue) || ue.Status != status):
		t.Errorf("error = %v, want status %d", err, status)
	}
}
