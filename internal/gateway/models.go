package gateway

import (
	"net/http"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
)

func (a *API) listModels(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	snap := a.Catalog.Snapshot()
	names := p.Models(snap.Names())
	list := apitype.ModelList{Object: "list", Data: make([]apitype.Model, 0, len(names))}
	for _, n := range names {
		first := snap.Deployments(n)[0]
		list.Data = append(list.Data, apitype.Model{
			ID: n, Object: "model", Created: first.Created.Unix(), OwnedBy: ownedBy(first)})
	}
	return httpapi.WriteJSON(w, http.StatusOK, list)
}

// ownedBy names the provider of a deployment, as OpenAI's owned_by.
func ownedBy(e *catalog.Entry) string {
	if e.Params.Provider == "" {
		return "openai"
	}
	return e.Params.Provider
}

func (a *API) modelInfo(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	out := apitype.DeploymentList{Data: []apitype.Deployment{}}
	for _, e := range a.Catalog.Snapshot().Entries() {
		if p.CanUseModel(e.ModelName) {
			out.Data = append(out.Data, catalog.Describe(e))
		}
	}
	return httpapi.WriteJSON(w, http.StatusOK, out)
}
