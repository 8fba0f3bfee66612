// Package gateway serves the OpenAI-compatible API. Errors use OpenAI's
// envelope, {"error": {"message", "type", "code"}}.
//
// Routes:
//
//	GET /v1/models, GET /models             the models the caller may use
//	GET /v1/model/info, GET /model/info     their deployments, without secrets
package gateway

import (
	"log/slog"
	"net/http"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// API is the OpenAI-compatible API.
type API struct {
	Auth    *auth.Authenticator
	Catalog *catalog.Catalog
	Log     *slog.Logger
}

// Register mounts the routes on mux.
func (a *API) Register(mux *http.ServeMux) {
	routes := map[string]httpapi.HandlerFunc{
		"GET /v1/models":     a.listModels,
		"GET /models":        a.listModels,
		"GET /v1/model/info": a.modelInfo,
		"GET /model/info":    a.modelInfo,
	}
	for pattern, h := range routes {
		mux.Handle(pattern, httpapi.OpenAI(a.Log, a.Auth.Wrap(h)))
	}
}
