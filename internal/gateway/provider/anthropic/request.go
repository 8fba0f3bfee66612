package anthropic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// emptySchema is the input_schema of a function declared without
// parameters: the Messages API requires one.
var emptySchema = json.RawMessage(`{"type":"object","properties":{}}`)

// FromChat translates a chat completion request into a Messages request for
// model. System and developer messages become System; tool results become
// tool_result blocks of user turns, and consecutive turns of one role are
// merged, since the Messages API wants roles to alternate. Parameters
// without an Anthropic counterpart (n, logprobs, penalties, ...) are
// dropped.
func FromChat(req *chat.Request, model string) (*Request, error) {
	out := &Request{
		Model:         model,
		MaxTokens:     DefaultMaxTokens,
		Temperature:   req.Temperature,
		TopP:          req.TopP,
		StopSequences: req.Stop,
		Stream:        req.Stream,
	}
	switch {
	case req.MaxCompletionTokens != nil:
		out.MaxTokens = *req.MaxCompletionTokens
	case req.MaxTokens != nil:
		out.MaxTokens = *req.MaxTokens
	}
	if req.User != "" {
		out.Metadata = &Metadata{UserID: req.User}
	}
	for i := range req.Messages {
		if err := out.add(&req.Messages[i]); err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
	}
	tools, err := fromTools(req.Tools)
	if err != nil {
		return nil, err
	}
	out.Tools = tools
	out.ToolChoice = fromToolChoice(req.ToolChoice, req.ParallelToolCalls)
	return out, nil
}

// add appends the translation of one chat message.
func (r *Request) add(m *chat.Message) error {
	parts, err := m.Parts()
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	switch m.Role {
	case "system", "developer":
		for _, p := range parts {
			if p.Type == "text" && p.Text != "" {
				r.System = append(r.System, Block{Type: "text", Text: p.Text})
			}
		}
		return nil
	case "user":
		blocks, err := fromParts(parts)
		if err != nil {
			return err
		}
		r.appendTurn("user", blocks)
		return nil
	case "assistant":
		blocks, err := fromAssistant(parts, m.ToolCalls)
		if err != nil {
			return err
		}
		r.appendTurn("assistant", blocks)
		return nil
	case "tool":
		b, err := toolResult(m.ToolCallID, parts)
		if err != nil {
			return err
		}
		r.appendTurn("user", []Block{b})
		return nil
	}
	return fmt.Errorf("unsupported role %q", m.Role)
}

// appendTurn adds blocks as a turn of role, merged into the last turn when
// it has the same role. Empty turns are dropped: the API rejects them.
func (r *Request) appendTurn(role string, blocks []Block) {
	if len(blocks) == 0 {
		return
	}
	if n := len(r.Messages); n > 0 && r.Messages[n-1].Role == role {
		r.Messages[n-1].Content = append(r.Messages[n-1].Content, blocks...)
		return
	}
	r.Messages = append(r.Messages, Message{Role: role, Content: blocks})
}

func fromParts(parts []chat.Part) ([]Block, error) {
	blocks := make([]Block, 0, len(parts))
	for _, p := range parts {
		switch p.Type {
		case "text":
			if p.Text != "" {
				blocks = append(blocks, Block{Type: "text", Text: p.Text})
			}
		case "image_url":
			if p.ImageURL == nil {
				return nil, fmt.Errorf("image_url part without a url")
			}
			src, err := imageSource(p.ImageURL.URL)
			if err != nil {
				return nil, err
			}
			blocks = append(blocks, Block{Type: "image", Source: src})
		default:
			return nil, fmt.Errorf("unsupported content part type %q", p.Type)
		}
	}
	return blocks, nil
}

// imageSource turns a data: URL (RFC 2397) into inline base64 and passes
// an http(s) URL on for the upstream to fetch.
func imageSource(u string) (*Source, error) {
	if rest, ok := strings.CutPrefix(u, "data:"); ok {
		meta, data, ok := strings.Cut(rest, ",")
		mediaType, isBase64 := strings.CutSuffix(meta, ";base64")
		if !ok || !isBase64 {
			return nil, fmt.Errorf("image data URL must be base64")
		}
		return &Source{Type: "base64", MediaType: mediaType, Data: data}, nil
	}
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return &Source{Type: "url", URL: u}, nil
	}
	return nil, fmt.Errorf("image URL must be https or a data URL")
}

func fromAssistant(parts []chat.Part, calls []chat.ToolCall) ([]Block, error) {
	blocks, err := fromParts(parts)
	if err != nil {
		return nil, err
	}
	for _, c := range calls {
		input := json.RawMessage(bytes.TrimSpace([]byte(c.Function.Arguments)))
		if len(input) == 0 {
			input = json.RawMessage("{}")
		}
		if input[0] != '{' || !json.Valid(input) {
			return nil, fmt.Errorf("tool call %s: arguments are not a JSON object", c.ID)
		}
		blocks = append(blocks, Block{Type: "tool_use", ID: c.ID, Name: c.Function.Name,
			Input: input})
	}
	return blocks, nil
}

func toolResult(id string, parts []chat.Part) (Block, error) {
	b := Block{Type: "tool_result", ToolUseID: id}
	if id == "" {
		return b, fmt.Errorf("tool message without tool_call_id")
	}
	blocks, err := fromParts(parts)
	if err != nil || len(blocks) == 0 {
		return b, err
	}
	b.Content, err = json.Marshal(blocks)
	return b, err
}

func fromTools(tools []chat.Tool) ([]Tool, error) {
	out := make([]Tool, 0, len(tools))
	for _, t := range tools {
		if t.Type != "function" {
			return nil, fmt.Errorf("unsupported tool type %q", t.Type)
		}
		schema := t.Function.Parameters
		if len(schema) == 0 || string(schema) == "null" {
			schema = emptySchema
		}
		out = append(out, Tool{Name: t.Function.Name, Description: t.Function.Description,
			InputSchema: schema})
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// fromToolChoice maps OpenAI's modes: "required" is Anthropic's "any", a
// named function its "tool"; parallel_tool_calls=false disables parallel
// use, which Anthropic can only express inside a tool_choice.
func fromToolChoice(c *chat.ToolChoice, parallel *bool) *ToolChoice {
	noParallel := parallel != nil && !*parallel
	if c == nil {
		if noParallel {
			return &ToolChoice{Type: "auto", DisableParallelToolUse: true}
		}
		return nil
	}
	out := &ToolChoice{Type: "auto", DisableParallelToolUse: noParallel}
	switch c.Mode {
	case chat.ToolChoiceNone:
		return &ToolChoice{Type: "none"}
	case chat.ToolChoiceRequired:
		out.Type = "any"
	case chat.ToolChoiceFunction:
		out.Type, out.Name = "tool", c.Name
	}
	return out
}
