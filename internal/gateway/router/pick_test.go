package router_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countAnswers routes n requests for group and counts the deployments
// that answered, moving the clock a minute on every perMinute requests.
func (e *env) countAnswers(t *testing.T, group string, n, perMinute int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := range n {
		if perMinute > 0 && i%perMinute == 0 {
			e.clock.Advance(time.Minute)
		}
		res := e.do(context.Background(), group)
		if res.err != nil {
			t.Fatalf("request %d: %v", i, res.err)
		}
		got[res.id]++
	}
	return got
}

func TestShuffleWeights(t *testing.T) {
	tests := []struct {
		name   string
		params [3]string
		want   [3]float64 // expected shares
	}{
		{"weight", [3]string{"weight: 1", "weight: 2", "weight: 7"}, [3]float64{.1, .2, .7}},
		{"rpm", [3]string{"rpm: 100", "rpm: 300", "rpm: 600"}, [3]float64{.1, .3, .6}},
		{"tpm", [3]string{"tpm: 5000", "tpm: 5000", "tpm: 10000"}, [3]float64{.25, .25, .5}},
		{"uniform", [3]string{"rpm: 100", "", ""}, [3]float64{1. / 3, 1. / 3, 1. / 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/a, mock_response: a, `+tt.params[0]+`}, model_info: {id: a}}
  - {model_name: g, litellm_params: {model: openai/b, mock_response: b, `+tt.params[1]+`}, model_info: {id: b}}
  - {model_name: g, litellm_params: {model: openai/c, mock_response: c, `+tt.params[2]+`}, model_info: {id: c}}
`)
			const n = 3000
			// 50 a minute stays under every rpm, so limits never skew the shares.
			got := e.countAnswers(t, "g", n, 50)
			for i, id := range []string{"a", "b", "c"} {
				share := float64(got[id]) / n
				if share < tt.want[i]-0.04 || share > tt.want[i]+0.04 {
					t.Errorf("deployment %s got %.3f of the requests, want %.3f (counts %v)",
						id, share, tt.want[i], got)
				}
			}
		})
	}
}

func TestLeastBusy(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan string, 1)
	var held atomic.Bool
	var log hitLog
	// The first request is held until the end; any later one to the same
	// deployment is answered at once, and fails the test.
	hold := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if held.CompareAndSwap(false, true) {
				arrived <- name
				<-release
			}
			completion("slow", 1)(w, r)
		}
	}
	a := newUpstream(t, "a", &log, hold("a"))
	b := newUpstream(t, "b", &log, hold("b"))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/a, api_base: "{a}"}, model_info: {id: a}}
  - {model_name: g, litellm_params: {model: openai/b, api_base: "{b}"}, model_info: {id: b}}
router_settings: {routing_strategy: least-busy}
`, a, b)
	releaseOnce := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseOnce) // runs before the upstreams close, also after a failure

	done := make(chan result, 1)
	go func() { done <- e.do(context.Background(), "g") }()
	busy := <-arrived // one request in flight there
	idle, idleUp := b, "b"
	if busy == "b" {
		idle, idleUp = a, "a"
	}
	idle.set(completion("fast", 1))
	for i := range 20 {
		if res := e.do(context.Background(), "g"); res.err != nil || res.id != idleUp {
			t.Fatalf("request %d while %s is busy went to %q (err %v), want %s",
				i, busy, res.id, res.err, idleUp)
		}
	}
	releaseOnce()
	if res := <-done; res.err != nil || res.id != busy {
		t.Errorf("held request: %+v", res)
	}
	if idle.hits.Load() != 20 {
		t.Errorf("idle deployment hits = %d, want 20 (order: %s)", idle.hits.Load(), &log)
	}
}

func TestLatencyBased(t *testing.T) {
	e := &env{}
	delay := func(d time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			e.clock.Advance(d) // the fake clock sees the upstream's latency
			completion("x", 1)(w, r)
		}
	}
	fast := newUpstream(t, "fast", nil, delay(10*time.Millisecond))
	slow := newUpstream(t, "slow", nil, delay(300*time.Millisecond))
	*e = *newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/s, api_base: "{slow}"}, model_info: {id: slow}}
  - {model_name: g, litellm_params: {model: openai/f, api_base: "{fast}"}, model_info: {id: fast}}
router_settings: {routing_strategy: latency-based-routing}
`, fast, slow)

	got := e.countAnswers(t, "g", 200, 0)
	// Both are measured first; then only exploration reaches the slow one.
	if slow.hits.Load() < 1 || slow.hits.Load() > 20 || got["fast"] < 180 {
		t.Errorf("slow hits = %d, fast = %d; want the fast deployment to serve nearly all",
			slow.hits.Load(), fast.hits.Load())
	}
}

func TestUsageBased(t *testing.T) {
	heavy := newUpstream(t, "heavy", nil, completion("x", 100))
	light := newUpstream(t, "light", nil, completion("x", 1))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/h, api_base: "{heavy}"}, model_info: {id: heavy}}
  - {model_name: g, litellm_params: {model: openai/l, api_base: "{light}"}, model_info: {id: light}}
router_settings: {routing_strategy: usage-based-routing-v2}
`, heavy, light)
	e.countAnswers(t, "g", 40, 0)
	// After heavy's first answer, light stays below it for 100 requests.
	if heavy.hits.Load() != 1 {
		t.Errorf("heavy hits = %d, light = %d; want 1 for heavy", heavy.hits.Load(), light.hits.Load())
	}
}

func TestResolveAlias(t *testing.T) {
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/a, mock_response: a}}
router_settings: {model_group_alias: {gpt4: g}}
`)
	for name, want := range map[string]string{"g": "g", "gpt4": "g", "nope": ""} {
		if got, ok := e.r.Resolve(name); got != want || ok != (want != "") {
			t.Errorf("Resolve(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
