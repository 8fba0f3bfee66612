package router_test

import (
	"context"
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
