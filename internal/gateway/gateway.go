// Package gateway serves the OpenAI-compatible API and Anthropic's
// Messages API. Errors use OpenAI's envelope, {"error": {"message",
// "type", "code"}}, and Anthropic's {"type": "error", "error": {"type",
// "message"}} on /v1/messages.
//
// Routes:
//
//	GET /v1/models, GET /models             the models the caller may use;
//	                                        ?return_wildcard_routes=true adds patterns
//	GET /v1/models/{model}, /models/{model} one of them
//	GET /v1/model/info, GET /model/info     their deployments, without secrets
//	POST /v1/chat/completions, /chat/completions,
//	     /openai/deployments/{model}/chat/completions
//	POST /v1/completions, /completions
//	POST /v1/embeddings, /embeddings
//	POST /v1/responses, /responses
//	POST /v1/messages                       Anthropic's Messages API
//	POST /v1/messages/count_tokens          its token count
//
// A model request is read once; only its "model" and "stream" members are
// looked at before it is sent on (with its model replaced) through the
// router, which picks the deployment, retries and falls back. Answers are
// copied to the client as they come, event by event for streams.
package gateway

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// API is the OpenAI-compatible API. Auth, Catalog and Log are required;
// the other fields may be nil.
type API struct {
	Auth    *auth.Authenticator
	Catalog *catalog.Catalog
	Log     *slog.Logger

	// Router sends model requests to deployments. Nil means a router
	// over Catalog with LiteLLM's default settings (router.DefaultSettings).
	Router *router.Router
	// Limiter admits model requests under the caller's rate limits and
	// budgets; nil admits every request.
	Limiter Limiter
	// Spend keeps a record of every model request; nil keeps none.
	Spend SpendRecorder
	// Now tells the time of admissions and spend records; time.Now when
	// nil.
	Now func() time.Time
	// CheckProviderEndpoint lists under each pattern model name the models
	// its upstreams list (litellm_settings.check_provider_endpoint).
	CheckProviderEndpoint bool

	list      atomic.Pointer[modelList] // GET /v1/models of the last snapshot
	discovery *discovery                // nil without CheckProviderEndpoint
}

// Register mounts the routes on mux.
func (a *API) Register(mux *http.ServeMux) {
	if a.Router == nil {
		a.Router = router.New(a.Catalog, router.DefaultSettings(), router.Options{Log: a.Log})
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.CheckProviderEndpoint {
		a.discovery = newDiscovery(a.Now, a.Log)
	}
	routes := map[string]httpapi.HandlerFunc{
		"GET /v1/models":            a.listModels,
		"GET /models":               a.listModels,
		"GET /v1/models/{model...}": a.getModel,
		"GET /models/{model...}":    a.getModel,
		"GET /v1/model/info":        a.modelInfo,
		"GET /model/info":           a.modelInfo,

		"POST /v1/chat/completions":                         a.openAI(provider.OpChat),
		"POST /chat/completions":                            a.openAI(provider.OpChat),
		"POST /openai/deployments/{model}/chat/completions": a.openAI(provider.OpChat),
		"POST /v1/completions":                              a.openAI(provider.OpCompletions),
		"POST /completions":                                 a.openAI(provider.OpCompletions),
		"POST /v1/embeddings":                               a.openAI(provider.OpEmbeddings),
		"POST /embeddings":                                  a.openAI(provider.OpEmbeddings),
		"POST /v1/responses":                                a.openAI(provider.OpResponses),
		"POST /responses":                                   a.openAI(provider.OpResponses),
	}
	for pattern, h := range routes {
		mux.Handle(pattern, httpapi.OpenAI(a.Log, a.Auth.Wrap(h)))
	}
	mux.Handle("POST /v1/messages", anthropicErrors(a.Log, a.Auth.Wrap(a.messages)))
	mux.Handle("POST /v1/messages/count_tokens", anthropicErrors(a.Log, a.Auth.Wrap(a.countTokens)))
}
