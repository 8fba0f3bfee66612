package gateway_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// waitFor fails the test unless ch yields within a generous time.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestStreamFlushedIncrementally has the upstream send each event only
// after the client has read the one before: a gateway that buffered any
// of the stream would deadlock here.
func TestStreamFlushedIncrementally(t *testing.T) {
	next := make(chan struct{})
	events := chatEvents("m", "one two three", false)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		for _, ev := range events {
			select {
			case <-next:
			case <-r.Context().Done():
				return
			case <-time.After(15 * time.Second):
				return // the test failed; let it end
			}
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
	})
	g := gatewayWith(t, `
model_list:
  - {model_name: m, litellm_params: {model: openai/m, api_base: "{up}"}}
`, map[string]*upstream{"up": up})

	// Cleanups run last first: this one ends the client's request before
	// the gateway and the upstream are stopped, also when the test failed.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "POST", g.URL+"/v1/chat/completions",
		strings.NewReader(`{"model":"m","stream":true,"messages":[]}`))
	req.Header.Set("Authorization", "Bearer "+g.MasterKey)
	got := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			got <- resp
		}
	}()
	next <- struct{}{} // the first event carries the status line
	resp := waitFor(t, got, "the response headers")
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	for i, want := range events {
		if i > 0 {
			select {
			case next <- struct{}{}:
			case <-time.After(10 * time.Second):
				t.Fatalf("the upstream was never asked for event %d", i)
			}
		}
		ev := make(chan string)
		go func() { ev <- readEvent(rd) }()
		if got := waitFor(t, ev, "event "+want); got != want {
			t.Fatalf("event %d = %q, want %q", i, got, want)
		}
	}
}

// readEvent reads one server-sent event through its blank line.
func readEvent(rd *bufio.Reader) string {
	var sb strings.Builder
	for {
		line, err := rd.ReadString('\n')
		sb.WriteString(line)
		if err != nil || line == "\n" {
			return sb.String()
		}
	}
}

func TestClientGoneCancelsUpstream(t *testing.T) {
	for _, stream := range []bool{false, true} {
		arrived, gone := make(chan struct{}), make(chan struct{})
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			if stream {
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, chatEvents("m", "first", false)[0])
				w.(http.Flusher).Flush()
			}
			close(arrived)
			select {
			case <-r.Context().Done():
				close(gone)
			case <-time.After(10 * time.Second):
			}
		})
		g := gatewayWith(t, `
model_list:
  - {model_name: m, litellm_params: {model: openai/m, api_base: "{up}"}}
`, map[string]*upstream{"up": up})

		ctx, cancel := context.WithCancel(context.Background())
		body := `{"model":"m","messages":[],"stream":` + map[bool]string{true: "true", false: "false"}[stream] + `}`
		req, _ := http.NewRequestWithContext(ctx, "POST", g.URL+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+g.MasterKey)
		done := make(chan error, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
		waitFor(t, arrived, "the upstream request")
		cancel()
		waitFor(t, gone, "the upstream request's context to end")
		waitFor(t, done, "the client to return")
		if up.hits() != 1 {
			t.Errorf("stream %v: upstream hits = %d; a request the client left was retried", stream, up.hits())
		}
	}
}
