package provider

import (
	"cmp"
	"net/url"
	"strings"
)

// DefaultAzureAPIVersion is the api-version sent to Azure OpenAI when the
// deployment sets none, LiteLLM's default.
const DefaultAzureAPIVersion = "2025-02-01-preview"

type kind int

const (
	kindOpenAI kind = iota
	kindAzure
	kindAnthropic
	kindTextCompletion // OpenAI's legacy /v1/completions only
)

// spec is how one provider name is reached.
type spec struct {
	kind kind
	base string // default api_base; empty when the deployment must give one
	// prefix is appended to an api_base that does not already end with
	// it: Ollama serves its OpenAI-compatible API under /v1 of the address
	// LiteLLM configs give for its native API.
	prefix string
	// streamUsage marks upstreams that accept stream_options.include_usage,
	// or ignore unknown fields. Strict ones (Mistral, ...) reject the field,
	// so the gateway only counts the usage they send unasked.
	streamUsage bool
}

// providers maps LiteLLM provider names (the prefix of "model:
// provider/name" in config.yaml) to how they are reached.
var providers = map[string]spec{
	"openai":        {base: "https://api.openai.com/v1", streamUsage: true},
	"azure":         {kind: kindAzure, streamUsage: true},
	"anthropic":     {kind: kindAnthropic, base: "https://api.anthropic.com"},
	"hosted_vllm":   {streamUsage: true},
	"ollama":        {base: "http://localhost:11434", prefix: "/v1", streamUsage: true},
	"ollama_chat":   {base: "http://localhost:11434", prefix: "/v1", streamUsage: true},
	"lm_studio":     {},
	"litellm_proxy": {streamUsage: true},
	"openai_like":   {},
	"custom_openai": {},
	"groq":          {base: "https://api.groq.com/openai/v1", streamUsage: true},
	"deepseek":      {base: "https://api.deepseek.com", streamUsage: true},
	"mistral":       {base: "https://api.mistral.ai/v1"},
	"together_ai":   {base: "https://api.together.xyz/v1"},
	"fireworks_ai":  {base: "https://api.fireworks.ai/inference/v1"},
	"openrouter":    {base: "https://openrouter.ai/api/v1"},
	"xai":           {base: "https://api.x.ai/v1", streamUsage: true},
	"perplexity":    {base: "https://api.perplexity.ai"},
	"deepinfra":     {base: "https://api.deepinfra.com/v1/openai", streamUsage: true},
	"cerebras":      {base: "https://api.cerebras.ai/v1"},
	"nvidia_nim":    {base: "https://integrate.api.nvidia.com/v1"},
	"sambanova":     {base: "https://api.sambanova.ai/v1"},

	"text-completion-openai": {kind: kindTextCompletion, base: "https://api.openai.com/v1",
		streamUsage: true},
}

func (s spec) baseURL(d *Deployment) string {
	base := strings.TrimRight(cmp.Or(d.APIBase, s.base), "/")
	if s.prefix != "" && !strings.HasSuffix(base, s.prefix) {
		base += s.prefix
	}
	return base
}

// endpoint returns the URL an OpenAI-format request for op goes to.
func (s spec) endpoint(d *Deployment, op Operation) string {
	if s.kind != kindAzure {
		return s.baseURL(d) + op.path()
	}
	v := "?api-version=" + url.QueryEscape(cmp.Or(d.APIVersion, DefaultAzureAPIVersion))
	if op == OpResponses {
		// The Responses API is not per deployment: the model is in the body.
		return s.baseURL(d) + "/openai/responses" + v
	}
	return s.baseURL(d) + "/openai/deployments/" + url.PathEscape(d.UpstreamModel) + op.path() + v
}

// messagesURL returns the Anthropic Messages endpoint, accepting an
// api_base given with or without its /v1 or /v1/messages suffix.
func (s spec) messagesURL(d *Deployment) string {
	base := s.baseURL(d)
	switch {
	case strings.HasSuffix(base, "/v1/messages"):
		return base
	case strings.HasSuffix(base, "/v1"):
		return base + "/messages"
	}
	return base + "/v1/messages"
}

// acceptsStreamUsage reports whether stream_options may be added to a
// request for d. Azure rejects the field before api-version 2024-09-01;
// versions are dates, so they compare as strings.
func (s spec) acceptsStreamUsage(d *Deployment) bool {
	if s.kind == kindAzure {
		return cmp.Or(d.APIVersion, DefaultAzureAPIVersion) >= "2024-09-01"
	}
	return s.streamUsage
}
