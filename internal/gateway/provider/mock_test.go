package provider

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

func testMock(text string) (*Deployment, *mock) {
	m := &mock{now: func() time.Time { return time.Unix(1700000000, 0) },
		id: func(prefix string) string { return prefix + "test" }}
	return &Deployment{Provider: "openai", UpstreamModel: "gpt-4o", MockResponse: &text}, m
}

func TestMockChat(t *testing.T) {
	d, m := testMock("Hello from demo")
	body := `{"model":"demo-fast","messages":[{"role":"user","content":"Say hello to me"}]}`
	resp, out, err := do(t, m, d, &Request{Op: OpChat, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"chatcmpl-test","object":"chat.completion","created":1700000000,"model":"demo-fast",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Hello from demo"},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":4,"completion_tokens":4,"total_tokens":8}}`
	if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, out)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if resp.Usage != (chat.Usage{PromptTokens: 4, CompletionTokens: 4, TotalTokens: 8}) {
		t.Errorf("Usage = %+v", resp.Usage)
	}
}

func TestMockChatStream(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		d, m := testMock("Hello from demo")
		body := `{"model":"demo-fast","stream":true,"messages":[{"role":"user","content":"Hi"}]}`
		if includeUsage {
			body = `{"model":"demo-fast","stream":true,"stream_options":{"include_usage":true},"messages":[]}`
		}
		resp, err := m.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(body), Stream: true})
		if err != nil {
			t.Fatal(err)
		}
		var w flushWriter
		if _, err := resp.WriteTo(&w); err != nil {
			t.Fatal(err)
		}
		resp.Close()

		events := w.events()
		if len(events) == 0 {
			t.Fatal("nothing was flushed")
		}
		var text strings.Builder
		var usage *chat.Usage
		for _, ev := range events[:len(events)-1] {
			var c chat.Chunk
			if err := json.Unmarshal([]byte(strings.TrimPrefix(ev, "data: ")), &c); err != nil {
				t.Fatalf("chunk %q: %v", ev, err)
			}
			if c.ID != "chatcmpl-test" || c.Model != "demo-fast" {
				t.Errorf("chunk header = %+v", c)
			}
			if len(c.Choices) > 0 && c.Choices[0].Delta.Content != nil {
				text.WriteString(*c.Choices[0].Delta.Content)
			}
			usage = c.Usage
		}
		// role, three words, finish, maybe usage, then [DONE]
		if n := len(events); n != 6+btoi(includeUsage) || events[n-1] != doneEvent {
			t.Errorf("events = %q", events)
		}
		if text.String() != "Hello from demo" {
			t.Errorf("streamed text = %q", text.String())
		}
		if includeUsage != (usage != nil) || resp.Usage.CompletionTokens != 4 {
			t.Errorf("usage chunk = %v, Usage = %+v", usage, resp.Usage)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMockCompletion(t *testing.T) {
	d, m := testMock("Once upon")
	_, out, err := do(t, m, d, &Request{Op: OpCompletions, Body: []byte(`{"model":"demo","prompt":"Tell a story"}`)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"cmpl-test","object":"text_completion","created":1700000000,"model":"demo",
		"choices":[{"text":"Once upon","index":0,"logprobs":null,"finish_reason":"stop"}],
		"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}}`
	if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, out)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	_, out, err = do(t, m, d, &Request{Op: OpCompletions, Stream: true, Body: []byte(`{"model":"demo","prompt":"x","stream":true}`)})
	if err != nil || strings.Count(out, "data: ") != 4 || !strings.HasSuffix(out, doneEvent) {
		t.Errorf("stream = %q, %v; want two words, a finish and [DONE]", out, err)
	}
}

func TestMockEmbeddings(t *testing.T) {
	d, m := testMock("ignored")
	var first []float32
	for _, tt := range []struct{ body, format string }{
		{`{"model":"emb","input":["a","b"]}`, "float"},
		{`{"model":"emb","input":["a","b"],"encoding_format":"base64"}`, "base64"},
	} {
		resp, out, err := do(t, m, d, &Request{Op: OpEmbeddings, Body: []byte(tt.body)})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Data []struct {
				Index     int             `json:"index"`
				Embedding json.RawMessage `json:"embedding"`
			} `json:"data"`
			Model string `json:"model"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Data) != 2 || got.Model != "emb" {
			t.Fatalf("answer %s: %v", out, err)
		}
		vec := decodeVector(t, got.Data[0].Embedding)
		if len(vec) != 8 || first != nil && !cmp.Equal(first, vec) {
			t.Errorf("%s: vector %v, want the same 8 values for the same input", tt.format, vec)
		}
		first = vec
		if resp.Usage.PromptTokens == 0 {
			t.Errorf("Usage = %+v", resp.Usage)
		}
	}
}

func decodeVector(t *testing.T, raw json.RawMessage) []float32 {
	t.Helper()
	var vec []float32
	if json.Unmarshal(raw, &vec) == nil {
		return vec
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	vec = make([]float32, len(b)/4)
	for i := range vec {
		bits := uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
		vec[i] = math.Float32frombits(bits)
	}
	return vec
}

func TestMockErrors(t *testing.T) {
	tests := []struct {
		text      string
		op        Operation
		status    int
		retryable bool
	}{
		{"litellm.RateLimitError", OpChat, 429, true},
		{"litellm.InternalServerError", OpChat, 500, true},
		{"litellm.ContextWindowExceededError", OpChat, 400, false},
		{"litellm.RateLimitError", OpResponses, 429, true},
		{"fine", OpMessages, 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.text+"/"+string(tt.op), func(t *testing.T) {
			d, m := testMock(tt.text)
			_, err := m.Do(t.Context(), d, &Request{Op: tt.op, Body: []byte(`{}`)})
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != tt.status || e.Retryable != tt.retryable {
				t.Errorf("error = %v, want status %d retryable %v", err, tt.status, tt.retryable)
			}
		})
	}
}
