// Package messages serves Anthropic's Messages API (POST /v1/messages)
// from deployments that speak OpenAI's chat completions: it translates the
// request into a chat request, and the answer and its event stream back.
// Requests for Anthropic deployments need none of it: they pass through.
//
// Parameters chat completions cannot express (top_k, thinking budgets,
// cache_control, documents) are dropped, as LiteLLM drops them.
package messages

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/litellm-go/gateway/internal/gateway/provider/anthropic"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// request is what the translation reads of a Messages request. System and
// message contents are a string or an array of blocks.
type request struct {
	Model         string                `json:"model"`
	System        json.RawMessage       `json:"system"`
	Messages      []message             `json:"messages"`
	MaxTokens     *int                  `json:"max_tokens"`
	Temperature   *float64              `json:"temperature"`
	TopP          *float64              `json:"top_p"`
	StopSequences []string              `json:"stop_sequences"`
	Stream        bool                  `json:"stream"`
	Tools         []anthropic.Tool      `json:"tools"`
	ToolChoice    *anthropic.ToolChoice `json:"tool_choice"`
	Metadata      *anthropic.Metadata   `json:"metadata"`
}

type message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// ToChat translates the body of a Messages request into the body of a
// chat completion request. Tool results become tool messages placed
// before the rest of their user turn; thinking blocks are dropped.
func ToChat(body []byte) ([]byte, error) {
	var in request
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("invalid messages request: %w", err)
	}
	out := chat.Request{Model: in.Model, MaxTokens: in.MaxTokens, Temperature: in.Temperature,
		TopP: in.TopP, Stop: in.StopSequences, Stream: in.Stream}
	if in.Metadata != nil {
		out.User = in.Metadata.UserID
	}
	system, err := blocks(in.System)
	if err != nil {
		return nil, fmt.Errorf("system: %w", err)
	}
	if text := joinText(system); text != "" {
		out.Messages = append(out.Messages, chat.Message{Role: "system", Content: chat.Text(text)})
	}
	for i, m := range in.Messages {
		msgs, err := fromMessage(m)
		if err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
		out.Messages = append(out.Messages, msgs...)
	}
	for _, t := range in.Tools {
		out.Tools = append(out.Tools, chat.Tool{Type: "function", Function: chat.Function{
			Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
	}
	out.ToolChoice, out.ParallelToolCalls = toolChoice(in.ToolChoice)
	return json.Marshal(out)
}

// blocks decodes a content that is a string or an array of blocks.
func blocks(raw json.RawMessage) ([]anthropic.Block, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return []anthropic.Block{{Type: "text", Text: s}}, err
	}
	var bs []anthropic.Block
	err := json.Unmarshal(raw, &bs)
	return bs, err
}

func joinText(bs []anthropic.Block) string {
	var parts []string
	for _, b := range bs {
		if b.Type == "text" && b.Text != "" {
			parts = append(parts, b.Text)
		}
	}
	return strings.Join(parts, "\n\n")
}

func fromMessage(m message) ([]chat.Message, error) {
	bs, err := blocks(m.Content)
	if err != nil {
		return nil, err
	}
	switch m.Role {
	case "user":
		return fromUser(bs)
	case "assistant":
		return fromAssistant(bs)
	}
	return nil, fmt.Errorf("unsupported role %q", m.Role)
}

func fromUser(bs []anthropic.Block) ([]chat.Message, error) {
	var out []chat.Message
	var parts []chat.Part
	for _, b := range bs {
		switch b.Type {
		case "tool_result":
			inner, err := blocks(b.Content)
			if err != nil {
				return nil, fmt.Errorf("tool_result content: %w", err)
			}
			out = append(out, chat.Message{Role: "tool", ToolCallID: b.ToolUseID,
				Content: chat.Text(joinText(inner))})
		case "text":
			parts = append(parts, chat.Part{Type: "text", Text: b.Text})
		case "image":
			url, err := imageURL(b.Source)
			if err != nil {
				return nil, err
			}
			parts = append(parts, chat.Part{Type: "image_url", ImageURL: &chat.ImageURL{URL: url}})
		default:
			return nil, fmt.Errorf("unsupported content block type %q", b.Type)
		}
	}
	switch {
	case len(parts) == 1 && parts[0].Type == "text":
		out = append(out, chat.Message{Role: "user", Content: chat.Text(parts[0].Text)})
	case len(parts) > 0:
		content, err := json.Marshal(parts)
		if err != nil {
			return nil, err
		}
		out = append(out, chat.Message{Role: "user", Content: content})
	}
	return out, nil
}

func imageURL(src *anthropic.Source) (string, error) {
	switch {
	case src == nil:
		return "", fmt.Errorf("image block without a source")
	case src.Type == "base64":
		return "data:" + src.MediaType + ";base64," + src.Data, nil
	case src.Type == "url":
		return src.URL, nil
	}
	return "", fmt.Errorf("unsupported image source type %q", src.Type)
}

func fromAssistant(bs []anthropic.Block) ([]chat.Message, error) {
	msg := chat.Message{Role: "assistant"}
	var text strings.Builder
	for _, b := range bs {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "tool_use":
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			msg.ToolCalls = append(msg.ToolCalls, chat.ToolCall{ID: b.ID, Type: "function",
				Function: chat.FunctionCall{Name: b.Name, Arguments: args}})
		case "thinking", "redacted_thinking":
			// Chat completions take no thinking back.
		default:
			return nil, fmt.Errorf("unsupported content block type %q", b.Type)
		}
	}
	if text.Len() > 0 || len(msg.ToolCalls) == 0 {
		msg.Content = chat.Text(text.String())
	}
	return []chat.Message{msg}, nil
}

// toolChoice maps Anthropic's tool_choice: "any" is OpenAI's "required",
// "tool" a named function; disable_parallel_tool_use is
// parallel_tool_calls=false.
func toolChoice(c *anthropic.ToolChoice) (*chat.ToolChoice, *bool) {
	if c == nil {
		return nil, nil
	}
	var parallel *bool
	if c.DisableParallelToolUse {
		no := false
		parallel = &no
	}
	switch c.Type {
	case "any":
		return &chat.ToolChoice{Mode: chat.ToolChoiceRequired}, parallel
	case "tool":
		return &chat.ToolChoice{Mode: chat.ToolChoiceFunction, Name: c.Name}, parallel
	case "none":
		return &chat.ToolChoice{Mode: chat.ToolChoiceNone}, nil
	}
	return &chat.ToolChoice{Mode: chat.ToolChoiceAuto}, parallel
}
