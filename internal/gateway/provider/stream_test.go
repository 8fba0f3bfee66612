package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

// OpenAI chunks as the API sends them with include_usage: every chunk has
// "usage":null, then a chunk with empty choices carries the usage.
const (
	chunk1     = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}` + "\n\n"
	chunk2     = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":null}` + "\n\n"
	usageChunk = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}` + "\n\n"
	doneEvent  = "data: [DONE]\n\n"
	keepAlive  = ": keep-alive\n\n"
)

func TestOpenAIStreamUsage(t *testing.T) {
	tests := []struct {
		name, provider, version string
		body                    string // client's body
		wantBody                string // what the upstream gets
		wantOut                 string // what the client gets
	}{{
		name:     "client asked for usage",
		provider: "openai",
		body:     `{"model":"pub","stream":true,"stream_options":{"include_usage":true}}`,
		wantBody: `{"model":"up-model","stream":true,"stream_options":{"include_usage":true}}`,
		wantOut:  keepAlive + chunk1 + chunk2 + usageChunk + doneEvent,
	}, {
		name:     "gateway asks and drops the usage chunk",
		provider: "openai",
		body:     `{"model":"pub","stream":true}`,
		wantBody: `{"stream_options":{"include_usage":true},"model":"up-model","stream":true}`,
		wantOut:  keepAlive + chunk1 + chunk2 + doneEvent,
	}, {
		name:     "other stream options are kept",
		provider: "hosted_vllm",
		body:     `{"model":"pub","stream":true,"stream_options":{"include_usage":false,"x":1}}`,
		wantBody: `{"model":"up-model","stream":true,"stream_options":{"include_usage":true,"x":1}}`,
		wantOut:  keepAlive + chunk1 + chunk2 + doneEvent,
	}, {
		name:     "strict provider is not asked",
		provider: "mistral",
		body:     `{"model":"pub","stream":true}`,
		wantBody: `{"model":"up-model","stream":true}`,
		wantOut:  keepAlive + chunk1 + chunk2 + usageChunk + doneEvent,
	}, {
		name:     "old azure api-version is not asked",
		provider: "azure",
		version:  "2024-06-01",
		body:     `{"model":"pub","stream":true}`,
		wantBody: `{"model":"up-model","stream":true}`,
		wantOut:  keepAlive + chunk1 + chunk2 + usageChunk + doneEvent,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, sseEvents(keepAlive, chunk1, chunk2, usageChunk, doneEvent))
			d, a := deployment(t, tt.provider, f.URL)
			d.APIVersion = tt.version
			resp, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(tt.body), Stream: true})
			if err != nil {
				t.Fatal(err)
			}
			got := f.last(t)
			if string(got.body) != tt.wantBody {
				t.Errorf("upstream body = %s, want %s", got.body, tt.wantBody)
			}
			if got.header.Get("Accept") != "text/event-stream" {
				t.Errorf("upstream Accept = %q", got.header.Get("Accept"))
			}
			if out != tt.wantOut {
				t.Errorf("client got\n%s\nwant\n%s", out, tt.wantOut)
			}
			if want := (chat.Usage{PromptTokens: 5, CompletionTokens: 1, TotalTokens: 6}); resp.Usage != want {
				t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" || !resp.Streaming() {
				t.Errorf("Content-Type = %q, Streaming = %v", ct, resp.Streaming())
			}
		})
	}
}

// Events that arrive together are flushed together, once, and the
// burst is flushed without waiting for what the upstream holds back.
func TestStreamFlushesWhatArrivedTogether(t *testing.T) {
	burst := keepAlive + chunk1 + "data: {\"a\":\n" + "data: 1}\n\n"
	first, w := streamHeldBack(t, burst, doneEvent)
	if first != burst {
		t.Errorf("first flush = %q, want the whole burst %q", first, burst)
	}
	if want := []string{burst, doneEvent}; strings.Join(w.flushes, "|") != strings.Join(want, "|") {
		t.Errorf("flushed %q, want %q", w.flushes, want)
	}
}

// TestStreamNotBuffered checks that the first event reaches the client
// while the upstream still holds back the second.
func TestStreamNotBuffered(t *testing.T) {
	first, w := streamHeldBack(t, chunk1, chunk2+doneEvent)
	if first != chunk1 {
		t.Errorf("first flush = %q, want %q", first, chunk1)
	}
	if w.String() != chunk1+chunk2+doneEvent {
		t.Errorf("client got %q", w.String())
	}
}

// streamHeldBack streams from a fake upstream that sends first, then holds
// back rest until the client has had a flush. It returns that flush, and
// the client's writer once the stream has ended.
func streamHeldBack(t *testing.T, first, rest string) (string, *flushWriter) {
	t.Helper()
	release := make(chan struct{})
	f := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, rest)
	})
	d, a := deployment(t, "openai", f.URL)
	resp, err := a.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(`{}`), Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()

	w := &flushWriter{flushed: make(chan string, 4)}
	done := make(chan error, 1)
	go func() {
		_, err := resp.WriteTo(w)
		done <- err
	}()
	var got string
	select {
	case got = <-w.flushed:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was flushed while the upstream held back the rest")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return got, w
}

func TestStreamDropped(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"ends without DONE", sseEvents(chunk1)},
		{"connection cut inside an event", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, chunk1+`data: {"id":"c1","choi`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, tt.h)
			d, a := deployment(t, "openai", f.URL)
			_, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(`{}`), Stream: true})
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != http.StatusBadGateway || !e.Retryable {
				t.Fatalf("error = %v, want a retryable 502", err)
			}
			if out != chunk1 {
				t.Errorf("client got %q, want only the whole first event", out)
			}
		})
	}
}

func TestStreamErrorEvent(t *testing.T) {
	errEvent := `data: {"error":{"message":"overloaded for ` + testKey + `","type":"server_error","code":null}}` + "\n\n"
	f := newTestServer(t, sseEvents(chunk1, errEvent))
	d, a := deployment(t, "openai", f.URL)
	_, out, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(`{}`), Stream: true})
	var e *UpstreamError
	if !errors.As(err, &e) || e.Type != "server_error" || !strings.Contains(e.Message, "overloaded") {
		t.Fatalf("error = %v, want the upstream's error event", err)
	}
	if !strings.Contains(out, `"overloaded for [redacted]"`) {
		t.Errorf("client got %q, want the error event passed on", out)
	}
	assertNoKey(t, out, err.Error(), e.Message)
}

func TestClientCancelStopsUpstream(t *testing.T) {
	upstreamDone := make(chan struct{})
	f := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, chunk1)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			close(upstreamDone)
		case <-t.Context().Done(): // the test failed; let the server close
		}
	})
	d, a := deployment(t, "openai", f.URL)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp, err := a.Do(ctx, d, &Request{Op: OpChat, Body: []byte(`{}`), Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()

	w := &flushWriter{flushed: make(chan string, 1)}
	go func() {
		<-w.flushed
		cancel() // the client went away
	}()
	err = within(t, func() error {
		_, err := resp.WriteTo(w)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WriteTo error = %v, want context.Canceled", err)
	}
	select {
	case <-upstreamDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream request was not cancelled")
	}
}

func TestClientCancelBeforeAnswer(t *testing.T) {
	arrived, upstreamDone := make(chan struct{}), make(chan struct{})
	f := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-r.Context().Done():
			close(upstreamDone)
		case <-t.Context().Done():
		}
	})
	d, a := deployment(t, "openai", f.URL)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	err := within(t, func() error {
		_, err := a.Do(ctx, d, &Request{Op: OpChat, Body: []byte(`{}`)})
		return err
	})
	var e *UpstreamError
	if !errors.Is(err, context.Canceled) || errors.As(err, &e) {
		t.Errorf("error = %v, want context.Canceled and no UpstreamError", err)
	}
	select {
	case <-upstreamDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream request was not cancelled")
	}
}
