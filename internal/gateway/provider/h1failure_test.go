package provider

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer is an upstream written byte by byte, for the failures that
// net/http's server does not make. It counts the requests it read.
type rawServer struct {
	url      string
	requests atomic.Int32
}

// rawConn is one connection accepted by a rawServer.
type rawConn struct {
	net.Conn
	br *bufio.Reader
	s  *rawServer
}

// readRequest reads a request and returns its body, or false when the
// client closed the connection.
func (c *rawConn) readRequest() (string, bool) {
	req, err := http.ReadRequest(c.br)
	if err != nil {
		return "", false
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return "", false
	}
	c.s.requests.Add(1)
	return string(body), true
}

func (c *rawConn) write(s string) { io.WriteString(c, s) }

// answer writes a whole answer with body.
func (c *rawConn) answer(body string) {
	c.write("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// serveAll answers every request on c with its own body.
func (c *rawConn) serveAll() {
	for {
		body, ok := c.readRequest()
		if !ok {
			return
		}
		c.answer("echo " + body)
	}
}

// newRawServer starts a rawServer that hands its n-th connection, from
// 0, to serve, and closes the connection when serve returns.
func newRawServer(t *testing.T, serve func(n int, c *rawConn)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{url: "http://" + ln.Addr().String()}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for n := 0; ; n++ {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			wg.Go(func() {
				defer nc.Close()
				serve(n, &rawConn{Conn: nc, br: bufio.NewReader(nc), s: s})
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, nc := range conns {
			nc.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return s
}

func TestH1RetriesStaleConnection(t *testing.T) {
	closed := make(chan struct{})
	s := newRawServer(t, func(n int, c *rawConn) {
		if n > 0 {
			c.serveAll()
			return
		}
		body, _ := c.readRequest()
		c.answer("echo " + body)
		c.Close() // as a server whose keep-alive timeout is short
		close(closed)
	})
	tr, _ := newTestH1(t)
	if got := mustSend(t, tr, s.url, "one"); got != "echo one" {
		t.Errorf("first answer = %q", got)
	}
	<-closed
	if got := mustSend(t, tr, s.url, "two"); got != "echo two" {
		t.Errorf("second answer = %q, want the body sent again", got)
	}
	if n := s.requests.Load(); n != 2 {
		t.Errorf("server read %d requests, want 2", n)
	}
}

func TestH1DoesNotRetry(t *testing.T) {
	tests := []struct {
		name     string
		first    func(c *rawConn) // serves the first connection
		before   int              // requests that succeed first
		requests int32            // requests the server reads in all
	}{
		{"answer cut short on a reused connection", func(c *rawConn) {
			body, _ := c.readRequest()
			c.answer("echo " + body)
			c.readRequest()
			c.write("HTTP/1.1 200 OK\r\nContent-Len")
		}, 1, 2},
		{"new connection closed without an answer", func(c *rawConn) {
			c.readRequest()
		}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c *rawConn) {
				if n == 0 {
					tt.first(c)
				} else {
					c.serveAll() // a retry would succeed here
				}
			})
			tr, _ := newTestH1(t)
			for range tt.before {
				mustSend(t, tr, s.url, "ok")
			}
			got, err := send(t.Context(), tr, s.url, "x")
			if err == nil {
				t.Fatalf("answer %q, want an error", got)
			}
			if n := s.requests.Load(); n != tt.requests {
				t.Errorf("server read %d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestH1InterimAnswers(t *testing.T) {
	tests := []struct {
		name    string
		head    string // written before the final answer
		wantErr bool
	}{
		{"100 Continue and 103 Early Hints",
			"HTTP/1.1 100 Continue\r\n\r\n" +
				"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", false},
		{"101 Switching Protocols",
			"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c *rawConn) {
				c.readRequest()
				c.write(tt.head)
				c.answer("final")
			})
			tr, _ := newTestH1(t)
			got, err := send(t.Context(), tr, s.url, "x")
			if tt.wantErr != (err != nil) || !tt.wantErr && got != "final" {
				t.Errorf("answer %q, error %v", got, err)
			}
		})
	}
}

// blockingUpstream answers /stream with one event and then holds the
// stream open, and other paths with "ok"; done is closed when the
// upstream sees a stream's request cancelled.
func blockingUpstream(t *testing.T, arrived chan<- struct{}) (
	s *countingServer, done chan struct{}) {
	done = make(chan struct{})
	s = newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/stream" && r.URL.Path != "/hang" {
			io.WriteString(w, "ok")
			return
		}
		if r.URL.Path == "/stream" {
			io.WriteString(w, "data: first\n\n")
			w.(http.Flusher).Flush()
		}
		if arrived != nil {
			close(arrived)
		}
		select {
		case <-r.Context().Done():
			close(done)
		case <-t.Context().Done(): // the test failed; let the server close
		}
	})
	return s, done
}

func TestH1CancelWhileWaiting(t *testing.T) {
	tests := []struct {
		name string
		ctx  func(arrived <-chan struct{}) (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled", func(arrived <-chan struct{}) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-arrived
				cancel()
			}()
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func(<-chan struct{}) (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arrived := make(chan struct{})
			s, upstreamDone := blockingUpstream(t, arrived)
			tr, _ := newTestH1(t)
			ctx, cancel := tt.ctx(arrived)
			defer cancel()
			err := within(t, func() error {
				_, err := send(ctx, tr, s.URL+"/hang", "")
				return err
			})
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			var e *UpstreamError
			classified := transportError(ctx, "openai", err)
			timedOut := errors.As(classified, &e) && e.Status == http.StatusGatewayTimeout
			if timedOut != (tt.want == context.DeadlineExceeded) {
				t.Errorf("classified as %v", classified)
			}
			waitClosed(t, upstreamDone)
		})
	}
}

func TestH1CancelWhileReadingBody(t *testing.T) {
	s, upstreamDone := blockingUpstream(t, nil)
	tr, _ := newTestH1(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/stream", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if ev, err := readStreamEvent(t, br); err != nil {
		t.Fatalf("first event = %q, %v", ev, err)
	}
	cancel()
	err = within(t, func() error {
		_, err := io.ReadAll(br)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	waitClosed(t, upstreamDone)
}

func TestH1CloseBodyEarly(t *testing.T) {
	s, upstreamDone := blockingUpstream(t, nil)
	tr, _ := newTestH1(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/stream", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := readStreamEvent(t, bufio.NewReader(resp.Body)); err != nil {
		t.Fatalf("first event = %q, %v", ev, err)
	}
	resp.Body.Close()
	waitClosed(t, upstreamDone)

	if got := mustSend(t, tr, s.URL, ""); got != "ok" {
		t.Errorf("answer = %q", got)
	}
	if n := s.conns.Load(); n != 2 {
		t.Errorf("server accepted %d connections, want 2", n)
	}
}

func TestH1BodyAfterEnd(t *testing.T) {
	s := newCountingServer(t, echo)
	tr, _ := newTestH1(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	mustSend(t, tr, s.URL, "") // on the same connection
	if n, err := resp.Body.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("Read after the end = %d, %v; want io.EOF", n, err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Error(err)
	}
	if got := mustSend(t, tr, s.URL, ""); got != "GET / " {
		t.Errorf("answer = %q", got)
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1", n)
	}
}

func waitClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream did not see the request end")
	}
}

func TestH1DialFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	tr, _ := newTestH1(t)
	ctx := t.Context()
	_, err = send(ctx, tr, url, "x")
	var e *UpstreamError
	if !errors.As(transportError(ctx, "openai", err), &e) ||
		e.Status != http.StatusBadGateway || !e.Retryable {
		t.Errorf("error = %v, want a retryable connection failure", err)
	}
}

func TestH1AnswerBeforeBodyRead(t *testing.T) {
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		// net/http's server closes the connection rather than read this
		// much of a body its handler ignored.
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		io.WriteString(w, "too large")
	})
	tr, _ := newTestH1(t)
	req, _ := newPost(t.Context(), s.URL, make([]byte, 8<<20))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("error %v, want the server's answer", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || string(body) != "too large" {
		t.Errorf("answer %d %q, %v", resp.StatusCode, body, err)
	}
}
