package provider

import (
	"context"
	"encoding/json"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// The Responses API objects the mock answers with, in OpenAI's shapes:
// only the members a client needs to read the answer and its usage.

type responseObject struct {
	ID                string           `json:"id"`
	Object            string           `json:"object"` // "response"
	CreatedAt         int64            `json:"created_at"`
	Status            string           `json:"status"`
	Error             *struct{}        `json:"error"`              // always null
	IncompleteDetails *struct{}        `json:"incomplete_details"` // always null
	Model             string           `json:"model"`
	Output            []responseOutput `json:"output"`
	ParallelToolCalls bool             `json:"parallel_tool_calls"`
	ToolChoice        string           `json:"tool_choice"`
	Tools             []struct{}       `json:"tools"`
	Usage             *responseUsage   `json:"usage"` // null until completed
}

// responseOutput is an output item of type "message".
type responseOutput struct {
	Type    string       `json:"type"` // "message"
	ID      string       `json:"id"`
	Status  string       `json:"status"`
	Role    string       `json:"role"`
	Content []outputText `json:"content"`
}

type outputText struct {
	Type        string     `json:"type"` // "output_text"
	Text        string     `json:"text"`
	Annotations []struct{} `json:"annotations"`
}

type responseUsage struct {
	InputTokens        int `json:"input_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokens        int `json:"output_tokens"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	TotalTokens int `json:"total_tokens"`
}

// responseEvent is one event of a streamed response; each type uses a
// few of the members.
type responseEvent struct {
	Type           string          `json:"type"`
	SequenceNumber int             `json:"sequence_number"`
	Response       *responseObject `json:"response,omitempty"`
	OutputIndex    *int            `json:"output_index,omitempty"`
	ItemID         string          `json:"item_id,omitempty"`
	ContentIndex   *int            `json:"content_index,omitempty"`
	Item           *responseOutput `json:"item,omitempty"`
	Part           *outputText     `json:"part,omitempty"`
	Delta          *string         `json:"delta,omitempty"`
	Text           *string         `json:"text,omitempty"`
}

// responses answers a Responses API request with one assistant message.
func (m *mock) responses(ctx context.Context, in *mockRequest, text string) *Response {
	u := mockUsage(in.prompt, text)
	r := responseObject{ID: m.id("resp_"), Object: "response", CreatedAt: m.now().Unix(),
		Status: "completed", Model: in.Model, Output: []responseOutput{}, ParallelToolCalls: true,
		ToolChoice: "auto", Tools: []struct{}{}}
	msg := responseOutput{Type: "message", ID: m.id("msg_"), Status: "completed",
		Role: "assistant", Content: []outputText{newOutputText(text)}}
	if !in.stream {
		r.Output, r.Usage = []responseOutput{msg}, newResponseUsage(u)
		body, _ := json.Marshal(r)
		return wholeMock(body, u)
	}

	var sse []byte
	seq := 0
	add := func(ev responseEvent) {
		ev.SequenceNumber = seq
		seq++
		b, _ := json.Marshal(ev)
		sse = append(sse, "event: "...)
		sse = append(sse, ev.Type...)
		sse = append(sse, '\n')
		sse = appendData(sse, b)
	}
	zero := 0
	part := func(ev responseEvent) responseEvent {
		ev.ItemID, ev.OutputIndex, ev.ContentIndex = msg.ID, &zero, &zero
		return ev
	}

	r.Status = "in_progress"
	add(responseEvent{Type: "response.created", Response: &r})
	add(responseEvent{Type: "response.in_progress", Response: &r})
	item := msg
	item.Status, item.Content = "in_progress", []outputText{}
	add(responseEvent{Type: "response.output_item.added", OutputIndex: &zero, Item: &item})
	empty := newOutputText("")
	add(part(responseEvent{Type: "response.content_part.added", Part: &empty}))
	for _, w := range words(text) {
		add(part(responseEvent{Type: "response.output_text.delta", Delta: &w}))
	}
	add(part(responseEvent{Type: "response.output_text.done", Text: &text}))
	add(part(responseEvent{Type: "response.content_part.done", Part: &msg.Content[0]}))
	add(responseEvent{Type: "response.output_item.done", OutputIndex: &zero, Item: &msg})
	r.Status, r.Output, r.Usage = "completed", []responseOutput{msg}, newResponseUsage(u)
	add(responseEvent{Type: "response.completed", Response: &r})
	return streamMock(ctx, OpResponses, sse, u)
}

func newOutputText(text string) outputText {
	return outputText{Type: "output_text", Text: text, Annotations: []struct{}{}}
}

func newResponseUsage(u chat.Usage) *responseUsage {
	return &responseUsage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens,
		TotalTokens: u.TotalTokens}
}

// inputLen approximates the length in characters of a Responses API
// input: a string, or a list of items whose content is a string or a list
// of parts with text. Items without text (function call outputs, ...)
// count for nothing.
func inputLen(raw json.RawMessage) int {
	var items []struct {
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return textLen(raw)
	}
	n := 0
	for _, it := range items {
		n += textLen(it.Content)
	}
	return n
}

// textLen returns the length of a string, or of the text of a list of
// parts; images and files have none.
func textLen(raw json.RawMessage) int {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return len(s)
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return 0
	}
	n := 0
	for _, p := range parts {
		n += len(p.Text)
	}
	return n
}
