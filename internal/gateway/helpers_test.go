package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// upstream is a fake provider: it records what it receives and answers in
// OpenAI's or Anthropic's format.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// seen is one request an upstream received.
type seen struct {
	path   string
	header http.Header
	body   map[string]any
}

func newUpstream(t *testing.T, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		u.mu.Lock()
		u.reqs = append(u.reqs, seen{r.URL.Path, r.Header.Clone(), body})
		u.mu.Unlock()
		h(w, r.WithContext(withBody(r.Context(), body)))
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) hits() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.reqs)
}

func (u *upstream) last(t *testing.T) seen {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

// Usage of every fake answer.
const promptTokens, completionTokens = 11, 7

// openAIUpstream answers chat completions, streamed or not, embeddings
// and responses, with text.
func openAIUpstream(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := bodyOf(r.Context())
		model, _ := body["model"].(string)
		switch {
		case strings.HasSuffix(r.URL.Path, "/chat/completions") && body["stream"] == true:
			w.Header().Set("Content-Type", "text/event-stream")
			for _, ev := range chatEvents(model, text, includeUsage(body)) {
				io.WriteString(w, ev)
				w.(http.Flusher).Flush()
			}
		case strings.HasSuffix(r.URL.Path, "/chat/completions"):
			writeJSON(w, fmt.Sprintf(`{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":%q,`+
				`"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],`+
				`"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`,
				model, text, promptTokens, completionTokens, promptTokens+completionTokens))
		case strings.HasSuffix(r.URL.Path, "/embeddings"):
			writeJSON(w, fmt.Sprintf(`{"object":"list","model":%q,"data":[{"object":"embedding","index":0,`+
				`"embedding":[0.5,-0.5]}],"usage":{"prompt_tokens":%d,"total_tokens":%d}}`,
				model, promptTokens, promptTokens))
		case strings.HasSuffix(r.URL.Path, "/responses"):
			writeJSON(w, fmt.Sprintf(`{"id":"resp_1","object":"response","created_at":1,"status":"completed",`+
				`"model":%q,"output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant",`+
				`"content":[{"type":"output_text","text":%q,"annotations":[]}]}],`+
				`"usage":{"input_tokens":%d,"output_tokens":%d,"total_tokens":%d}}`,
				model, text, promptTokens, completionTokens, promptTokens+completionTokens))
		default:
			http.NotFound(w, r)
		}
	}
}

func includeUsage(body map[string]any) bool {
	opts, _ := body["stream_options"].(map[string]any)
	return opts["include_usage"] == true
}

// chatEvents is a streamed chat completion of text, a word an event.
func chatEvents(model, text string, usage bool) []string {
	head := fmt.Sprintf(`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":%q,`, model)
	ev := func(choices string) string { return "data: " + head + `"choices":[` + choices + "]}\n\n" }
	out := []string{ev(`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`)}
	for _, word := range strings.SplitAfter(text, " ") {
		out = append(out, ev(fmt.Sprintf(`{"index":0,"delta":{"content":%q},"finish_reason":null}`, word)))
	}
	out = append(out, ev(`{"index":0,"delta":{},"finish_reason":"stop"}`))
	if usage {
		out = append(out, "data: "+head+fmt.Sprintf(`"choices":[],"usage":{"prompt_tokens":%d,`+
			`"completion_tokens":%d,"total_tokens":%d}}`+"\n\n",
			promptTokens, completionTokens, promptTokens+completionTokens))
	}
	return append(out, "data: [DONE]\n\n")
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-upstream-1")
	io.WriteString(w, body)
}

// gatewayWith starts a gateway on config text in which {name} stands for
// the URL of each named upstream, with the master key sk-test-master-key.
func gatewayWith(t *testing.T, cfg string, ups map[string]*upstream) *servertest.Gateway {
	t.Helper()
	for name, u := range ups {
		cfg = strings.ReplaceAll(cfg, "{"+name+"}", u.URL)
	}
	return servertest.Start(t, servertest.Options{Config: cfg + `
general_settings: {master_key: sk-test-master-key}
`, Env: map[string]string{"EXPERIMENTAL_UI_LOGIN": "True"}})
}

// newKey returns a virtual key for the models.
func newKey(t *testing.T, g *servertest.Gateway, models ...string) string {
	t.Helper()
	var k apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{"models": models}).JSON(t, &k)
	return k.Key
}

// post sends body to the gateway with the bearer key and returns the
// response, its body not read.
func post(t *testing.T, g *servertest.Gateway, path, key, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", g.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type bodyKey struct{}

// withBody carries the decoded request body to an upstream's handler.
func withBody(ctx context.Context, body map[string]any) context.Context {
	return context.WithValue(ctx, bodyKey{}, body)
}

func bodyOf(ctx context.Context) map[string]any {
	b, _ := ctx.Value(bodyKey{}).(map[string]any)
	return b
}

// countedTokens is what the fake Anthropic upstream counts in any request.
const countedTokens = 42

// anthropicUpstream answers Messages requests, streamed or not, with text,
// and token counts with countedTokens.
func anthropicUpstream(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := bodyOf(r.Context())
		model, _ := body["model"].(string)
		if r.URL.Path == "/v1/messages/count_tokens" {
			writeJSON(w, fmt.Sprintf(`{"input_tokens":%d}`, countedTokens))
			return
		}
		if r.URL.Path != "/v1/messages" {
			http.NotFound(w, r)
			return
		}
		if body["stream"] != true {
			writeJSON(w, fmt.Sprintf(`{"id":"msg_1","type":"message","role":"assistant","model":%q,`+
				`"content":[{"type":"text","text":%q}],"stop_reason":"end_turn","stop_sequence":null,`+
				`"usage":{"input_tokens":%d,"output_tokens":%d}}`, model, text, promptTokens, completionTokens))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range anthropicEvents(model, text) {
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
	}
}

// anthropicEvents is a streamed Messages answer of text.
func anthropicEvents(model, text string) []string {
	ev := func(name, data string) string { return "event: " + name + "\ndata: " + data + "\n\n" }
	out := []string{
		ev("message_start", fmt.Sprintf(`{"type":"message_start","message":{"id":"msg_1","type":"message",`+
			`"role":"assistant","model":%q,"content":[],"stop_reason":null,"stop_sequence":null,`+
			`"usage":{"input_tokens":%d,"output_tokens":1}}}`, model, promptTokens)),
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`),
	}
	for _, word := range strings.SplitAfter(text, " ") {
		out = append(out, ev("content_block_delta", fmt.Sprintf(
			`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%q}}`, word)))
	}
	return append(out,
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`),
		ev("message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":"end_turn",`+
			`"stop_sequence":null},"usage":{"output_tokens":%d}}`, completionTokens)),
		ev("message_stop", `{"type":"message_stop"}`))
}
