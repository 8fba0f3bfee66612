package provider

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestUpstreamErrors(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		h        http.HandlerFunc
		want     UpstreamError
	}{{
		name:     "openai rate limit, seconds",
		provider: "openai",
		h: reply(429, "application/json",
			`{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			"Retry-After", "7"),
		want: UpstreamError{Status: 429, Type: "requests", Code: "rate_limit_exceeded",
			Message: "Rate limit reached", RetryAfter: 7 * time.Second, Retryable: true},
	}, {
		name:     "azure rate limit, milliseconds",
		provider: "azure",
		h: reply(429, "application/json", `{"error":{"code":"429","message":"Requests exceeded"}}`,
			"Retry-After-Ms", "1500", "Retry-After", "2"),
		want: UpstreamError{Status: 429, Type: "rate_limit_error", Code: "429",
			Message: "Requests exceeded", RetryAfter: 1500 * time.Millisecond, Retryable: true},
	}, {
		name:     "openai wrong key is redacted",
		provider: "openai",
		h: reply(401, "application/json",
			`{"error":{"message":"Incorrect API key provided: `+testKey+`. Also sk-upst***********6789.","type":"invalid_request_error","code":"invalid_api_key"}}`),
		want: UpstreamError{Status: 401, Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided: [redacted]. Also [redacted]"},
	}, {
		name:     "azure content filter",
		provider: "azure",
		h: reply(400, "application/json",
			`{"error":{"message":"The response was filtered","type":null,"param":"prompt","code":"content_filter","status":400}}`),
		want: UpstreamError{Status: 400, Type: "invalid_request_error", Code: "content_filter",
			Message: "The response was filtered"},
	}, {
		name:     "anthropic overloaded",
		provider: "anthropic",
		h: reply(529, "application/json",
			`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`),
		want: UpstreamError{Status: 529, Type: "overloaded_error", Code: "529", Message: "Overloaded", Retryable: true},
	}, {
		name:     "vllm detail",
		provider: "hosted_vllm",
		h:        reply(400, "application/json", `{"detail":"max_tokens is too large"}`),
		want: UpstreamError{Status: 400, Type: "invalid_request_error", Code: "400",
			Message: "max_tokens is too large"},
	}, {
		name:     "ollama string error",
		provider: "ollama_chat",
		h:        reply(404, "application/json", `{"error":"model \"llama9\" not found"}`),
		want: UpstreamError{Status: 404, Type: "not_found_error", Code: "404",
			Message: `model "llama9" not found`},
	}, {
		name:     "service unavailable without body",
		provider: "openai",
		h:        reply(503, "text/html", "<html>busy</html>"),
		want: UpstreamError{Status: 503, Type: "api_error", Code: "503",
			Message: "upstream error: Service Unavailable", Retryable: true},
	}, {
		name:     "server error the upstream says not to retry",
		provider: "openai",
		h:        reply(500, "application/json", `{"error":{"message":"bad","type":"server_error"}}`, "X-Should-Retry", "false"),
		want:     UpstreamError{Status: 500, Type: "server_error", Code: "500", Message: "bad"},
	}, {
		name:     "redirect is not followed",
		provider: "openai",
		h: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/v1/chat/completions", http.StatusTemporaryRedirect)
		},
		want: UpstreamError{Status: 502, Type: "api_error", Code: "502",
			Message: "upstream answered with a redirect; check api_base"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, tt.h)
			d, a := deployment(t, tt.provider, f.URL)
			for _, stream := range []bool{false, true} {
				body := `{"model":"x","messages":[{"role":"user","content":"hi"}]}`
				_, err := a.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(body), Stream: stream})
				var e *UpstreamError
				if !errors.As(err, &e) {
					t.Fatalf("error = %v, want an UpstreamError", err)
				}
				tt.want.Provider = tt.provider
				if diff := cmp.Diff(&tt.want, e, cmpopts.IgnoreFields(UpstreamError{}, "Err")); diff != "" {
					t.Errorf("stream=%v: error (-want +got):\n%s", stream, diff)
				}
				env, _ := json.Marshal(e.Envelope())
				assertNoKey(t, err.Error(), string(env))
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	slow := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-t.Context().Done():
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		base   string
		status int
	}{
		{"connection refused", t.Context(), closed.URL, http.StatusBadGateway},
		{"deadline", ctx, slow.URL, http.StatusGatewayTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := deployment(t, "openai", tt.base)
			err := within(t, func() error {
				_, err := a.Do(tt.ctx, d, &Request{Op: OpChat, Body: []byte(`{}`)})
				return err
			})
			var e *UpstreamError
			if !errors.As(err, &e) || e.Status != tt.status || !e.Retryable {
				t.Fatalf("error = %v, want a retryable %d", err, tt.status)
			}
			assertNoKey(t, err.Error())
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"30"}}, 30 * time.Second},
		{"fractional seconds", http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{"http date", http.Header{"Retry-After": {"Sun, 01 Mar 2026 12:01:30 GMT"}}, 90 * time.Second},
		{"date in the past", http.Header{"Retry-After": {"Sun, 01 Mar 2026 11:00:00 GMT"}}, 0},
		{"negative", http.Header{"Retry-After": {"-3"}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"milliseconds win", http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"1"}}, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRetryAfterDateThroughAdapter(t *testing.T) {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newTestServer(t, reply(429, "application/json", `{}`, "Retry-After", at.Format(http.TimeFormat)))
	d := &Deployment{Provider: "openai", UpstreamModel: "m", APIBase: f.URL}
	a := &openAI{client: client{rt: sharedTransport, now: func() time.Time { return at.Add(-time.Minute) }},
		spec: providers["openai"]}
	_, err := a.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(`{}`)})
	var e *UpstreamError
	if !errors.As(err, &e) || e.RetryAfter != time.Minute {
		t.Fatalf("error = %#v, want RetryAfter of a minute", err)
	}
}

func TestEnvelope(t *testing.T) {
	e := &UpstreamError{Provider: "openai", Status: 429, Type: "rate_limit_error", Code: "429", Message: "slow down"}
	got, err := json.Marshal(e.Envelope())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"429"}}`
	if string(got) != want {
		t.Errorf("envelope = %s, want %s", got, want)
	}
	if s := e.Error(); !strings.Contains(s, "openai") || !strings.Contains(s, "429") {
		t.Errorf("Error() = %q, want the provider and status", s)
	}
}
