package provider

import (
	"errors"
	"io"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// Response is a successful answer, ready to copy to the client: send
// Header and Status, then WriteTo the client, then Close.
type Response struct {
	Status int
	// Header holds the headers for the client: Content-Type and the
	// upstream's request id and rate-limit headers, prefixed
	// "llm_provider-" as LiteLLM does.
	Header http.Header
	// Body is the whole answer, nil for a stream.
	Body []byte
	// Usage is the token count reported by the upstream, for spend. It is
	// known when Do returns for a whole answer and when WriteTo returns for
	// a stream; it stays zero when the upstream reports none.
	Usage chat.Usage

	stream *stream
}

// Streaming reports whether the answer is an event stream.
func (r *Response) Streaming() bool { return r.stream != nil }

// WriteTo writes the answer to w. A stream is written event by event as
// the upstream sends them, each flushed at once when w can flush (an
// http.ResponseWriter can). An error after the first event leaves w with a
// partial stream: the caller can no longer retry, only stop.
func (r *Response) WriteTo(w io.Writer) (int64, error) {
	if r.stream == nil {
		n, err := w.Write(r.Body)
		return int64(n), err
	}
	n, err := r.stream.copyTo(w)
	r.Usage = r.stream.tr.usage()
	return n, err
}

// Close releases the upstream connection of a stream; closing early, as
// when the client has gone, aborts the upstream request.
func (r *Response) Close() error {
	if r.stream == nil {
		return nil
	}
	err := r.stream.close()
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// newStreamResponse wraps an upstream event stream.
func newStreamResponse(s *stream, up http.Header) *Response {
	return &Response{Status: http.StatusOK, Header: responseHeader(up, "text/event-stream"), stream: s}
}
