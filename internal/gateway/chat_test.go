package gateway_test

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// routeConfig has an OpenAI and an Anthropic model on fake upstreams,
// with prices, and a model that no test key may use.
const routeConfig = `
model_list:
  - model_name: gpt-up
    litellm_params: {model: openai/gpt-up-2024, api_base: "{openai}", api_key: sk-provider-secret-1}
    model_info: {id: dep-openai, input_cost_per_token: 0.001, output_cost_per_token: 0.002}
  - model_name: claude-up
    litellm_params: {model: anthropic/claude-up-2025, api_base: "{anthropic}", api_key: sk-provider-secret-2}
    model_info: {id: dep-anthropic, input_cost_per_token: 0.003, output_cost_per_token: 0.004}
  - model_name: embed-up
    litellm_params: {model: openai/embed-up-3, api_base: "{openai}"}
    model_info: {id: dep-embed, input_cost_per_token: 0.001}
  - model_name: secret-model
    litellm_params: {model: openai/secret, mock_response: "no"}
`

const answer = "Hello from the fake upstream"

// routeGateway starts a gateway on routeConfig and returns it with its
// upstreams and a key for every model but secret-model.
func routeGateway(t *testing.T) (g *servertest.Gateway, oai, ant *upstream, key string) {
	t.Helper()
	oai = newUpstream(t, openAIUpstream(answer))
	ant = newUpstream(t, anthropicUpstream(answer))
	g = gatewayWith(t, routeConfig, map[string]*upstream{"openai": oai, "anthropic": ant})
	return g, oai, ant, newKey(t, g, "gpt-up", "claude-up", "embed-up")
}

// checkCost fails unless the header holds the cost want.
func checkCost(t *testing.T, h http.Header, want float64) {
	t.Helper()
	got, err := strconv.ParseFloat(h.Get("x-litellm-response-cost"), 64)
	if err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("x-litellm-response-cost = %q, want %g", h.Get("x-litellm-response-cost"), want)
	}
}

func TestChatCompletion(t *testing.T) {
	g, oai, ant, key := routeGateway(t)
	tests := []struct {
		path, model string
		up          *upstream
		upModel, id string
		cost        float64
	}{
		{"/v1/chat/completions", "gpt-up", oai, "gpt-up-2024", "dep-openai", 11*0.001 + 7*0.002},
		{"/chat/completions", "gpt-up", oai, "gpt-up-2024", "dep-openai", 11*0.001 + 7*0.002},
		{"/openai/deployments/gpt-up/chat/completions", "", oai, "gpt-up-2024", "dep-openai", 11*0.001 + 7*0.002},
		{"/v1/chat/completions", "claude-up", ant, "claude-up-2025", "dep-anthropic", 11*0.003 + 7*0.004},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.model, func(t *testing.T) {
			body := `{"messages":[{"role":"user","content":"Hi"}]}`
			if tt.model != "" {
				body = `{"model":"` + tt.model + `","messages":[{"role":"user","content":"Hi"}]}`
			}
			resp := post(t, g, tt.path, key, body)
			raw := readAll(t, resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
			var c struct {
				Choices []struct{ Message struct{ Content string } }
				Usage   struct {
					TotalTokens int `json:"total_tokens"`
				}
			}
			if err := json.Unmarshal([]byte(raw), &c); err != nil || len(c.Choices) != 1 ||
				c.Choices[0].Message.Content != answer || c.Usage.TotalTokens != 18 {
				t.Errorf("answer = %s", raw)
			}
			if got := tt.up.last(t).body["model"]; got != tt.upModel {
				t.Errorf("upstream was asked for model %v, want %s", got, tt.upModel)
			}
			h := resp.Header
			if h.Get("x-litellm-model-id") != tt.id || h.Get("x-litellm-model-group") == "" ||
				h.Get("x-litellm-attempted-retries") != "0" || h.Get("x-litellm-attempted-fallbacks") != "0" ||
				h.Get("x-litellm-call-id") == "" {
				t.Errorf("headers = %v", h)
			}
			checkCost(t, h, tt.cost)
			if strings.Contains(raw+strings.Join(h.Values("llm_provider-x-request-id"), ""), "sk-provider") {
				t.Error("a provider key reached the client")
			}
		})
	}
	if auth := oai.last(t).header.Get("Authorization"); auth != "Bearer sk-provider-secret-1" {
		t.Errorf("upstream Authorization = %q, want the deployment's key", auth)
	}
}

func TestChatStream(t *testing.T) {
	g, _, _, key := routeGateway(t)
	for _, model := range []string{"gpt-up", "claude-up"} {
		t.Run(model, func(t *testing.T) {
			resp := post(t, g, "/v1/chat/completions", key,
				`{"model":"`+model+`","stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
			raw := readAll(t, resp.Body)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
			}
			text, done := chatText(t, raw)
			if text != answer || !done {
				t.Errorf("streamed text %q (done %v), want %q", text, done, answer)
			}
			if strings.Contains(raw, `"usage":{`) {
				t.Errorf("a usage chunk the client did not ask for was sent:\n%s", raw)
			}
			if resp.Header.Get("x-litellm-model-id") == "" {
				t.Errorf("headers = %v", resp.Header)
			}
			if resp.Trailer.Get("x-litellm-response-cost") == "" {
				t.Errorf("no cost trailer: %v", resp.Trailer)
			}
		})
	}
}

// chatText joins the content deltas of a chat stream and reports whether
// it ended with [DONE].
func chatText(t *testing.T, raw string) (string, bool) {
	t.Helper()
	var sb strings.Builder
	done := false
	for _, line := range strings.Split(raw, "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		switch {
		case !ok:
		case data == "[DONE]":
			done = true
		default:
			var c struct {
				Choices []struct{ Delta struct{ Content string } }
			}
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				t.Fatalf("chunk %s: %v", data, err)
			}
			for _, ch := range c.Choices {
				sb.WriteString(ch.Delta.Content)
			}
		}
	}
	return sb.String(), done
}

func TestModelRequestErrors(t *testing.T) {
	g, oai, _, key := routeGateway(t)
	tests := []struct {
		name, path, key, body string
		status                int
		message               string
	}{
		{"model not allowed", "/v1/chat/completions", key, `{"model":"secret-model","messages":[]}`,
			403, "You are not allowed to use model secret-model. GET /v1/models lists yours."},
		{"unknown model", "/v1/chat/completions", key, `{"model":"gpt-9","messages":[]}`,
			404, "The model gpt-9 does not exist"},
		{"unknown embeddings model", "/v1/embeddings", key, `{"model":"gpt-9","input":"x"}`,
			404, "The model gpt-9 does not exist"},
		{"no model", "/v1/chat/completions", key, `{"messages":[]}`, 400, "model parameter"},
		{"not an object", "/v1/chat/completions", key, `["gpt-up"]`, 400, "JSON object"},
		{"empty body", "/v1/chat/completions", key, ``, 400, "empty"},
		{"no key", "/v1/chat/completions", "", `{"model":"gpt-up"}`, 401, "No API key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, g, tt.path, tt.key, tt.body)
			var env apitype.ErrorEnvelope
			raw := readAll(t, resp.Body)
			if err := json.Unmarshal([]byte(raw), &env); err != nil || resp.StatusCode != tt.status ||
				!strings.Contains(env.Error.Message, tt.message) || env.Error.Type == "" {
				t.Errorf("status %d, body %s; want %d with %q", resp.StatusCode, raw, tt.status, tt.message)
			}
		})
	}
	if oai.hits() != 0 {
		t.Errorf("a refused request reached the upstream %d times", oai.hits())
	}
}

func TestUpstreamErrors(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		model := bodyOf(r.Context())["model"]
		w.Header().Set("Content-Type", "application/json")
		if model == "limited" {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(429)
			w.Write([]byte(`{"error":{"message":"Rate limit reached for sk-provider-secret-3","type":"rate_limit_error"}}`))
			return
		}
		w.WriteHeader(400)
		w.Write([]byte(`{"error":{"message":"Invalid 'messages': empty","type":"invalid_request_error","code":"bad_messages"}}`))
	})
	g := gatewayWith(t, `
model_list:
  - {model_name: bad, litellm_params: {model: openai/bad, api_base: "{up}"}}
  - {model_name: limited, litellm_params: {model: openai/limited, api_base: "{up}", api_key: sk-provider-secret-3}}
`, map[string]*upstream{"up": up})

	r := g.Do(t, "POST", "/v1/chat/completions", g.MasterKey, `{"model":"bad","messages":[]}`)
	var env apitype.ErrorEnvelope
	r.JSON(t, &env)
	if r.Status != 400 || env.Error.Message != "Invalid 'messages': empty" || env.Error.Code != "bad_messages" {
		t.Errorf("bad request: %d %s", r.Status, r.Body)
	}
	r = g.Do(t, "POST", "/v1/chat/completions", g.MasterKey, `{"model":"limited","messages":[]}`)
	if r.Status != 429 || r.Header.Get("Retry-After") != "60" || strings.Contains(string(r.Body), "sk-provider") ||
		r.Header.Get("x-litellm-attempted-retries") != "0" {
		t.Errorf("rate limited: %d %v %s", r.Status, r.Header, r.Body)
	}
	if up.hits() != 2 {
		t.Errorf("upstream hits = %d; a 400, or a 429 asking for a minute, is not retried", up.hits())
	}
}

func TestEmbeddingsAndResponses(t *testing.T) {
	g, oai, _, key := routeGateway(t)
	for _, tt := range []struct{ path, body, want, upPath string }{
		{"/v1/embeddings", `{"model":"embed-up","input":"hi"}`, `"embedding":[0.5,-0.5]`, "/embeddings"},
		{"/embeddings", `{"model":"embed-up","input":["a","b"]}`, `"embedding":[0.5,-0.5]`, "/embeddings"},
		{"/v1/responses", `{"model":"gpt-up","input":"hi"}`, `"output_text"`, "/responses"},
		{"/responses", `{"model":"gpt-up","input":"hi"}`, `"output_text"`, "/responses"},
	} {
		resp := post(t, g, tt.path, key, tt.body)
		raw := readAll(t, resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(raw, tt.want) || oai.last(t).path != tt.upPath {
			t.Errorf("%s: status %d, upstream path %s: %s", tt.path, resp.StatusCode, oai.last(t).path, raw)
		}
		if strings.Contains(tt.path, "embeddings") {
			checkCost(t, resp.Header, 11*0.001)
		}
	}
}

// Request bodies are read whole whatever their framing, up to
// general_settings.max_request_size_mb; beyond it, a 413 that says the
// limit, and nothing reaches the upstream.
func TestRequestBodySizes(t *testing.T) {
	up := newUpstream(t, openAIUpstream(answer))
	g := servertest.Start(t, servertest.Options{Config: `
model_list:
  - model_name: gpt-up
    litellm_params: {model: openai/gpt-up, api_base: "` + up.URL + `"}
general_settings:
  master_key: sk-master-body-test
  max_request_size_mb: 2
`})
	// body returns a chat request of about n bytes.
	body := func(n int) string {
		return `{"model":"gpt-up","messages":[{"role":"user","content":"` + strings.Repeat("x", n) + `"}]}`
	}
	tests := []struct {
		name    string
		body    string
		chunked bool // no Content-Length
		status  int
	}{
		{"small", body(10), false, 200},
		{"small, chunked", body(10), true, 200},
		{"1.5 MB", body(1500 << 10), false, 200},
		{"1.5 MB, chunked", body(1500 << 10), true, 200},
		{"3 MB", body(3 << 20), false, 413},
		{"3 MB, chunked", body(3 << 20), true, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := up.hits()
			var r io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				r = io.MultiReader(r) // hides the length from net/http
			}
			req, err := http.NewRequest("POST", g.URL+"/v1/chat/completions", r)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+g.MasterKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw := readAll(t, resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.200s", resp.StatusCode, tt.status, raw)
			}
			if tt.status == 413 {
				if !strings.Contains(raw, "larger than the limit of 2097152 bytes") || up.hits() != before {
					t.Errorf("413 body %s; upstream hits %d -> %d", raw, before, up.hits())
				}
				return
			}
			msg, _ := up.last(t).body["messages"].([]any)[0].(map[string]any)
			content, _ := msg["content"].(string)
			if want := len(tt.body) - len(body(0)); content != strings.Repeat("x", want) {
				t.Errorf("the upstream got content of %d bytes, want %d", len(content), want)
			}
		})
	}
}
