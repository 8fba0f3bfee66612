package router

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// route is a model group ready to be served: the deployments of the
// model_name that serves it and, when that is a pattern, what the
// pattern's '*'s matched in the group's name.
type route struct {
	group   string // as Resolve returned it
	serving string // the model_name: group itself, or a pattern
	nodes   []*node
	matched []string
}

// route returns the route of a group in the current catalog. A group
// that no model_name serves has no deployments.
func (r *Router) route(group string) route {
	t := r.current()
	if nodes, ok := t.groups[group]; ok {
		return route{group: group, serving: group, nodes: nodes}
	}
	pattern, matched, _ := t.snap.Match(group)
	return route{group: group, serving: pattern, nodes: t.groups[pattern], matched: matched}
}

// target returns what a request of rt is sent to on n: the deployment,
// its adapter and its litellm_params.model. That is n's own, shared,
// except for a pattern's deployment, which gets a copy with the '*'s of
// its model filled in, and for one whose provider the request names, the
// adapter of that provider. Only those allocate.
func (n *node) target(rt *route) (*provider.Deployment, provider.Adapter, string, error) {
	p := &n.entry.Params
	if !n.expand {
		return &n.dep, n.adapter, p.Model, nil
	}
	model := config.ExpandModel(p.Model, rt.matched, rt.group)
	d := n.dep
	adapter := n.adapter
	if n.perRequest {
		d.Provider, d.UpstreamModel = config.InferProvider(model)
		var err error
		if adapter, err = provider.For(&d); err != nil {
			return nil, nil, "", unroutable(rt.group, err.Error())
		}
	} else {
		d.UpstreamModel = strings.TrimPrefix(model, p.Provider+"/")
	}
	if d.UpstreamModel == "" {
		return nil, nil, "", unroutable(rt.group, "it names no upstream model")
	}
	return &d, adapter, model, nil
}

// unroutable is the error for a name a pattern matched that its
// deployment cannot serve, such as a provider that needs an api_base the
// deployment lacks. It is the client's choice of name that failed, so
// the error is theirs and nothing is retried.
func unroutable(group, why string) error {
	return &provider.UpstreamError{Provider: "router", Status: http.StatusBadRequest,
		Type: "invalid_request_error", Code: "400",
		Message: fmt.Sprintf("model %s cannot be served: %s", group, why)}
}

// EachDeployment calls yield with every deployment of a group, as Resolve
// returned it, and the litellm_params.model a request of the group uses
// there, a pattern's '*'s filled in, until yield returns false. The
// deployments cooling down after failures come last, so that a caller
// that wants one deployment to ask can take the first that suits it.
func (r *Router) EachDeployment(group string, yield func(e *catalog.Entry, model string) bool) {
	rt := r.route(group)
	now := r.now()
	for _, pass := range [...]bool{false, true} {
		for _, n := range rt.nodes {
			if n.h.coolingAt(now) != pass {
				continue
			}
			model := n.entry.Params.Model
			if n.expand {
				model = config.ExpandModel(model, rt.matched, group)
			}
			if !yield(n.entry, model) {
				return
			}
		}
	}
}
