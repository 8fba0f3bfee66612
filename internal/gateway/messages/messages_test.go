package messages

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func TestToChat(t *testing.T) {
	tests := []struct{ name, in, want string }{{
		name: "system, params and a string turn",
		in: `{"model":"m","system":"Be brief.","max_tokens":50,"temperature":0.2,"top_k":5,
			"stop_sequences":["END"],"stream":true,"metadata":{"user_id":"u1"},
			"messages":[{"role":"user","content":"Hi"}]}`,
		want: `{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
			"max_tokens":50,"temperature":0.2,"stop":["END"],"stream":true,"user":"u1"}`,
	}, {
		name: "tools both ways",
		in: `{"model":"m","max_tokens":50,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],
			"messages":[{"role":"user","content":[{"type":"text","text":"Weather?"},
				{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]},
			{"role":"assistant","content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"Let me see."},
				{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}]},
			{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},
				{"type":"text","text":"Thanks"}]}],
			"tools":[{"name":"weather","description":"Get it","input_schema":{"type":"object"}}],
			"tool_choice":{"type":"any","disable_parallel_tool_use":true}}`,
		want: `{"model":"m","max_tokens":50,"messages":[{"role":"system","content":"A\n\nB"},
			{"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]},
			{"role":"assistant","content":"Let me see.","tool_calls":[{"id":"toolu_1","type":"function",
				"function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
			{"role":"tool","content":"18C","tool_call_id":"toolu_1"},
			{"role":"user","content":"Thanks"}],
			"tools":[{"type":"function","function":{"name":"weather","description":"Get it","parameters":{"type":"object"}}}],
			"tool_choice":"required","parallel_tool_calls":false}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToChat([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(decode(t, tt.want), decode(t, string(got))); diff != "" {
				t.Errorf("ToChat (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ToChat([]byte(`{"messages":[{"role":"system","content":"x"}]}`)); err == nil ||
		!strings.Contains(err.Error(), `unsupported role "system"`) {
		t.Errorf("ToChat of a system turn: error = %v", err)
	}
}

func TestFromChat(t *testing.T) {
	in := `{"id":"chatcmpl-9","object":"chat.completion","created":1,"model":"up",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Checking.",
		"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
		"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}`
	want := `{"id":"msg_9","type":"message","role":"assistant","model":"public",
		"content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}}],
		"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":4}}`
	got, err := FromChat([]byte(in), "public")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decode(t, want), decode(t, string(got))); diff != "" {
		t.Errorf("FromChat (-want +got):\n%s", diff)
	}
}

func TestStream(t *testing.T) {
	chunk := func(delta, finish string) string {
		return `data: {"id":"chatcmpl-9","object":"chat.completion.chunk","choices":[{"index":0,"delta":` +
			delta + `,"finish_reason":` + finish + `}]}` + "\n\n"
	}
	in := []string{
		chunk(`{"role":"assistant","content":""}`, "null"),
		chunk(`{"content":"Hello"}`, "null") + ": keep-alive\n\n",
		chunk(`{"content":" there"}`, "null"),
		chunk(`{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}`, "null"),
		chunk(`{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}`, "null"),
		chunk(`{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}`, "null"),
		chunk(`{}`, `"tool_calls"`), "data: [DONE]\n\n",
	}
	var out bytes.Buffer
	s := NewStream(&out, "public")
	for _, ev := range in {
		if _, err := s.Write([]byte(ev)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Finish(chat.Usage{PromptTokens: 9, CompletionTokens: 4}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`message_start {"message":{"content":[],"id":"msg_9","model":"public","role":"assistant","stop_reason":null,"stop_sequence":null,"type":"message","usage":{"input_tokens":0,"output_tokens":0}},"type":"message_start"}`,
		`content_block_start {"content_block":{"text":"","type":"text"},"index":0,"type":"content_block_start"}`,
		`content_block_delta {"delta":{"text":"Hello","type":"text_delta"},"index":0,"type":"content_block_delta"}`,
		`content_block_delta {"delta":{"text":" there","type":"text_delta"},"index":0,"type":"content_block_delta"}`,
		`content_block_stop {"index":0,"type":"content_block_stop"}`,
		`content_block_start {"content_block":{"id":"call_1","input":{},"name":"f","type":"tool_use"},"index":1,"type":"content_block_start"}`,
		`content_block_delta {"delta":{"partial_json":"{\"a\":","type":"input_json_delta"},"index":1,"type":"content_block_delta"}`,
		`content_block_delta {"delta":{"partial_json":"1}","type":"input_json_delta"},"index":1,"type":"content_block_delta"}`,
		`content_block_stop {"index":1,"type":"content_block_stop"}`,
		`message_delta {"delta":{"stop_reason":"tool_use","stop_sequence":null},"type":"message_delta","usage":{"input_tokens":9,"output_tokens":4}}`,
		`message_stop {"type":"message_stop"}`,
	}
	if diff := cmp.Diff(want, events(t, out.String())); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestStreamError(t *testing.T) {
	var out bytes.Buffer
	s := NewStream(&out, "public")
	s.Write([]byte(`data: {"error":{"message":"overloaded","type":"server_error"}}` + "\n\n"))
	s.Finish(chat.Usage{})
	want := []string{`error {"error":{"message":"overloaded","type":"api_error"},"type":"error"}`}
	if diff := cmp.Diff(want, events(t, out.String())); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// events returns each event as its name and its data re-encoded with
// sorted keys.
func events(t *testing.T, sse string) []string {
	t.Helper()
	var out []string
	for _, ev := range strings.Split(strings.TrimSpace(sse), "\n\n") {
		name, data, ok := strings.Cut(ev, "\ndata: ")
		if !ok {
			t.Fatalf("event without data: %q", ev)
		}
		b, _ := json.Marshal(decode(t, data))
		out = append(out, strings.TrimPrefix(name, "event: ")+" "+string(b))
	}
	return out
}
