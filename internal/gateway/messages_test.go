package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/gateway/messages"
)

// postMessages sends a Messages request the way Anthropic's SDKs do: the
// key in x-api-key.
func postMessages(t *testing.T, url, key, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/v1/messages", strings.NewReader(body))
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	req.Header.Set("Anthropic-Version", "2023-06-01")
	req.Header.Set("Anthropic-Beta", "some-feature-2025")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header, readAll(t, resp.Body)
}

func TestMessagesRouting(t *testing.T) {
	g, oai, ant, key := routeGateway(t)
	const body = `{"model":"%s","max_tokens":64,"system":"Be brief.","thinking":{"type":"enabled","budget_tokens":32},
		"messages":[{"role":"user","content":"Hi"}]}`

	status, h, raw := postMessages(t, g.URL, key, strings.Replace(body, "%s", "claude-up", 1))
	if status != 200 || h.Get("x-litellm-model-id") != "dep-anthropic" {
		t.Fatalf("native: status %d: %s", status, raw)
	}
	got := ant.last(t)
	if got.body["model"] != "claude-up-2025" || got.body["thinking"] == nil || got.body["system"] != "Be brief." ||
		got.header.Get("Anthropic-Beta") != "some-feature-2025" {
		t.Errorf("Anthropic upstream got %v with headers %v; want the request as sent, model replaced",
			got.body, got.header)
	}

	status, _, raw = postMessages(t, g.URL, key, strings.Replace(body, "%s", "gpt-up", 1))
	if status != 200 || !strings.Contains(raw, `"type":"message"`) || !strings.Contains(raw, answer) {
		t.Fatalf("translated: status %d: %s", status, raw)
	}
	msgs, _ := oai.last(t).body["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" {
		t.Errorf("OpenAI upstream got messages %v, want the system prompt first", msgs)
	}
}

func TestMessagesErrors(t *testing.T) {
	g, _, _, key := routeGateway(t)
	tests := []struct {
		name, key, body string
		status          int
		typ, message    string
	}{
		{"no key", "", `{"model":"gpt-up"}`, 401, "authentication_error", "No API key"},
		{"wrong key", "sk-wrong", `{"model":"gpt-up"}`, 401, "authentication_error", "Invalid API key"},
		{"unknown model", key, `{"model":"nope","max_tokens":1,"messages":[]}`, 404, "not_found_error", "nope"},
		{"not allowed", key, `{"model":"secret-model","max_tokens":1,"messages":[]}`, 403,
			"permission_error", "You are not allowed to use model secret-model"},
		{"bad turn", key, `{"model":"gpt-up","max_tokens":1,"messages":[{"role":"system","content":"x"}]}`,
			400, "invalid_request_error", "unsupported role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, raw := postMessages(t, g.URL, tt.key, tt.body)
			var e struct {
				Type  string
				Error struct{ Type, Message string }
			}
			if err := json.Unmarshal([]byte(raw), &e); err != nil || status != tt.status || e.Type != "error" ||
				e.Error.Type != tt.typ || !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("status %d: %s; want %d %s with %q", status, raw, tt.status, tt.typ, tt.message)
			}
		})
	}
}

// Token counts are the Anthropic upstream's, or the gateway's estimate;
// they are neither admitted against limits nor recorded as spend; errors
// come in Anthropic's shape, without the upstream's key.
func TestCountTokens(t *testing.T) {
	failing := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "count_tokens") && bodyOf(r.Context())["model"] == "claude-busy" {
			w.Header().Set("Retry-After", "7")
			http.Error(w, `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`, 429)
			return
		}
		http.Error(w, `{"type":"error","error":{"type":"authentication_error","message":"bad key `+
			r.Header.Get("X-Api-Key")+`"}}`, http.StatusUnauthorized)
	})
	cfg := strings.NewReplacer("{openai}", newUpstream(t, openAIUpstream(answer)).URL,
		"{anthropic}", newUpstream(t, anthropicUpstream(answer)).URL).Replace(routeConfig) + `
  - model_name: claude-broken
    litellm_params: {model: anthropic/claude-x, api_base: "` + failing.URL + `", api_key: sk-provider-secret-9}
  - model_name: claude-busy
    litellm_params: {model: anthropic/claude-busy, api_base: "` + failing.URL + `", api_key: sk-provider-secret-9}
general_settings: {master_key: ` + inProcessMaster + `}
`
	l, rec := &limiter{}, &recorder{}
	h := inProcess(t, cfg, l, rec)
	const question = `"messages":[{"role":"user","content":"How many tokens is this?"}]`
	estimate, err := messages.EstimateTokens([]byte(`{` + question + `}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body string
		status     int
		want       string // the answer, or part of the error message
	}{
		{"anthropic counts", `{"model":"claude-up",` + question + `}`, 200,
			fmt.Sprintf(`{"input_tokens":%d}`, countedTokens)},
		{"the gateway estimates", `{"model":"gpt-up",` + question + `}`, 200,
			fmt.Sprintf(`{"input_tokens":%d}`, estimate)},
		{"no messages", `{"model":"gpt-up","messages":[]}`, 400, "at least one message"},
		{"unknown model", `{"model":"gpt-9",` + question + `}`, 404, "gpt-9 does not exist"},
		{"upstream refuses", `{"model":"claude-broken",` + question + `}`, 401, "bad key [redacted]"},
		{"upstream busy", `{"model":"claude-busy",` + question + `}`, 429, "slow down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/v1/messages/count_tokens", strings.NewReader(tt.body))
			req.Header.Set("x-api-key", inProcessMaster)
			resp := httptest.NewRecorder()
			h.ServeHTTP(resp, req)
			body := strings.TrimSpace(resp.Body.String())
			if resp.Code != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d: %s; want %d with %s", resp.Code, body, tt.status, tt.want)
			}
			if tt.status != 200 && !strings.Contains(body, `"type":"error"`) {
				t.Errorf("error not in Anthropic's shape: %s", body)
			}
			if got := resp.Header().Get("Retry-After"); (tt.status == 429) != (got == "7") {
				t.Errorf("Retry-After = %q", got)
			}
			if strings.Contains(body, "sk-provider-secret") {
				t.Errorf("the answer quotes an upstream key: %s", body)
			}
		})
	}
	if len(l.estimates) != 0 || len(rec.recs) != 0 {
		t.Errorf("counting was admitted %d times and recorded %d times; want neither",
			len(l.estimates), len(rec.recs))
	}
}

// A model's token count goes to its Anthropic deployments in turn: past
// one that fails in a way another may not, and past one cooling down
// after failed requests, whose count would otherwise be taken.
func TestCountTokensSkipsFailingDeployments(t *testing.T) {
	const coolingCount = 11
	failing := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"type":"error","error":{"type":"overloaded_error","message":"busy"}}`, 529)
	})
	cooling := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/messages/count_tokens" {
			writeJSON(w, fmt.Sprintf(`{"input_tokens":%d}`, coolingCount))
			return
		}
		w.Header().Set("Retry-After", "60")
		http.Error(w, `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`, 429)
	})
	healthy := newUpstream(t, anthropicUpstream(answer))
	h := inProcess(t, `
model_list:
  - model_name: claude-flaky
    litellm_params: {model: anthropic/claude-x, api_base: "`+failing.URL+`"}
  - model_name: claude-flaky
    litellm_params: {model: anthropic/claude-x, api_base: "`+healthy.URL+`"}
  - model_name: claude-cooling
    litellm_params: {model: anthropic/claude-y, api_base: "`+cooling.URL+`"}
  - model_name: claude-cooling
    litellm_params: {model: anthropic/claude-y, api_base: "`+healthy.URL+`"}
litellm_settings: {num_retries: 1, cooldown_time: 600}
`, nil, nil)
	serve := func(path, model string) (int, string) {
		body := `{"model":"` + model + `","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}`
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("x-api-key", inProcessMaster)
		resp := httptest.NewRecorder()
		h.ServeHTTP(resp, req)
		return resp.Code, strings.TrimSpace(resp.Body.String())
	}
	want := fmt.Sprintf(`{"input_tokens":%d}`, countedTokens)

	if code, body := serve("/v1/messages/count_tokens", "claude-flaky"); code != 200 || body != want {
		t.Errorf("past a failing deployment: status %d: %s; want %s", code, body, want)
	}
	if failing.hits() != 1 {
		t.Errorf("the failing deployment was asked %d times; want once, first", failing.hits())
	}

	if code, body := serve("/v1/messages/count_tokens", "claude-cooling"); code != 200 ||
		body != fmt.Sprintf(`{"input_tokens":%d}`, coolingCount) {
		t.Fatalf("before any failure: status %d: %s; want the first deployment's count", code, body)
	}
	// Requests reach the first deployment at random; its 429 cools it down
	// and the retry goes to the other.
	for i := 0; i < 50 && cooling.hits() < 2; i++ {
		if code, body := serve("/v1/messages", "claude-cooling"); code != 200 {
			t.Fatalf("messages: status %d: %s", code, body)
		}
	}
	if cooling.hits() < 2 {
		t.Fatal("no request reached the first deployment")
	}
	if code, body := serve("/v1/messages/count_tokens", "claude-cooling"); code != 200 || body != want {
		t.Errorf("with the first deployment cooling down: status %d: %s; want %s", code, body, want)
	}
}

// Claude Code's requests: a bare Claude model name, served by a "claude-*"
// pattern, on /v1/messages?beta=true and its token count.
func TestClaudeCodeRequests(t *testing.T) {
	ant := newUpstream(t, anthropicUpstream(answer))
	h := inProcess(t, `
model_list:
  - model_name: "claude-*"
    litellm_params: {model: "anthropic/claude-*", api_base: "`+ant.URL+`", api_key: sk-provider-secret-7}
`, nil, nil)
	const body = `{"model":"claude-sonnet-4-20250514","max_tokens":100,` +
		`"messages":[{"role":"user","content":"Hi"}]}`
	for path, want := range map[string]string{
		"/v1/messages?beta=true":              answer,
		"/v1/messages/count_tokens?beta=true": fmt.Sprintf(`{"input_tokens":%d}`, countedTokens),
	} {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+inProcessMaster)
		req.Header.Set("Anthropic-Beta", "claude-code-20250219")
		resp := httptest.NewRecorder()
		h.ServeHTTP(resp, req)
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), want) {
			t.Errorf("%s: status %d: %s", path, resp.Code, resp.Body)
		}
		got := ant.last(t)
		if got.body["model"] != "claude-sonnet-4-20250514" || got.header.Get("Anthropic-Beta") == "" ||
			got.header.Get("X-Api-Key") != "sk-provider-secret-7" {
			t.Errorf("%s: upstream got model %v, headers %v", path, got.body["model"], got.header)
		}
	}
}
