package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// textCompletionAdapter serves deployments of OpenAI's legacy
// /v1/completions API (LiteLLM's text-completion-openai), such as
// gpt-3.5-turbo-instruct. Completions requests pass through as for any
// OpenAI upstream; chat requests are turned into a prompt and their
// answers and streams back into chat completions.
type textCompletionAdapter struct {
	openAI
}

func (a *textCompletionAdapter) Do(ctx context.Context, d *Deployment, r *Request) (
	*Response, error) {
	switch r.Op {
	case OpCompletions:
		return a.openAI.Do(ctx, d, r)
	case OpChat:
		return a.chat(ctx, d, r)
	}
	return nil, unsupported(d.Provider, r.Op)
}

func (a *textCompletionAdapter) chat(ctx context.Context, d *Deployment, r *Request) (
	*Response, error) {
	body, err := completionsRequest(r.Body)
	if err != nil {
		return nil, badRequest(d.Provider, err.Error())
	}
	cr := &Request{Op: OpCompletions, Body: body, Stream: r.Stream, Header: r.Header}
	body, injected, err := a.body(d, cr)
	if err != nil {
		return nil, badRequest(d.Provider, "request body is not a JSON object")
	}
	req, err := newPost(ctx, a.spec.endpoint(d, OpCompletions), body)
	if err != nil {
		return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	a.header(req.Header, d, cr)

	resp, err := a.send(ctx, d, req)
	if err != nil {
		return nil, err
	}
	if isEventStream(resp) {
		tr := &textChatStream{passthrough: passthrough{d: d, op: OpChat, dropUsage: injected}}
		return newStreamResponse(newStream(ctx, d, resp.Body, tr), resp.Header), nil
	}
	defer resp.Body.Close()
	raw, err := ReadAll(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	var tc textCompletion
	if err := json.Unmarshal(raw, &tc); err != nil {
		return nil, &UpstreamError{Provider: d.Provider, Status: http.StatusBadGateway,
			Type: "api_error", Code: "502", Message: "upstream answer is not a text completion",
			Retryable: true, Err: err}
	}
	out := chatFromText(&tc)
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("provider %s: encode completion: %w", d.Provider, err)
	}
	res := &Response{Status: http.StatusOK, Body: b,
		Header: responseHeader(resp.Header, "application/json")}
	if out.Usage != nil {
		res.Usage = *out.Usage
	}
	return res, nil
}

// textCompletion is the legacy /v1/completions answer and stream chunk.
type textCompletion struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"` // "text_completion"
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []textChoice `json:"choices"`
	Usage   *chat.Usage  `json:"usage,omitempty"`
}

type textChoice struct {
	Text  string `json:"text"`
	Index int    `json:"index"`
	// Logprobs is an object unlike chat's; it is never translated, and
	// nil encodes as null.
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

// completionParams are the members of a chat request that mean the same
// in a completions request; the others (tools, response_format, logprobs,
// whose form differs, ...) are chat-only and dropped.
var completionParams = []string{
	"model", "max_tokens", "temperature", "top_p", "n", "stop", "stream",
	"stream_options", "presence_penalty", "frequency_penalty", "logit_bias",
	"seed", "user", "best_of", "echo", "suffix",
}

// completionsRequest turns the body of a chat request into that of a
// completions request.
func completionsRequest(body []byte) ([]byte, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errors.New("request body is not a JSON object")
	}
	var msgs []chat.Message
	if err := json.Unmarshal(in["messages"], &msgs); err != nil || len(msgs) == 0 {
		return nil, errors.New("messages must be a non-empty array of messages")
	}
	prompt, err := promptOf(msgs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(completionParams)+1)
	for _, k := range completionParams {
		if v, ok := in[k]; ok {
			out[k] = v
		}
	}
	if v, ok := in["max_completion_tokens"]; ok && out["max_tokens"] == nil {
		out["max_tokens"] = v
	}
	out["prompt"] = prompt
	return json.Marshal(out)
}

// promptOf builds the prompt as LiteLLM does: the text of a lone message,
// or its token ids when that is what it holds; for a conversation, one
// prompt per message, so the upstream completes each message on its own.
func promptOf(msgs []chat.Message) (json.RawMessage, error) {
	if len(msgs) == 1 && isTokens(msgs[0].Content) {
		return msgs[0].Content, nil
	}
	texts := make([]string, len(msgs))
	for i := range msgs {
		parts, err := msgs[i].Parts()
		if err != nil {
			return nil, fmt.Errorf("messages[%d]: content is neither text nor parts", i)
		}
		for _, p := range parts {
			texts[i] += p.Text // images and other parts have no text to give
		}
	}
	if len(texts) == 1 {
		return json.Marshal(texts[0])
	}
	return json.Marshal(texts)
}

// isTokens reports whether content is a list of token ids, or of such
// lists, which the completions API takes as a prompt.
func isTokens(content json.RawMessage) bool {
	var flat []int
	if json.Unmarshal(content, &flat) == nil {
		return len(flat) > 0
	}
	var nested [][]int
	return json.Unmarshal(content, &nested) == nil && len(nested) > 0
}

// chatFromText turns a text completion into a chat completion, each
// choice's text becoming an assistant message.
func chatFromText(tc *textCompletion) *chat.Completion {
	out := &chat.Completion{ID: tc.ID, Object: "chat.completion", Created: tc.Created,
		Model: tc.Model, Usage: tc.Usage, Choices: make([]chat.Choice, len(tc.Choices))}
	for i, c := range tc.Choices {
		out.Choices[i] = chat.Choice{Index: i,
			Message: chat.Message{Role: "assistant", Content: chat.Text(c.Text)}}
		if c.FinishReason != nil {
			out.Choices[i].FinishReason = *c.FinishReason
		}
	}
	return out
}

// textChatStream turns a stream of text completion chunks into chat
// completion chunks. The end, errors and usage are handled as in a
// pass-through; the usage chunk is translated like any other.
type textChatStream struct {
	passthrough
	started []bool // by choice index: the role was sent
}

func (t *textChatStream) translate(dst []byte, ev *event) ([]byte, error) {
	data := ev.data
	if len(data) == 0 || data[0] != '{' || isErrorEvent(data) {
		return t.passthrough.translate(dst, ev)
	}
	var tc textCompletion
	if err := json.Unmarshal(data, &tc); err != nil {
		return dst, &UpstreamError{Provider: t.d.Provider, Status: http.StatusBadGateway,
			Type: "api_error", Code: "502", Message: "upstream sent an invalid stream",
			Retryable: true, Err: err}
	}
	if tc.Usage != nil {
		t.u = *tc.Usage
		if t.dropUsage && len(tc.Choices) == 0 {
			return dst, nil
		}
	}
	out := chat.Chunk{ID: tc.ID, Object: "chat.completion.chunk", Created: tc.Created,
		Model: tc.Model, Usage: tc.Usage, Choices: make([]chat.ChunkChoice, len(tc.Choices))}
	for i, c := range tc.Choices {
		out.Choices[i] = chat.ChunkChoice{Index: c.Index, FinishReason: c.FinishReason}
		delta, first := &out.Choices[i].Delta, !t.roleSent(c.Index)
		if text := c.Text; text != "" || first {
			delta.Content = &text
		}
		if first {
			delta.Role = "assistant"
			t.markRole(c.Index)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return dst, fmt.Errorf("provider %s: encode chunk: %w", t.d.Provider, err)
	}
	return appendData(dst, b), nil
}

func (t *textChatStream) roleSent(i int) bool { return i < len(t.started) && t.started[i] }

func (t *textChatStream) markRole(i int) {
	if i < 0 || i > 1<<10 {
		return // an index no client asked for; repeat the role rather than grow
	}
	for len(t.started) <= i {
		t.started = append(t.started, false)
	}
	t.started[i] = true
}

// isErrorEvent reports whether an event's data is an error body, which
// OpenAI sends after the headers when a stream fails.
func isErrorEvent(data []byte) bool {
	return bytes.Contains(data, errorKey) && !rawjson.IsNull(rawjson.Get(data, "error"))
}
