package router_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/router"
)

// stall answers nothing until the request's context ends, then reports
// that on gone. It gives up after a while, so a failing test ends.
func stall(gone chan<- struct{}, header bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if header {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
			gone <- struct{}{}
		case <-time.After(10 * time.Second):
		}
	}
}

// events sends SSE events, flushing each, with pause before the second.
func events(pause time.Duration, evs ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i, ev := range evs {
			if i == 1 {
				time.Sleep(pause)
			}
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
	}
}

const (
	chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
	done  = "data: [DONE]\n\n"
)

// doStream routes one streamed chat request.
func (e *env) doStream(ctx context.Context, group string) result {
	var res result
	c := &router.Call{Group: group,
		Request: &provider.Request{Op: provider.OpChat, Body: []byte(chatBody), Stream: true},
		Send: func(a *router.Answer) error {
			res.id = a.Entry.Info.ID
			var sb strings.Builder
			_, err := a.WriteTo(progressWriter{&sb, a})
			res.body = sb.String()
			return err
		}}
	res.Stats, res.err = e.r.Do(ctx, c)
	return res
}

func waitGone(t *testing.T, gone <-chan struct{}, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-gone:
		case <-time.After(10 * time.Second):
			t.Fatalf("upstream request %d still running: its context never ended", i)
		}
	}
}

func TestTimeout(t *testing.T) {
	gone := make(chan struct{}, 4)
	up := newUpstream(t, "up", nil, stall(gone, false))
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}", timeout: 0.05}}
router_settings: {num_retries: 1, timeout: 600}
`, up)
	res := e.do(context.Background(), "g")
	var ue *provider.UpstreamError
	if !errors.As(res.err, &ue) || ue.Status != 504 || ue.Type != "timeout_error" {
		t.Fatalf("error = %v, want a 504 timeout", res.err)
	}
	if up.hits.Load() != 2 {
		t.Errorf("hits = %d, want 2: a timeout is retried", up.hits.Load())
	}
	waitGone(t, gone, 2)
}

func TestStreamTimeout(t *testing.T) {
	gone := make(chan struct{}, 4)
	slowStart := newUpstream(t, "slow", nil, stall(gone, true))
	slowMiddle := newUpstream(t, "mid", nil, events(200*time.Millisecond, chunk, chunk, done))
	e := newEnv(t, `
model_list:
  - {model_name: slow, litellm_params: {model: openai/m, api_base: "{slow}", stream_timeout: 0.05}}
  - {model_name: mid, litellm_params: {model: openai/m, api_base: "{mid}", stream_timeout: 0.05}}
router_settings: {num_retries: 0}
`, slowStart, slowMiddle)

	res := e.doStream(context.Background(), "slow")
	var ue *provider.UpstreamError
	if !errors.As(res.err, &ue) || ue.Status != 504 || res.body != "" {
		t.Fatalf("no first byte: error = %v, body %q; want a 504 and nothing sent", res.err, res.body)
	}
	waitGone(t, gone, 1)

	// stream_timeout bounds the first byte only.
	res = e.doStream(context.Background(), "mid")
	if res.err != nil || res.body != chunk+chunk+done {
		t.Errorf("slow middle: error = %v, body %q", res.err, res.body)
	}
}

func TestStreamRetries(t *testing.T) {
	// Broken before the first byte: nothing reached the client, so retry.
	early := newUpstream(t, "early", nil, sequence(events(0), events(0, chunk, done)))
	// Broken after it: the client has part of an answer; never retry.
	late := newUpstream(t, "late", nil, sequence(events(0, chunk), events(0, chunk, done)))
	e := newEnv(t, `
model_list:
  - {model_name: early, litellm_params: {model: openai/m, api_base: "{early}"}}
  - {model_name: late, litellm_params: {model: openai/m, api_base: "{late}"}}
router_settings: {fallbacks: [{late: [early]}]}
`, early, late)

	res := e.doStream(context.Background(), "early")
	if res.err != nil || res.body != chunk+done || early.hits.Load() != 2 || res.Retries != 1 {
		t.Errorf("early break: err %v, body %q, hits %d, retries %d",
			res.err, res.body, early.hits.Load(), res.Retries)
	}
	res = e.doStream(context.Background(), "late")
	var ue *provider.UpstreamError
	if !errors.As(res.err, &ue) || ue.Status != http.StatusBadGateway {
		t.Errorf("late break: error = %v, want the broken stream's 502", res.err)
	}
	if late.hits.Load() != 1 || early.hits.Load() != 2 || res.body != chunk {
		t.Errorf("late break was retried: hits late %d, early %d; body %q",
			late.hits.Load(), early.hits.Load(), res.body)
	}
}

func TestClientGoneCancelsUpstream(t *testing.T) {
	gone := make(chan struct{}, 1)
	arrived := make(chan struct{})
	up := newUpstream(t, "up", nil, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		stall(gone, false)(w, r)
	})
	e := newEnv(t, `
model_list:
  - {model_name: g, litellm_params: {model: openai/m, api_base: "{up}"}}
`, up)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	res := e.do(ctx, "g")
	if !errors.Is(res.err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", res.err)
	}
	waitGone(t, gone, 1)
	if up.hits.Load() != 1 || len(e.clock.Sleeps()) != 0 {
		t.Errorf("hits = %d, sleeps %v; a request the client left was retried",
			up.hits.Load(), e.clock.Sleeps())
	}
}
