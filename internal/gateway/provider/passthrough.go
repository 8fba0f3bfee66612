package provider

import (
	"bytes"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// passthrough forwards an OpenAI-format stream event for event, only
// reading what it must: the usage, the end, errors.
type passthrough struct {
	d  *Deployment
	op Operation
	// dropUsage marks a stream whose usage chunk the gateway asked for
	// and the client did not: that chunk is counted but not forwarded.
	dropUsage bool
	u         chat.Usage
	finished  bool
}

var (
	doneData = []byte("[DONE]")
	usageKey = []byte(`"usage"`)
	errorKey = []byte(`"error"`)
)

func (p *passthrough) done() bool        { return p.finished }
func (p *passthrough) usage() chat.Usage { return p.u }

func (p *passthrough) translate(dst []byte, ev *event) ([]byte, error) {
	data := ev.data
	switch {
	case len(data) == 0 || data[0] != '{':
		// A comment, a keep-alive, or the end of a chat stream.
		p.finished = p.finished || bytes.Equal(data, doneData)
	case p.op == OpResponses:
		return p.responsesEvent(dst, ev)
	case isErrorEvent(data):
		// OpenAI reports a failure after the headers as an event with an
		// error body and no [DONE].
		p.finished = true
		return p.forwardError(dst, ev, data)
	case mayHaveUsage(data):
		if u, ok := usageOf(data); ok {
			p.u = u
			if p.dropUsage && !hasChoices(data) {
				return dst, nil
			}
		}
	}
	return append(dst, ev.raw...), nil
}

// responsesEvent handles the Responses API's typed events: the usage is in
// the response of the final event, and there is no [DONE].
func (p *passthrough) responsesEvent(dst []byte, ev *event) ([]byte, error) {
	switch string(rawjson.Get(ev.data, "type")) {
	case `"response.completed"`, `"response.incomplete"`:
		p.finished = true
		if u, ok := usageOf(rawjson.Get(ev.data, "response")); ok {
			p.u = u
		}
	case `"response.failed"`:
		p.finished = true
		return p.forwardError(dst, ev, rawjson.Get(ev.data, "response"))
	case `"error"`:
		p.finished = true
		return p.forwardError(dst, ev, []byte(`{"error":`+string(ev.data)+`}`))
	}
	return append(dst, ev.raw...), nil
}

// forwardError passes an error event on and returns it as an error; the
// stream removes the key from both.
func (p *passthrough) forwardError(dst []byte, ev *event, body []byte) ([]byte, error) {
	typ, code, msg := parseErrorBody(body)
	return append(dst, ev.raw...), &UpstreamError{Provider: p.d.Provider,
		Status: http.StatusInternalServerError, Type: typ, Code: code, Message: msg,
		Retryable: true} // the stream broke, whatever its cause
}

// mayHaveUsage is a fast test that spares most chunks the full parse:
// false when there is no "usage" key or when the last one is null, as in
// every chunk but one under include_usage.
func mayHaveUsage(chunk []byte) bool {
	i := bytes.LastIndex(chunk, usageKey)
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(chunk[i+len(usageKey):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return true // a string "usage", not a key: let the parser decide
	}
	return !bytes.HasPrefix(bytes.TrimLeft(rest[1:], " \t\r\n"), []byte("null"))
}

// hasChoices reports whether a chunk has a non-empty "choices" array: the
// usage chunk of stream_options.include_usage has an empty one.
func hasChoices(chunk []byte) bool {
	c := bytes.TrimSpace(rawjson.Get(chunk, "choices"))
	return len(c) > 1 && c[0] == '[' && len(bytes.TrimSpace(c[1:len(c)-1])) > 0
}

// usageOf reads the "usage" member of a response object, either in chat
// form (prompt_tokens, completion_tokens) or in the Responses API's
// (input_tokens, output_tokens).
func usageOf(obj []byte) (chat.Usage, bool) {
	raw := rawjson.Get(obj, "usage")
	if len(raw) == 0 || raw[0] != '{' {
		return chat.Usage{}, false
	}
	u := chat.Usage{
		PromptTokens:     intOf(rawjson.Get(raw, "prompt_tokens")),
		CompletionTokens: intOf(rawjson.Get(raw, "completion_tokens")),
		TotalTokens:      intOf(rawjson.Get(raw, "total_tokens")),
	}
	if u.PromptTokens == 0 && u.CompletionTokens == 0 {
		u.PromptTokens = intOf(rawjson.Get(raw, "input_tokens"))
		u.CompletionTokens = intOf(rawjson.Get(raw, "output_tokens"))
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	return u, true
}

// intOf parses a non-negative JSON integer, or returns 0.
func intOf(raw []byte) int {
	n := 0
	for _, c := range raw {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
