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

// perRequestProvider reports whether the provider of litellm_params.model
// comes from the request: the model has a '*' and no fixed provider
// prefix, such as "*" or "claude-*". Its deployment then serves each
// request at the provider InferProvider finds in the model filled in.
func perRequestProvider(model, explicit string) bool {
	if explicit != "" {
		return false
	}
	provider, _, ok := strings.Cut(model, "/")
	return strings.Contains(provider, "*") || !ok && strings.Contains(model, "*")
}

// modelFamilies are model name prefixes that name their provider,
// checked in order. LiteLLM's get_llm_provider knows every model of its
// price list; these are the families of OpenAI's and Anthropic's.
var modelFamilies = []struct{ prefix, provider string }{
	{"claude", "anthropic"},
	{"gpt-", "openai"},
	{"chatgpt-", "openai"},
	{"o1", "openai"},
	{"o3", "openai"},
	{"o4", "openai"},
	{"text-embedding-", "openai"},
	{"omni-moderation-", "openai"},
	{"dall-e-", "openai"},
	{"whisper-", "openai"},
	{"tts-", "openai"},
}

// FamilyProvider returns the provider whose model family a model name
// without a provider prefix belongs to, such as "anthropic" for
// "claude-3-5-haiku", and false for a name of no known family.
func FamilyProvider(model string) (string, bool) {
	lower := strings.ToLower(model)
	for _, f := range modelFamilies {
		if strings.HasPrefix(lower, f.prefix) {
			return f.provider, true
		}
	}
	return "", false
}

// InferProvider splits a model that a pattern filled in for one request
// into provider and upstream model: at a known provider prefix
// ("anthropic/claude-3-5-haiku"), else by the model's family (see
// FamilyProvider), else to "openai", whose API every OpenAI-compatible
// upstream speaks; with an api_base, that is any such server.
func InferProvider(model string) (provider, upstream string) {
	if p, rest, ok := strings.Cut(model, "/"); ok && IsKnownProvider(p) {
		return p, rest
	}
	if p, ok := FamilyProvider(model); ok {
		return p, model
	}
	return "openai", model
}
