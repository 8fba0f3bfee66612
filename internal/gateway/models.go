package gateway

import (
	"net/http"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// listModels lists the model names the caller may use. A pattern model
// name such as "openai/*" is listed as it is, as LiteLLM lists it.
//
// TODO(#4): LiteLLM also lists, under a pattern, the known models of its
// provider from its price list; clients that pick from the list see only
// the pattern here.
func (a *API) listModels(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	snap := a.Catalog.Snapshot()
	names := snap.Names()
	buf := make([]byte, 0, 32+len(names)*96)
	buf = append(buf, `{"object":"list","data":[`...)
	first := true
	for _, n := range names {
		if !p.CanUseModel(n) {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, snap.Listing(n)...)
	}
	buf = append(buf, "]}\n"...)
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(buf)
	return err
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
