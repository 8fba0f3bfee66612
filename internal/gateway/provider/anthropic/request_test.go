package anthropic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

func TestFromChat(t *testing.T) {
	tests := []struct {
		name string
		in   string // chat request
		want string // Messages request
	}{{
		name: "system, defaults and params",
		in: `{"model":"pub","messages":[{"role":"system","content":"Be brief."},
			{"role":"developer","content":[{"type":"text","text":"Use French."}]},
			{"role":"user","content":"Hi"}],
			"temperature":0.5,"top_p":0.9,"stop":"END","user":"u1","n":1}`,
		want: `{"model":"claude-x","system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use French."}],
			"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
			"max_tokens":4096,"temperature":0.5,"top_p":0.9,"stop_sequences":["END"],
			"metadata":{"user_id":"u1"}}`,
	}, {
		name: "max_completion_tokens wins",
		in:   `{"messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"max_completion_tokens":20,"stream":true}`,
		want: `{"model":"claude-x","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
			"max_tokens":20,"stream":true}`,
	}, {
		name: "tool round trip",
		in: `{"messages":[{"role":"user","content":"Weather in Paris and Rome?"},
			{"role":"assistant","content":null,"tool_calls":[
				{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
				{"id":"toolu_2","type":"function","function":{"name":"weather","arguments":""}}]},
			{"role":"tool","tool_call_id":"toolu_1","content":"18C"},
			{"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"21C"}]},
			{"role":"user","content":"Thanks"}],
			"tools":[{"type":"function","function":{"name":"weather","description":"Get weather",
				"parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
				{"type":"function","function":{"name":"now"}}],
			"tool_choice":"required","parallel_tool_calls":false}`,
		want: `{"model":"claude-x","messages":[
			{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
			{"role":"assistant","content":[
				{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}},
				{"type":"tool_use","id":"toolu_2","name":"weather","input":{}}]},
			{"role":"user","content":[
				{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},
				{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"21C"}]},
				{"type":"text","text":"Thanks"}]}],
			"max_tokens":4096,
			"tools":[{"name":"weather","description":"Get weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
				{"name":"now","input_schema":{"type":"object","properties":{}}}],
			"tool_choice":{"type":"any","disable_parallel_tool_use":true}}`,
	}, {
		name: "images and named tool choice",
		in: `{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
			{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
			{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}],
			"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
			"tool_choice":{"type":"function","function":{"name":"f"}}}`,
		want: `{"model":"claude-x","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
			{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
			{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}],
			"max_tokens":4096,"tools":[{"name":"f","input_schema":{"type":"object"}}],
			"tool_choice":{"type":"tool","name":"f"}}`,
	}, {
		name: "tool choice none",
		in:   `{"messages":[{"role":"user","content":"Hi"}],"tool_choice":"none"}`,
		want: `{"model":"claude-x","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
			"max_tokens":4096,"tool_choice":{"type":"none"}}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req chat.Request
			if err := json.Unmarshal([]byte(tt.in), &req); err != nil {
				t.Fatal(err)
			}
			out, err := FromChat(&req, "claude-x")
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(decode(t, tt.want), decode(t, string(got))); diff != "" {
				t.Errorf("FromChat (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromChatErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"role", `{"messages":[{"role":"function","content":"x"}]}`, `unsupported role "function"`},
		{"part", `{"messages":[{"role":"user","content":[{"type":"input_audio"}]}]}`, `unsupported content part type "input_audio"`},
		{"image scheme", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]}`, "image URL must be https"},
		{"arguments", `{"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}`, "not a JSON object"},
		{"tool id", `{"messages":[{"role":"tool","content":"x"}]}`, "without tool_call_id"},
		{"tool type", `{"messages":[],"tools":[{"type":"web_search"}]}`, `unsupported tool type "web_search"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req chat.Request
			if err := json.Unmarshal([]byte(tt.in), &req); err != nil {
				t.Fatal(err)
			}
			_, err := FromChat(&req, "m")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("FromChat error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}
