package anthropic

import (
	"strings"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// FinishReason maps a stop_reason to a chat finish_reason.
func FinishReason(stopReason string) string {
	switch stopReason {
	case "max_tokens", "model_context_window_exceeded":
		return chat.FinishLength
	case "tool_use":
		return chat.FinishToolCalls
	case "refusal":
		return chat.FinishContentFilter
	}
	return chat.FinishStop // end_turn, stop_sequence, pause_turn
}

// ToChat returns the chat usage of u. OpenAI's prompt_tokens include cached
// tokens, so the cache counts are added back in.
func (u Usage) ToChat() chat.Usage {
	prompt := u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens
	return chat.Usage{
		PromptTokens:     prompt,
		CompletionTokens: u.OutputTokens,
		TotalTokens:      prompt + u.OutputTokens,
	}
}

// ToChat translates a Messages answer into a chat completion created at the
// given Unix time. Text blocks are joined into the content; tool_use blocks
// become tool calls; thinking becomes reasoning_content.
func ToChat(r *Response, created int64) *chat.Completion {
	var text, thinking strings.Builder
	var calls []chat.ToolCall
	for _, b := range r.Content {
		switch b.Type {
		case "text":
			text.WriteString(b.Text)
		case "thinking":
			thinking.WriteString(b.Thinking)
		case "tool_use":
			args := string(b.Input)
			if args == "" {
				args = "{}"
			}
			calls = append(calls, chat.ToolCall{
				ID:       b.ID,
				Type:     "function",
				Function: chat.FunctionCall{Name: b.Name, Arguments: args},
			})
		}
	}
	msg := chat.Message{Role: "assistant", ToolCalls: calls, ReasoningContent: thinking.String()}
	if text.Len() > 0 || len(calls) == 0 {
		msg.Content = chat.Text(text.String())
	}
	usage := r.Usage.ToChat()
	return &chat.Completion{
		ID:      r.ID,
		Object:  "chat.completion",
		Created: created,
		Model:   r.Model,
		Choices: []chat.Choice{{Message: msg, FinishReason: FinishReason(r.StopReason)}},
		Usage:   &usage,
	}
}
