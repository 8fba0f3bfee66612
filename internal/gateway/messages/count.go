package messages

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/litellm-go/gateway/internal/gateway/provider/anthropic"
)

// Weights of EstimateTokens: tokens for each message and tool besides
// their text, and for an image, which Anthropic prices by its size (about
// 1,600 tokens for a picture of a megapixel).
const (
	tokensPerMessage = 4
	tokensPerTool    = 8
	tokensPerImage   = 1600
	bytesPerToken    = 4
)

// ErrNoMessages is the error of EstimateTokens for a request without
// messages, which Anthropic refuses too.
var ErrNoMessages = errors.New("messages: at least one message is required")

// EstimateTokens estimates the input tokens of a Messages request for a
// model whose provider cannot count them: a token for about every four
// bytes of text, tool input and tool definition, and fixed amounts for
// each message, tool and image. Tokenizers differ between models, so the
// figure is a guide (for deciding when to compact a conversation, say),
// not a price.
func EstimateTokens(body []byte) (int64, error) {
	var in struct {
		System   json.RawMessage   `json:"system"`
		Messages []message         `json:"messages"`
		Tools    []json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, fmt.Errorf("invalid messages request: %w", err)
	}
	if len(in.Messages) == 0 {
		return 0, ErrNoMessages
	}
	system, err := blocks(in.System)
	if err != nil {
		return 0, fmt.Errorf("system: %w", err)
	}
	var n, size int64
	add := func(bytes int) { size += int64(bytes) }
	if err := countBlocks(system, &n, add); err != nil {
		return 0, err
	}
	for i, m := range in.Messages {
		bs, err := blocks(m.Content)
		if err != nil {
			return 0, fmt.Errorf("messages[%d].content: %w", i, err)
		}
		n += tokensPerMessage
		if err := countBlocks(bs, &n, add); err != nil {
			return 0, fmt.Errorf("messages[%d].content: %w", i, err)
		}
	}
	for _, t := range in.Tools {
		n += tokensPerTool
		add(len(t))
	}
	return n + (size+bytesPerToken-1)/bytesPerToken, nil
}

// countBlocks adds to n the images of bs, and passes add the text of the
// others: their text, tool input, tool result and thinking.
func countBlocks(bs []anthropic.Block, n *int64, add func(bytes int)) error {
	for _, b := range bs {
		switch {
		case b.Type == "image" || b.Type == "document":
			*n += tokensPerImage
		case b.Type == "tool_result":
			inner, err := blocks(b.Content)
			if err != nil {
				return fmt.Errorf("tool_result content: %w", err)
			}
			if err := countBlocks(inner, n, add); err != nil {
				return err
			}
		default:
			add(len(b.Text) + len(b.Thinking) + len(b.Name) + len(b.Input))
		}
	}
	return nil
}
