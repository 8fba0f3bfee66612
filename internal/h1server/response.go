package h1server

import (
	"context"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// bufferLimit is how much of a body the response holds back before it
// sends the headers. A body that fits, written by a handler that returns
// without flushing, goes out with a Content-Length, headers and body in
// one write.
const bufferLimit = 8 << 10

// response is the handler's http.ResponseWriter. A connection has one,
// reset for each request.
//
// Like net/http's, it takes the headers as they are when WriteHeader is
// called (by the handler or by the first Write), except the trailers the
// handler declared, read when it returns.
type response struct {
	c      *conn
	req    *http.Request
	cancel context.CancelCauseFunc
	header http.Header
	isHead bool

	status        int
	head          []byte   // the handler's header fields, as sent
	sniff         bool     // no Content-Type: detect it from the body
	trailers      []string // names the Trailer header declared
	contentLength int64    // declared by the handler, or -1
	written       int64    // body bytes the handler wrote
	buf           []byte   // body held back until the headers are sent
	committed     bool     // the status line and headers are written
	chunked       bool
	keep          bool // the connection can carry another request
	err           error
}

func (w *response) reset(req *http.Request, cancel context.CancelCauseFunc) {
	w.req = req
	w.cancel = cancel
	clear(w.header)
	w.isHead = req.Method == http.MethodHead
	w.status = 0
	w.head = w.head[:0]
	w.sniff = false
	w.trailers = w.trailers[:0]
	w.contentLength = -1
	w.written = 0
	w.buf = w.buf[:0]
	w.committed = false
	w.chunked = false
	w.keep = false
	w.err = nil
}

func (w *response) Header() http.Header { return w.header }

// WriteHeader sends the status code with the headers as they are now.
// An informational code (1xx) is sent at once; only the first other code
// counts.
func (w *response) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if w.status != 0 {
		return
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.writeInformational(code)
		return
	}
	w.status = code
	h := w.header
	if v := h.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			w.contentLength = n
		}
	}
	for _, v := range h["Trailer"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				w.trailers = append(w.trailers, http.CanonicalHeaderKey(name))
			}
		}
	}
	// As net/http, never guess the type of an encoded body.
	_, hasType := h["Content-Type"]
	w.sniff = !hasType && h.Get("Content-Encoding") == ""
	// RFC 9110, section 15.4.5: a 304 has no body, and, as from
	// net/http, no Content-Type for it.
	w.head = appendFields(w.head, h, code == http.StatusNotModified)
	if _, ok := h["Date"]; !ok {
		w.head = append(w.head, "Date: "...)
		w.head = appendDate(w.head)
		w.head = append(w.head, "\r\n"...)
	}
}

func (w *response) writeInformational(code int) {
	bw := w.c.bw
	b := appendStatusLine(nil, code)
	b = appendFields(b, w.header, false)
	bw.Write(append(b, "\r\n"...))
	if err := bw.Flush(); err != nil {
		w.fail(err)
	}
}

// writeContinue answers "Expect: 100-continue" when the handler first
// reads the body.
func (w *response) writeContinue() error {
	if w.err != nil {
		return w.err
	}
	bw := w.c.bw
	bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	if err := bw.Flush(); err != nil {
		w.fail(err)
	}
	return w.err
}

func (w *response) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.err != nil {
		return 0, w.err
	}
	if w.contentLength >= 0 && w.written+int64(len(p)) > w.contentLength {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if len(w.buf)+len(p) <= bufferLimit {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		w.commit(false, p)
	}
	w.writeBody(p)
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// FlushError sends what the handler wrote so far, headers included. It is
// what http.ResponseController.Flush calls.
func (w *response) FlushError() error {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return w.err
	}
	if !w.committed {
		w.commit(false, nil)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.fail(err)
	}
	return w.err
}

// Flush implements http.Flusher.
func (w *response) Flush() { w.FlushError() }

// finish completes the response once the handler has returned.
func (w *response) finish() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(true, nil)
	}
	bw := w.c.bw
	if w.chunked && w.err == nil {
		bw.WriteString("0\r\n")
		w.c.hdr = w.appendTrailers(w.c.hdr[:0])
		bw.Write(w.c.hdr)
		bw.WriteString("\r\n")
	}
	if w.contentLength >= 0 && w.written < w.contentLength && !w.isHead && bodyAllowed(w.status) {
		// A body shorter than declared: closing the connection is the
		// only way to tell the client.
		w.keep = false
	}
	if w.err == nil {
		if err := bw.Flush(); err != nil {
			w.fail(err)
		}
	}
	if len(w.buf) > 4*bufferLimit {
		w.buf = nil
	}
}

// keepAlive reports whether the connection can carry another request
// once the response is finished.
func (w *response) keepAlive() bool { return w.keep && w.err == nil }

// commit writes the status line and headers, choosing how the body is
// framed and whether the connection is kept, then the body held back.
// final is true when the handler has returned: the whole body is known.
// next is what the handler writes next, past the body held back; with it,
// a missing Content-Type is detected from the start of the body.
func (w *response) commit(final bool, next []byte) {
	w.committed = true
	req := w.req
	w.keep = !wantsClose(req) && !w.c.s.shuttingDown.Load() &&
		!hasToken(w.header["Connection"], "close")
	// What the handler left of the request body is read now, as
	// net/http's server does: if it can't be, the connection can't carry
	// another request, and "Connection: close" must say so.
	if w.keep && !w.c.body.drain() {
		w.keep = false
	}

	b := appendStatusLine(w.c.hdr[:0], w.status)
	b = append(b, w.head...)
	switch {
	case !bodyAllowed(w.status):
	case w.contentLength >= 0:
		b = appendContentLength(b, w.contentLength)
	case w.isHead && w.written == 0:
		// The handler may have written nothing because the request is
		// HEAD: as net/http, claim no length for GET's body.
	case final && len(w.trailers) == 0:
		w.contentLength = w.written
		b = appendContentLength(b, w.contentLength)
	case w.isHead:
		// The length of a HEAD answer that was flushed is not known.
	case req.ProtoAtLeast(1, 1):
		w.chunked = true
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	default:
		// An HTTP/1.0 client reads the body to the end of the connection.
		w.keep = false
	}
	if start := w.buf; w.sniff && bodyAllowed(w.status) && len(start)+len(next) > 0 {
		if len(start) == 0 {
			start = next
		}
		b = append(b, "Content-Type: "...)
		b = append(b, http.DetectContentType(start)...)
		b = append(b, "\r\n"...)
	}
	if !w.keep {
		b = append(b, "Connection: close\r\n"...)
	} else if req.ProtoMinor == 0 {
		b = append(b, "Connection: keep-alive\r\n"...)
	}
	b = append(b, "\r\n"...)
	w.c.hdr = b
	w.c.bw.Write(b)
	if len(w.buf) > 0 {
		body := w.buf
		w.buf = w.buf[:0]
		w.writeBody(body)
	}
}

// writeBody writes p to the connection's buffer, as one chunk when the
// body is chunked. The answer to HEAD has the headers GET's would have,
// and no body.
func (w *response) writeBody(p []byte) {
	if len(p) == 0 || w.err != nil || w.isHead {
		return
	}
	bw := w.c.bw
	var err error
	if w.chunked {
		var size [16]byte
		bw.Write(strconv.AppendInt(size[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		_, err = bw.WriteString("\r\n")
	} else {
		_, err = bw.Write(p)
	}
	if err != nil {
		w.fail(err)
	}
}

// fail records that the client can no longer be written to: the request
// is cancelled and the connection closed once the handler returns.
func (w *response) fail(err error) {
	if w.err == nil {
		w.err = fmt.Errorf("write response: %w", err)
		w.cancel(errClientGone)
	}
	w.keep = false
}

// appendTrailers appends the trailer fields the handler declared, and
// those it set with http.TrailerPrefix.
func (w *response) appendTrailers(b []byte) []byte {
	for _, name := range w.trailers {
		for _, v := range w.header[name] {
			b = appendField(b, name, v)
		}
	}
	for k, vv := range w.header {
		if name, ok := strings.CutPrefix(k, http.TrailerPrefix); ok && isToken(name) {
			for _, v := range vv {
				b = appendField(b, name, v)
			}
		}
	}
	return b
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// framingFields are the header fields the response writes itself.
var framingFields = map[string]bool{"Content-Length": true, "Transfer-Encoding": true, "Connection": true}

// appendFields appends the fields of h but the framing ones, those
// naming trailers by prefix, and Content-Type if noType. Fields with an
// invalid name are left out.
func appendFields(b []byte, h http.Header, noType bool) []byte {
	for k, vv := range h {
		if framingFields[k] || strings.HasPrefix(k, http.TrailerPrefix) || !isToken(k) ||
			noType && k == "Content-Type" {
			continue
		}
		for _, v := range vv {
			b = appendField(b, k, v)
		}
	}
	return b
}

// appendField appends "name: value\r\n", with any line break of the value
// turned into a space so that a value can't start a field of its own.
func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, "\r\n"...)
}

func appendContentLength(b []byte, n int64) []byte {
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, n, 10)
	return append(b, "\r\n"...)
}

func appendStatusLine(b []byte, code int) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	if text := http.StatusText(code); text != "" {
		return append(append(b, text...), "\r\n"...)
	}
	b = append(b, "status code "...)
	b = strconv.AppendInt(b, int64(code), 10)
	return append(b, "\r\n"...)
}

// hasToken reports whether a comma-separated header value holds token,
// in any case.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(t), token) {
				return true
			}
		}
	}
	return false
}

// dateCache holds the Date header's value for the current second.
var dateCache atomic.Pointer[cachedDate]

type cachedDate struct {
	sec  int64
	text []byte
}

func appendDate(b []byte) []byte {
	now := time.Now()
	d := dateCache.Load()
	if d == nil || d.sec != now.Unix() {
		d = &cachedDate{sec: now.Unix(), text: now.UTC().AppendFormat(nil, http.TimeFormat)}
		dateCache.Store(d)
	}
	return append(b, d.text...)
}
