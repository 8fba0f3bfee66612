package auth

import (
	"maps"
	"slices"
	"strings"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
)

// Special entries of a models list, as LiteLLM names them.
const (
	AllProxyModels  = "all-proxy-models"  // every model of the gateway
	AllTeamModels   = "all-team-models"   // on a key: whatever its team may use
	NoDefaultModels = "no-default-models" // on a user: no model outside a team
	AnyModel        = "*"                 // every model, as all-proxy-models
)

// access is a resolved set of model names.
type access struct {
	all   bool
	names map[string]struct{}
	// patterns are the list's entries with a '*', such as "openai/*": a
	// name one of them matches is allowed, as in LiteLLM. An intersection
	// of lists makes conjunctions: a name is allowed when it matches every
	// pattern of one of them.
	patterns [][]*config.Pattern
	sorted   []string // names, sorted; set by modelAccess
}

func (a access) allows(name string) bool {
	if a.all {
		return true
	}
	if _, ok := a.names[name]; ok {
		return true
	}
	if len(a.patterns) == 0 {
		return false
	}
	// As LiteLLM, "openai/*" also allows "gpt-4o", whose family is
	// OpenAI's; a name of no known family is not taken for anyone's.
	qualified := name
	if provider, _, ok := strings.Cut(name, "/"); !ok || !config.IsKnownProvider(provider) {
		if family, ok := config.FamilyProvider(name); ok {
			qualified = family + "/" + name
		}
	}
	return slices.ContainsFunc(a.patterns, func(conj []*config.Pattern) bool {
		for _, p := range conj {
			if !p.Matches(name) && !p.Matches(qualified) {
				return false
			}
		}
		return true
	})
}

var everything = access{all: true}

// resolve turns a stored models list into a set. An empty list means every
// model; access group names expand to their models; team is what
// all-team-models stands for.
func resolve(list []string, snap *catalog.Snapshot, team access) access {
	if len(list) == 0 {
		return everything
	}
	a := access{names: make(map[string]struct{}, len(list))}
	for _, m := range list {
		switch m {
		case AllProxyModels, AnyModel:
			return everything
		case AllTeamModels:
			if team.all {
				return everything
			}
			for n := range team.names {
				a.names[n] = struct{}{}
			}
			a.patterns = append(a.patterns, team.patterns...)
		case NoDefaultModels:
			// Adds nothing: the list is not empty, so it grants no model.
		default:
			if group := snap.Group(m); group != nil {
				for _, n := range group {
					a.names[n] = struct{}{}
				}
				continue
			}
			if config.IsPattern(m) {
				a.patterns = append(a.patterns, []*config.Pattern{config.CompilePattern(m)})
				continue
			}
			a.names[m] = struct{}{}
		}
	}
	return a
}

// intersect returns the models both a and b allow: the names of each
// that the other allows, and every pattern of one with every pattern of
// the other.
func intersect(a, b access) access {
	switch {
	case a.all:
		return b
	case b.all:
		return a
	}
	out := access{names: make(map[string]struct{})}
	for n := range a.names {
		if b.allows(n) {
			out.names[n] = struct{}{}
		}
	}
	for n := range b.names {
		if a.allows(n) {
			out.names[n] = struct{}{}
		}
	}
	for _, pa := range a.patterns {
		for _, pb := range b.patterns {
			out.patterns = append(out.patterns, slices.Concat(pa, pb))
		}
	}
	return out
}

// modelAccess computes what a key may use: the key's models, intersected
// with its team's and its user's.
func modelAccess(p *Principal, snap *catalog.Snapshot) access {
	team := everything
	if p.Team != nil {
		team = resolve(p.Team.Models, snap, everything)
	}
	a := team
	if p.Key != nil {
		a = intersect(a, resolve(p.Key.Models, snap, team))
	}
	if p.User != nil {
		user := resolve(p.User.Models, snap, team)
		if p.Team != nil && slices.Contains(p.User.Models, NoDefaultModels) {
			// no-default-models keeps a user to their teams' models, so it
			// does not narrow a team key.
			user = everything
		}
		a = intersect(a, user)
	}
	if !a.all {
		a.sorted = slices.Sorted(maps.Keys(a.names))
	}
	return a
}

// CanGrant reports whether every model the list stands for is one the
// caller may use, so a key they create gives no more than they have.
func (p *Principal) CanGrant(list []string, snap *catalog.Snapshot) bool {
	want := resolve(list, snap, p.models)
	if p.models.all {
		return true
	}
	if want.all {
		return false
	}
	for n := range want.names {
		if !p.models.allows(n) {
			return false
		}
	}
	// A pattern is the caller's to grant when their own access takes in
	// its text: "openai/*" covers "openai/gpt-*".
	for _, conj := range want.patterns {
		covered := func(q *config.Pattern) bool { return p.models.allows(q.String()) }
		if !slices.ContainsFunc(conj, covered) {
			return false
		}
	}
	return true
}

// KnownModel reports whether a models-list entry means something: a model
// (one a pattern model name serves included), an access group, one of the
// special names, or a pattern that matches a model name.
func KnownModel(entry string, snap *catalog.Snapshot) bool {
	switch entry {
	case AllProxyModels, AllTeamModels, NoDefaultModels, AnyModel:
		return true
	}
	if snap.Serves(entry) || snap.Group(entry) != nil {
		return true
	}
	if config.IsPattern(entry) {
		p := config.CompilePattern(entry)
		return slices.ContainsFunc(snap.Names(), p.Matches)
	}
	return false
}
