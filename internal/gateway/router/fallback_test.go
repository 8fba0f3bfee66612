package router_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const fallbackConfig = `
model_list:
  - {model_name: primary, litellm_params: {model: openai/p, api_base: "{p}"}, model_info: {id: p}}
  - {model_name: second, litellm_params: {model: openai/s, api_base: "{s}"}, model_info: {id: s}}
  - {model_name: third, litellm_params: {model: openai/t, api_base: "{t}"}, model_info: {id: t}}
  - {model_name: big, litellm_params: {model: openai/b, api_base: "{b}"}, model_info: {id: b}}
router_settings:
  num_retries: 1
  fallbacks: [{primary: [second, third]}]
  context_window_fallbacks: [{primary: [big]}]
  model_group_alias: {third-alias: third}
`

func TestFallbacks(t *testing.T) {
	tests := []struct {
		name      string
		primary   int // status of the primary; 0 a context window error
		second    int // status of the second; 200 answers
		allowed   []string
		want      string // deployment that answers, "" none
		order     string
		fallbacks int
		retries   int
	}{
		{name: "in order, each with its retries", primary: 500, second: 503, want: "t",
			order: "p p s s t", fallbacks: 2, retries: 2},
		{name: "first fallback answers", primary: 429, second: 200, want: "s",
			order: "p p s", fallbacks: 1, retries: 1},
		{name: "not allowed is skipped", primary: 500, second: 200, want: "t",
			allowed: []string{"primary", "third"}, order: "p p t", fallbacks: 1, retries: 1},
		{name: "none allowed", primary: 500, second: 200, allowed: []string{"primary"},
			order: "p p", retries: 1},
		{name: "no fallback for a bad request", primary: 400, second: 200, order: "p"},
		{name: "context window", primary: 0, second: 200, want: "b", order: "p b", fallbacks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log hitLog
			ph := failing(tt.primary, "x")
			if tt.primary == 0 {
				ph = failing(400, "context_length_exceeded")
			}
			sh := failing(tt.second, "x")
			if tt.second == 200 {
				sh = completion("second", 1)
			}
			ups := []*upstream{
				newUpstream(t, "p", &log, ph),
				newUpstream(t, "s", &log, sh),
				newUpstream(t, "t", &log, completion("third", 1)),
				newUpstream(t, "b", &log, completion("big", 1)),
			}
			e := newEnv(t, fallbackConfig, ups...)
			res := e.do(context.Background(), "primary", tt.allowed...)
			if res.id != tt.want || (res.err == nil) != (tt.want != "") {
				t.Errorf("answered by %q (err %v), want %q", res.id, res.err, tt.want)
			}
			if got := log.String(); got != tt.order {
				t.Errorf("upstreams hit in order %q, want %q", got, tt.order)
			}
			if res.Fallbacks != tt.fallbacks || res.Retries != tt.retries {
				t.Errorf("fallbacks, retries = %d, %d; want %d, %d",
					res.Fallbacks, res.Retries, tt.fallbacks, tt.retries)
			}
		})
	}
}

// A fallback named by an alias is allowed when the caller may use the
// alias or the model behind it.
func TestFallbackThroughAlias(t *testing.T) {
	var log hitLog
	ups := []*upstream{
		newUpstream(t, "p", &log, failing(500, "x")),
		newUpstream(t, "s", &log, failing(500, "x")),
		newUpstream(t, "t", &log, completion("third", 1)),
		newUpstream(t, "b", &log, completion("big", 1)),
	}
	cfg := `
model_list:
  - {model_name: primary, litellm_params: {model: openai/p, api_base: "{p}"}}
  - {model_name: third, litellm_params: {model: openai/t, api_base: "{t}"}, model_info: {id: t}}
router_settings:
  num_retries: 0
  fallbacks: [{primary: [third-alias]}]
  model_group_alias: {third-alias: third}
`
	e := newEnv(t, cfg, ups...)
	res := e.do(context.Background(), "primary", "primary", "third-alias")
	if res.err != nil || res.id != "t" || res.Group != "third" {
		t.Errorf("result = %+v, want third to answer", res)
	}
}

// refusing answers with a 400 of the given code and message, in OpenAI's
// shape, or Anthropic's when code is empty.
func refusing(code, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		if code == "" {
			fmt.Fprintf(w, `{"type":"error","error":{"type":"invalid_request_error","message":%q}}`, message)
			return
		}
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"invalid_request_error","code":%q}}`, message, code)
	}
}

const moreFallbacksConfig = `
model_list:
  - {model_name: primary, litellm_params: {model: openai/p, api_base: "{p}"}, model_info: {id: p}}
  - {model_name: other, litellm_params: {model: openai/o, api_base: "{o}"}, model_info: {id: o}}
  - {model_name: safe, litellm_params: {model: openai/s, api_base: "{s}"}, model_info: {id: s}}
  - {model_name: spare, litellm_params: {model: openai/d, api_base: "{d}"}, model_info: {id: d}}
  - {model_name: "wild/*", litellm_params: {model: "openai/*", api_base: "{w}"}, model_info: {id: w}}
router_settings:
  num_retries: 0
  fallbacks: [{other: [safe]}, {"wild/*": [safe]}]
  default_fallbacks: [spare]
`

func TestDefaultAndContentPolicyFallbacks(t *testing.T) {
	const policy = "\n  content_policy_fallbacks: [{primary: [safe]}]"
	refusal := refusing("content_policy_violation", "Your request was rejected")
	tests := []struct {
		name    string
		extra   string // appended to router_settings, or a section after it
		group   string
		fail    http.HandlerFunc // how the group's deployment answers
		allowed []string
		order   string
	}{
		{name: "default when no entry", group: "primary", fail: failing(500, "x"), order: "p d"},
		{name: "own entry wins over default", group: "other", fail: failing(503, "x"), order: "o s"},
		{name: "entry of the pattern", group: "wild/x", fail: failing(500, "x"), order: "w s"},
		{name: "default not allowed is skipped", group: "primary", fail: failing(500, "x"),
			allowed: []string{"primary"}, order: "p"},
		{name: "no default for a bad request", group: "primary", fail: failing(400, "x"), order: "p"},
		{name: "content policy code", extra: policy, group: "primary", fail: refusal, order: "p s"},
		{name: "azure content filter", extra: policy, group: "primary",
			fail: refusing("content_filter", "The response was filtered"), order: "p s"},
		{name: "anthropic content filter", extra: policy, group: "primary",
			fail: refusing("", "Output blocked by content filtering policy"), order: "p s"},
		{name: "other bad request", extra: policy, group: "primary",
			fail: refusing("invalid_value", "temperature is too high"), order: "p"},
		{name: "content policy without an entry", extra: policy, group: "other", fail: refusal,
			order: "o"},
		{name: "content policy unset uses fallbacks", group: "other", fail: refusal, order: "o s"},
		{name: "content policy unset uses default", group: "primary", fail: refusal, order: "p d"},
		// Only litellm_settings can say so: LiteLLM reads an empty list in
		// router_settings as unset.
		{name: "content policy set to none", extra: "\nlitellm_settings: {content_policy_fallbacks: []}",
			group: "primary", fail: refusal, order: "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log hitLog
			fail := func(name, group string) http.HandlerFunc {
				if strings.HasPrefix(tt.group, group) {
					return tt.fail
				}
				return completion(name, 1)
			}
			ups := []*upstream{
				newUpstream(t, "p", &log, fail("p", "primary")),
				newUpstream(t, "o", &log, fail("o", "other")),
				newUpstream(t, "s", &log, completion("s", 1)),
				newUpstream(t, "d", &log, completion("d", 1)),
				newUpstream(t, "w", &log, fail("w", "wild/")),
			}
			e := newEnv(t, moreFallbacksConfig+tt.extra, ups...)
			res := e.do(context.Background(), tt.group, tt.allowed...)
			if got := log.String(); got != tt.order {
				t.Errorf("upstreams hit in order %q, want %q", got, tt.order)
			}
			answered := tt.order[len(tt.order)-1:]
			if want := strings.Count(tt.order, " ") > 0; want != (res.err == nil) ||
				want && res.id != answered {
				t.Errorf("answered by %q (err %v)", res.id, res.err)
			}
		})
	}
}

// A fallback entry keyed "*" serves every group without one of its own,
// for context window errors too.
func TestGenericFallbackEntry(t *testing.T) {
	var log hitLog
	ups := []*upstream{
		newUpstream(t, "p", &log, failing(500, "x")),
		newUpstream(t, "o", &log, failing(500, "x")),
		newUpstream(t, "l", &log, failing(400, "context_length_exceeded")),
		newUpstream(t, "s", &log, completion("s", 1)),
		newUpstream(t, "d", &log, completion("d", 1)),
	}
	e := newEnv(t, `
model_list:
  - {model_name: primary, litellm_params: {model: openai/p, api_base: "{p}"}, model_info: {id: p}}
  - {model_name: other, litellm_params: {model: openai/o, api_base: "{o}"}, model_info: {id: o}}
  - {model_name: long, litellm_params: {model: openai/l, api_base: "{l}"}, model_info: {id: l}}
  - {model_name: safe, litellm_params: {model: openai/s, api_base: "{s}"}, model_info: {id: s}}
  - {model_name: spare, litellm_params: {model: openai/d, api_base: "{d}"}, model_info: {id: d}}
router_settings:
  num_retries: 0
  fallbacks: [{"*": [spare]}, {primary: [safe]}]
  context_window_fallbacks: [{"*": [safe]}]
`, ups...)
	for group, want := range map[string]string{"primary": "s", "other": "d", "long": "s"} {
		if res := e.do(context.Background(), group); res.id != want {
			t.Errorf("%s answered by %q (err %v), want %q", group, res.id, res.err, want)
		}
	}
}
