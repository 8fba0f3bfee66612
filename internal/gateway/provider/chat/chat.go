// Package chat holds the OpenAI chat completion wire types: the format
// clients speak to the gateway and the one other providers' formats are
// translated to and from. Only the fields a translation reads or writes are
// declared; a pass-through never decodes into these types.
package chat

import "encoding/json"

// Finish reasons of a choice.
const (
	FinishStop          = "stop"
	FinishLength        = "length"
	FinishToolCalls     = "tool_calls"
	FinishContentFilter = "content_filter"
)

// Request is the body of POST /v1/chat/completions.
type Request struct {
	Model               string         `json:"model"`
	Messages            []Message      `json:"messages"`
	MaxTokens           *int           `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int           `json:"max_completion_tokens,omitempty"`
	Temperature         *float64       `json:"temperature,omitempty"`
	TopP                *float64       `json:"top_p,omitempty"`
	Stop                StringList     `json:"stop,omitempty"`
	Stream              bool           `json:"stream,omitempty"`
	StreamOptions       *StreamOptions `json:"stream_options,omitempty"`
	Tools               []Tool         `json:"tools,omitempty"`
	ToolChoice          *ToolChoice    `json:"tool_choice,omitempty"`
	ParallelToolCalls   *bool          `json:"parallel_tool_calls,omitempty"`
	User                string         `json:"user,omitempty"`
}

// StreamOptions are the stream_options of a Request.
type StreamOptions struct {
	// IncludeUsage asks for a last chunk, with empty choices, that carries
	// the usage of the whole request.
	IncludeUsage bool `json:"include_usage"`
}

// Message is one entry of Request.Messages, or the message of a Choice.
type Message struct {
	Role string `json:"role"`
	// Content is a JSON string, an array of Parts, or null (an assistant
	// message that only calls tools). Nil encodes as null.
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
	// ReasoningContent is the model's visible thinking, in answers of
	// providers that return it (LiteLLM's field name).
	ReasoningContent string `json:"reasoning_content,omitempty"`
}

// Part is one element of an array Content.
type Part struct {
	Type     string    `json:"type"` // "text" or "image_url"; others are kept but not translated
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL is the image of a Part: an https URL or a data: URL.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// Parts returns the content of m as parts: a string content is one text
// part, a null content none.
func (m *Message) Parts() ([]Part, error) {
	c := m.Content
	if len(c) == 0 || string(c) == "null" {
		return nil, nil
	}
	if c[0] == '"' {
		var s string
		if err := json.Unmarshal(c, &s); err != nil {
			return nil, err
		}
		return []Part{{Type: "text", Text: s}}, nil
	}
	var parts []Part
	if err := json.Unmarshal(c, &parts); err != nil {
		return nil, err
	}
	return parts, nil
}

// Text returns s as a JSON string content.
func Text(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// Tool is one entry of Request.Tools.
type Tool struct {
	Type     string   `json:"type"` // "function"
	Function Function `json:"function"`
}

// Function describes a tool the model may call.
type Function struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"` // a JSON Schema object
}

// ToolCall is a call the model makes, whole in a Message or in pieces in a
// Delta.
type ToolCall struct {
	// Index places a Delta's piece among the calls of the choice; nil in a
	// whole Message.
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"` // "function"
	Function FunctionCall `json:"function"`
}

// FunctionCall names the function of a ToolCall and its JSON arguments.
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// Usage counts the tokens of a request. A zero Usage means unknown.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Completion is the body of a non-streaming chat completion.
type Completion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"` // "chat.completion"
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []Choice `json:"choices"`
	Usage   *Usage   `json:"usage,omitempty"`
}

// Choice is one answer of a Completion.
type Choice struct {
	Index        int     `json:"index"`
	Message      Message `json:"message"`
	FinishReason string  `json:"finish_reason"`
}

// Chunk is one event of a streamed chat completion.
type Chunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"` // "chat.completion.chunk"
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []ChunkChoice `json:"choices"`
	Usage   *Usage        `json:"usage,omitempty"`
}

// ChunkChoice is the part of one choice a Chunk carries.
type ChunkChoice struct {
	Index        int     `json:"index"`
	Delta        Delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"` // null until the last chunk of the choice
}

// Delta is what a Chunk adds to a choice's message.
type Delta struct {
	Role             string     `json:"role,omitempty"`
	Content          *string    `json:"content,omitempty"`
	ReasoningContent *string    `json:"reasoning_content,omitempty"`
	ToolCalls        []ToolCall `json:"tool_calls,omitempty"`
}
