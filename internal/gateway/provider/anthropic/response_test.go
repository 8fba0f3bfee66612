package anthropic

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestToChat(t *testing.T) {
	tests := []struct{ name, in, want string }{{
		name: "text",
		in: `{"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
			"content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}],
			"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":3}}`,
		want: `{"id":"msg_1","object":"chat.completion","created":1700000000,"model":"claude-x",
			"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],
			"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}`,
	}, {
		name: "tool use and thinking",
		in: `{"id":"msg_2","type":"message","role":"assistant","model":"claude-x",
			"content":[{"type":"thinking","thinking":"hmm","signature":"s"},
				{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
			"stop_reason":"tool_use",
			"usage":{"input_tokens":10,"cache_creation_input_tokens":2,"cache_read_input_tokens":100,"output_tokens":7}}`,
		want: `{"id":"msg_2","object":"chat.completion","created":1700000000,"model":"claude-x",
			"choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"hmm",
				"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
				"finish_reason":"tool_calls"}],
			"usage":{"prompt_tokens":112,"completion_tokens":7,"total_tokens":119}}`,
	}, {
		name: "max tokens",
		in: `{"id":"msg_3","model":"claude-x","content":[{"type":"text","text":"Once"}],
			"stop_reason":"max_tokens","usage":{"input_tokens":1,"output_tokens":1}}`,
		want: `{"id":"msg_3","object":"chat.completion","created":1700000000,"model":"claude-x",
			"choices":[{"index":0,"message":{"role":"assistant","content":"Once"},"finish_reason":"length"}],
			"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Response
			if err := json.Unmarshal([]byte(tt.in), &r); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(ToChat(&r, 1700000000))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(decode(t, tt.want), decode(t, string(got))); diff != "" {
				t.Errorf("ToChat (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFinishReason(t *testing.T) {
	for in, want := range map[string]string{
		"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
		"tool_use": "tool_calls", "refusal": "content_filter", "pause_turn": "stop",
	} {
		if got := FinishReason(in); got != want {
			t.Errorf("FinishReason(%q) = %q, want %q", in, got, want)
		}
	}
}
