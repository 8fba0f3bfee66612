package router_test

import (
	"context"
	"strings"
	"testing"
)

const wildcardConfig = `
model_list:
  - {model_name: openai/gpt-4o, litellm_params: {model: openai/exact, api_base: "{up}"}, model_info: {id: exact}}
  - {model_name: "openai/gpt-*", litellm_params: {model: "openai/gpt-*", api_base: "{up}"}, model_info: {id: gpt}}
  - {model_name: "openai/*", litellm_params: {model: "openai/*", api_base: "{up}"}, model_info: {id: openai}}
  - {model_name: "llmengine/*", litellm_params: {model: "hosted_vllm/*", api_base: "{up}"}, model_info: {id: engine}}
  - {model_name: "*", litellm_params: {model: "*", api_base: "{up}"}, model_info: {id: any}}
router_settings:
  model_group_alias: {openai/o3: openai/gpt-4o, fast: openai/gpt-4o-mini}
`

func TestWildcardRouting(t *testing.T) {
	tests := []struct {
		name     string
		group    string // as Resolve returns it
		id       string // deployment that answers
		upstream string // model the upstream is asked for
	}{
		{name: "openai/gpt-4o", group: "openai/gpt-4o", id: "exact", upstream: "exact"},
		{name: "openai/gpt-4o-mini", group: "openai/gpt-4o-mini", id: "gpt", upstream: "gpt-4o-mini"},
		{name: "openai/o1", group: "openai/o1", id: "openai", upstream: "o1"},
		{name: "llmengine/llama3", group: "llmengine/llama3", id: "engine", upstream: "llama3"},
		{name: "llama3", group: "llama3", id: "any", upstream: "llama3"},
		{name: "groq/llama3-8b", group: "groq/llama3-8b", id: "any", upstream: "llama3-8b"},
		{name: "openai/o3", group: "openai/gpt-4o", id: "exact", upstream: "exact"}, // alias first
		{name: "fast", group: "openai/gpt-4o-mini", id: "gpt", upstream: "gpt-4o-mini"},
		{name: "openai/*", group: "openai/*", id: "openai", upstream: "*"},
	}
	up := newUpstream(t, "up", nil, completion("ok", 1))
	e := newEnv(t, wildcardConfig, up)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group, ok := e.r.Resolve(tt.name)
			if !ok || group != tt.group {
				t.Fatalf("Resolve(%q) = %q, %v; want %q", tt.name, group, ok, tt.group)
			}
			res := e.do(context.Background(), group)
			if res.err != nil || res.id != tt.id || res.Group != tt.group {
				t.Fatalf("answered by %q for group %q (err %v), want %q", res.id, res.Group, res.err, tt.id)
			}
			if got := up.lastModel(); got != tt.upstream {
				t.Errorf("upstream asked for %q, want %q", got, tt.upstream)
			}
		})
	}
}

func TestWildcardUnroutable(t *testing.T) {
	up := newUpstream(t, "up", nil, completion("ok", 1))
	e := newEnv(t, `
model_list:
  - {model_name: "openai/*", litellm_params: {model: "openai/*", api_base: "{up}"}}
  - {model_name: "any/*", litellm_params: {model: "*"}}
`, up)
	if group, ok := e.r.Resolve("anthropic/claude"); ok {
		t.Errorf("Resolve(anthropic/claude) = %q, want no group", group)
	}
	// Not resolved, so the gateway answers 404 before routing; the router
	// alone says the same.
	checkStatus(t, e.do(context.Background(), "anthropic/claude").err, 404)
	// "*" fills the provider in too, and hosted_vllm has no public endpoint.
	res := e.do(context.Background(), "any/hosted_vllm/llama")
	checkStatus(t, res.err, 400)
	if res.err == nil || !strings.Contains(res.err.Error(), "needs api_base") {
		t.Errorf("error = %v, want the reason", res.err)
	}
	checkStatus(t, e.do(context.Background(), "openai/").err, 400)
	if up.hits.Load() != 0 {
		t.Errorf("upstream hit %d times, want none", up.hits.Load())
	}
}

// A pattern's deployment is one deployment: its failures cool it down for
// every name it serves.
func TestWildcardDeploymentHealth(t *testing.T) {
	var log hitLog
	bad := newUpstream(t, "bad", &log, failing(500, "boom"))
	good := newUpstream(t, "good", &log, completion("ok", 1))
	e := newEnv(t, `
model_list:
  - {model_name: "openai/*", litellm_params: {model: "openai/*", api_base: "{bad}"}, model_info: {id: bad}}
  - {model_name: "openai/*", litellm_params: {model: "openai/*", api_base: "{good}"}, model_info: {id: good}}
router_settings: {allowed_fails: 0, num_retries: 1}
`, bad, good)
	for _, name := range []string{"openai/a", "openai/b", "openai/c", "openai/d", "openai/e"} {
		if res := e.do(context.Background(), name); res.err != nil || res.id != "good" {
			t.Fatalf("%s: %+v", name, res)
		}
	}
	if n := bad.hits.Load(); n != 1 {
		t.Errorf("bad hit %d times (order %s), want once: cooled down after", n, &log)
	}
}
