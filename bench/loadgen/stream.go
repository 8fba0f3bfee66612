package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"time"
)

var (
	errNoDone   = errors.New("stream ended without data: [DONE]")
	errNoTokens = errors.New("stream carried no token events")
)

var (
	dataPrefix  = []byte("data:")
	donePayload = []byte("[DONE]")
	contentKey  = []byte(`"content"`)
)

// readStream reads a body of server-sent events through lines to its end.
// It returns when the first data event arrived and records into gaps
// (when not nil) the time between consecutive token events: chunks with
// content, which leaves out the finish chunk, the usage chunk and [DONE],
// all sent back to back with the last token. It fails a stream that does
// not end with [DONE] or has no tokens.
func readStream(lines *bufio.Reader, body io.Reader, gaps *Histogram) (first time.Time, err error) {
	lines.Reset(body)
	defer lines.Reset(nil)
	var last time.Time
	done := false
	for {
		line, err := lines.ReadSlice('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return first, err
		}
		if !bytes.HasPrefix(line, dataPrefix) {
			continue
		}
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		payload := bytes.TrimSpace(line[len(dataPrefix):])
		switch {
		case bytes.Equal(payload, donePayload):
			done = true
		case isToken(payload):
			if !last.IsZero() && gaps != nil {
				gaps.Record(now.Sub(last))
			}
			last = now
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			if err := skipLine(lines); err != nil {
				return first, err
			}
		}
	}
	switch {
	case !done:
		return first, errNoDone
	case last.IsZero():
		return first, errNoTokens
	}
	return first, nil
}

// isToken reports whether an event's data is a chunk with content. An
// unescaped "content" can only be a key: quotes in JSON strings are
// escaped.
func isToken(payload []byte) bool {
	return len(payload) > 0 && payload[0] == '{' && bytes.Contains(payload, contentKey)
}

// skipLine reads the rest of a line longer than the buffer.
func skipLine(r *bufio.Reader) error {
	for {
		_, err := r.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// discard reads r to its end.
func discard(r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}
