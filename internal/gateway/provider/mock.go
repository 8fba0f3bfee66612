package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// mock answers from a deployment's MockResponse without any upstream, in
// the shapes OpenAI would: for tests, demos and load tests of the gateway.
type mock struct {
	now func() time.Time
	id  func(prefix string) string
}

func newMock() *mock {
	return &mock{now: timeNow, id: func(prefix string) string {
		return fmt.Sprintf("%s%016x", prefix, rand.Uint64())
	}}
}

// mockErrors are the mock responses that LiteLLM turns into failures, so
// that retries and fallbacks can be tried without a failing upstream.
var mockErrors = map[string]UpstreamError{
	"litellm.RateLimitError": {Status: 429, Type: "rate_limit_error",
		Message: "this is a mock rate limit error", Retryable: true},
	"litellm.InternalServerError": {Status: 500, Type: "api_error",
		Message: "this is a mock internal server error", Retryable: true},
	"litellm.ContextWindowExceededError": {Status: 400, Type: "invalid_request_error",
		Code: "context_length_exceeded", Message: "this is a mock context window exceeded error"},
}

func (m *mock) Do(ctx context.Context, d *Deployment, r *Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	text := *d.MockResponse
	if e, ok := mockErrors[text]; ok {
		e.Provider = d.Provider
		e.finish("")
		return nil, &e
	}
	var in mockRequest
	if err := json.Unmarshal(r.Body, &in); err != nil {
		return nil, badRequest(d.Provider, "request body is not a JSON object")
	}
	in.prompt, in.stream = estimateTokens(in.promptLen(r.Op)), r.Stream
	switch r.Op {
	case OpChat:
		return m.chat(ctx, &in, text), nil
	case OpCompletions:
		return m.completion(ctx, &in, text), nil
	case OpEmbeddings:
		return m.embeddings(&in)
	case OpResponses:
		return m.responses(ctx, &in, text), nil
	}
	return nil, badRequest(d.Provider, fmt.Sprintf("%s is not supported by mock_response", r.Op))
}

// mockRequest is what the mock reads of any request body.
type mockRequest struct {
	Model          string              `json:"model"`
	Messages       []chat.Message      `json:"messages"`
	Prompt         json.RawMessage     `json:"prompt"`
	Input          json.RawMessage     `json:"input"`
	Instructions   string              `json:"instructions"`
	StreamOptions  *chat.StreamOptions `json:"stream_options"`
	EncodingFormat string              `json:"encoding_format"`
	Dimensions     int                 `json:"dimensions"`

	prompt int  // estimated prompt tokens
	stream bool // the request asks for a stream
}

// promptLen approximates the prompt's length in characters: message text,
// the text of a Responses API input and instructions, or the raw prompt or
// input.
func (in *mockRequest) promptLen(op Operation) int {
	if op == OpResponses {
		return inputLen(in.Input) + len(in.Instructions)
	}
	n := len(in.Prompt) + len(in.Input)
	for i := range in.Messages {
		parts, _ := in.Messages[i].Parts()
		for _, p := range parts {
			n += len(p.Text)
		}
	}
	return n
}

func (in *mockRequest) includeUsage() bool {
	return in.StreamOptions != nil && in.StreamOptions.IncludeUsage
}

// estimateTokens is the usual rule of thumb of four characters a token.
func estimateTokens(chars int) int { return max(1, (chars+3)/4) }

func mockUsage(prompt int, text string) chat.Usage {
	c := estimateTokens(len(text))
	return chat.Usage{PromptTokens: prompt, CompletionTokens: c, TotalTokens: prompt + c}
}

func (m *mock) chat(ctx context.Context, in *mockRequest, text string) *Response {
	u := mockUsage(in.prompt, text)
	id, created := m.id("chatcmpl-"), m.now().Unix()
	if !in.stream {
		msg := chat.Message{Role: "assistant", Content: chat.Text(text)}
		body, _ := json.Marshal(chat.Completion{
			ID: id, Object: "chat.completion", Created: created, Model: in.Model,
			Choices: []chat.Choice{{Message: msg, FinishReason: chat.FinishStop}},
			Usage:   &u,
		})
		return wholeMock(body, u)
	}

	c := chat.Chunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: in.Model}
	var sse []byte
	add := func(delta chat.Delta, finish *string) {
		c.Choices = []chat.ChunkChoice{{Delta: delta, FinishReason: finish}}
		b, _ := json.Marshal(c)
		sse = appendData(sse, b)
	}
	empty := ""
	add(chat.Delta{Role: "assistant", Content: &empty}, nil)
	for _, w := range words(text) {
		add(chat.Delta{Content: &w}, nil)
	}
	stop := chat.FinishStop
	add(chat.Delta{}, &stop)
	if in.includeUsage() {
		c.Choices, c.Usage = []chat.ChunkChoice{}, &u
		b, _ := json.Marshal(c)
		sse = appendData(sse, b)
	}
	return streamMock(ctx, OpChat, sse, u)
}

func (m *mock) completion(ctx context.Context, in *mockRequest, text string) *Response {
	u := mockUsage(in.prompt, text)
	stop := chat.FinishStop
	c := textCompletion{ID: m.id("cmpl-"), Object: "text_completion",
		Created: m.now().Unix(), Model: in.Model}
	if !in.stream {
		c.Choices, c.Usage = []textChoice{{Text: text, FinishReason: &stop}}, &u
		body, _ := json.Marshal(c)
		return wholeMock(body, u)
	}
	var sse []byte
	for _, w := range words(text) {
		c.Choices = []textChoice{{Text: w}}
		b, _ := json.Marshal(c)
		sse = appendData(sse, b)
	}
	c.Choices = []textChoice{{FinishReason: &stop}}
	b, _ := json.Marshal(c)
	sse = appendData(sse, b)
	if in.includeUsage() {
		c.Choices, c.Usage = []textChoice{}, &u
		b, _ := json.Marshal(c)
		sse = appendData(sse, b)
	}
	return streamMock(ctx, OpCompletions, sse, u)
}

// words splits text after each space, so that the pieces join back to it.
func words(text string) []string {
	if text == "" {
		return nil
	}
	return strings.SplitAfter(text, " ")
}

func wholeMock(body []byte, u chat.Usage) *Response {
	h := http.Header{"Content-Type": {"application/json"}}
	return &Response{Status: http.StatusOK, Header: h, Body: body, Usage: u}
}

// streamMock serves a prepared event stream through the same copier as an
// upstream's, so it is flushed event by event too. Chat and completions
// streams end with [DONE]; the Responses API's ends with its last event.
func streamMock(ctx context.Context, op Operation, sse []byte, u chat.Usage) *Response {
	if op != OpResponses {
		sse = append(sse, "data: [DONE]\n\n"...)
	}
	d := &Deployment{Provider: "mock"}
	tr := &passthrough{d: d, op: op, u: u}
	body := io.NopCloser(bytes.NewReader(sse))
	r := newStreamResponse(newStream(ctx, d, body, tr), nil)
	r.Usage = u
	return r
}
