package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// openAI is the adapter of every upstream that speaks OpenAI's wire
// format, Azure OpenAI included. Bodies pass through both ways; only the
// request's "model" is rewritten.
type openAI struct {
	client
	spec spec
}

func (a *openAI) Do(ctx context.Context, d *Deployment, r *Request) (*Response, error) {
	if r.Op.path() == "" {
		return nil, unsupported(d.Provider, r.Op)
	}
	body, injected, err := a.body(d, r)
	if err != nil {
		return nil, badRequest(d.Provider, "request body is not a JSON object")
	}
	req, err := newPost(ctx, a.spec.endpoint(d, r.Op), body)
	if err != nil {
		return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	a.header(req.Header, d, r)

	resp, err := a.send(ctx, d, req)
	if err != nil {
		return nil, err
	}
	if isEventStream(resp) {
		tr := &passthrough{d: d, op: r.Op, dropUsage: injected}
		return newStreamResponse(newStream(ctx, d, resp.Body, tr), resp.Header), nil
	}
	defer resp.Body.Close()
	out, err := ReadAll(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	u, _ := usageOf(out)
	return &Response{Status: resp.StatusCode, Header: responseHeader(resp.Header, ct),
		Body: out, Usage: u}, nil
}

// body returns the client's body with the upstream model, and, for a
// stream whose client did not ask for usage, with stream_options asking
// for it; injected reports that second change.
func (a *openAI) body(d *Deployment, r *Request) (body []byte, injected bool, err error) {
	body, err = rawjson.Set(r.Body, "model", quote(d.UpstreamModel))
	if err != nil || !r.Stream || !a.spec.acceptsStreamUsage(d) {
		return body, false, err
	}
	if r.Op != OpChat && r.Op != OpCompletions {
		return body, false, nil
	}
	opts := rawjson.Get(body, "stream_options")
	if string(rawjson.Get(opts, "include_usage")) == "true" {
		return body, false, nil
	}
	if len(opts) > 0 && opts[0] == '{' {
		opts, err = rawjson.Set(opts, "include_usage", []byte("true"))
	} else {
		opts = []byte(`{"include_usage":true}`)
	}
	if err != nil {
		return nil, false, err
	}
	body, err = rawjson.Set(body, "stream_options", opts)
	return body, err == nil, err
}

func (a *openAI) header(h http.Header, d *Deployment, r *Request) {
	copyClientHeader(h, r)
	switch {
	case d.APIKey == "":
	case a.spec.kind == kindAzure:
		h.Set("Api-Key", d.APIKey)
	default:
		h.Set("Authorization", "Bearer "+d.APIKey)
	}
}

// quote returns s as a JSON string. Model names are plain ASCII, which
// needs no escaping; anything else goes through the full rules.
func quote(s string) []byte {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			b, _ = json.Marshal(s) // a string always encodes
			return b
		}
	}
	b = append(b, s...)
	return append(b, '"')
}
