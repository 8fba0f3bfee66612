package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
)

func TestOpenAIPassThrough(t *testing.T) {
	const answer = `{"id":"chatcmpl-1","object":"chat.completion","model":"up-model-2024",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}`
	tests := []struct {
		provider, base  string // base is appended to the fake's URL
		op              Operation
		path, query     string
		authHeader, key string
	}{
		{"openai", "/v1", OpChat, "/v1/chat/completions", "", "Authorization", "Bearer " + testKey},
		{"openai", "/v1/", OpEmbeddings, "/v1/embeddings", "", "Authorization", "Bearer " + testKey},
		{"hosted_vllm", "/v1", OpCompletions, "/v1/completions", "", "Authorization", "Bearer " + testKey},
		{"ollama_chat", "", OpChat, "/v1/chat/completions", "", "Authorization", "Bearer " + testKey},
		{"groq", "/openai/v1", OpResponses, "/openai/v1/responses", "", "Authorization", "Bearer " + testKey},
		{"azure", "", OpChat, "/openai/deployments/up-model/chat/completions",
			"api-version=" + DefaultAzureAPIVersion, "Api-Key", testKey},
		{"azure", "/", OpEmbeddings, "/openai/deployments/up-model/embeddings",
			"api-version=" + DefaultAzureAPIVersion, "Api-Key", testKey},
		{"azure", "", OpResponses, "/openai/responses", "api-version=" + DefaultAzureAPIVersion, "Api-Key", testKey},
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+string(tt.op), func(t *testing.T) {
			f := newTestServer(t, reply(200, "application/json", answer,
				"X-Request-Id", "req_1", "X-Ratelimit-Remaining-Requests", "99", "Set-Cookie", "s=1"))
			d, a := deployment(t, tt.provider, f.URL+tt.base)
			in := `{"messages":[{"role":"user","content":"Hi \"there\""}],"model":"public-name","temperature":0}`
			resp, out, err := do(t, a, d, &Request{Op: tt.op, Body: []byte(in),
				Header: http.Header{"Authorization": {"Bearer client-key"}, "X-Trace": {"t1"},
					"Accept-Encoding": {"br"}}})
			if err != nil {
				t.Fatal(err)
			}

			got := f.last(t)
			if got.path != tt.path || got.query != tt.query {
				t.Errorf("upstream got %s?%s, want %s?%s", got.path, got.query, tt.path, tt.query)
			}
			want := `{"messages":[{"role":"user","content":"Hi \"there\""}],"model":"up-model","temperature":0}`
			if string(got.body) != want {
				t.Errorf("upstream body = %s, want %s", got.body, want)
			}
			if v := got.header.Get(tt.authHeader); v != tt.key {
				t.Errorf("upstream %s = %q, want %q", tt.authHeader, v, tt.key)
			}
			if tt.authHeader != "Authorization" && got.header.Get("Authorization") != "" {
				t.Error("the client's Authorization reached the upstream")
			}
			if got.header.Get("X-Trace") != "t1" || got.header.Get("Content-Type") != "application/json" ||
				got.header.Get("Accept-Encoding") == "br" {
				t.Errorf("upstream headers = %v", got.header)
			}
			assertNoKey(t, out, fmt.Sprint(resp.Header))
			if out != answer {
				t.Errorf("client got %s, want the upstream's answer unchanged", out)
			}
			wantHeader := http.Header{
				"Content-Type":                                {"application/json"},
				"llm_provider-x-request-id":                   {"req_1"},
				"llm_provider-x-ratelimit-remaining-requests": {"99"},
			}
			if diff := cmp.Diff(wantHeader, resp.Header); diff != "" {
				t.Errorf("response header (-want +got):\n%s", diff)
			}
			if want := (chat.Usage{PromptTokens: 9, CompletionTokens: 2, TotalTokens: 11}); resp.Usage != want {
				t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
			}
		})
	}
}

func TestOpenAIWithoutKey(t *testing.T) {
	f := newTestServer(t, reply(200, "application/json", `{}`))
	d := &Deployment{Provider: "hosted_vllm", UpstreamModel: "m", APIBase: f.URL}
	a, err := For(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := do(t, a, d, &Request{Op: OpChat, Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t); got.header.Get("Authorization") != "" || string(got.body) != `{"model":"m"}` {
		t.Errorf("upstream got Authorization %q and body %s", got.header.Get("Authorization"), got.body)
	}
}

func TestOpenAIResponsesUsage(t *testing.T) {
	const answer = `{"id":"resp_1","object":"response","status":"completed","output":[],` +
		`"usage":{"input_tokens":12,"output_tokens":5,"total_tokens":17}}`
	f := newTestServer(t, reply(200, "application/json", answer))
	d, a := deployment(t, "openai", f.URL)
	resp, _, err := do(t, a, d, &Request{Op: OpResponses, Body: []byte(`{"model":"x","input":"hi"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if want := (chat.Usage{PromptTokens: 12, CompletionTokens: 5, TotalTokens: 17}); resp.Usage != want {
		t.Errorf("Usage = %+v, want %+v", resp.Usage, want)
	}
}

func TestOpenAIBadBody(t *testing.T) {
	d, a := deployment(t, "openai", "http://127.0.0.1:1")
	_, err := a.Do(t.Context(), d, &Request{Op: OpChat, Body: []byte(`[1]`)})
	e, ok := err.(*UpstreamError)
	if !ok || e.Status != 400 || e.Retryable {
		t.Fatalf("error = %v, want a non-retryable 400", err)
	}
}
