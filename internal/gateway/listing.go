package gateway

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/spend"
)

// modelList is what GET /v1/models may list for one catalog snapshot,
// sorted by name, each name once: the model names, and under each pattern
// model name the known models (spend.KnownModels) that a request reaches
// through the pattern's deployments. It is built once per snapshot, so a
// request only filters it by the caller's access.
//
// It lives here rather than in the catalog because it takes the router's
// view of a name (aliases, the most specific pattern, how a deployment
// fills in its model) and the price list, which the catalog does not
// import: the spend package depends on the catalog through auth.
type modelList struct {
	snap    *catalog.Snapshot
	version uint64 // of the upstreams' model lists it was built with
	entries []listEntry
}

// find returns the index of name's entry in l, and whether l has one.
func (l *modelList) find(name string) (int, bool) {
	return slices.BinarySearchFunc(l.entries, name, func(e listEntry, n string) int {
		return strings.Compare(e.name, n)
	})
}

// listEntry is one model of a modelList.
type listEntry struct {
	name    string
	json    []byte // its object in the list, in OpenAI's shape; shared
	pattern bool   // a pattern model name, listed only on request
}

// models returns the model list of the current catalog snapshot and, with
// check_provider_endpoint, of the upstreams' model lists. Requests that
// race on a new snapshot may each build its list; one built for an older
// snapshot that is stored last is built again by the next request.
func (a *API) models(ctx context.Context) *modelList {
	snap := a.Catalog.Snapshot()
	var version uint64
	if a.discovery != nil {
		a.discovery.refresh(ctx, snap)
		version = a.discovery.version.Load()
	}
	if l := a.list.Load(); l != nil && l.snap == snap && l.version == version {
		return l
	}
	l := a.buildModelList(snap)
	l.version = version
	a.list.Store(l)
	return l
}

func (a *API) buildModelList(snap *catalog.Snapshot) *modelList {
	names := snap.Names()
	l := &modelList{snap: snap, entries: make([]listEntry, 0, len(names))}
	known := spend.KnownModels()
	for _, name := range names {
		e := listEntry{name: name, json: snap.Listing(name), pattern: config.IsPattern(name)}
		l.entries = append(l.entries, e)
		if e.pattern {
			l.entries = append(l.entries, a.expandPattern(snap, name, known)...)
		}
	}
	// Expansions list a name only under the pattern that serves it and
	// never a model name, so each name is here once.
	slices.SortFunc(l.entries, func(x, y listEntry) int { return strings.Compare(x.name, y.name) })
	return l
}

// expandPattern returns the models a pattern model name serves: those
// its deployments' upstreams listed, when check_provider_endpoint read
// any, else the known models.
func (a *API) expandPattern(snap *catalog.Snapshot, pattern string, known []string) []listEntry {
	if a.discovery == nil {
		return a.expand(snap, pattern, known)
	}
	var out []listEntry
	read := false
	seen := map[string]bool{}
	for _, e := range snap.Deployments(pattern) {
		ids := a.discovery.models(e)
		if ids == nil {
			continue
		}
		read = true
		for _, entry := range a.expandListed(snap, pattern, e, ids) {
			if !seen[entry.name] {
				seen[entry.name] = true
				out = append(out, entry)
			}
		}
	}
	if !read {
		return a.expand(snap, pattern, known)
	}
	return out
}

// expandListed returns the models of ids, which the upstream of e (a
// deployment of pattern) listed, named in the pattern's namespace, as
// expand names known models. A name is listed when a request for it
// reaches the pattern, and e sends it upstream as that model.
func (a *API) expandListed(snap *catalog.Snapshot, pattern string, e *catalog.Entry,
	ids []string) []listEntry {
	var out []listEntry
	ns := namespace(pattern)
	for _, id := range ids {
		name := ns + id
		if served, ok := a.servedBy(snap, name); !ok || served != pattern {
			continue
		}
		sent := false
		a.Router.EachDeployment(name, func(d *catalog.Entry, filled string) bool {
			provider, upstream := upstreamOf(d, filled)
			sent = d == e && provider == e.Params.Provider && upstream == id
			return !sent
		})
		if sent {
			out = append(out, listEntry{name: name, json: modelJSON(name, e, e.Params.Provider)})
		}
	}
	return out
}

// expand returns the known models that a pattern model name serves, each
// named in the pattern's namespace ("openai/*" lists "openai/gpt-4o", "*"
// and "gpt-*" list "gpt-4o"), as LiteLLM lists them. A name is listed only
// when a request for it goes to the pattern's deployments, not to a model
// name, an alias or a more specific pattern, and when one of them sends it
// upstream as that model, to the model's own provider: "anthropic/*" does
// not list "anthropic/gpt-4o".
func (a *API) expand(snap *catalog.Snapshot, pattern string, known []string) []listEntry {
	var out []listEntry
	ns := namespace(pattern)
	deps := snap.Deployments(pattern)
	for _, model := range known {
		name := ns + model
		if served, ok := a.servedBy(snap, name); !ok || served != pattern {
			continue
		}
		owner, ok := a.sendsAs(name, model)
		if !ok {
			continue
		}
		out = append(out, listEntry{name: name, json: modelJSON(name, deps[0], owner)})
	}
	return out
}

// patternServed returns, in order, the entries of the names, sorted, that
// l does not list but a pattern model name serves, as requests for them
// reach it: a caller's own names, such as "openai/my-finetune" on a key
// when the gateway has "openai/*".
func (a *API) patternServed(l *modelList, names []string) []listEntry {
	var out []listEntry
	for _, name := range names {
		if l.snap.Has(name) {
			continue // a model name: l lists it
		}
		if _, listed := l.find(name); listed {
			continue
		}
		pattern, ok := a.servedBy(l.snap, name)
		if !ok {
			continue
		}
		first := l.snap.Deployments(pattern)[0]
		owner := first.Params.Provider
		if owner == "" {
			owner, _ = config.InferProvider(name)
		}
		out = append(out, listEntry{name: name, json: modelJSON(name, first, owner)})
	}
	return out
}

// servedBy returns the pattern model name that a request for name goes
// to, and false when it goes to none: name is a model name, or no pattern
// matches it, or model_group_alias sends it elsewhere.
func (a *API) servedBy(snap *catalog.Snapshot, name string) (string, bool) {
	if snap.Has(name) {
		return "", false
	}
	pattern, _, ok := snap.Match(name)
	if !ok {
		return "", false
	}
	if group, ok := a.Router.Resolve(name); !ok || group != name {
		return "", false
	}
	return pattern, true
}

// namespace returns what a pattern's names start with: its text up to the
// last '/' before its first '*'.
func namespace(pattern string) string {
	lit, _, _ := strings.Cut(pattern, "*")
	return lit[:strings.LastIndexByte(lit, '/')+1]
}

// sendsAs returns the provider of a known model and whether one of the
// deployments that serve name sends a request for name to that provider
// as that model.
func (a *API) sendsAs(name, model string) (string, bool) {
	want, ok := config.FamilyProvider(model)
	if !ok {
		return "", false
	}
	found := false
	a.Router.EachDeployment(name, func(e *catalog.Entry, filled string) bool {
		provider, upstream := upstreamOf(e, filled)
		found = provider == want && upstream == model
		return !found
	})
	return want, found
}

// upstreamOf returns the provider and the upstream model that deployment
// e sends a request to when its litellm_params.model, a pattern's '*'s
// filled in, is model. As in the router, a deployment without a provider
// (model "*") takes the one the model names.
func upstreamOf(e *catalog.Entry, model string) (provider, upstream string) {
	if p := e.Params.Provider; p != "" {
		return p, strings.TrimPrefix(model, p+"/")
	}
	return config.InferProvider(model)
}

// modelJSON encodes the entry of an expanded name, created with the
// pattern's first deployment and owned by the model's provider.
func modelJSON(name string, first *catalog.Entry, owner string) []byte {
	m := apitype.Model{ID: name, Object: "model", Created: first.Created.Unix(), OwnedBy: owner}
	b, err := json.Marshal(m)
	if err != nil {
		panic("gateway: encode model entry: " + err.Error()) // strings and ints always encode
	}
	return b
}
