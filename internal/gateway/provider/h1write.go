package provider

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// writeRequest writes req to w and flushes it, with body, which holds
// req.ContentLength bytes. The head is what net/http's Transport would
// send, without its Accept-Encoding: gzip, so that answers come
// uncompressed, as the adapters read them. req passed validHead.
//
// The body is one Write: past the buffer, it goes to the connection
// directly rather than through the buffer in 4 KiB pieces.
func writeRequest(w *bufio.Writer, req *http.Request, body io.Reader) error {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	w.WriteString(method)
	w.WriteByte(' ')
	writeTarget(w, req)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(requestHost(req))
	w.WriteString("\r\n")
	if _, ok := req.Header["User-Agent"]; !ok {
		w.WriteString("User-Agent: Go-http-client/1.1\r\n")
	}
	// Like net/http, a Content-Length even of 0 for the methods whose
	// requests servers expect to carry one.
	if req.ContentLength > 0 || method == http.MethodPost ||
		method == http.MethodPut || method == http.MethodPatch {
		w.WriteString("Content-Length: ")
		w.Write(strconv.AppendInt(w.AvailableBuffer(), req.ContentLength, 10))
		w.WriteString("\r\n")
	}
	if req.Close {
		w.WriteString("Connection: close\r\n")
	}
	for k, vs := range req.Header {
		switch k {
		case "Host", "Content-Length", "Transfer-Encoding", "Trailer":
			continue // from the request's fields, as net/http does
		}
		for _, v := range vs {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(textproto.TrimString(v))
			w.WriteString("\r\n")
		}
	}
	w.WriteString("\r\n")

	if body != nil {
		n, err := io.Copy(w, body)
		if err != nil {
			return err
		}
		if n != req.ContentLength {
			return fmt.Errorf("request body of %d bytes, not ContentLength %d",
				n, req.ContentLength)
		}
	}
	return w.Flush()
}

// writeTarget writes the request target in origin form (RFC 9112
// section 3.2.1), without building it as one string.
func writeTarget(w *bufio.Writer, req *http.Request) {
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	w.WriteString(path)
	if req.URL.ForceQuery || req.URL.RawQuery != "" {
		w.WriteByte('?')
		w.WriteString(req.URL.RawQuery)
	}
}

func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// validHead reports whether writeRequest can send req's head as is. It
// refuses what net/http would reject, rewrite or encode: control bytes
// that could split the request, hosts that need punycode or a zone
// removed, names that are not tokens.
func validHead(req *http.Request) bool {
	if !isToken(req.Method) && req.Method != "" {
		return false
	}
	host := requestHost(req)
	if !isVisibleASCII(host) || strings.IndexByte(host, '%') >= 0 ||
		!isVisibleASCII(req.URL.EscapedPath()) || !isVisibleASCII(req.URL.RawQuery) {
		return false
	}
	for k, vs := range req.Header {
		if !isToken(k) {
			return false
		}
		for _, v := range vs {
			if !isFieldValue(v) {
				return false
			}
		}
	}
	return true
}

// isToken reports whether s is a token of RFC 9110 section 5.6.2.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || isDelimiter(c) {
			return false
		}
	}
	return s != ""
}

func isDelimiter(c byte) bool {
	switch c {
	case '"', '(', ')', ',', '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '{', '}':
		return true
	}
	return false
}

// isVisibleASCII reports whether s holds only printable ASCII, no spaces.
func isVisibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// isFieldValue reports whether s can be a field value (RFC 9110 section
// 5.5): no control bytes but tabs.
func isFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
