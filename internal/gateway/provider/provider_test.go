package provider

import (
	"strings"
	"testing"
)

func TestFor(t *testing.T) {
	mock := "hi"
	tests := []struct {
		name string
		d    Deployment
		want string // error text; empty for success
	}{
		{"openai default base", Deployment{Provider: "openai", UpstreamModel: "gpt-4o"}, ""},
		{"anthropic", Deployment{Provider: "anthropic", UpstreamModel: "claude"}, ""},
		{"legacy completions", Deployment{Provider: "text-completion-openai", UpstreamModel: "gpt-3.5-turbo-instruct"}, ""},
		{"mock needs nothing", Deployment{Provider: "whatever", MockResponse: &mock}, ""},
		{"unknown provider", Deployment{Provider: "nope", UpstreamModel: "m"}, `unknown provider "nope"`},
		{"no model", Deployment{Provider: "openai"}, "no upstream model"},
		{"self-hosted without base", Deployment{Provider: "hosted_vllm", UpstreamModel: "m"}, "needs api_base"},
		{"azure without base", Deployment{Provider: "azure", UpstreamModel: "m"}, "needs api_base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := For(&tt.d)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("For error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		d    Deployment
		op   Operation
		want string
	}{
		{Deployment{Provider: "openai", UpstreamModel: "m"}, OpChat, "https://api.openai.com/v1/chat/completions"},
		{Deployment{Provider: "text-completion-openai", UpstreamModel: "m"}, OpCompletions, "https://api.openai.com/v1/completions"},
		{Deployment{Provider: "groq", UpstreamModel: "m"}, OpEmbeddings, "https://api.groq.com/openai/v1/embeddings"},
		{Deployment{Provider: "ollama_chat", UpstreamModel: "m"}, OpChat, "http://localhost:11434/v1/chat/completions"},
		{Deployment{Provider: "ollama", UpstreamModel: "m", APIBase: "http://gpu:11434/v1/"}, OpChat, "http://gpu:11434/v1/chat/completions"},
		{Deployment{Provider: "hosted_vllm", UpstreamModel: "m", APIBase: "http://vllm:8000/v1"}, OpCompletions, "http://vllm:8000/v1/completions"},
		{Deployment{Provider: "azure", UpstreamModel: "my gpt", APIBase: "https://r.openai.azure.com/", APIVersion: "2024-10-21"},
			OpChat, "https://r.openai.azure.com/openai/deployments/my%20gpt/chat/completions?api-version=2024-10-21"},
	}
	for _, tt := range tests {
		if got := providers[tt.d.Provider].endpoint(&tt.d, tt.op); got != tt.want {
			t.Errorf("%s %s: endpoint = %s, want %s", tt.d.Provider, tt.op, got, tt.want)
		}
	}
}

func TestMessagesURL(t *testing.T) {
	for base, want := range map[string]string{
		"":                                  "https://api.anthropic.com/v1/messages",
		"https://proxy.example/anthropic/":  "https://proxy.example/anthropic/v1/messages",
		"https://proxy.example/v1":          "https://proxy.example/v1/messages",
		"https://proxy.example/v1/messages": "https://proxy.example/v1/messages",
	} {
		d := Deployment{Provider: "anthropic", UpstreamModel: "c", APIBase: base}
		if got := providers["anthropic"].messagesURL(&d); got != want {
			t.Errorf("messagesURL(%q) = %s, want %s", base, got, want)
		}
	}
}
