package anthropic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// Stream translates the events of a streamed Messages answer into chat
// completion chunks. Feed it the data of each event in order; it returns
// whole SSE events ("data: {...}\n\n"), ending with "data: [DONE]" after
// message_stop. Text and tool-argument deltas, nearly all of a stream, are
// copied as raw JSON strings without decoding. A Stream serves one answer.
type Stream struct {
	includeUsage bool
	created      int64
	head         []byte // a chunk's fields before "choices"
	toolIndex    []int  // chat tool call index by content block index, -1 for others
	tools        int
	usage        Usage
	done         bool
}

// StreamError is an error event of the stream.
type StreamError struct {
	Type    string // such as "overloaded_error"
	Message string
}

func (e *StreamError) Error() string { return e.Type + ": " + e.Message }

// NewStream returns a Stream whose chunks carry the given creation time.
// With includeUsage, a usage chunk with empty choices precedes [DONE], as
// chat's stream_options.include_usage asks.
func NewStream(includeUsage bool, created int64) *Stream {
	return &Stream{includeUsage: includeUsage, created: created}
}

// Done reports whether the stream has ended, with message_stop or with an
// error event.
func (s *Stream) Done() bool { return s.done }

// Usage returns the usage seen so far.
func (s *Stream) Usage() Usage { return s.usage }

// Event appends to dst the chat events that one Anthropic event becomes,
// possibly none. An error event is translated into an OpenAI error event
// and also returned as a *StreamError. Unknown event types are skipped, as
// Anthropic's versioning policy asks of clients.
func (s *Stream) Event(dst, data []byte) ([]byte, error) {
	typ := rawjson.Get(data, "type")
	switch string(typ) {
	case `"message_start"`:
		return s.start(dst, data)
	case `"ping"`:
		return append(dst, ": ping\n\n"...), nil
	case `"error"`:
		return s.fail(dst, data)
	}
	if s.head == nil {
		return dst, fmt.Errorf("anthropic stream: %s event before message_start", typ)
	}
	switch string(typ) {
	case `"content_block_start"`:
		return s.blockStart(dst, data)
	case `"content_block_delta"`:
		return s.blockDelta(dst, data)
	case `"message_delta"`:
		return s.messageDelta(dst, data)
	case `"message_stop"`:
		s.done = true
		if s.includeUsage {
			dst = s.usageChunk(dst)
		}
		return append(dst, "data: [DONE]\n\n"...), nil
	}
	return dst, nil // content_block_stop and types added later
}

func (s *Stream) start(dst, data []byte) ([]byte, error) {
	var ev struct {
		Message struct {
			ID    string `json:"id"`
			Model string `json:"model"`
			Usage Usage  `json:"usage"`
		} `json:"message"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return dst, fmt.Errorf("anthropic stream: message_start: %w", err)
	}
	s.usage = ev.Message.Usage
	id, _ := json.Marshal(ev.Message.ID)
	model, _ := json.Marshal(ev.Message.Model)
	s.head = fmt.Appendf(nil, `{"id":%s,"object":"chat.completion.chunk","created":%d,"model":%s`,
		id, s.created, model)
	return s.chunk(dst, []byte(`{"role":"assistant","content":""}`), ""), nil
}

func (s *Stream) blockStart(dst, data []byte) ([]byte, error) {
	var ev struct {
		Index int `json:"index"`
		Block struct {
			Type string `json:"type"`
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"content_block"`
	}
	if err := json.Unmarshal(data, &ev); err != nil || ev.Index < 0 || ev.Index > 1<<16 {
		return dst, fmt.Errorf("anthropic stream: bad content_block_start")
	}
	for len(s.toolIndex) <= ev.Index {
		s.toolIndex = append(s.toolIndex, -1)
	}
	if ev.Block.Type != "tool_use" {
		return dst, nil
	}
	idx := s.tools
	s.toolIndex[ev.Index] = idx
	s.tools++
	delta, _ := json.Marshal(chat.Delta{ToolCalls: []chat.ToolCall{{
		Index: &idx, ID: ev.Block.ID, Type: "function",
		Function: chat.FunctionCall{Name: ev.Block.Name},
	}}})
	return s.chunk(dst, delta, ""), nil
}

// blockDelta copies the delta's raw JSON string into the chunk.
func (s *Stream) blockDelta(dst, data []byte) ([]byte, error) {
	delta := rawjson.Get(data, "delta")
	switch string(rawjson.Get(delta, "type")) {
	case `"text_delta"`:
		return s.rawDelta(dst, `{"content":`, rawjson.Get(delta, "text"), "}")
	case `"thinking_delta"`:
		return s.rawDelta(dst, `{"reasoning_content":`, rawjson.Get(delta, "thinking"), "}")
	case `"input_json_delta"`:
		idx, err := strconv.Atoi(string(rawjson.Get(data, "index")))
		if err != nil || idx < 0 || idx >= len(s.toolIndex) || s.toolIndex[idx] < 0 {
			return dst, errors.New("anthropic stream: input_json_delta outside a tool_use block")
		}
		pre := `{"tool_calls":[{"index":` + strconv.Itoa(s.toolIndex[idx]) +
			`,"function":{"arguments":`
		return s.rawDelta(dst, pre, rawjson.Get(delta, "partial_json"), "}}]}")
	}
	return dst, nil // signature_delta and types added later
}

func (s *Stream) rawDelta(dst []byte, pre string, str []byte, post string) ([]byte, error) {
	if len(str) < 2 || str[0] != '"' {
		return dst, errors.New("anthropic stream: content_block_delta without its string")
	}
	dst = append(dst, "data: "...)
	dst = append(dst, s.head...)
	dst = append(dst, `,"choices":[{"index":0,"delta":`...)
	dst = append(dst, pre...)
	dst = append(dst, str...)
	dst = append(dst, post...)
	return append(dst, `,"finish_reason":null}]}`+"\n\n"...), nil
}

func (s *Stream) messageDelta(dst, data []byte) ([]byte, error) {
	var ev struct {
		Delta struct {
			StopReason string `json:"stop_reason"`
		} `json:"delta"`
		Usage Usage `json:"usage"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return dst, fmt.Errorf("anthropic stream: message_delta: %w", err)
	}
	// output_tokens is cumulative; newer API versions repeat the input
	// counts here too, which then replace those of message_start.
	s.usage.OutputTokens = ev.Usage.OutputTokens
	if ev.Usage.InputTokens > 0 {
		s.usage.InputTokens = ev.Usage.InputTokens
		s.usage.CacheCreationInputTokens = ev.Usage.CacheCreationInputTokens
		s.usage.CacheReadInputTokens = ev.Usage.CacheReadInputTokens
	}
	if ev.Delta.StopReason == "" {
		return dst, nil
	}
	return s.chunk(dst, []byte("{}"), FinishReason(ev.Delta.StopReason)), nil
}

// fail turns an error event into the error event OpenAI's own streams
// use, which OpenAI's SDKs raise as an API error.
func (s *Stream) fail(dst, data []byte) ([]byte, error) {
	var ev struct {
		Error StreamError `json:"error"`
	}
	_ = json.Unmarshal(data, &ev) // an undecodable error is still an error
	e := &ev.Error
	if e.Type == "" {
		e.Type = "api_error"
	}
	body, _ := json.Marshal(map[string]map[string]any{"error": {
		"message": e.Message, "type": e.Type, "code": strconv.Itoa(ErrorStatus(e.Type)),
	}})
	s.done = true
	dst = append(append(append(dst, "data: "...), body...), "\n\n"...)
	return dst, e
}

func (s *Stream) chunk(dst, delta []byte, finish string) []byte {
	dst = append(dst, "data: "...)
	dst = append(dst, s.head...)
	dst = append(dst, `,"choices":[{"index":0,"delta":`...)
	dst = append(dst, delta...)
	if finish == "" {
		return append(dst, `,"finish_reason":null}]}`+"\n\n"...)
	}
	dst = append(dst, `,"finish_reason":"`...)
	dst = append(dst, finish...)
	return append(dst, `"}]}`+"\n\n"...)
}

func (s *Stream) usageChunk(dst []byte) []byte {
	u, _ := json.Marshal(s.usage.ToChat())
	dst = append(dst, "data: "...)
	dst = append(dst, s.head...)
	dst = append(dst, `,"choices":[],"usage":`...)
	dst = append(dst, u...)
	return append(dst, "}\n\n"...)
}
