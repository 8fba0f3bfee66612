package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/anthropic"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// anthropicAdapter serves chat completions from Anthropic's Messages API,
// translating the request, the answer and its stream.
type anthropicAdapter struct {
	client
	spec spec
}

var anthropicVersion = []string{anthropic.Version}

func (a *anthropicAdapter) Do(ctx context.Context, d *Deployment, r *Request) (*Response, error) {
	if r.Op == OpMessages {
		return a.native(ctx, d, r)
	}
	if r.Op != OpChat {
		return nil, unsupported(d.Provider, r.Op)
	}
	var creq chat.Request
	if err := json.Unmarshal(r.Body, &creq); err != nil {
		return nil, badRequest(d.Provider, "invalid chat completion request: "+err.Error())
	}
	areq, err := anthropic.FromChat(&creq, d.UpstreamModel)
	if err != nil {
		return nil, badRequest(d.Provider, err.Error())
	}
	areq.Stream = r.Stream
	body, err := json.Marshal(areq)
	if err != nil {
		return nil, badRequest(d.Provider, "encode messages request: "+err.Error())
	}
	req, err := newPost(ctx, a.spec.messagesURL(d), body)
	if err != nil {
		return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	copyClientHeader(req.Header, r)
	req.Header["Anthropic-Version"] = anthropicVersion
	if d.APIKey != "" {
		req.Header.Set("X-Api-Key", d.APIKey)
	}

	resp, err := a.send(ctx, d, req)
	if err != nil {
		return nil, err
	}
	if isEventStream(resp) {
		include := creq.StreamOptions != nil && creq.StreamOptions.IncludeUsage
		tr := &anthropicStream{d: d, s: anthropic.NewStream(include, a.now().Unix())}
		return newStreamResponse(newStream(ctx, d, resp.Body, tr), resp.Header), nil
	}
	defer resp.Body.Close()
	return a.whole(ctx, d, resp)
}

// whole translates a non-streaming answer.
func (a *anthropicAdapter) whole(ctx context.Context, d *Deployment, resp *http.Response) (
	*Response, error) {
	raw, err := ReadAll(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	var ar anthropic.Response
	if err := json.Unmarshal(raw, &ar); err != nil {
		return nil, &UpstreamError{Provider: d.Provider, Status: http.StatusBadGateway,
			Type: "api_error", Code: "502", Message: "upstream answer is not a message",
			Retryable: true, Err: err}
	}
	out := anthropic.ToChat(&ar, a.now().Unix())
	body, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("provider %s: encode completion: %w", d.Provider, err)
	}
	return &Response{Status: http.StatusOK, Header: responseHeader(resp.Header, "application/json"),
		Body: body, Usage: *out.Usage}, nil
}

// anthropicStream adapts anthropic.Stream to the stream copier.
type anthropicStream struct {
	d *Deployment
	s *anthropic.Stream
}

func (t *anthropicStream) done() bool        { return t.s.Done() }
func (t *anthropicStream) usage() chat.Usage { return t.s.Usage().ToChat() }

func (t *anthropicStream) translate(dst []byte, ev *event) ([]byte, error) {
	if len(ev.data) == 0 {
		return dst, nil // comments
	}
	out, err := t.s.Event(dst, ev.data)
	if err == nil {
		return out, nil
	}
	var se *anthropic.StreamError
	if errors.As(err, &se) {
		status := anthropic.ErrorStatus(se.Type)
		return out, &UpstreamError{Provider: t.d.Provider, Status: status, Type: se.Type,
			Message: se.Message, Retryable: retryable(status, nil)}
	}
	return out, &UpstreamError{Provider: t.d.Provider, Status: http.StatusBadGateway,
		Type: "api_error", Code: "502", Message: "upstream sent an invalid stream",
		Retryable: true, Err: err}
}
