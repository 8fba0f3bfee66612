// Package anthropic translates between OpenAI chat completions and
// Anthropic's Messages API (POST /v1/messages): requests one way, answers
// and their server-sent event streams the other. It does no I/O; the
// provider package sends what it builds.
package anthropic

import "encoding/json"

// Version is the anthropic-version header these translations follow.
const Version = "2023-06-01"

// DefaultMaxTokens is the max_tokens sent when a chat request sets none:
// the Messages API requires the field, chat completions do not.
const DefaultMaxTokens = 4096

// Request is the body of POST /v1/messages.
type Request struct {
	Model         string      `json:"model"`
	System        []Block     `json:"system,omitempty"` // text blocks
	Messages      []Message   `json:"messages"`
	MaxTokens     int         `json:"max_tokens"`
	Temperature   *float64    `json:"temperature,omitempty"`
	TopP          *float64    `json:"top_p,omitempty"`
	StopSequences []string    `json:"stop_sequences,omitempty"`
	Stream        bool        `json:"stream,omitempty"`
	Tools         []Tool      `json:"tools,omitempty"`
	ToolChoice    *ToolChoice `json:"tool_choice,omitempty"`
	Metadata      *Metadata   `json:"metadata,omitempty"`
}

// Message is one turn of a conversation. Roles alternate between "user" and
// "assistant"; tool results travel in user turns.
type Message struct {
	Role    string  `json:"role"`
	Content []Block `json:"content"`
}

// Block is one content block. Type selects the fields that apply:
// "text" (Text), "image" (Source), "tool_use" (ID, Name, Input),
// "tool_result" (ToolUseID, Content, IsError), "thinking" (Thinking).
type Block struct {
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	Source    *Source         `json:"source,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"` // a string or an array of blocks
	IsError   bool            `json:"is_error,omitempty"`
	Thinking  string          `json:"thinking,omitempty"`
}

// Source is the data of an image block: inline base64 or a URL.
type Source struct {
	Type      string `json:"type"` // "base64" or "url"
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Tool describes a tool the model may use.
type Tool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema"`
}

// ToolChoice says whether and which tool the model must use.
type ToolChoice struct {
	Type                   string `json:"type"` // "auto", "any", "tool" or "none"
	Name                   string `json:"name,omitempty"`
	DisableParallelToolUse bool   `json:"disable_parallel_tool_use,omitempty"`
}

// Metadata identifies the end user, for the upstream's abuse detection.
type Metadata struct {
	UserID string `json:"user_id,omitempty"`
}

// Response is the body of a non-streaming answer.
type Response struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"` // "message"
	Role       string  `json:"role"`
	Model      string  `json:"model"`
	Content    []Block `json:"content"`
	StopReason string  `json:"stop_reason"`
	Usage      Usage   `json:"usage"`
}

// Usage counts tokens. InputTokens excludes the tokens written to or read
// from the prompt cache, which are counted apart.
type Usage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens,omitempty"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens,omitempty"`
}

// ErrorStatus returns the HTTP status Anthropic documents for an error
// type, or 500 for a type it does not know.
func ErrorStatus(errType string) int {
	switch errType {
	case "invalid_request_error":
		return 400
	case "authentication_error":
		return 401
	case "permission_error":
		return 403
	case "not_found_error":
		return 404
	case "request_too_large":
		return 413
	case "rate_limit_error":
		return 429
	case "overloaded_error":
		return 529
	}
	return 500
}
