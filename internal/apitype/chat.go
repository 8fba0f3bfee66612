package apitype

// ChatMessage is one text message of a chat completion: the form the
// CLI's chat sends and keeps as history.
type ChatMessage struct {
	Role    string `json:"role"` // "system", "user" or "assistant"
	Content string `json:"content"`
}

// ChatRequest is the body of POST /v1/chat/completions as the CLI sends
// it; the API accepts many more fields.
type ChatRequest struct {
	Model    string        `json:"model"`
	Messages []ChatMessage `json:"messages"`
	Stream   bool          `json:"stream,omitempty"`
}

// ChatChunk is one event of a streamed chat completion, with the fields
// the CLI reads.
type ChatChunk struct {
	ID      string            `json:"id"`
	Model   string            `json:"model"`
	Choices []ChatChunkChoice `json:"choices"`
}

// ChatChunkChoice is the part of one choice a ChatChunk carries.
type ChatChunkChoice struct {
	Index        int       `json:"index"`
	Delta        ChatDelta `json:"delta"`
	FinishReason *string   `json:"finish_reason"`
}

// ChatDelta is what a ChatChunk adds to a choice's message.
type ChatDelta struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content,omitempty"`
}
