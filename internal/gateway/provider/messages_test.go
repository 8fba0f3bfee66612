package provider

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

const messagesRequest = `{"model":"public","max_tokens":100,"system":"Be brief.",
	"messages":[{"role":"user","content":"Hi"}],"thinking":{"type":"enabled","budget_tokens":50}}`

func TestMessagesNative(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", anthropicAnswer))
	d, a := anthropicDeployment(t, f)
	h := http.Header{"Anthropic-Beta": {"tools-2024"}, "Anthropic-Version": {"2024-01-01"}}
	resp, out, err := do(t, a, d, &Request{Op: OpMessages, Body: []byte(messagesRequest), Header: h})
	if err != nil {
		t.Fatal(err)
	}
	got := f.last(t)
	if got.path != "/v1/messages" || got.header.Get("X-Api-Key") != testKey ||
		got.header.Get("Anthropic-Version") != "2024-01-01" || got.header.Get("Anthropic-Beta") != "tools-2024" {
		t.Errorf("upstream got %s with headers %v", got.path, got.header)
	}
	// Only the model changes: fields chat has no name for pass unchanged.
	want := strings.Replace(messagesRequest, `"public"`, `"up-model"`, 1)
	if string(got.body) != want {
		t.Errorf("upstream body = %s, want %s", got.body, want)
	}
	if out != anthropicAnswer {
		t.Errorf("client got %s, want the upstream's answer unchanged", out)
	}
	if resp.Usage != (chat.Usage{PromptTokens: 20, CompletionTokens: 8, TotalTokens: 28}) {
		t.Errorf("Usage = %+v", resp.Usage)
	}
}

func TestMessagesNativeStream(t *testing.T) {
	f := newTestServer(t, sseEvents(anthropicEvents...))
	d, a := anthropicDeployment(t, f)
	resp, out, err := do(t, a, d, &Request{Op: OpMessages, Body: []byte(messagesRequest), Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(anthropicEvents, ""); out != want {
		t.Errorf("client got:\n%s\nwant the upstream's events unchanged:\n%s", out, want)
	}
	if resp.Usage != (chat.Usage{PromptTokens: 20, CompletionTokens: 15, TotalTokens: 35}) {
		t.Errorf("Usage = %+v", resp.Usage)
	}
}

func TestMessagesNativeStreamErrors(t *testing.T) {
	tests := []struct {
		name      string
		events    []string
		status    int
		retryable bool
	}{
		{"overloaded", []string{anthropicEvents[0],
			"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"},
			529, true},
		{"cut short", anthropicEvents[:4], http.StatusBadGateway, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestServer(t, sseEvents(tt.events...))
			d, a := anthropicDeployment(t, f)
			_, _, err := do(t, a, d, &Request{Op: OpMessages, Body: []byte(messagesRequest), Stream: true})
			var ue *UpstreamError
			if !errors.As(err, &ue) || ue.Status != tt.status || ue.Retryable != tt.retryable {
				t.Errorf("error = %v, want status %d retryable %v", err, tt.status, tt.retryable)
			}
		})
	}
}

func TestMessagesOnlyNative(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", `{}`))
	d, a := deployment(t, "openai", f.URL)
	_, err := a.Do(t.Context(), d, &Request{Op: OpMessages, Body: []byte(messagesRequest)})
	var ue *UpstreamError
	if !errors.As(err, &ue) || ue.Status != http.StatusBadRequest {
		t.Errorf("messages to an OpenAI upstream: error = %v, want a 400", err)
	}
}
