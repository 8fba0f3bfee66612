package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/anthropic"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// native passes a Messages request (OpMessages) through to an Anthropic
// deployment with only its model replaced, and the answer back unchanged:
// Anthropic's own clients get Anthropic's own format, features included
// that chat completions cannot express.
func (a *anthropicAdapter) native(ctx context.Context, d *Deployment, r *Request) (*Response, error) {
	body, err := rawjson.Set(r.Body, "model", quote(d.UpstreamModel))
	if err != nil {
		return nil, badRequest(d.Provider, "request body is not a JSON object")
	}
	req, err := newPost(ctx, a.spec.messagesURL(d), body)
	if err != nil {
		return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	copyClientHeader(req.Header, r)
	// The client's anthropic-version describes the body it wrote, so it
	// wins over the one the translations follow.
	if req.Header.Get("Anthropic-Version") == "" {
		req.Header["Anthropic-Version"] = anthropicVersion
	}
	if d.APIKey != "" {
		req.Header.Set("X-Api-Key", d.APIKey)
	}

	resp, err := a.send(ctx, d, req)
	if err != nil {
		return nil, err
	}
	if isEventStream(resp) {
		tr := &messagesStream{d: d}
		return newStreamResponse(newStream(ctx, d, resp.Body, tr), resp.Header), nil
	}
	defer resp.Body.Close()
	out, err := ReadAll(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	var u anthropic.Usage
	_ = json.Unmarshal(rawjson.Get(out, "usage"), &u) // no usage counts as none
	return &Response{Status: resp.StatusCode, Header: responseHeader(resp.Header, "application/json"),
		Body: out, Usage: u.ToChat()}, nil
}

// messagesStream forwards a Messages event stream event for event, reading
// only the usage, the end and errors.
type messagesStream struct {
	d        *Deployment
	u        anthropic.Usage
	finished bool
}

func (m *messagesStream) done() bool        { return m.finished }
func (m *messagesStream) usage() chat.Usage { return m.u.ToChat() }

func (m *messagesStream) translate(dst []byte, ev *event) ([]byte, error) {
	if len(ev.data) == 0 {
		return append(dst, ev.raw...), nil // comments
	}
	switch string(rawjson.Get(ev.data, "type")) {
	case `"message_start"`:
		_ = json.Unmarshal(rawjson.Get(rawjson.Get(ev.data, "message"), "usage"), &m.u)
	case `"message_delta"`:
		var u anthropic.Usage
		if json.Unmarshal(rawjson.Get(ev.data, "usage"), &u) == nil {
			// output_tokens is cumulative; input counts, when repeated
			// here, replace those of message_start.
			m.u.OutputTokens = u.OutputTokens
			if u.InputTokens > 0 {
				m.u.InputTokens = u.InputTokens
				m.u.CacheCreationInputTokens = u.CacheCreationInputTokens
				m.u.CacheReadInputTokens = u.CacheReadInputTokens
			}
		}
	case `"message_stop"`:
		m.finished = true
	case `"error"`:
		m.finished = true
		var e struct {
			Error anthropic.StreamError `json:"error"`
		}
		_ = json.Unmarshal(ev.data, &e) // an undecodable error is still an error
		status := anthropic.ErrorStatus(e.Error.Type)
		return append(dst, ev.raw...), &UpstreamError{Provider: m.d.Provider,
			Status: status, Type: e.Error.Type, Message: e.Error.Message,
			Retryable: retryable(status, nil)}
	}
	return append(dst, ev.raw...), nil
}

// ErrNoTokenCount is the error of CountTokens for a deployment whose
// upstream cannot count tokens: any but Anthropic's.
var ErrNoTokenCount = errors.New("upstream cannot count tokens")

// CountTokens asks d's upstream, Anthropic's POST /v1/messages/count_tokens,
// how many input tokens the Messages request body holds, with its model
// replaced by d's. header holds the client headers to pass on, such as
// anthropic-beta. Errors are *UpstreamError, or ErrNoTokenCount.
func CountTokens(ctx context.Context, d *Deployment, body []byte, header http.Header) (int64, error) {
	s, ok := providers[d.Provider]
	if !ok || s.kind != kindAnthropic || d.MockResponse != nil {
		return 0, fmt.Errorf("provider %s: %w", d.Provider, ErrNoTokenCount)
	}
	body, err := rawjson.Set(body, "model", quote(d.UpstreamModel))
	if err != nil {
		return 0, badRequest(d.Provider, "request body is not a JSON object")
	}
	req, err := newPost(ctx, s.messagesURL(d)+"/count_tokens", body)
	if err != nil {
		return 0, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	copyClientHeader(req.Header, &Request{Header: header})
	if req.Header.Get("Anthropic-Version") == "" {
		req.Header["Anthropic-Version"] = anthropicVersion
	}
	if d.APIKey != "" {
		req.Header.Set("X-Api-Key", d.APIKey)
	}
	c := client{rt: sharedTransport, now: timeNow}
	var out struct {
		InputTokens *int64 `json:"input_tokens"`
	}
	if err := c.fetchJSON(ctx, d, req, "token count answer", &out); err != nil {
		return 0, err
	}
	if out.InputTokens == nil {
		return 0, badGateway(d, "token count answer has no input_tokens")
	}
	return *out.InputTokens, nil
}
