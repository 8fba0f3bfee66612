package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

func TestMockResponses(t *testing.T) {
	tests := []struct {
		name, body string
		prompt     int
	}{
		{"string input", `{"model":"demo","input":"Say hello to me"}`, 4},
		{"input items", `{"model":"demo","instructions":"Be kind","input":[
			{"role":"user","content":"Say hello"},
			{"type":"message","role":"user","content":[{"type":"input_text","text":" to me"},
				{"type":"input_image","image_url":"https://x/y.png"}]},
			{"type":"function_call_output","call_id":"c1","output":"ignored"}]}`, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, m := testMock("Hello from demo")
			resp, out, err := do(t, m, d, &Request{Op: OpResponses, Body: []byte(tt.body)})
			if err != nil {
				t.Fatal(err)
			}
			want := `{"id":"resp_test","object":"response","created_at":1700000000,"status":"completed",
				"error":null,"incomplete_details":null,"model":"demo",
				"output":[{"type":"message","id":"msg_test","status":"completed","role":"assistant",
					"content":[{"type":"output_text","text":"Hello from demo","annotations":[]}]}],
				"parallel_tool_calls":true,"tool_choice":"auto","tools":[],
				"usage":{"input_tokens":` + itoa(tt.prompt) + `,"input_tokens_details":{"cached_tokens":0},
					"output_tokens":4,"output_tokens_details":{"reasoning_tokens":0},
					"total_tokens":` + itoa(tt.prompt+4) + `}}`
			if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, out)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			wantUsage := chat.Usage{PromptTokens: tt.prompt, CompletionTokens: 4, TotalTokens: tt.prompt + 4}
			if resp.Usage != wantUsage {
				t.Errorf("Usage = %+v, want %+v", resp.Usage, wantUsage)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestMockResponsesStream(t *testing.T) {
	d, m := testMock("Hello from demo")
	body := `{"model":"demo","stream":true,"input":"Say hello to me"}`
	resp, err := m.Do(t.Context(), d, &Request{Op: OpResponses, Body: []byte(body), Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	var w flushWriter
	if _, err := resp.WriteTo(&w); err != nil {
		t.Fatal(err)
	}
	resp.Close()

	var types []string
	var text strings.Builder
	var last map[string]any
	for i, ev := range w.events() {
		name, data, ok := strings.Cut(ev, "\ndata: ")
		name, _ = strings.CutPrefix(name, "event: ")
		if !ok || !strings.HasSuffix(data, "}\n\n") {
			t.Fatalf("event %d = %q, want an event line and one data line", i, ev)
		}
		var e struct {
			Type           string `json:"type"`
			SequenceNumber int    `json:"sequence_number"`
			Delta          string `json:"delta"`
			ItemID         string `json:"item_id"`
		}
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if e.Type != name || e.SequenceNumber != i {
			t.Errorf("event %d: type %q under event %q, sequence_number %d", i, e.Type, name, e.SequenceNumber)
		}
		if strings.HasPrefix(e.Type, "response.output_text") && e.ItemID != "msg_test" {
			t.Errorf("event %d: item_id %q", i, e.ItemID)
		}
		types = append(types, e.Type)
		text.WriteString(e.Delta)
		last = decodeJSON(t, data).(map[string]any)
	}
	delta := "response.output_text.delta"
	wantTypes := []string{"response.created", "response.in_progress", "response.output_item.added",
		"response.content_part.added", delta, delta, delta, "response.output_text.done",
		"response.content_part.done", "response.output_item.done", "response.completed"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	if text.String() != "Hello from demo" {
		t.Errorf("streamed text = %q", text.String())
	}
	final, _ := last["response"].(map[string]any)
	usage, _ := final["usage"].(map[string]any)
	if final["status"] != "completed" || usage["input_tokens"] != 4.0 || usage["total_tokens"] != 8.0 {
		t.Errorf("response.completed carries %v", final)
	}
	if want := (chat.Usage{PromptTokens: 4, CompletionTokens: 4, TotalTokens: 8}); resp.Usage != want {
		t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
	}
}
