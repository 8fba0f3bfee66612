// Package provider sends the gateway's OpenAI-format requests to upstream
// deployments and hands back answers in OpenAI format, ready to copy to the
// client.
//
// There is one Adapter per upstream wire format. OpenAI-compatible
// upstreams (OpenAI itself, Azure OpenAI, vLLM, Ollama, Groq, ...) get the
// client's body nearly byte for byte, only its "model" replaced, and their
// answers pass through unchanged; event streams are copied event by event,
// never buffered whole. Anthropic is translated both ways, and so are chat
// requests to deployments of OpenAI's legacy completions API. A deployment
// with a mock response answers without any upstream.
//
// Every failure of an attempt is an *UpstreamError that says whether
// another attempt may succeed, or an error wrapping context.Canceled when
// the caller gave up.
package provider

import (
	"context"
	"fmt"
	"net/http"
)

// Operation is the OpenAI endpoint a request was made to.
type Operation string

// Operations, by the client-facing path they serve.
const (
	OpChat        Operation = "chat"        // /v1/chat/completions
	OpCompletions Operation = "completions" // /v1/completions
	OpEmbeddings  Operation = "embeddings"  // /v1/embeddings
	OpResponses   Operation = "responses"   // /v1/responses
	// OpMessages is Anthropic's /v1/messages, passed through natively to
	// anthropic deployments only; other adapters answer it as unsupported.
	OpMessages Operation = "messages"
)

// path returns the endpoint of o under an OpenAI-style api_base.
func (o Operation) path() string {
	switch o {
	case OpChat:
		return "/chat/completions"
	case OpCompletions:
		return "/completions"
	case OpEmbeddings:
		return "/embeddings"
	case OpResponses:
		return "/responses"
	}
	return ""
}

// Deployment is what an adapter needs to reach one upstream: a resolved
// litellm_params entry of config.yaml.
type Deployment struct {
	Provider      string // "openai", "azure", "anthropic", "hosted_vllm", ...
	UpstreamModel string // model name sent upstream; for azure, the deployment name
	// APIBase is the upstream's base URL. Empty means the provider's
	// public endpoint; self-hosted providers have none and need one.
	APIBase string
	// APIKey authenticates to the upstream; empty sends no credential. It
	// is never logged, never returned to a client, never in an error.
	APIKey     string
	APIVersion string // azure api-version; empty means DefaultAzureAPIVersion
	// MockResponse, when set, is the answer given without any upstream,
	// whatever the provider (LiteLLM's mock_response).
	MockResponse *string
}

// Request is one attempt at a client request.
type Request struct {
	Op     Operation
	Body   []byte // the client's JSON body, not modified
	Stream bool   // the body asks for an event stream ("stream": true)
	// Header holds client headers to pass upstream, none by default. The
	// adapter's own authentication and content headers win over them.
	Header http.Header
}

// Adapter sends requests to the deployments of one wire format. It is
// safe for concurrent use.
type Adapter interface {
	// Do sends r to d. Cancelling ctx cancels the upstream request, also
	// while a returned stream is being copied; its deadline bounds the
	// whole attempt. On success the caller must Close the Response.
	Do(ctx context.Context, d *Deployment, r *Request) (*Response, error)
}

// For returns the adapter that serves d, after checking that d is
// complete enough to be served: a known provider, an upstream model, and
// an api_base where the provider has no public one. Call it once per
// deployment when the config is loaded.
func For(d *Deployment) (Adapter, error) {
	if d.MockResponse != nil {
		return newMock(), nil
	}
	s, ok := providers[d.Provider]
	if !ok {
		return nil, fmt.Errorf("unknown provider %q", d.Provider)
	}
	if d.UpstreamModel == "" {
		return nil, fmt.Errorf("provider %s: no upstream model", d.Provider)
	}
	if s.base == "" && d.APIBase == "" {
		return nil, fmt.Errorf("provider %s needs api_base", d.Provider)
	}
	c := client{rt: sharedTransport, now: timeNow}
	switch s.kind {
	case kindAnthropic:
		return &anthropicAdapter{client: c, spec: s}, nil
	case kindTextCompletion:
		return &textCompletionAdapter{openAI{client: c, spec: s}}, nil
	}
	return &openAI{client: c, spec: s}, nil
}
