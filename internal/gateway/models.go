package gateway

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// listModels lists the model names the caller may use and, in place of a
// pattern model name such as "openai/*", the known models it serves, as
// LiteLLM does (see modelList), along with the names the caller's access
// lists that only a pattern serves ("openai/my-finetune"). Patterns
// themselves are not names a client can ask for, so, as in LiteLLM, they
// are listed only with ?return_wildcard_routes=true.
func (a *API) listModels(w http.ResponseWriter, r *http.Request) error {
	var patterns bool
	if r.URL.RawQuery != "" {
		patterns, _ = strconv.ParseBool(r.URL.Query().Get("return_wildcard_routes"))
	}
	p := auth.FromContext(r.Context())
	list := a.models(r.Context())
	extra := a.patternServed(list, p.NamedModels())
	buf := make([]byte, 0, 32+(len(list.entries)+len(extra))*96)
	buf = append(buf, `{"object":"list","data":[`...)
	first := true
	add := func(json []byte) {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, json...)
	}
	for _, e := range list.entries {
		for len(extra) > 0 && extra[0].name < e.name {
			add(extra[0].json)
			extra = extra[1:]
		}
		if e.pattern && !patterns || !p.CanUseModel(e.name) {
			continue
		}
		add(e.json)
	}
	for _, e := range extra {
		add(e.json)
	}
	buf = append(buf, "]}\n"...)
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(buf)
	return err
}

// getModel answers GET /v1/models/{model}: the entry that GET /v1/models
// lists for the model, or a 404 when the caller's list has none, whether
// the model does not exist or is not theirs.
func (a *API) getModel(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("model")
	p := auth.FromContext(r.Context())
	list := a.models(r.Context())
	i, found := list.find(name)
	var entry []byte
	switch {
	case found && !list.entries[i].pattern && p.CanUseModel(name):
		entry = list.entries[i].json
	case !found:
		if _, named := slices.BinarySearch(p.NamedModels(), name); named {
			if extra := a.patternServed(list, []string{name}); len(extra) == 1 {
				entry = extra[0].json
			}
		}
	}
	if entry == nil {
		return notFound(name)
	}
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(append(entry[:len(entry):len(entry)], '\n')) // entry is shared
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
