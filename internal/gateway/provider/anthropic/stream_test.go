package anthropic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// toolStream is a streamed answer with text, a ping, thinking and a tool
// call whose arguments arrive as partial JSON, as Anthropic sends them.
var toolStream = []string{
	`{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}`,
	`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
	`{"type":"ping"}`,
	`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me \"check\""}}`,
	`{"type":"content_block_stop","index":0}`,
	`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_9","name":"weather","input":{}}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}`,
	`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}`,
	`{"type":"content_block_stop","index":1}`,
	`{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}`,
	`{"type":"message_stop"}`,
}

func TestStream(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		s := NewStream(includeUsage, 1700000000)
		var out []byte
		var err error
		for _, ev := range toolStream {
			if out, err = s.Event(out, []byte(ev)); err != nil {
				t.Fatalf("event %s: %v", ev, err)
			}
		}
		if !s.Done() {
			t.Error("Done() = false after message_stop")
		}
		want := []string{
			`{"role":"assistant","content":""}`,
			`{"content":"Let me \"check\""}`,
			`{"tool_calls":[{"index":0,"id":"toolu_9","type":"function","function":{"name":"weather","arguments":""}}]}`,
			`{"tool_calls":[{"index":0,"function":{"arguments":""}}]}`,
			`{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]}`,
			`{"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]}`,
			`{}`,
		}
		chunks, comments, done := parseSSE(t, out)
		if !done || comments != 1 {
			t.Errorf("done = %v, comments = %d; want [DONE] and one ping", done, comments)
		}
		wantUsage := chat.Usage{PromptTokens: 30, CompletionTokens: 42, TotalTokens: 72}
		if got := s.Usage().ToChat(); got != wantUsage {
			t.Errorf("Usage = %+v, want %+v", got, wantUsage)
		}
		if includeUsage {
			last := chunks[len(chunks)-1]
			chunks = chunks[:len(chunks)-1]
			if len(last.Choices) != 0 || last.Usage == nil || *last.Usage != wantUsage {
				t.Errorf("usage chunk = %+v", last)
			}
		}
		if len(chunks) != len(want) {
			t.Fatalf("got %d chunks, want %d:\n%s", len(chunks), len(want), out)
		}
		for i, c := range chunks {
			if c.ID != "msg_1" || c.Model != "claude-x" || c.Created != 1700000000 || c.Object != "chat.completion.chunk" {
				t.Errorf("chunk %d header = %+v", i, c)
			}
			var wantDelta chat.Delta
			if err := json.Unmarshal([]byte(want[i]), &wantDelta); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantDelta, c.Choices[0].Delta); diff != "" {
				t.Errorf("chunk %d delta (-want +got):\n%s", i, diff)
			}
			finish := c.Choices[0].FinishReason
			if (i == len(chunks)-1) != (finish != nil) || finish != nil && *finish != "tool_calls" {
				t.Errorf("chunk %d finish_reason = %v", i, finish)
			}
		}
	}
}

func TestStreamErrors(t *testing.T) {
	start := toolStream[0]
	tests := []struct {
		name   string
		events []string
		want   string
	}{
		{"delta before start", []string{toolStream[3]}, "before message_start"},
		{"json delta outside tool", []string{start, toolStream[1], toolStream[7]}, "outside a tool_use block"},
		{"bad start", []string{`{"type":"message_start","message":[]}`}, "message_start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStream(false, 0)
			var err error
			for _, ev := range tt.events {
				if _, err = s.Event(nil, []byte(ev)); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestStreamErrorEvent(t *testing.T) {
	s := NewStream(false, 0)
	out, _ := s.Event(nil, []byte(toolStream[0]))
	out, err := s.Event(out, []byte(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
	var se *StreamError
	if !errors.As(err, &se) || se.Type != "overloaded_error" || ErrorStatus(se.Type) != 529 {
		t.Fatalf("error = %v, want an overloaded StreamError", err)
	}
	want := `data: {"error":{"code":"529","message":"Overloaded","type":"overloaded_error"}}`
	if !bytes.Contains(out, []byte(want)) || !s.Done() {
		t.Errorf("out = %s, want it to end with %s", out, want)
	}
}

// parseSSE decodes the chunks of a translated stream, counting comments and
// noting whether it ends with [DONE].
func parseSSE(t *testing.T, b []byte) (chunks []chat.Chunk, comments int, done bool) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
		case strings.HasPrefix(line, ":"):
			comments++
		case line == "data: [DONE]":
			done = true
		case strings.HasPrefix(line, "data: "):
			var c chat.Chunk
			if err := json.Unmarshal([]byte(line[len("data: "):]), &c); err != nil {
				t.Fatalf("chunk %s: %v", line, err)
			}
			chunks = append(chunks, c)
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
	return chunks, comments, done
}
