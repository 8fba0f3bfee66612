package h1server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/textproto"
	"strings"
)

// Request errors answered before a handler runs.
var (
	errHeaderTooLarge     = errors.New("request header too large")
	errUnsupportedVersion = errors.New("unsupported protocol version")
	errBadHost            = errors.New("missing, repeated or malformed Host header")
	errBadHeader          = errors.New("invalid header field")
)

// headerLimit is how many bytes may be read from the connection while a
// request's line and headers are: MaxHeaderBytes, and bufio's own buffer,
// which may read past the headers.
func (c *conn) headerLimit() int64 {
	return int64(orDefault(c.s.MaxHeaderBytes, http.DefaultMaxHeaderBytes)) + 4096
}

// readRequest reads a request's line and headers, within the size limit,
// and checks what net/http's server checks beyond http.ReadRequest.
func (c *conn) readRequest() (*http.Request, error) {
	if c.lastMethod != "" {
		c.r.limit = c.headerLimit()
	}
	if c.lastMethod == http.MethodPost {
		// RFC 9112, section 2.2: a server should ignore the empty lines
		// before a request line. net/http does after a POST, whose body
		// some old clients end with a line break.
		start, _ := c.br.Peek(4)
		c.br.Discard(leadingLineBreaks(start))
	}
	c.r.recordHead(c.br)
	req, err := http.ReadRequest(c.br)
	head := c.r.stopRecording(c.br)
	if err != nil {
		if c.r.limit <= 0 {
			return nil, errHeaderTooLarge
		}
		return nil, err
	}
	c.r.limit = math.MaxInt64
	// The janitor may have closed the connection as the headers came.
	c.since.Store(c.s.clock.Load())
	if !c.state.CompareAndSwap(stateHeader, stateActive) {
		return nil, net.ErrClosed
	}
	if req.ProtoMajor != 1 {
		return nil, errUnsupportedVersion
	}
	c.lastMethod = req.Method

	// http.ReadRequest takes the host from an absolute-form target over
	// the Host header, then drops the header; yet an HTTP/1.1 request
	// must have one (RFC 9112, section 3.2), which net/http checks too.
	hosts := []string{req.Host}
	if req.URL.Host != "" || req.Host == "" {
		hosts = hostFields(head)
	}
	if len(hosts) == 0 && req.ProtoAtLeast(1, 1) && req.Method != http.MethodConnect ||
		len(hosts) == 1 && !validHost(hosts[0]) {
		return nil, errBadHost
	}
	if !validHeader(req.Header) {
		return nil, errBadHeader
	}
	return req, nil
}

// recordHead starts keeping what is read of the request that starts in
// br, up to stopRecording.
func (r *connReader) recordHead(br *bufio.Reader) {
	buffered, _ := br.Peek(br.Buffered())
	r.head = append(r.head[:0], buffered...)
	r.recording = true
}

// stopRecording returns the line and headers of the request just read
// from br.
func (r *connReader) stopRecording(br *bufio.Reader) []byte {
	r.recording = false
	head := r.head[:len(r.head)-br.Buffered()]
	if cap(r.head) > 64<<10 {
		r.head = nil // what a large request left
	}
	return head
}

// hostFields returns the Host header fields of a request's line and
// headers, parsed as http.ReadRequest parses them.
func hostFields(head []byte) []string {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(head)))
	if _, err := tp.ReadLine(); err != nil {
		return nil
	}
	h, _ := tp.ReadMIMEHeader()
	return h["Host"]
}

func leadingLineBreaks(b []byte) int {
	for i, c := range b {
		if c != '\r' && c != '\n' {
			return i
		}
	}
	return len(b)
}

// isUnsupportedTE reports whether http.ReadRequest refused a request for
// its Transfer-Encoding, which net/http answers with 501, as RFC 9112,
// section 6.1 asks. The error's type is not exported: its text tells.
func isUnsupportedTE(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unsupported transfer encoding") ||
		strings.HasPrefix(s, "too many transfer encodings")
}

// expectsContinue reports whether an Expect header value asks for
// "100 Continue". Like net/http, it finds the expectation among others
// rather than refusing them.
func expectsContinue(expect string) bool {
	return containsWord(expect, "100-continue")
}

// wantsClose reports whether the client asks for its connection to end
// with the response, as net/http's server reads the request: an HTTP/1.0
// client must ask to keep it, with keep-alive in its first Connection
// header; an HTTP/1.1 client may ask to close it.
func wantsClose(req *http.Request) bool {
	conn := req.Header.Get("Connection")
	if req.ProtoMinor == 0 {
		return !containsWord(conn, "keep-alive")
	}
	return req.Close || containsWord(conn, "close")
}

// containsWord reports whether word, an ASCII word in any case, is in
// the header value v, between commas, spaces or tabs: net/http's server
// reads Expect and Connection so, more loosely than RFC 9110's lists.
func containsWord(v, word string) bool {
	for v != "" {
		t := v
		if i := strings.IndexAny(v, ", \t"); i >= 0 {
			t, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		// Of the same length as an ASCII word, no multi-byte letter
		// (as the Kelvin sign, K) can fold to it.
		if len(t) == len(word) && strings.EqualFold(t, word) {
			return true
		}
	}
	return false
}

// answerOptions answers "OPTIONS *", a question about the server rather
// than any resource, as net/http's server does, without the handler: an
// empty 200. A body longer than 4 kB closes the connection.
func answerOptions(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		const most = 4 << 10
		if n, _ := io.CopyN(io.Discard, r.Body, most+1); n > most {
			w.Header().Set("Connection", "close")
		}
	}
}

// validHeader reports whether every field name of h is a token and no
// value holds a control character other than tab, as RFC 9110 requires.
func validHeader(h http.Header) bool {
	for k, vv := range h {
		if !isToken(k) {
			return false
		}
		for _, v := range vv {
			for i := 0; i < len(v); i++ {
				if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
					return false
				}
			}
		}
	}
	return true
}

// validHost reports whether a Host header holds only the bytes a host,
// a port or an IP literal can, as net/http checks it: those of RFC 3986's
// reg-name, percent-encoding included, brackets and colons.
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		if b := h[i]; !isAlnum(b) && !strings.ContainsRune("!$%&'()*+,-.:;=[]_~", rune(b)) {
			return false
		}
	}
	return true
}

func isAlnum(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return true
}

// tokenByte marks the bytes of RFC 9110's tchar.
var tokenByte = func() (t [256]bool) {
	for b := '0'; b <= '9'; b++ {
		t[b] = true
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b] = true
		t[b-'a'+'A'] = true
	}
	for _, b := range "!#$%&'*+-.^_`|~" {
		t[b] = true
	}
	return t
}()
