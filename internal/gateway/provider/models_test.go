package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestListModelsOpenAICompatible(t *testing.T) {
	up := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[{"id":"gpt-4o","object":"model"},`+
			`{"id":"meta-llama/Llama-3-8B","object":"model"},{"id":""}]}`)
	})
	for _, tt := range []struct {
		provider, base, path string
	}{
		{"openai", up.URL + "/v1", "/v1/models"},
		{"hosted_vllm", up.URL + "/v1/", "/v1/models"},
		{"ollama_chat", up.URL, "/v1/models"}, // Ollama's OpenAI API is under /v1
	} {
		t.Run(tt.provider, func(t *testing.T) {
			d := &Deployment{Provider: tt.provider, UpstreamModel: "*", APIBase: tt.base, APIKey: testKey}
			ids, err := ListModels(context.Background(), d)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"gpt-4o", "meta-llama/Llama-3-8B"}; !slices.Equal(ids, want) {
				t.Errorf("ids = %q, want %q", ids, want)
			}
			got := up.last(t)
			if got.method != "GET" || got.path != tt.path {
				t.Errorf("upstream got %s %s, want GET %s", got.method, got.path, tt.path)
			}
			if auth := got.header.Get("Authorization"); auth != "Bearer "+testKey {
				t.Errorf("Authorization = %q", auth)
			}
		})
	}
}

func TestListModelsAnthropicPages(t *testing.T) {
	up := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("after_id") {
		case "":
			fmt.Fprint(w, `{"data":[{"id":"claude-a","type":"model"},{"id":"claude-b","type":"model"}],`+
				`"has_more":true,"first_id":"claude-a","last_id":"claude-b"}`)
		case "claude-b":
			fmt.Fprint(w, `{"data":[{"id":"claude-c","type":"model"}],"has_more":false,"last_id":"claude-c"}`)
		default:
			http.Error(w, "unexpected page", http.StatusBadRequest)
		}
	})
	for _, base := range []string{up.URL, up.URL + "/v1"} {
		d := &Deployment{Provider: "anthropic", UpstreamModel: "*", APIBase: base, APIKey: testKey}
		ids, err := ListModels(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"claude-a", "claude-b", "claude-c"}; !slices.Equal(ids, want) {
			t.Errorf("api_base %s: ids = %q, want %q", base, ids, want)
		}
		got := up.last(t)
		if got.path != "/v1/models" || got.header.Get("X-Api-Key") != testKey ||
			got.header.Get("Anthropic-Version") == "" || got.header.Get("Authorization") != "" {
			t.Errorf("api_base %s: upstream got %s with headers %v", base, got.path, got.header)
		}
	}
}

func TestListModelsFailures(t *testing.T) {
	tests := []struct {
		name   string
		answer http.HandlerFunc
		status int
	}{
		{"error status, the key quoted", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"message":"bad key `+testKey+`","type":"invalid_request_error"}}`, 401)
		}, 401},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>") }, 502},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data":[`+strings.Repeat(" ", maxModelListBytes)+`]}`)
		}, 502},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://example.com/steal", http.StatusFound)
		}, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newTestServer(t, tt.answer)
			d := &Deployment{Provider: "openai", UpstreamModel: "*", APIBase: up.URL, APIKey: testKey}
			ids, err := ListModels(context.Background(), d)
			var ue *UpstreamError
			if !errors.As(err, &ue) || ue.Status != tt.status {
				t.Fatalf("ids %q, err %v; want an upstream error of status %d", ids, err, tt.status)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("the error quotes the upstream key: %v", err)
			}
		})
	}
}

func TestListModelsUnsupported(t *testing.T) {
	mock := "hi"
	for _, d := range []*Deployment{
		{Provider: "azure", UpstreamModel: "dep", APIBase: "https://x.openai.azure.com"},
		{Provider: "text-completion-openai", UpstreamModel: "*"},
		{Provider: "openai", UpstreamModel: "*", MockResponse: &mock},
		{Provider: "nosuch", UpstreamModel: "*"},
	} {
		if _, err := ListModels(context.Background(), d); !errors.Is(err, ErrNoModelList) {
			t.Errorf("%s: err = %v, want ErrNoModelList", d.Provider, err)
		}
	}
	_, err := ListModels(context.Background(), &Deployment{Provider: "hosted_vllm", UpstreamModel: "*"})
	if err == nil || !strings.Contains(err.Error(), "api_base") {
		t.Errorf("hosted_vllm without api_base: err = %v", err)
	}
}
