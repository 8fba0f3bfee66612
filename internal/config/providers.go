package config

import (
	"slices"
	"strings"
)

// OpenAICompatibleProviders are the provider prefixes whose upstream speaks
// OpenAI's HTTP API at api_base (or at the provider's public endpoint), so
// one adapter serves them all. The names are LiteLLM's. "openai" with an
// api_base is the generic choice for any OpenAI-compatible server.
// text-completion-openai speaks the legacy /v1/completions API. ollama and
// ollama_chat name Ollama, whose OpenAI-compatible API lives under /v1 of
// the api_base that LiteLLM configs give.
var OpenAICompatibleProviders = []string{
	"openai",
	"custom_openai",
	"text-completion-openai",
	"hosted_vllm",
	"ollama",
	"ollama_chat",
	"lm_studio",
	"litellm_proxy",
	"groq",
	"deepseek",
	"mistral",
	"together_ai",
	"fireworks_ai",
	"openrouter",
	"xai",
	"perplexity",
	"deepinfra",
}

// nativeProviders have wire formats of their own.
var nativeProviders = []string{"anthropic", "azure"}

// IsOpenAICompatible reports whether provider is one of
// OpenAICompatibleProviders.
func IsOpenAICompatible(provider string) bool {
	return slices.Contains(OpenAICompatibleProviders, provider)
}

// KnownProviders returns, sorted, every provider prefix a deployment may
// use.
func KnownProviders() []string {
	all := slices.Concat(OpenAICompatibleProviders, nativeProviders)
	slices.Sort(all)
	return all
}

// IsKnownProvider reports whether provider is one of KnownProviders.
func IsKnownProvider(provider string) bool {
	return IsOpenAICompatible(provider) || slices.Contains(nativeProviders, provider)
}

// splitModel splits "provider/upstream" at the first '/'. With an explicit
// provider (custom_llm_provider), model is the upstream name, minus a
// "provider/" prefix if it repeats it, as LiteLLM does.
func splitModel(model, explicit string) (provider, upstream string, ok bool) {
	if explicit != "" {
		return explicit, strings.TrimPrefix(model, explicit+"/"), true
	}
	return strings.Cut(model, "/")
}
