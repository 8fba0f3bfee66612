package messages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/litellm-go/gateway/internal/gateway/provider/anthropic"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// response is a Messages answer. stop_sequence is always null: chat
// completions do not say which stop sequence ended an answer.
type response struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Role         string            `json:"role"`
	Model        string            `json:"model"`
	Content      []anthropic.Block `json:"content"`
	StopReason   string            `json:"stop_reason"`
	StopSequence *string           `json:"stop_sequence"`
	Usage        anthropic.Usage   `json:"usage"`
}

// FromChat translates a chat completion into a Messages answer for the
// model the client asked for.
func FromChat(body []byte, model string) ([]byte, error) {
	var c chat.Completion
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("upstream answer is not a chat completion: %w", err)
	}
	out := response{ID: messageID(c.ID), Type: "message", Role: "assistant", Model: model,
		Content: []anthropic.Block{}, StopReason: "end_turn"}
	if c.Usage != nil {
		out.Usage = anthropic.Usage{InputTokens: c.Usage.PromptTokens,
			OutputTokens: c.Usage.CompletionTokens}
	}
	if len(c.Choices) > 0 {
		ch := &c.Choices[0]
		out.StopReason = StopReason(ch.FinishReason)
		content, err := contentOf(&ch.Message)
		if err != nil {
			return nil, err
		}
		out.Content = content
	}
	return json.Marshal(out)
}

func contentOf(m *chat.Message) ([]anthropic.Block, error) {
	out := []anthropic.Block{}
	if m.ReasoningContent != "" {
		out = append(out, anthropic.Block{Type: "thinking", Thinking: m.ReasoningContent})
	}
	parts, err := m.Parts()
	if err != nil {
		return nil, fmt.Errorf("upstream answer content: %w", err)
	}
	var text strings.Builder
	for _, p := range parts {
		text.WriteString(p.Text)
	}
	if text.Len() > 0 {
		out = append(out, anthropic.Block{Type: "text", Text: text.String()})
	}
	for _, tc := range m.ToolCalls {
		out = append(out, anthropic.Block{Type: "tool_use", ID: tc.ID, Name: tc.Function.Name,
			Input: toolInput(tc.Function.Arguments)})
	}
	return out, nil
}

// toolInput returns arguments as the input object of a tool_use block; a
// model that wrote something else gets an empty object.
func toolInput(args string) json.RawMessage {
	b := bytes.TrimSpace([]byte(args))
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return json.RawMessage("{}")
	}
	return b
}

// messageID gives a chat completion id the "msg_" prefix of Anthropic's.
func messageID(id string) string {
	if strings.HasPrefix(id, "msg_") {
		return id
	}
	return "msg_" + strings.TrimPrefix(id, "chatcmpl-")
}

// StopReason maps a chat finish_reason to a Messages stop_reason.
func StopReason(finish string) string {
	switch finish {
	case chat.FinishLength:
		return "max_tokens"
	case chat.FinishToolCalls, "function_call":
		return "tool_use"
	case chat.FinishContentFilter:
		return "refusal"
	}
	return "end_turn"
}

// ErrorType returns the Messages API error type of an HTTP status.
func ErrorType(status int) string {
	switch {
	case status == 401:
		return "authentication_error"
	case status == 403:
		return "permission_error"
	case status == 404:
		return "not_found_error"
	case status == 413:
		return "request_too_large"
	case status == 429:
		return "rate_limit_error"
	case status == 529:
		return "overloaded_error"
	case status < 500:
		return "invalid_request_error"
	}
	return "api_error"
}

// ErrorBody returns the body of a Messages API error.
func ErrorBody(status int, message string) []byte {
	b, _ := json.Marshal(errorEvent{Type: "error",
		Error: errorDetail{Type: ErrorType(status), Message: message}})
	return b
}

type errorEvent struct {
	Type  string      `json:"type"` // "error"
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}
