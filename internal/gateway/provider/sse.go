package provider

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Server-sent events, as the WHATWG HTML standard section 9.2 defines
// them: lines of "field: value", events ended by a blank line, comments
// starting with ":". Upstreams end lines with LF or CRLF; a lone CR, also
// allowed there, is used by none and not handled.

// event is one server-sent event. Its slices belong to the reader and are
// valid until the next call of next.
type event struct {
	raw  []byte // the event as received, through its blank line
	name []byte // the "event" field
	data []byte // the "data" fields, joined by "\n"
}

// sseReader splits a stream into events, reusing its buffers: readers are
// pooled, so a steady stream allocates nothing per event.
type sseReader struct {
	br   *bufio.Reader
	ev   event
	long []byte // a line longer than br's buffer
	out  []byte // scratch for the translated event, kept here to be pooled
}

var sseReaders = sync.Pool{New: func() any {
	return &sseReader{br: bufio.NewReaderSize(nil, 16<<10)}
}}

func newSSEReader(r io.Reader) *sseReader {
	sr := sseReaders.Get().(*sseReader)
	sr.br.Reset(r)
	return sr
}

// release returns r to the pool, dropping buffers a huge event grew.
func (r *sseReader) release() {
	r.br.Reset(nil)
	if cap(r.ev.raw) > 1<<20 || cap(r.out) > 1<<20 || cap(r.long) > 1<<20 {
		return
	}
	sseReaders.Put(r)
}

// next returns the next event. At the end of the stream it returns io.EOF,
// or io.ErrUnexpectedEOF when the stream stops inside a line. An event
// whose final blank line is missing at the end is completed.
func (r *sseReader) next() (*event, error) {
	ev := &r.ev
	ev.raw, ev.name, ev.data = ev.raw[:0], ev.name[:0], ev.data[:0]
	hasData := false
	for {
		line, err := r.line()
		switch {
		case err == io.EOF && len(line) == 0 && len(ev.raw) == 0:
			return nil, io.EOF
		case err == io.EOF && len(line) == 0:
			ev.raw = append(ev.raw, '\n')
			return ev, nil
		case err == io.EOF:
			return nil, io.ErrUnexpectedEOF
		case err != nil:
			return nil, err
		}
		text := trimEOL(line)
		if len(text) == 0 && len(ev.raw) == 0 {
			continue // blank lines between events
		}
		ev.raw = append(ev.raw, line...)
		if len(text) == 0 {
			return ev, nil
		}
		ev.field(text, &hasData)
	}
}

// eventBuffered reports whether a whole event is already buffered, so
// that next returns it without reading: past any blank lines, a line and
// then a blank line.
func (r *sseReader) eventBuffered() bool {
	b, _ := r.br.Peek(r.br.Buffered())
	for {
		switch {
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		default:
			return bytes.Contains(b, []byte("\n\n")) || bytes.Contains(b, []byte("\n\r\n"))
		}
	}
}

// line returns the next line with its end of line.
func (r *sseReader) line() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	r.long = append(r.long[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = r.br.ReadSlice('\n')
		r.long = append(r.long, line...)
	}
	return r.long, err
}

func (ev *event) field(line []byte, hasData *bool) {
	if line[0] == ':' {
		return // a comment, often a keep-alive
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if *hasData {
			ev.data = append(ev.data, '\n')
		}
		ev.data = append(ev.data, value...)
		*hasData = true
	case "event":
		ev.name = append(ev.name[:0], value...)
	}
}

func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// appendData appends an event carrying one line of data, such as a JSON
// document (encoding/json never writes a raw newline).
func appendData(dst, data []byte) []byte {
	dst = append(dst, "data: "...)
	dst = append(dst, data...)
	return append(dst, "\n\n"...)
}

// flusher returns the function that pushes what was written to w out to
// the client, or one that does nothing when w buffers nothing.
func flusher(w io.Writer) func() error {
	switch f := w.(type) {
	case interface{ FlushError() error }:
		return f.FlushError
	case http.Flusher:
		return func() error { f.Flush(); return nil }
	}
	return func() error { return nil }
}
