package h1server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// start serves h on a loopback port until the test ends and returns the
// server and its address.
func start(t testing.TB, h http.Handler, configure ...func(*Server)) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: h}
	for _, f := range configure {
		f(s)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
	})
	return s, ln.Addr().String()
}

// dial opens a raw connection to addr, closed when the test ends.
func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

// send writes raw to c and reads one response to a request of method.
func send(t *testing.T, c net.Conn, br *bufio.Reader, raw, method string) (*http.Response, string) {
	t.Helper()
	if raw != "" {
		if _, err := io.WriteString(c, raw); err != nil {
			t.Fatal(err)
		}
	}
	return readResponse(t, br, method)
}

func readResponse(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

// conformance are handlers whose answers, as an HTTP client sees them,
// must be the same from this server and from net/http's.
var conformance = map[string]http.HandlerFunc{
	"/small": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Custom", "a")
		w.Header().Add("X-Custom", "b")
		io.WriteString(w, `{"ok":true}`)
	},
	"/sniffed": func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!DOCTYPE html><html><body>hi</body></html>")
	},
	"/big": func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("0123456789"), 10_000))
	},
	"/declared-length": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "20000")
		w.Write(bytes.Repeat([]byte("x"), 20000))
	},
	"/flushed": func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first ")
		w.(http.Flusher).Flush()
		io.WriteString(w, "second")
	},
	"/trailer": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Cost")
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 1\n\n")
		http.NewResponseController(w).Flush()
		io.WriteString(w, "data: [DONE]\n\n")
		w.Header().Set("X-Cost", "0.25")
	},
	"/prefix-trailer": func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "body")
		w.Header().Set(http.TrailerPrefix+"X-Late", "yes")
	},
	"/no-content": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Why", "nothing")
		w.WriteHeader(http.StatusNoContent)
		if _, err := w.Write([]byte("x")); !errors.Is(err, http.ErrBodyNotAllowed) {
			panic(fmt.Sprintf("Write after 204: %v", err))
		}
	},
	"/empty": func(w http.ResponseWriter, r *http.Request) {},
	"/not-modified": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	},
	"/encoded": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	},
	"/error": func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"nope"}`, http.StatusTooManyRequests)
	},
	"/late-header": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.Header().Set("X-Too-Late", "1") // ignored, as by net/http
		io.WriteString(w, "accepted")
	},
	"/unknown-status": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(599)
	},
	"/echo": func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%s %s %s %d:%s", r.Method, r.URL.RequestURI(), r.Host, len(b), b)
	},
}

func conformanceMux() *http.ServeMux {
	mux := http.NewServeMux()
	for path, h := range conformance {
		mux.Handle(path, h)
	}
	return mux
}

// TestConformance sends the same requests through http.Client to this
// server and to net/http's, and wants the same answers: status, body,
// trailers and the headers a client reads.
func TestConformance(t *testing.T) {
	mux := conformanceMux()
	_, addr := start(t, mux)
	ref := httptest.NewServer(mux)
	t.Cleanup(ref.Close)

	type call struct {
		method, path, body string
		chunked            bool
	}
	var calls []call
	for path := range conformance {
		calls = append(calls, call{method: "GET", path: path})
	}
	calls = append(calls,
		call{method: "HEAD", path: "/small"},
		call{method: "HEAD", path: "/big"},
		call{method: "HEAD", path: "/empty"},
		call{method: "POST", path: "/echo?q=1", body: `{"model":"m"}`},
		call{method: "POST", path: "/echo", body: strings.Repeat("z", 70_000), chunked: true},
		call{method: "POST", path: "/missing", body: "x"},
	)
	headers := []string{"Content-Type", "Content-Encoding", "ETag", "X-Custom", "X-Why",
		"X-Too-Late", "Trailer", "X-Content-Type-Options", "Allow"}

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, c := range calls {
		t.Run(c.method+c.path, func(t *testing.T) {
			do := func(base string) (*http.Response, string) {
				var body io.Reader
				if c.body != "" {
					body = strings.NewReader(c.body)
					if c.chunked {
						body = io.MultiReader(body) // unknown length: sent chunked
					}
				}
				req, err := http.NewRequest(c.method, base+c.path, body)
				if err != nil {
					t.Fatal(err)
				}
				req.Host = "gateway.test"
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				return resp, string(b)
			}
			got, gotBody := do("http://" + addr)
			want, wantBody := do(ref.URL)
			if got.StatusCode != want.StatusCode {
				t.Errorf("status %d, net/http %d", got.StatusCode, want.StatusCode)
			}
			if gotBody != wantBody {
				t.Errorf("body %.80q (%d bytes), net/http %.80q (%d bytes)", gotBody, len(gotBody), wantBody, len(wantBody))
			}
			if got.ContentLength != want.ContentLength {
				t.Errorf("Content-Length %d, net/http %d", got.ContentLength, want.ContentLength)
			}
			if fmt.Sprint(got.TransferEncoding) != fmt.Sprint(want.TransferEncoding) {
				t.Errorf("Transfer-Encoding %v, net/http %v", got.TransferEncoding, want.TransferEncoding)
			}
			for _, h := range headers {
				if g, w := fmt.Sprint(got.Header.Values(h)), fmt.Sprint(want.Header.Values(h)); g != w {
					t.Errorf("%s: %s, net/http %s", h, g, w)
				}
			}
			if fmt.Sprint(got.Trailer) != fmt.Sprint(want.Trailer) {
				t.Errorf("trailers %v, net/http %v", got.Trailer, want.Trailer)
			}
			if got.Header.Get("Date") == "" {
				t.Error("no Date header")
			}
		})
	}
}

// TestWritePastLength: a Write past the declared Content-Length fails
// and sends nothing; the response stays well framed.
func TestWritePastLength(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		if _, err := io.WriteString(w, "abcd"); !errors.Is(err, http.ErrContentLength) {
			t.Errorf("Write past Content-Length: %v", err)
		}
		io.WriteString(w, "abc")
	}))
	c, br := dial(t, addr)
	for range 2 {
		resp, body := send(t, c, br, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET")
		if body != "abc" || resp.ContentLength != 3 || resp.Close {
			t.Fatalf("body %q, length %d, close=%v", body, resp.ContentLength, resp.Close)
		}
	}
}

// TestShortBody: a handler that writes less than its Content-Length
// gets its connection closed, the only way to tell the client.
func TestShortBody(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "abc")
	}))
	c, br := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading a short body: %v, want io.ErrUnexpectedEOF", err)
	}
}

// TestKeepAliveAndPipelining sends two requests in one write: both are
// answered, in order, on the same connection.
func TestKeepAliveAndPipelining(t *testing.T) {
	_, addr := start(t, conformanceMux())
	c, br := dial(t, addr)
	io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\none"+
		"POST /echo HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n")
	_, first := readResponse(t, br, "POST")
	_, second := readResponse(t, br, "POST")
	if first != "POST /echo a 3:one" || second != "POST /echo b 3:two" {
		t.Fatalf("answers %q, %q", first, second)
	}
	resp, body := send(t, c, br, "GET /small HTTP/1.1\r\nHost: a\r\n\r\n", "GET")
	if resp.StatusCode != 200 || body != `{"ok":true}` || resp.Close {
		t.Fatalf("third request on the connection: %d %q close=%v", resp.StatusCode, body, resp.Close)
	}
}

func TestHTTP10(t *testing.T) {
	_, addr := start(t, conformanceMux())

	t.Run("closes without keep-alive", func(t *testing.T) {
		c, br := dial(t, addr)
		resp, body := send(t, c, br, "GET /small HTTP/1.0\r\n\r\n", "GET")
		if resp.StatusCode != 200 || body != `{"ok":true}` || !resp.Close {
			t.Fatalf("%d %q close=%v", resp.StatusCode, body, resp.Close)
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("connection still open: %v", err)
		}
	})
	t.Run("keeps alive when asked", func(t *testing.T) {
		c, br := dial(t, addr)
		for range 2 {
			resp, _ := send(t, c, br, "GET /small HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET")
			if resp.Header.Get("Connection") != "keep-alive" || resp.Close {
				t.Fatalf("Connection %q close=%v", resp.Header.Get("Connection"), resp.Close)
			}
		}
	})
	t.Run("streams to the end of the connection", func(t *testing.T) {
		c, br := dial(t, addr)
		resp, body := send(t, c, br, "GET /flushed HTTP/1.0\r\n\r\n", "GET")
		if body != "first second" || resp.ContentLength != -1 || len(resp.TransferEncoding) != 0 {
			t.Fatalf("body %q, length %d, encoding %v", body, resp.ContentLength, resp.TransferEncoding)
		}
	})
}

func TestExpectContinue(t *testing.T) {
	_, addr := start(t, conformanceMux())

	t.Run("100 Continue when the body is read", func(t *testing.T) {
		c, br := dial(t, addr)
		io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("first line %q, %v", line, err)
		}
		if blank, _ := br.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("after 100 Continue: %q", blank)
		}
		_, body := send(t, c, br, "hi", "POST")
		if body != "POST /echo a 2:hi" {
			t.Fatalf("body %q", body)
		}
	})
	t.Run("no 100 Continue when the body is not read", func(t *testing.T) {
		c, br := dial(t, addr)
		resp, _ := send(t, c, br, "POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n", "POST")
		if resp.StatusCode != 200 || !resp.Close {
			t.Fatalf("status %d close=%v; the client may never send the body: want the connection closed",
				resp.StatusCode, resp.Close)
		}
	})
	t.Run("other expectations refused", func(t *testing.T) {
		c, br := dial(t, addr)
		resp, _ := send(t, c, br, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: magic\r\n\r\nhi", "POST")
		if resp.StatusCode != http.StatusExpectationFailed {
			t.Fatalf("status %d, want 417", resp.StatusCode)
		}
	})
	t.Run("other expectations refused to HEAD, without a body", func(t *testing.T) {
		c, br := dial(t, addr)
		resp, _ := send(t, c, br, "HEAD /small HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n", "HEAD")
		if resp.StatusCode != http.StatusExpectationFailed || !resp.Close {
			t.Fatalf("status %d close=%v, want 417 and close", resp.StatusCode, resp.Close)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
			t.Fatalf("after the head: %q, %v; want nothing, then the end", rest, err)
		}
	})
}

// TestMalformedRequests: requests net/http's server refuses are refused
// with the same status, and the connection closed.
func TestMalformedRequests(t *testing.T) {
	_, addr := start(t, conformanceMux(), func(s *Server) { s.MaxHeaderBytes = 1 << 10 })
	cases := map[string]struct {
		raw    string
		status int
	}{
		"header too large":     {"GET /small HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 8<<10) + "\r\n\r\n", 431},
		"HTTP/2 preface":       {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
		"no Host":              {"GET /small HTTP/1.1\r\n\r\n", 400},
		"two Host":             {"GET /small HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		"bad Host":             {"GET /small HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		"bad header name":      {"GET /small HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n", 400},
		"control in value":     {"GET /small HTTP/1.1\r\nHost: a\r\nX-Y: a\x01b\r\n\r\n", 400},
		"bad request line":     {"GET\r\n\r\n", 400},
		"bad chunk size":       {"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
		"two lengths":          {"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		"unknown transfer enc": {"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, br := dial(t, addr)
			resp, _ := send(t, c, br, tc.raw, "GET")
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if _, err := br.ReadByte(); err != io.EOF && tc.status != 400 {
				t.Fatalf("connection still open after %d: %v", tc.status, err)
			}
		})
	}
}

// TestReadsLikeNetHTTP pins requests on which this server once read the
// connection otherwise than net/http's server, or answered otherwise:
// who answered each response (the handler or the server itself) with
// which status, and whether the last one ends the connection.
func TestReadsLikeNetHTTP(t *testing.T) {
	ft := newFuzzTarget(func(h http.Handler) string {
		_, addr := start(t, h, func(s *Server) { s.MaxHeaderBytes = fuzzMaxHeaderBytes })
		return addr
	})
	get := "GET / HTTP/1.1\r\nHost: gw\r\n\r\n"
	post := "POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello"
	chunked := "POST /?w=noread HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
	pad := func(n int) string { return strings.Repeat("p", n) }
	cases := []struct {
		name    string
		raw     string
		answers string // who answered, with which status, in order
		close   bool   // the last answer ends the connection
		body    string // in the first answer
	}{
		{"request trailers",
			"POST / HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5\r\nhello\r\n0\r\nX-Sum: 5\r\n\r\n",
			"handler 200", false, `trailer map["X-Sum":["5"]]`},
		{"empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "handler 200", false, `host=""`},
		{"absolute form without Host", "GET http://gw/ HTTP/1.1\r\n\r\n", "server 400", true, ""},
		{"absolute form, malformed Host", "GET http://gw/ HTTP/1.1\r\nHost: g w\r\n\r\n",
			"server 400", true, ""},
		{"Host with sub-delims", "GET / HTTP/1.1\r\nHost: gw,a;b=(c)\r\n\r\n",
			"handler 200", false, ""},
		{"Host with a fragment", "GET / HTTP/1.1\r\nHost: gw#a\r\n\r\n", "server 400", true, ""},
		{"line break after a POST", post + "\r\n" + get, "handler 200, handler 200", false, ""},
		{"line break, then the end", get + "\r\n", "handler 200", false, ""},
		{"headers cut short", "GET / HTTP/1.1\r\nHost: gw\r\n", "server 400", true, ""},
		{"two Transfer-Encoding fields",
			"POST / HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n" +
				"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			"server 501", true, ""},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
			"server 200, handler 200", false, ""},
		{"Expect among others",
			"POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n" +
				"Expect: 100-continue, x\r\n\r\nhello",
			"100, handler 200", false, ""},
		{"Expect, no body",
			"POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n",
			"handler 200", false, ""},
		{"HTTP/1.0 keep-alive, loosely", "GET / HTTP/1.0\r\nConnection: keep-Alive 1\r\n\r\n" + get,
			"handler 200, handler 200", false, ""},
		{"close, loosely", "GET / HTTP/1.1\r\nHost: gw\r\nConnection: close 1\r\n\r\n" + get,
			"handler 200", true, ""},
		{"unread chunked body", chunked + "5\r\nhello\r\n0\r\n\r\n" + get,
			"handler 200, handler 200", false, ""},
		{"unread body cut short",
			"POST /?w=noread HTTP/1.1\r\nHost: gw\r\nContent-Length: 9\r\n\r\nhello",
			"handler 200", true, ""},
		{"headers near the limit, then a body",
			"POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: 5000\r\n" +
				"X-Pad: " + pad(fuzzMaxHeaderBytes+200) + "\r\n\r\n" + pad(5000),
			"handler 200", false, ""},
		{"headers near the limit, after a full read buffer",
			"GET / HTTP/1.1\r\nHost: gw\r\nX-Pad: " + pad(4096-37) + "\r\n\r\n" +
				"GET / HTTP/1.1\r\nHost: gw\r\nX-Pad: " + pad(2*fuzzMaxHeaderBytes) + "\r\n\r\n",
			"handler 200, handler 200", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answers, err := ft.exchange([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			answers = answers[:len(answers)-1] // how the exchange ended
			var got []string
			for _, a := range answers {
				switch {
				case a.Status < 200:
					got = append(got, strconv.Itoa(a.Status))
				case a.Header.Get(answeredBy) != "":
					got = append(got, "handler "+strconv.Itoa(a.Status))
				default:
					got = append(got, "server "+strconv.Itoa(a.Status))
				}
			}
			if strings.Join(got, ", ") != tc.answers {
				t.Fatalf("answers %q, want %q", got, tc.answers)
			}
			if last := answers[len(answers)-1]; last.Close != tc.close {
				t.Errorf("last answer closes the connection: %v, want %v", last.Close, tc.close)
			}
			if body := answers[0].Body; !strings.Contains(body, tc.body) {
				t.Errorf("first answer %q, want it to hold %q", body, tc.body)
			}
		})
	}
}

// TestHalfClose: a client that closes its sending side once it has sent
// its request still gets the answer, even when the server has found the
// connection's end and cancelled the request, as net/http's does.
func TestHalfClose(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		fmt.Fprint(w, context.Cause(r.Context()))
	}), func(s *Server) { s.WatchAfter = time.Millisecond })
	c, br := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	c.(*net.TCPConn).CloseWrite()
	if _, body := readResponse(t, br, "GET"); body != errClientGone.Error() {
		t.Fatalf("body %q, want the answer of a request cancelled with %q", body, errClientGone)
	}
}

// TestHeaderInjection: a value with a line break can't add a field of
// its own, and a field with an invalid name is left out.
func TestHeaderInjection(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.URL.Query().Get("v"))
		w.Header()["Bad Name"] = []string{"x"}
	}))
	c, br := dial(t, addr)
	resp, _ := send(t, c, br, "GET /?v=a%0d%0aSet-Cookie:%20evil=1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET")
	if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("X-Echo") != "a  Set-Cookie: evil=1" {
		t.Fatalf("header injected: %v", resp.Header)
	}
	if _, ok := resp.Header["Bad Name"]; ok {
		t.Fatal("invalid field name sent")
	}
}

// TestUnreadBody: a small body the handler ignores is drained and the
// connection kept; a large one closes it.
func TestUnreadBody(t *testing.T) {
	_, addr := start(t, conformanceMux())
	c, br := dial(t, addr)
	resp, _ := send(t, c, br, "POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", "POST")
	if resp.Close {
		t.Fatal("connection closed after a small unread body")
	}
	if _, body := send(t, c, br, "GET /small HTTP/1.1\r\nHost: a\r\n\r\n", "GET"); body != `{"ok":true}` {
		t.Fatalf("next request on the connection read %q", body)
	}

	c, br = dial(t, addr)
	go io.WriteString(c, fmt.Sprintf("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s",
		1<<20, strings.Repeat("x", 1<<20)))
	resp, _ = readResponse(t, br, "POST")
	if !resp.Close {
		t.Fatal("connection kept after a 1 MB unread body")
	}
}

// TestCloseAfterUnreadBody: a connection closed with a request body left
// unread, as after refusing a large upload, is shut down gently: the
// client, still sending, reads the answer and then the end of the
// connection, not a reset that could have lost the answer.
func TestCloseAfterUnreadBody(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
	}))
	c, br := dial(t, addr)
	io.WriteString(c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s",
		1<<20, strings.Repeat("x", 64<<10)))
	resp, _ := readResponse(t, br, "POST")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("status %d close=%v", resp.StatusCode, resp.Close)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the answer: %v, want io.EOF", err)
	}
}

// TestClientGone: when the client closes its connection while a request
// runs, the request's context is cancelled, whether the handler waits on
// an upstream or streams.
func TestClientGone(t *testing.T) {
	cancelled := make(chan error, 1)
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		if r.URL.Path == "/stream" {
			rc := http.NewResponseController(w)
			for r.Context().Err() == nil {
				io.WriteString(w, "data: x\n\n")
				if rc.Flush() != nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
		} else {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
		cancelled <- context.Cause(r.Context())
	}), func(s *Server) { s.WatchAfter = 5 * time.Millisecond })

	for _, path := range []string{"/wait", "/stream"} {
		t.Run(path, func(t *testing.T) {
			c, br := dial(t, addr)
			io.WriteString(c, "POST "+path+" HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi")
			if path == "/stream" {
				if _, err := br.ReadString('\n'); err != nil {
					t.Fatal(err)
				}
			} else {
				time.Sleep(20 * time.Millisecond)
			}
			c.Close()
			select {
			case err := <-cancelled:
				if !errors.Is(err, errClientGone) {
					t.Fatalf("request context ended with %v, want %v", err, errClientGone)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("request not cancelled after the client left")
			}
		})
	}
}

// TestWatchKeepsNextRequest: a client that sends its next request while
// the previous one is still being answered (past WatchAfter, when the
// server watches the connection) gets both answered.
func TestWatchKeepsNextRequest(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		time.Sleep(30 * time.Millisecond)
		if err := r.Context().Err(); err != nil {
			t.Errorf("request cancelled: %v", context.Cause(r.Context()))
		}
		io.WriteString(w, r.Method+" "+r.URL.Path)
	}), func(s *Server) { s.WatchAfter = time.Millisecond })
	c, br := dial(t, addr)
	io.WriteString(c, "GET /one HTTP/1.1\r\nHost: a\r\n\r\n")
	time.Sleep(10 * time.Millisecond) // the first request is being watched
	io.WriteString(c, "GET /two HTTP/1.1\r\nHost: a\r\n\r\n")
	for _, want := range []string{"GET /one", "GET /two"} {
		if _, body := readResponse(t, br, "GET"); body != want {
			t.Fatalf("body %q, want %q", body, want)
		}
	}
}

// TestWatchAfterBody: the watch waits for a slow request body to be read
// before it reads the connection, and the body arrives whole.
func TestWatchAfterBody(t *testing.T) {
	_, addr := start(t, conformanceMux(), func(s *Server) { s.WatchAfter = time.Millisecond })
	c, br := dial(t, addr)
	io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc")
	time.Sleep(20 * time.Millisecond)
	_, body := send(t, c, br, "def", "POST")
	if body != "POST /echo a 6:abcdef" {
		t.Fatalf("body %q", body)
	}
}

func TestShutdown(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			started <- struct{}{}
			<-release
		}
		io.WriteString(w, "done")
	}))

	idle, idleBr := dial(t, addr)
	send(t, idle, idleBr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET")
	busy, busyBr := dial(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(ctx) }()

	if _, err := idleBr.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: %v, want it closed", err)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	case <-time.After(20 * time.Millisecond):
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("new connection accepted after Shutdown")
	}
	close(release)
	resp, body := readResponse(t, busyBr, "GET")
	if body != "done" || !resp.Close {
		t.Fatalf("request in flight: %q close=%v", body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	c, _ := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want the context's deadline", err)
	}
}

func TestIdleTimeout(t *testing.T) {
	_, addr := start(t, conformanceMux(), func(s *Server) { s.IdleTimeout = 30 * time.Millisecond })
	c, br := dial(t, addr)
	send(t, c, br, "GET /small HTTP/1.1\r\nHost: a\r\n\r\n", "GET")
	begin := time.Now()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: %v, want it closed", err)
	}
	if waited := time.Since(begin); waited < 20*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("closed after %v", waited)
	}
}

// TestHeaderTimeout: a client that opens a connection and sends nothing,
// or only part of its headers, is cut off after ReadHeaderTimeout; one
// that is served keeps its connection past it.
func TestHeaderTimeout(t *testing.T) {
	_, addr := start(t, conformanceMux(), func(s *Server) { s.ReadHeaderTimeout = 40 * time.Millisecond })
	for name, raw := range map[string]string{"silent": "", "slow": "GET /small HTTP/1.1\r\nHost: a\r\nX-Slo"} {
		t.Run(name, func(t *testing.T) {
			c, br := dial(t, addr)
			io.WriteString(c, raw)
			begin := time.Now()
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("read: %v, want the connection closed", err)
			}
			if waited := time.Since(begin); waited < 30*time.Millisecond || waited > 2*time.Second {
				t.Fatalf("closed after %v, want about 40ms", waited)
			}
		})
	}
	c, br := dial(t, addr)
	for range 3 {
		if _, body := send(t, c, br, "GET /small HTTP/1.1\r\nHost: a\r\n\r\n", "GET"); body != `{"ok":true}` {
			t.Fatalf("body %q", body)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// TestPanic: a panicking handler costs its connection only.
func TestPanic(t *testing.T) {
	var logged bytes.Buffer
	var mu sync.Mutex
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/panic":
			panic("handler bug")
		case "/abort":
			panic(http.ErrAbortHandler)
		}
		io.WriteString(w, "fine")
	}), func(s *Server) { s.Log = newTestLogger(&logged, &mu) })
	for _, path := range []string{"/panic", "/abort"} {
		c, br := dial(t, addr)
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: a\r\n\r\n")
		if _, err := http.ReadResponse(br, nil); err == nil {
			t.Fatalf("%s: got a response", path)
		}
	}
	c, br := dial(t, addr)
	if _, body := send(t, c, br, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET"); body != "fine" {
		t.Fatalf("after panics: %q", body)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logged.String(), "panic serving a request"); n != 1 {
		t.Fatalf("%d panics logged, want 1 (ErrAbortHandler is silent):\n%s", n, logged.String())
	}
}

// TestConcurrentClients runs many clients at once, for the race
// detector.
func TestConcurrentClients(t *testing.T) {
	_, addr := start(t, conformanceMux(), func(s *Server) { s.WatchAfter = 50 * time.Microsecond })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 50 {
				payload := fmt.Sprintf("%d-%d", i, j)
				resp, err := client.Post("http://"+addr+"/echo", "text/plain", strings.NewReader(payload))
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("POST /echo %s %d:%s", addr, len(payload), payload); string(b) != want {
					t.Errorf("body %q, want %q", b, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func newTestLogger(w io.Writer, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w, mu: mu}, nil))
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
