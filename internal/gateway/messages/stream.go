package messages

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// Stream turns a chat completion event stream, written to it, into a
// Messages event stream written to its writer: message_start, then a
// content block per text, thinking or tool call, each opened, filled with
// deltas and stopped, then, from Finish, message_delta and message_stop.
// Each write of whole chat events becomes one write of their translation.
type Stream struct {
	w       io.Writer
	model   string
	in      []byte // a chat event not yet ended
	out     []byte
	started bool
	open    string      // type of the open content block, "" for none
	index   int         // index of the open block, or the next one
	tools   map[int]int // chat tool call index -> block index
	stop    string
	usage   chat.Usage
	failed  bool
}

// NewStream returns a Stream writing to w, for the model the client asked
// for.
func NewStream(w io.Writer, model string) *Stream {
	return &Stream{w: w, model: model, stop: "end_turn"}
}

// Write reads chat events and writes their translation.
func (s *Stream) Write(p []byte) (int, error) {
	s.in = append(s.in, p...)
	for {
		i := bytes.Index(s.in, []byte("\n\n"))
		if i < 0 {
			break
		}
		s.event(s.in[:i])
		s.in = s.in[i+2:]
	}
	if len(s.out) == 0 {
		return len(p), nil
	}
	_, err := s.w.Write(s.out)
	s.out = s.out[:0]
	return len(p), err
}

// FlushError flushes the writer, when it can, so that the provider's
// copier flushes each event through the translation.
func (s *Stream) FlushError() error {
	if f, ok := s.w.(interface{ FlushError() error }); ok {
		return f.FlushError()
	}
	return nil
}

// event translates one chat event, given without its final blank line.
func (s *Stream) event(ev []byte) {
	var data []byte
	for _, line := range bytes.Split(bytes.ReplaceAll(ev, []byte("\r\n"), []byte("\n")), []byte("\n")) {
		if d, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			data = append(data, bytes.TrimPrefix(d, []byte(" "))...)
		}
	}
	if len(data) == 0 || data[0] != '{' || s.failed {
		return // comments, keep-alives and [DONE]
	}
	if e := rawjson.Get(data, "error"); !rawjson.IsNull(e) {
		msg, _ := rawjson.String(rawjson.Get(e, "message"))
		s.Fail(500, msg)
		return
	}
	var c chat.Chunk
	if json.Unmarshal(data, &c) != nil {
		return
	}
	s.begin(c.ID)
	if c.Usage != nil {
		s.usage = *c.Usage
	}
	for _, ch := range c.Choices {
		if ch.Index == 0 {
			s.delta(&ch.Delta)
			if ch.FinishReason != nil {
				s.stop = StopReason(*ch.FinishReason)
			}
		}
	}
}

func (s *Stream) begin(id string) {
	if s.started {
		return
	}
	s.started = true
	s.emit("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": messageID(id), "type": "message", "role": "assistant", "model": s.model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": 0, "output_tokens": 0},
	}})
}

func (s *Stream) delta(d *chat.Delta) {
	if d.ReasoningContent != nil && *d.ReasoningContent != "" {
		s.openBlock("thinking", map[string]any{"type": "thinking", "thinking": ""})
		s.blockDelta(s.index, map[string]any{"type": "thinking_delta", "thinking": *d.ReasoningContent})
	}
	if d.Content != nil && *d.Content != "" {
		s.openBlock("text", map[string]any{"type": "text", "text": ""})
		s.blockDelta(s.index, map[string]any{"type": "text_delta", "text": *d.Content})
	}
	for _, tc := range d.ToolCalls {
		idx := 0
		if tc.Index != nil {
			idx = *tc.Index
		}
		if _, ok := s.tools[idx]; !ok {
			s.closeBlock()
			if s.tools == nil {
				s.tools = map[int]int{}
			}
			s.tools[idx] = s.index
			s.openBlock("tool_use", map[string]any{"type": "tool_use", "id": tc.ID,
				"name": tc.Function.Name, "input": map[string]any{}})
		}
		if tc.Function.Arguments != "" {
			s.blockDelta(s.tools[idx], map[string]any{"type": "input_json_delta",
				"partial_json": tc.Function.Arguments})
		}
	}
}

// openBlock opens a block of kind unless one is open; a tool_use block is
// always new.
func (s *Stream) openBlock(kind string, block map[string]any) {
	if s.open == kind && kind != "tool_use" {
		return
	}
	s.closeBlock()
	s.open = kind
	s.emit("content_block_start", map[string]any{"type": "content_block_start",
		"index": s.index, "content_block": block})
}

func (s *Stream) closeBlock() {
	if s.open == "" {
		return
	}
	s.emit("content_block_stop", map[string]any{"type": "content_block_stop", "index": s.index})
	s.open = ""
	s.index++
}

func (s *Stream) blockDelta(index int, delta map[string]any) {
	s.emit("content_block_delta", map[string]any{"type": "content_block_delta",
		"index": index, "delta": delta})
}

func (s *Stream) emit(name string, v any) {
	b, _ := json.Marshal(v) // maps of strings and numbers always encode
	s.out = append(s.out, "event: "...)
	s.out = append(s.out, name...)
	s.out = append(s.out, "\ndata: "...)
	s.out = append(s.out, b...)
	s.out = append(s.out, "\n\n"...)
}

// Finish ends the stream with the usage of the whole answer (when zero,
// the usage the chat stream carried) and writes what is left.
func (s *Stream) Finish(u chat.Usage) error {
	if s.failed {
		return nil
	}
	if u == (chat.Usage{}) {
		u = s.usage
	}
	s.begin("")
	s.closeBlock()
	s.emit("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": s.stop, "stop_sequence": nil},
		"usage": map[string]int{"input_tokens": u.PromptTokens, "output_tokens": u.CompletionTokens}})
	s.emit("message_stop", map[string]any{"type": "message_stop"})
	return s.writeOut()
}

// Fail ends the stream with an error event, as Anthropic's streams report
// a failure after their first event.
func (s *Stream) Fail(status int, message string) error {
	if s.failed {
		return nil
	}
	s.failed = true
	s.out = append(s.out, "event: error\ndata: "...)
	s.out = append(s.out, ErrorBody(status, message)...)
	s.out = append(s.out, "\n\n"...)
	return s.writeOut()
}

func (s *Stream) writeOut() error {
	if len(s.out) == 0 {
		return nil
	}
	_, err := s.w.Write(s.out)
	s.out = s.out[:0]
	return err
}
