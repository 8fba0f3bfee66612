package provider

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is the upstream key of test deployments; it must never reach a
// client.
const testKey = "sk-upstream-secret-0123456789"

// seen is what a fake upstream received.
type seen struct {
	method, path, query string
	header              http.Header
	body                []byte
}

// fake is an upstream that records its requests and answers through a
// handler.
type fake struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// newTestServer starts a fake upstream that answers with h.
func newTestServer(t *testing.T, h http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// last returns the last request the fake received.
func (f *fake) last(t *testing.T) seen {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("the upstream received no request")
	}
	return f.reqs[len(f.reqs)-1]
}

// reply answers with a status, a content type and a body.
func reply(status int, contentType, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sseEvents answers with an event stream, flushing after each event.
func sseEvents(events ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range events {
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
	}
}

// deployment returns a deployment of provider on the fake, with its adapter.
func deployment(t *testing.T, provider, base string) (*Deployment, Adapter) {
	t.Helper()
	d := &Deployment{Provider: provider, UpstreamModel: "up-model", APIBase: base, APIKey: testKey}
	a, err := For(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, a
}

// flushWriter records what is written, and sends each flushed piece on a
// channel when one is set.
type flushWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	pending bytes.Buffer
	flushes []string
	flushed chan string
}

func (w *flushWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending.Write(p)
	return w.buf.Write(p)
}

func (w *flushWriter) Flush() {
	w.mu.Lock()
	piece := w.pending.String()
	w.pending.Reset()
	w.flushes = append(w.flushes, piece)
	w.mu.Unlock()
	if w.flushed != nil {
		w.flushed <- piece
	}
}

// events returns the events flushed so far, each with its blank line;
// what was written but not flushed is left out.
func (w *flushWriter) events() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for rest := strings.Join(w.flushes, ""); rest != ""; {
		ev, after, found := strings.Cut(rest, "\n\n")
		if !found {
			return append(out, rest)
		}
		out, rest = append(out, ev+"\n\n"), after
	}
	return out
}

func (w *flushWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// do runs a request and copies the whole answer.
func do(t *testing.T, a Adapter, d *Deployment, r *Request) (*Response, string, error) {
	t.Helper()
	resp, err := a.Do(context.Background(), d, r)
	if err != nil {
		return nil, "", err
	}
	defer resp.Close()
	var w flushWriter
	_, err = resp.WriteTo(&w)
	return resp, w.String(), err
}

// within runs fn and returns its error, failing the test if fn has not
// returned after a generous time: the code under test hangs.
func within(t *testing.T, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no answer after 10s")
		return nil
	}
}

// assertNoKey fails when the test key shows in any of the texts.
func assertNoKey(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, testKey) || strings.Contains(s, testKey[3:12]) {
			t.Errorf("the upstream key leaked into %q", s)
		}
	}
}
