package router_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider"
)

const pairConfig = `
model_list:
  - {model_name: g, litellm_params: {model: openai/a, api_base: "{a}"}, model_info: {id: a}}
  - {model_name: g, litellm_params: {model: openai/b, api_base: "{b}"}, model_info: {id: b}}
router_settings: {num_retries: 0, allowed_fails: 1, cooldown_time: 30}
`

func TestCooldownAfterAllowedFails(t *testing.T) {
	a := newUpstream(t, "a", nil, failing(500, "boom"))
	b := newUpstream(t, "b", nil, completion("ok", 1))
	e := newEnv(t, pairConfig, a, b)

	// allowed_fails: 1, so the second failure within the minute cools a down.
	e.until(t, func() bool { return a.hits.Load() == 2 })
	for i := range 20 {
		if res := e.do(context.Background(), "g"); res.err != nil || res.id != "b" {
			t.Fatalf("request %d during the cooldown: %+v", i, res)
		}
	}
	if a.hits.Load() != 2 {
		t.Fatalf("a was called %d times while cooling down", a.hits.Load()-2)
	}

	e.clock.Advance(31 * time.Second)
	a.set(completion("back", 1))
	got := e.countAnswers(t, "g", 20, 0)
	if got["a"] == 0 {
		t.Errorf("a got no request after cooldown_time: %v", got)
	}
}

// A deployment cools down on the failure after its allowed_fails, not
// before.
func TestAllowedFailsThreshold(t *testing.T) {
	a := newUpstream(t, "a", nil, failing(500, "boom"))
	b := newUpstream(t, "b", nil, completion("ok", 1))
	e := newEnv(t, strings.Replace(pairConfig, "allowed_fails: 1", "allowed_fails: 3", 1), a, b)
	e.until(t, func() bool { return a.hits.Load() == 4 })
	e.countAnswers(t, "g", 20, 0)
	if a.hits.Load() != 4 {
		t.Errorf("a got requests after its 4th failure in a minute")
	}
}

func TestRateLimitCoolsDownAtOnce(t *testing.T) {
	a := newUpstream(t, "a", nil, failing(429, "rate"))
	b := newUpstream(t, "b", nil, completion("ok", 1))
	e := newEnv(t, strings.Replace(pairConfig, "allowed_fails: 1", "allowed_fails: 5", 1), a, b)
	e.until(t, func() bool { return a.hits.Load() == 1 })
	e.countAnswers(t, "g", 20, 0)
	if a.hits.Load() != 1 {
		t.Errorf("a got %d hits after a 429, want none during its cooldown", a.hits.Load()-1)
	}
}

func TestAllCoolingFailsFast(t *testing.T) {
	a := newUpstream(t, "a", nil, failing(429, "rate"))
	b := newUpstream(t, "b", nil, failing(429, "rate"))
	e := newEnv(t, pairConfig, a, b)
	e.until(t, func() bool { return a.hits.Load() == 1 && b.hits.Load() == 1 })
	res := e.do(context.Background(), "g")
	var ue *provider.UpstreamError
	if !errors.As(res.err, &ue) || ue.Status != 429 || ue.RetryAfter <= 0 ||
		!strings.Contains(ue.Message, "cooling down") {
		t.Fatalf("error = %v, want a 429 saying every deployment cools down", res.err)
	}
	if a.hits.Load()+b.hits.Load() != 2 {
		t.Errorf("hits = %d+%d; the fast failure called an upstream", a.hits.Load(), b.hits.Load())
	}
}

// A deployment alone in its group is never left out: that would fail
// every request for the model without trying.
func TestSoloDeploymentNotCooled(t *testing.T) {
	up := newUpstream(t, "up", nil, failing(429, "rate"))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}"}}
router_settings: {num_retries: 0, allowed_fails: 0}
`, up)
	for range 3 {
		e.do(context.Background(), "g")
	}
	if up.hits.Load() != 3 {
		t.Errorf("hits = %d, want 3", up.hits.Load())
	}
}

func TestDeploymentRPM(t *testing.T) {
	a := newUpstream(t, "a", nil, completion("a", 1))
	b := newUpstream(t, "b", nil, completion("b", 1))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/a, api_base: "{a}", rpm: 2}, model_info: {id: a}}
  - {model_name: g, litellm_params: {model: openai/b, api_base: "{b}"}, model_info: {id: b}}
  - {model_name: solo, litellm_params: {model: openai/s, api_base: "{a}", rpm: 1}}
`, a, b)
	e.countAnswers(t, "g", 30, 0)
	if a.hits.Load() != 2 {
		t.Errorf("a hits = %d in one minute, want its rpm of 2", a.hits.Load())
	}
	e.clock.Advance(time.Minute)
	e.countAnswers(t, "g", 30, 0)
	if a.hits.Load() != 4 {
		t.Errorf("a hits = %d after a new minute, want 4", a.hits.Load())
	}

	before := a.hits.Load()
	checkStatus(t, e.do(context.Background(), "solo").err, 0)
	res := e.do(context.Background(), "solo")
	checkStatus(t, res.err, 429)
	if a.hits.Load() != before+1 {
		t.Errorf("a request over rpm reached the upstream")
	}
}

func TestDeploymentTPM(t *testing.T) {
	up := newUpstream(t, "up", nil, completion("x", 8))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}", tpm: 10}}
`, up)
	checkStatus(t, e.do(context.Background(), "g").err, 0) // 8 tokens
	checkStatus(t, e.do(context.Background(), "g").err, 0) // 16: over from now on
	checkStatus(t, e.do(context.Background(), "g").err, 429)
	if up.hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", up.hits.Load())
	}
	e.clock.Advance(time.Minute)
	checkStatus(t, e.do(context.Background(), "g").err, 0)
}

// until routes requests for g until done reports true, failing the test
// after 100 of them.
func (e *env) until(t *testing.T, done func() bool) {
	t.Helper()
	for i := 0; !done(); i++ {
		if i == 100 {
			t.Fatal("100 requests did not get the deployments to the state wanted")
		}
		e.do(context.Background(), "g")
	}
}
