package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

const anthropicAnswer = `{"id":"msg_01","type":"message","role":"assistant","model":"claude-x",
	"content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
	"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":8}}`

const chatWithTools = `{"model":"public","messages":[{"role":"system","content":"Be brief."},
	{"role":"user","content":"Weather in Paris?"}],
	"tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],"stop":["END"]}`

func anthropicDeployment(t *testing.T, f *fake) (*Deployment, Adapter) {
	t.Helper()
	d, _ := deployment(t, "anthropic", f.URL)
	a := &anthropicAdapter{client: client{rt: sharedTransport, now: func() time.Time { return time.Unix(1700000000, 0) }},
		spec: providers["anthropic"]}
	return d, a
}

func TestAnthropicChat(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", anthropicAnswer, "Request-Id", "req_9"))
	d, a := anthropicDeployment(t, f)
	resp, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(chatWithTools)})
	if err != nil {
		t.Fatal(err)
	}

	got := f.last(t)
	if got.path != "/v1/messages" || got.header.Get("X-Api-Key") != testKey ||
		got.header.Get("Anthropic-Version") != "2023-06-01" || got.header.Get("Authorization") != "" {
		t.Errorf("upstream got %s with headers %v", got.path, got.header)
	}
	wantReq := `{"model":"up-model","system":[{"type":"text","text":"Be brief."}],
		"messages":[{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]}],
		"max_tokens":4096,"stop_sequences":["END"],"tools":[{"name":"weather","input_schema":{"type":"object"}}]}`
	if diff := cmp.Diff(decodeJSON(t, wantReq), decodeJSON(t, string(got.body))); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	wantOut := `{"id":"msg_01","object":"chat.completion","created":1700000000,"model":"claude-x",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Checking.",
		"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
		"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":20,"completion_tokens":8,"total_tokens":28}}`
	if diff := cmp.Diff(decodeJSON(t, wantOut), decodeJSON(t, out)); diff != "" {
		t.Errorf("client got (-want +got):\n%s", diff)
	}
	assertNoKey(t, out, fmt.Sprint(resp.Header))
	if resp.Usage != (chat.Usage{PromptTokens: 20, CompletionTokens: 8, TotalTokens: 28}) {
		t.Errorf("Usage = %+v", resp.Usage)
	}
	if v := resp.Header["llm_provider-request-id"]; len(v) != 1 || v[0] != "req_9" {
		t.Errorf("response header = %v", resp.Header)
	}
}

// anthropicStream is a stream with every event type: text, a ping, a tool
// call in partial JSON, the stop reason and usage, the end.
var anthropicEvents = []string{
	"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n",
	"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
	"event: ping\ndata: {\"type\": \"ping\"}\n\n",
	"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking\"}}\n\n",
	"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
	"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{}}}\n\n",
	"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n",
	"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"Paris\\\"}\"}}\n\n",
	"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
	"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
	"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
}

func TestAnthropicStream(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		f := newTestServer(t, sseEvents(anthropicEvents...))
		d, a := anthropicDeployment(t, f)
		body := `{"model":"p","stream":true,"messages":[{"role":"user","content":"Weather?"}]}`
		if includeUsage {
			body = `{"model":"p","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Weather?"}]}`
		}
		resp, err := a.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(body), Stream: true})
		if err != nil {
			t.Fatal(err)
		}
		var w flushWriter
		if _, err := resp.WriteTo(&w); err != nil {
			t.Fatal(err)
		}
		resp.Close()

		if !strings.Contains(string(f.last(t).body), `"stream":true`) {
			t.Errorf("upstream body %s does not ask for a stream", f.last(t).body)
		}
		head := `data: {"id":"msg_1","object":"chat.completion.chunk","created":1700000000,"model":"claude-x","choices":[{"index":0,"delta":`
		want := []string{
			head + `{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n",
			": ping\n\n",
			head + `{"content":"Checking"},"finish_reason":null}]}` + "\n\n",
			head + `{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}` + "\n\n",
			head + `{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}` + "\n\n",
			head + `{"tool_calls":[{"index":0,"function":{"arguments":" \"Paris\"}"}}]},"finish_reason":null}]}` + "\n\n",
			head + `{},"finish_reason":"tool_calls"}]}` + "\n\n",
		}
		if includeUsage {
			want = append(want, `data: {"id":"msg_1","object":"chat.completion.chunk","created":1700000000,"model":"claude-x",`+
				`"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":15,"total_tokens":35}}`+"\n\n", "data: [DONE]\n\n")
		} else {
			want = append(want, "data: [DONE]\n\n")
		}
		if diff := cmp.Diff(want, w.events()); diff != "" {
			t.Errorf("include_usage=%v: flushed events (-want +got):\n%s", includeUsage, diff)
		}
		if resp.Usage != (chat.Usage{PromptTokens: 20, CompletionTokens: 15, TotalTokens: 35}) {
			t.Errorf("Usage = %+v", resp.Usage)
		}
	}
}

func TestAnthropicStreamFailures(t *testing.T) {
	errEvent := "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
	tests := []struct {
		name   string
		events []string
		status int
	}{
		{"error event", []string{anthropicEvents[0], anthropicEvents[3], errEvent}, 529},
		{"dropped before message_stop", anthropicEvents[:4], 502},
		{"invalid event", []string{anthropicEvents[3]}, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, sseEvents(tt.events...))
			d, a := anthropicDeployment(t, f)
			_, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(`{"messages":[]}`), Stream: true})
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != tt.status || !e.Retryable {
				t.Fatalf("error = %v, want a retryable %d", err, tt.status)
			}
			if tt.status == 529 && !strings.HasSuffix(out, `"type":"overloaded_error"}}`+"\n\n") {
				t.Errorf("client got %q, want an error event at the end", out)
			}
		})
	}
}

func TestAnthropicRejects(t *testing.T) {
	f := newTestServer(t, reply(400, "application/json",
		`{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too large"}}`))
	d, a := anthropicDeployment(t, f)
	tests := []struct {
		name string
		r    Request
		msg  string
	}{
		{"embeddings", Request{Op: OpEmbeddings, Body: []byte(`{"input":"x"}`)}, "embeddings is not supported by provider anthropic"},
		{"responses", Request{Op: OpResponses, Body: []byte(`{"input":"x"}`)}, "responses is not supported by provider anthropic"},
		{"bad body", Request{Op: OpChat, Body: []byte(`{"messages":"x"}`)}, "invalid chat completion request"},
		{"bad role", Request{Op: OpChat, Body: []byte(`{"messages":[{"role":"function","content":"x"}]}`)}, `unsupported role "function"`},
		{"upstream 400", Request{Op: OpChat, Body: []byte(`{"messages":[{"role":"user","content":"x"}]}`)}, "max_tokens: too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Do(t.Context(), d, &tt.r)
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != 400 || e.Retryable || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("error = %v, want a 400 saying %q", err, tt.msg)
			}
		})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) != 1 {
		t.Errorf("upstream got %d requests, want only the valid one", len(f.reqs))
	}
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}
