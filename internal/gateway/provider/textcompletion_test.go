package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

const textAnswer = `{"id":"cmpl-1","object":"text_completion","created":1700000000,` +
	`"model":"gpt-3.5-turbo-instruct","system_fingerprint":null,"choices":[` +
	`{"text":"Hello there","index":0,"logprobs":null,"finish_reason":"stop"},` +
	`{"text":"General Kenobi","index":1,"logprobs":{"tokens":["General"]},"finish_reason":"length"}],` +
	`"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}`

func TestTextCompletionChatRequest(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{{
		name: "one message",
		body: `{"model":"pub","messages":[{"role":"user","content":"Say hi"}],"temperature":0.5,` +
			`"max_tokens":7,"stop":["\n"],"n":2,"top_p":1,"user":"u1","seed":3}`,
		want: `{"model":"up-model","prompt":"Say hi","temperature":0.5,"max_tokens":7,"stop":["\n"],` +
			`"n":2,"top_p":1,"user":"u1","seed":3}`,
	}, {
		name: "text parts are joined",
		body: `{"model":"pub","messages":[{"role":"user","content":[{"type":"text","text":"Say "},` +
			`{"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"text","text":"hi"}]}]}`,
		want: `{"model":"up-model","prompt":"Say hi"}`,
	}, {
		name: "a conversation is one prompt a message",
		body: `{"model":"pub","messages":[{"role":"system","content":"Be brief."},` +
			`{"role":"user","content":"Say hi"},{"role":"assistant","content":null,"tool_calls":[]}]}`,
		want: `{"model":"up-model","prompt":["Be brief.","Say hi",""]}`,
	}, {
		name: "token ids",
		body: `{"model":"pub","messages":[{"role":"user","content":[1,2,3]}]}`,
		want: `{"model":"up-model","prompt":[1,2,3]}`,
	}, {
		name: "chat-only fields are dropped",
		body: `{"model":"pub","messages":[{"role":"user","content":"x"}],"max_completion_tokens":9,` +
			`"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"auto",` +
			`"response_format":{"type":"json_object"},"logprobs":true,"top_logprobs":2}`,
		want: `{"model":"up-model","prompt":"x","max_tokens":9}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, reply(200, "application/json", textAnswer))
			d, a := deployment(t, "text-completion-openai", f.URL+"/v1")
			if _, _, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(tt.body)}); err != nil {
				t.Fatal(err)
			}
			got := f.last(t)
			if got.path != "/v1/completions" || got.header.Get("Authorization") != "Bearer "+testKey {
				t.Errorf("upstream got %s with Authorization %q", got.path, got.header.Get("Authorization"))
			}
			if diff := cmp.Diff(decodeJSON(t, tt.want), decodeJSON(t, string(got.body))); diff != "" {
				t.Errorf("upstream body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextCompletionChatAnswer(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", textAnswer, "X-Request-Id", "req_1"))
	d, a := deployment(t, "text-completion-openai", f.URL)
	body := `{"model":"pub","messages":[{"role":"user","content":"Hi"}]}`
	resp, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"cmpl-1","object":"chat.completion","created":1700000000,
		"model":"gpt-3.5-turbo-instruct","choices":[
		{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"},
		{"index":1,"message":{"role":"assistant","content":"General Kenobi"},"finish_reason":"length"}],
		"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}`
	if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, out)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if want := (chat.Usage{PromptTokens: 5, CompletionTokens: 4, TotalTokens: 9}); resp.Usage != want {
		t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
	}
	if got := resp.Header["llm_provider-x-request-id"]; len(got) != 1 || got[0] != "req_1" {
		t.Errorf("header = %v", resp.Header)
	}
}

func TestTextCompletionPassThrough(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", textAnswer))
	d, a := deployment(t, "text-completion-openai", f.URL)
	body := `{"model":"pub","prompt":"Hi","max_tokens":3}`
	resp, out, err := do(t, a, d, &Request{Op: OpCompletions, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.last(t); got.path != "/completions" ||
		string(got.body) != `{"model":"up-model","prompt":"Hi","max_tokens":3}` {
		t.Errorf("upstream got %s %s", got.path, got.body)
	}
	if out != textAnswer || resp.Usage.TotalTokens != 9 {
		t.Errorf("client got %s, Usage %+v; want the upstream's answer unchanged", out, resp.Usage)
	}
}

// Text completion chunks as OpenAI streams them with include_usage.
const (
	textChunk1 = `data: {"id":"cmpl-2","object":"text_completion","created":1,"choices":[{"text":"Hello","index":0,"logprobs":null,"finish_reason":null}],"model":"m"}` + "\n\n"
	textChunk2 = `data: {"id":"cmpl-2","object":"text_completion","created":1,"choices":[{"text":" there","index":0,"logprobs":null,"finish_reason":null}],"model":"m"}` + "\n\n"
	textChunk3 = `data: {"id":"cmpl-2","object":"text_completion","created":1,"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}],"model":"m"}` + "\n\n"
	textUsage  = `data: {"id":"cmpl-2","object":"text_completion","created":1,"choices":[],"model":"m","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}` + "\n\n"
)

// Their translation.
const (
	chatChunk1 = `data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}` + "\n\n"
	chatChunk2 = `data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]}` + "\n\n"
	chatChunk3 = `data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n"
	chatUsage  = `data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}` + "\n\n"
)

func TestTextCompletionChatStream(t *testing.T) {
	tests := []struct {
		name, body, wantBody, wantOut string
	}{{
		name:     "gateway asks for usage and drops it",
		body:     `{"model":"pub","stream":true,"messages":[{"role":"user","content":"Hi"}]}`,
		wantBody: `{"model":"up-model","prompt":"Hi","stream":true,"stream_options":{"include_usage":true}}`,
		wantOut:  keepAlive + chatChunk1 + chatChunk2 + chatChunk3 + doneEvent,
	}, {
		name: "client asked for usage",
		body: `{"model":"pub","stream":true,"stream_options":{"include_usage":true},` +
			`"messages":[{"role":"user","content":"Hi"}]}`,
		wantBody: `{"model":"up-model","prompt":"Hi","stream":true,"stream_options":{"include_usage":true}}`,
		wantOut:  keepAlive + chatChunk1 + chatChunk2 + chatChunk3 + chatUsage + doneEvent,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, sseEvents(keepAlive, textChunk1, textChunk2, textChunk3, textUsage, doneEvent))
			d, a := deployment(t, "text-completion-openai", f.URL)
			resp, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(tt.body), Stream: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(decodeJSON(t, tt.wantBody), decodeJSON(t, string(f.last(t).body))); diff != "" {
				t.Errorf("upstream body (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOut, out); diff != "" {
				t.Errorf("stream (-want +got):\n%s", diff)
			}
			if want := (chat.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}); resp.Usage != want {
				t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
			}
		})
	}
}

func TestTextCompletionErrors(t *testing.T) {
	chatBody := []byte(`{"model":"pub","messages":[{"role":"user","content":"Hi"}]}`)
	t.Run("status", func(t *testing.T) {
		f := newTestServer(t, reply(429, "application/json",
			`{"error":{"message":"Rate limit reached for `+testKey+`","type":"requests",`+
				`"code":"rate_limit_exceeded"}}`))
		d, a := deployment(t, "text-completion-openai", f.URL)
		_, _, err := do(t, a, d, &Request{Op: OpChat, Body: chatBody})
		var e *UpstreamError
		if !errors.As(err, &e) || e.Status != 429 || !e.Retryable || e.Code != "rate_limit_exceeded" ||
			!strings.HasPrefix(e.Message, "Rate limit reached") {
			t.Fatalf("error = %v, want the upstream's 429", err)
		}
		assertNoKey(t, e.Message)
	})
	t.Run("in stream", func(t *testing.T) {
		f := newTestServer(t, sseEvents(textChunk1,
			`data: {"error":{"message":"The server had an error","type":"server_error"}}`+"\n\n"))
		d, a := deployment(t, "text-completion-openai", f.URL)
		_, out, err := do(t, a, d, &Request{Op: OpChat, Body: chatBody, Stream: true})
		var e *UpstreamError
		if !errors.As(err, &e) || e.Status != 500 || !strings.Contains(out, `"The server had an error"`) {
			t.Fatalf("error = %v, stream %q; want the error forwarded and returned", err, out)
		}
	})
	t.Run("bad request", func(t *testing.T) {
		d, a := deployment(t, "text-completion-openai", "http://127.0.0.1:1")
		for _, r := range []*Request{
			{Op: OpChat, Body: []byte(`{"model":"pub","messages":[]}`)},
			{Op: OpChat, Body: []byte(`{"model":"pub","messages":[{"role":"user","content":{}}]}`)},
			{Op: OpEmbeddings, Body: []byte(`{"model":"pub","input":"x"}`)},
			{Op: OpResponses, Body: []byte(`{"model":"pub","input":"x"}`)},
			{Op: OpMessages, Body: []byte(`{"model":"pub"}`)},
		} {
			_, err := a.Do(t.Context(), d, r)
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != 400 || e.Retryable {
				t.Errorf("%s %s: error = %v, want a non-retryable 400", r.Op, r.Body, err)
			}
		}
	})
}
