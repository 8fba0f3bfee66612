package gateway_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// textCompletionUpstream answers OpenAI's legacy /v1/completions, streamed
// or not, with text.
func textCompletionUpstream(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := bodyOf(r.Context())
		model, _ := body["model"].(string)
		if r.URL.Path != "/completions" {
			http.NotFound(w, r)
			return
		}
		head := fmt.Sprintf(`{"id":"cmpl-1","object":"text_completion","created":1,"model":%q,`, model)
		usage := fmt.Sprintf(`"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}`,
			promptTokens, completionTokens, promptTokens+completionTokens)
		if body["stream"] != true {
			writeJSON(w, head+fmt.Sprintf(`"choices":[{"text":%q,"index":0,"logprobs":null,`+
				`"finish_reason":"stop"}],`, text)+usage+"}")
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		events := []string{}
		for _, word := range strings.SplitAfter(text, " ") {
			events = append(events, fmt.Sprintf(`"choices":[{"text":%q,"index":0,"logprobs":null,`+
				`"finish_reason":null}]}`, word))
		}
		events = append(events, `"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}`)
		if includeUsage(body) {
			events = append(events, `"choices":[],`+usage+"}")
		}
		for _, ev := range events {
			io.WriteString(w, "data: "+head+ev+"\n\n")
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}
}

// TestTextCompletionDeployment sends chat requests to a deployment of
// OpenAI's legacy completions API: they are answered as chat completions.
func TestTextCompletionDeployment(t *testing.T) {
	up := newUpstream(t, textCompletionUpstream(answer))
	g := gatewayWith(t, `
model_list:
  - model_name: instruct
    litellm_params: {model: text-completion-openai/gpt-3.5-turbo-instruct, api_base: "{up}", api_key: sk-provider-secret-4}
    model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
`, map[string]*upstream{"up": up})
	chatBody := `{"model":"instruct","messages":[{"role":"user","content":"Hi"}],"max_tokens":20`

	t.Run("chat", func(t *testing.T) {
		resp := post(t, g, "/v1/chat/completions", g.MasterKey, chatBody+"}")
		raw := readAll(t, resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(raw, `"object":"chat.completion"`) ||
			!strings.Contains(raw, `"message":{"role":"assistant","content":"`+answer+`"}`) {
			t.Fatalf("status %d: %s", resp.StatusCode, raw)
		}
		got := up.last(t)
		if got.path != "/completions" || got.body["prompt"] != "Hi" || got.body["max_tokens"] != 20.0 ||
			got.body["messages"] != nil || got.body["model"] != "gpt-3.5-turbo-instruct" {
			t.Errorf("upstream got %s %v", got.path, got.body)
		}
		if auth := got.header.Get("Authorization"); auth != "Bearer sk-provider-secret-4" {
			t.Errorf("upstream Authorization = %q", auth)
		}
		checkCost(t, resp.Header, 11*0.001+7*0.002)
	})
	t.Run("chat stream", func(t *testing.T) {
		resp := post(t, g, "/v1/chat/completions", g.MasterKey, chatBody+`,"stream":true}`)
		raw := readAll(t, resp.Body)
		text, done := chatText(t, raw)
		if resp.StatusCode != 200 || text != answer || !done {
			t.Fatalf("status %d, text %q, done %v:\n%s", resp.StatusCode, text, done, raw)
		}
		if !strings.Contains(raw, `"object":"chat.completion.chunk"`) || strings.Contains(raw, `"usage":{`) {
			t.Errorf("stream:\n%s", raw)
		}
		if resp.Trailer.Get("x-litellm-response-cost") == "" {
			t.Errorf("no cost trailer: %v", resp.Trailer)
		}
	})
	t.Run("completions", func(t *testing.T) {
		resp := post(t, g, "/v1/completions", g.MasterKey, `{"model":"instruct","prompt":"Hi"}`)
		raw := readAll(t, resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(raw, `"object":"text_completion"`) {
			t.Fatalf("status %d: %s", resp.StatusCode, raw)
		}
	})
	t.Run("embeddings", func(t *testing.T) {
		resp := post(t, g, "/v1/embeddings", g.MasterKey, `{"model":"instruct","input":"Hi"}`)
		if raw := readAll(t, resp.Body); resp.StatusCode != 400 || !strings.Contains(raw, "not supported") {
			t.Errorf("status %d: %s", resp.StatusCode, raw)
		}
	})
}
