package h1server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fuzzMaxHeaderBytes is both servers' MaxHeaderBytes in FuzzConformance:
// small, so that inputs of a few kilobytes reach the limit.
const fuzzMaxHeaderBytes = 4 << 10

// FuzzConformance sends the same bytes, one or more requests a client
// writes on one connection, to this server and to net/http's, both
// serving fuzzHandler, and wants the same answers as a client reads them:
// the same responses in the same order, framed the same way, and the
// connection closed after the same one.
//
// The client closes its sending side once it has written the input, so
// that each server ends the connection when it has answered all it can:
// what a server does with the input never depends on timing.
func FuzzConformance(f *testing.F) {
	for _, seed := range conformanceSeeds() {
		f.Add([]byte(seed))
	}
	ours := newFuzzTarget(func(h http.Handler) string {
		_, addr := start(f, h, func(s *Server) { s.MaxHeaderBytes = fuzzMaxHeaderBytes })
		return addr
	})
	ref := newFuzzTarget(func(h http.Handler) string {
		s := httptest.NewUnstartedServer(h)
		s.Config.MaxHeaderBytes = fuzzMaxHeaderBytes
		s.Config.ErrorLog = log.New(io.Discard, "", 0)
		s.Start()
		f.Cleanup(s.Close)
		return s.Listener.Addr().String()
	})

	f.Fuzz(func(t *testing.T, raw []byte) {
		var got, want []answer
		var errGot, errWant error
		var wg sync.WaitGroup
		wg.Go(func() { got, errGot = ours.exchange(raw) })
		wg.Go(func() { want, errWant = ref.exchange(raw) })
		wg.Wait()
		if err := errors.Join(errGot, errWant); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("answers to %.500q (%d bytes) differ (-net/http +h1server):\n%s",
				raw, len(raw), diff)
		}
	})
}

// conformanceSeeds are valid requests, and malformed ones a server must
// refuse or read exactly as net/http does.
func conformanceSeeds() []string {
	get := "GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n"
	post := "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello"
	chunked := "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n"
	// Starts of requests, their header section left open.
	echo := "POST /echo HTTP/1.1\r\nHost: gw\r\n"
	noread := "POST /?w=noread HTTP/1.1\r\nHost: gw\r\n"
	models := "GET /v1/models HTTP/1.1\r\nHost: gw\r\n"
	// fill is a GET of n bytes.
	fill := func(n int) string {
		const short = "GET / HTTP/1.1\r\nHost: gw\r\nX-Pad: \r\n\r\n"
		return short[:len(short)-4] + strings.Repeat("p", n-len(short)) + "\r\n\r\n"
	}
	return []string{
		// Valid requests, alone and pipelined.
		get,
		post,
		chunked,
		"HEAD /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n",
		"HEAD /?w=large HTTP/1.1\r\nHost: gw\r\n\r\n",
		"HEAD /?w=empty HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=empty HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=encoded HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		get + post + chunked + get,
		"GET /?w=large HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=flush HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=trailer HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=length HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=short HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?w=close HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?s=204 HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		"GET /?s=304&w=typed HTTP/1.1\r\nHost: gw\r\n\r\n" + get,
		noread + "Content-Length: 5\r\n\r\nhello" + get,
		noread + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get,
		models + "Connection: close\r\n\r\n" + get,
		"GET / HTTP/1.0\r\n\r\n" + get,
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get,
		"GET /?w=flush HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get,
		echo + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\nhello" + get,
		noread + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\nhello" + get,
		echo + "Content-Length: 0\r\nExpect: 100-continue\r\n\r\n" + get,
		echo + "Content-Length: 5\r\nExpect: 100-continue, x\r\n\r\nhello",
		echo + "Content-Length: 5\r\nExpect: teapot\r\n\r\nhello",
		"GET http://gw/v1/models HTTP/1.1\r\nHost: other\r\n\r\n",
		"GET http://gw/v1/models HTTP/1.1\r\n\r\n",
		"GET http://gw/v1/models HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET http://g%20w/v1/models HTTP/1.1\r\nHost: gw\r\n\r\n",
		"GET / HTTP/1.1\r\nHost:\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: gw:8080\r\nHost: gw\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: user@gw\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: gw\r\n\r\n",
		"CONNECT gw:443 HTTP/1.1\r\nHost: gw:443\r\n\r\n",
		post + "\r\n" + get,
		"\r\n" + get,

		// Malformed framing.
		echo + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" + get,
		echo + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
		echo + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
		echo + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n" + get,
		echo + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get,
		echo + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
		echo + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello" + get,
		echo + "Content-Length: 5, 5\r\n\r\nhello",
		echo + "Content-Length: -5\r\n\r\nhello",
		echo + "Content-Length: +5\r\n\r\nhello",
		echo + "Content-Length: 99999999999999999999\r\n\r\nhello",
		echo + "transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get,
		echo + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		echo + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		echo + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		echo + "Content-Length: 10\r\n\r\nhello",

		// Malformed request lines and headers.
		models + "X-Folded: a\r\n b\r\n\r\n",
		"GET /v1/models HTTP/1.1\nHost: gw\nX-Bare: lf\n\n" + get,
		models + "X-Nul: a\x00b\r\n\r\n",
		models + "X-Cr: a\rb\r\n\r\n",
		models + "X-Big: " + strings.Repeat("b", 3*fuzzMaxHeaderBytes) + "\r\n\r\n",
		// Headers near the size limit, with a body read past them, and
		// after a request that fills the server's read buffer.
		echo + "Content-Length: 5000\r\nX-Big: " + strings.Repeat("b", fuzzMaxHeaderBytes+200) +
			"\r\n\r\n" + strings.Repeat("z", 5000),
		fill(4096) + fill(2*fuzzMaxHeaderBytes+50),
		"GET /v1/models HTTP/1.1\r\n\r\n",
		"GET /v1/models HTTP/1.1\r\nHost: g w\r\n\r\n",
		"GET /v1/models HTTP/1.1\r\nHost : gw\r\n\r\n",
		"GET /v1/models HTTP/1.1\r\n Host: gw\r\n\r\n",
		models + "X Y: 1\r\n\r\n",
		models + "X-Y\r\n\r\n",
		"GET /v1/models HTTP/2.0\r\nHost: gw\r\n\r\n",
		"GET /v1/models HTTP/0.9\r\nHost: gw\r\n\r\n",
		"GET /v1/models\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"G@T / HTTP/1.1\r\nHost: gw\r\n\r\n",
		"GET  / HTTP/1.1\r\nHost: gw\r\n\r\n",
		"GET /a b HTTP/1.1\r\nHost: gw\r\n\r\n",
		get + "\r\n",
		get + "\n",
		get + "garbage",
		models,
		models + "X-Half",
		"GET /v1/mod",
	}
}

// fuzzHandler answers every request with what it read of it: the
// request line, Host, the headers in order of name, the body and the
// trailers. The query chooses how it answers, so that both servers'
// response writers are compared too:
//
//	w=large    a body past both servers' buffers: sent chunked
//	w=flush    a flush halfway through the body
//	w=trailer  a declared trailer and a TrailerPrefix one
//	w=length   a declared Content-Length
//	w=short    a declared Content-Length longer than the body
//	w=noread   the request body left unread
//	w=close    a Connection: close header
//	w=typed    a Content-Type header
//	w=encoded  a Content-Encoding header, and no Content-Type
//	w=empty    no body
//	s=NNN      the status code, from 200 to 599
//
// An answer otherwise longer than 2 kB declares its length: net/http
// buffers 2 kB of a body before it sends it chunked, this server 8 kB,
// which it sends with a Content-Length. Both are right.
func fuzzHandler(methods *[]string, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*methods = append(*methods, r.Method)
		mu.Unlock()

		q := r.URL.Query()
		mode := q.Get("w")
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s %q %s host=%q length=%d te=%q close=%v\n",
			r.Method, r.RequestURI, r.Proto, r.Host, r.ContentLength, r.TransferEncoding, r.Close)
		for _, k := range slices.Sorted(maps.Keys(r.Header)) {
			fmt.Fprintf(&b, "%s: %q\n", k, r.Header[k])
		}
		if mode != "noread" {
			body, err := io.ReadAll(r.Body)
			fmt.Fprintf(&b, "body %q\ntrailer %q\nread error: %v\n", body, r.Trailer, err)
		}

		h := w.Header()
		h.Set(answeredBy, "handler")
		switch mode {
		case "large":
			b.Write(bytes.Repeat([]byte("0123456789abcdef"), 1<<10))
		case "trailer":
			h.Set("Trailer", "X-Declared")
		case "length":
			h.Set("Content-Length", strconv.Itoa(b.Len()))
		case "short":
			h.Set("Content-Length", strconv.Itoa(b.Len()+10))
		case "close":
			h.Set("Connection", "close")
		case "typed":
			h.Set("Content-Type", "text/plain")
		case "encoded":
			h.Set("Content-Encoding", "identity")
		case "empty":
			b.Reset()
		}
		if b.Len() > 2<<10 && mode != "large" && mode != "flush" && mode != "trailer" &&
			h.Get("Content-Length") == "" {
			h.Set("Content-Length", strconv.Itoa(b.Len()))
		}
		if s, err := strconv.Atoi(q.Get("s")); err == nil && s >= 200 && s <= 599 {
			w.WriteHeader(s)
		}
		if mode == "flush" {
			half := b.Len() / 2
			w.Write(b.Next(half))
			w.(http.Flusher).Flush()
		}
		w.Write(b.Bytes())
		if mode == "trailer" {
			h.Set("X-Declared", "yes")
			h.Set(http.TrailerPrefix+"X-Late", "also")
		}
	}
}

// answeredBy is the header fuzzHandler marks its answers with; the
// answers without it are those a server writes itself, refusing a request.
const answeredBy = "X-Answered-By"

// fuzzTarget is one of the two servers FuzzConformance compares.
type fuzzTarget struct {
	addr string
	// methods are those of the requests the handler has served on the
	// connection of the current input: a client needs them to read the
	// answers, as an answer to HEAD has no body.
	mu      sync.Mutex
	methods []string
}

func newFuzzTarget(serve func(http.Handler) string) *fuzzTarget {
	ft := &fuzzTarget{}
	ft.addr = serve(fuzzHandler(&ft.methods, &ft.mu))
	return ft
}

// exchange sends raw on a new connection, closes the connection's sending
// side and reads what the server answers until it closes its own.
func (ft *fuzzTarget) exchange(raw []byte) ([]answer, error) {
	ft.mu.Lock()
	ft.methods = ft.methods[:0]
	ft.mu.Unlock()

	c, err := net.DialTimeout("tcp", ft.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	// Only a server that hangs comes near this deadline.
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// The server may stop reading, and close, before all of raw is sent:
	// read its answers meanwhile.
	go func() {
		c.Write(raw)
		c.(*net.TCPConn).CloseWrite()
	}()
	reply, err := io.ReadAll(c)
	// A server that closes the connection with bytes of the client
	// unread makes the kernel reset it: net/http does after refusing a
	// request, while this server first waits for the client to finish,
	// as RFC 9112, section 9.6 advises. On Linux, the client has read
	// every answer sent before the reset all the same: both count as
	// closed.
	end := "closed"
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		end = "read error: " + err.Error()
	}

	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append(readAnswers(reply, ft.methods), answer{End: end}), nil
}

// answer is one response as a client reads it, normalized for what may
// differ between the two servers. The last answer of an exchange only
// says how it ended.
type answer struct {
	Status           int
	Close            bool
	Header           http.Header
	ContentLength    int64
	TransferEncoding []string
	Body             string
	Trailer          http.Header
	// End is how the exchange ended, or what made the rest of the
	// server's bytes unreadable.
	End string
}

// readAnswers reads the responses in reply, those to the handler's
// requests first, in order, with the methods of these requests.
func readAnswers(reply []byte, methods []string) []answer {
	br := bufio.NewReader(bytes.NewReader(reply))
	var answers []answer
	for {
		if _, err := br.Peek(1); err != nil {
			return answers
		}
		req := &http.Request{Method: http.MethodGet}
		if len(methods) > 0 {
			req.Method = methods[0]
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			rest, _ := io.ReadAll(br)
			return append(answers, answer{End: fmt.Sprintf("%v: %q", err, rest)})
		}
		body, err := io.ReadAll(resp.Body)
		a := answer{
			Status:           resp.StatusCode,
			Close:            resp.Close,
			Header:           resp.Header,
			ContentLength:    resp.ContentLength,
			TransferEncoding: resp.TransferEncoding,
			Body:             string(body),
			Trailer:          resp.Trailer,
		}
		if err != nil {
			a.End = "body: " + err.Error()
		}
		if resp.StatusCode >= 200 && len(methods) > 0 {
			methods = methods[1:]
		}
		answers = append(answers, normalize(a))
		if err != nil {
			return answers
		}
	}
}

// normalize clears what legitimately differs between the two servers'
// answers:
//
//   - Date, which changes every second.
//   - The protocol version of the status line, not kept in answer:
//     net/http answers an HTTP/1.0 request with HTTP/1.0, this server
//     always with HTTP/1.1, as RFC 9110, section 2.5 recommends. A
//     client reads the same framing and persistence from both, which
//     Close and the framing fields compare.
//   - Everything but the status and Close in the answers a server
//     writes itself to a request it refuses: net/http's give no
//     length, their body running to the end of the connection, and
//     their text is net/http's own (as "400 Bad Request: missing
//     required Host header"); this server's have a Content-Length and
//     the status as text. Both end the connection.
//   - Close after a request body cut short by the end of the client's
//     bytes: nothing can follow it. net/http then closes when the client
//     had asked for "100 Continue", and keeps the connection otherwise;
//     this server keeps it.
//   - net/http hands "PRI * HTTP/2.0", which starts an HTTP/2
//     connection, to the handler, for it to take the connection over;
//     this server, which has neither HTTP/2 nor Hijack, refuses it with
//     505. Both end the connection.
func normalize(a answer) answer {
	a.Header.Del("Date")
	if strings.HasPrefix(a.Body, `PRI "*" HTTP/2.0 `) {
		return answer{Status: http.StatusHTTPVersionNotSupported, Close: a.Close, End: a.End}
	}
	if a.Status >= 200 && a.Header.Get(answeredBy) == "" {
		return answer{Status: a.Status, Close: a.Close, End: a.End}
	}
	if strings.Contains(a.Body, "\nread error: "+io.ErrUnexpectedEOF.Error()+"\n") {
		a.Close = false
	}
	return a
}
