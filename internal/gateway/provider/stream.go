package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// translator turns upstream events into the bytes the client gets.
type translator interface {
	// translate appends to dst what the client gets for ev, possibly
	// nothing. An error ends the stream after the appended bytes are sent.
	translate(dst []byte, ev *event) ([]byte, error)
	// done reports whether the stream has properly ended, so that the end
	// of the body is not a dropped connection.
	done() bool
	usage() chat.Usage
}

// stream is an upstream event stream being copied to the client.
type stream struct {
	ctx  context.Context
	d    *Deployment
	body io.ReadCloser
	rd   *sseReader
	tr   translator
}

func newStream(ctx context.Context, d *Deployment, body io.ReadCloser, tr translator) *stream {
	return &stream{ctx: ctx, d: d, body: body, rd: newSSEReader(body), tr: tr}
}

// copyTo writes each event to w as soon as it is read. It flushes when
// no further whole event is buffered: events that arrived together leave
// together, in one write, and none waits for the upstream's next.
func (s *stream) copyTo(w io.Writer) (int64, error) {
	if s.rd == nil {
		return 0, errors.New("provider: stream already closed")
	}
	flush := flusher(w)
	var n int64
	pending := false // written but not flushed
	for {
		ev, err := s.rd.next()
		if err != nil {
			err = s.endError(err)
			if pending {
				if ferr := flush(); ferr != nil && err == nil {
					err = fmt.Errorf("write to client: %w", ferr)
				}
			}
			return n, err
		}
		out, terr := s.tr.translate(s.rd.out[:0], ev)
		s.rd.out = out
		if terr != nil {
			out = redactBytes(out, s.d.APIKey) // error events may quote anything
		}
		if len(out) > 0 {
			m, err := w.Write(out)
			n += int64(m)
			if err != nil {
				return n, fmt.Errorf("write to client: %w", err)
			}
			pending = true
		}
		if pending && (terr != nil || !s.rd.eventBuffered()) {
			if err := flush(); err != nil {
				return n, fmt.Errorf("write to client: %w", err)
			}
			pending = false
		}
		if terr != nil {
			return n, s.redact(terr)
		}
	}
}

// endError classifies the end of the upstream body.
func (s *stream) endError(err error) error {
	if err == io.EOF && s.tr.done() {
		return nil
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &UpstreamError{Provider: s.d.Provider, Status: http.StatusBadGateway,
			Type: "api_connection_error", Code: "502",
			Message: "upstream stream ended before completion", Retryable: true}
	}
	return transportError(s.ctx, s.d.Provider, err)
}

func (s *stream) redact(err error) error {
	if e, ok := err.(*UpstreamError); ok {
		e.finish(s.d.APIKey)
	}
	return err
}

func redactBytes(b []byte, key string) []byte {
	if len(key) < 4 || !bytes.Contains(b, []byte(key)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(key), []byte("[redacted]"))
}

func (s *stream) close() error {
	if s.rd == nil {
		return nil
	}
	s.rd.release()
	s.rd = nil
	return s.body.Close()
}
