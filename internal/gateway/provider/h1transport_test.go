package provider

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an upstream that counts the connections it accepted.
type countingServer struct {
	*httptest.Server
	conns atomic.Int32
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// echo answers with the method, path and body of the request.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
}

// recorder is a fallback transport that records what it was given.
type recorder struct {
	mu   sync.Mutex
	urls []string
}

func (f *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.urls = append(f.urls, req.URL.String())
	f.mu.Unlock()
	return &http.Response{StatusCode: http.StatusTeapot, Body: http.NoBody, Request: req}, nil
}

func newTestH1(t *testing.T) (*h1Transport, *recorder) {
	fallback := &recorder{}
	tr := newH1Transport(fallback)
	tr.proxy = nil
	t.Cleanup(tr.CloseIdleConnections)
	return tr, fallback
}

// send makes a request, POST when body is not empty, and reads the answer.
func send(ctx context.Context, rt http.RoundTripper, url, body string) (string, error) {
	method, r := http.MethodGet, io.Reader(nil)
	if body != "" {
		method, r = http.MethodPost, strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return "", err
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func mustSend(t *testing.T, rt http.RoundTripper, url, body string) string {
	t.Helper()
	got, err := send(t.Context(), rt, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestH1ReusesConnection(t *testing.T) {
	s := newCountingServer(t, echo)
	tr, fallback := newTestH1(t)
	for i := range 5 {
		body := fmt.Sprintf(`{"n":%d}`, i)
		got := mustSend(t, tr, s.URL+"/v1/chat?x=1", body)
		if want := "POST /v1/chat?x=1 " + body; got != want {
			t.Errorf("answer = %q, want %q", got, want)
		}
		if got := mustSend(t, tr, s.URL+"/models", ""); got != "GET /models " {
			t.Errorf("answer = %q", got)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1", n)
	}
	if len(fallback.urls) > 0 {
		t.Errorf("fallback got %v", fallback.urls)
	}
}

func TestH1Concurrent(t *testing.T) {
	s := newCountingServer(t, echo)
	tr, _ := newTestH1(t)
	const workers, each = 32, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf("worker %d request %d %s", w, i, strings.Repeat("x", i*100))
				got, err := send(t.Context(), tr, s.URL+"/echo", body)
				if err == nil && got != "POST /echo "+body {
					err = fmt.Errorf("answer %.40q to %.40q", got, body)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.conns.Load(); n > workers {
		t.Errorf("server accepted %d connections for %d workers", n, workers)
	}
}

func TestH1StreamsIncrementally(t *testing.T) {
	gate := make(chan struct{})
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: second\n\n")
	})
	tr, _ := newTestH1(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 {
		t.Errorf("ContentLength %d, TransferEncoding %q, want a chunked answer",
			resp.ContentLength, resp.TransferEncoding)
	}
	br := bufio.NewReader(resp.Body)
	first, err := readStreamEvent(t, br)
	if err != nil || first != "data: first\n\n" {
		t.Fatalf("first event = %q, %v", first, err)
	}
	close(gate)
	rest, err := io.ReadAll(br)
	if err != nil || string(rest) != "data: second\n\n" {
		t.Fatalf("rest = %q, %v", rest, err)
	}

	mustSend(t, tr, s.URL, "")
	if n := s.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want the stream's one reused", n)
	}
}

// readStreamEvent reads one event, failing the test if it takes long.
func readStreamEvent(t *testing.T, br *bufio.Reader) (string, error) {
	var ev string
	err := within(t, func() error {
		line, err := br.ReadString('\n')
		if err == nil {
			var blank string
			blank, err = br.ReadString('\n')
			line += blank
		}
		ev = line
		return err
	})
	return ev, err
}

func TestH1ConnectionClose(t *testing.T) {
	tests := []struct {
		name      string
		answer    string // Connection header of the answer
		reqClose  bool
		wantConns int32
	}{
		{"keep-alive", "", false, 1},
		{"answer says close", "close", false, 3},
		{"request says close", "", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.answer != "" {
					w.Header().Set("Connection", tt.answer)
				}
				io.WriteString(w, "ok")
			})
			tr, _ := newTestH1(t)
			for range 3 {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL, nil)
				req.Close = tt.reqClose
				resp, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if n := s.conns.Load(); n != tt.wantConns {
				t.Errorf("server accepted %d connections, want %d", n, tt.wantConns)
			}
		})
	}
}

func TestH1IdleTimeout(t *testing.T) {
	tests := []struct {
		idle      time.Duration
		wantConns int32
	}{
		{h1IdleTimeout - time.Second, 1},
		{h1IdleTimeout + time.Second, 2},
	}
	for _, tt := range tests {
		t.Run(tt.idle.String(), func(t *testing.T) {
			s := newCountingServer(t, echo)
			tr, _ := newTestH1(t)
			now := time.Unix(1700000000, 0)
			tr.now = func() time.Time { return now }
			mustSend(t, tr, s.URL, "")
			now = now.Add(tt.idle)
			mustSend(t, tr, s.URL, "")
			if n := s.conns.Load(); n != tt.wantConns {
				t.Errorf("server accepted %d connections, want %d", n, tt.wantConns)
			}
		})
	}
}

func TestH1NoBodyAnswer(t *testing.T) {
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	tr, _ := newTestH1(t)
	for range 2 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodDelete, s.URL, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusNoContent || resp.Body != http.NoBody {
			t.Errorf("status %d, body %T", resp.StatusCode, resp.Body)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1", n)
	}
}

func TestH1SendsRequest(t *testing.T) {
	type received struct {
		r    *http.Request
		body []byte
	}
	seen := make(chan received, 1)
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen <- received{r, body}
		w.Header().Set("X-Upstream", "yes")
		w.Header().Set("Content-Length", "2")
		io.WriteString(w, "{}")
	})
	tr, _ := newTestH1(t)
	body := strings.Repeat(`{"content":"hello"}`, 1000) // past the write buffer
	req, _ := newPost(t.Context(), s.URL+"/v1/chat/completions?api-version=1", []byte(body))
	req.Header.Set("Authorization", "Bearer k")
	req.Header["Content-Type"] = jsonType
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	got := <-seen
	if string(got.body) != body || got.r.ContentLength != int64(len(body)) ||
		len(got.r.TransferEncoding) > 0 {
		t.Errorf("upstream got %d bytes, ContentLength %d, TransferEncoding %q; want %d bytes",
			len(got.body), got.r.ContentLength, got.r.TransferEncoding, len(body))
	}
	checks := []struct{ what, got, want string }{
		{"request URI", got.r.RequestURI, "/v1/chat/completions?api-version=1"},
		{"protocol", got.r.Proto, "HTTP/1.1"},
		{"Host", got.r.Host, strings.TrimPrefix(s.URL, "http://")},
		{"Authorization", got.r.Header.Get("Authorization"), "Bearer k"},
		{"Content-Type", got.r.Header.Get("Content-Type"), "application/json"},
		{"X-Multi", strings.Join(got.r.Header["X-Multi"], ","), "a,b"},
		{"Accept-Encoding", got.r.Header.Get("Accept-Encoding"), ""},
		{"User-Agent", got.r.Header.Get("User-Agent"), "Go-http-client/1.1"},
		{"answer protocol", resp.Proto, "HTTP/1.1"},
		{"answer header", resp.Header.Get("X-Upstream"), "yes"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if resp.Request != req || resp.ContentLength != 2 || resp.TLS != nil ||
		resp.StatusCode != http.StatusOK {
		t.Errorf("answer: request %p (want %p), ContentLength %d, TLS %v, status %d",
			resp.Request, req, resp.ContentLength, resp.TLS, resp.StatusCode)
	}
}

func TestH1UserAgent(t *testing.T) {
	seen := make(chan []string, 1)
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header["User-Agent"]
	})
	tr, _ := newTestH1(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL, nil)
	req.Header.Set("User-Agent", "gateway-test/1")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := <-seen; len(got) != 1 || got[0] != "gateway-test/1" {
		t.Errorf("User-Agent = %q, want only the request's own", got)
	}
}

func TestH1Delegates(t *testing.T) {
	s := newCountingServer(t, echo)
	tests := []struct {
		name  string
		url   string
		setup func(*h1Transport, *http.Request)
	}{
		{"https", "https://upstream.invalid/v1", nil},
		{"proxied", s.URL, func(tr *h1Transport, _ *http.Request) {
			tr.proxy = func(*http.Request) (*url.URL, error) {
				return url.Parse("http://proxy.invalid:3128")
			}
		}},
		{"body that cannot be replayed", s.URL, func(_ *h1Transport, r *http.Request) {
			r.GetBody = nil
		}},
		{"body of unknown length", s.URL, func(_ *h1Transport, r *http.Request) {
			r.ContentLength = -1
		}},
		{"header value with a newline", s.URL, func(_ *h1Transport, r *http.Request) {
			r.Header.Set("X-Evil", "a\r\nInjected: 1")
		}},
		{"host with a space", s.URL, func(_ *h1Transport, r *http.Request) {
			r.Host = "bad host"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, fallback := newTestH1(t)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.url,
				strings.NewReader("{}"))
			if tt.setup != nil {
				tt.setup(tr, req)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusTeapot || len(fallback.urls) != 1 {
				t.Errorf("status %d, fallback got %v; want the fallback's answer",
					resp.StatusCode, fallback.urls)
			}
		})
	}
	if n := s.conns.Load(); n != 0 {
		t.Errorf("server accepted %d connections, want none", n)
	}
}

func TestAdaptersUseH1Transport(t *testing.T) {
	tr, ok := sharedTransport.(*h1Transport)
	if !ok || tr.fallback != netTransport {
		t.Errorf("sharedTransport is %T, want an h1Transport over netTransport", sharedTransport)
	}
}
