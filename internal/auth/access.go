package auth

import (
	"slices"

	"github.com/litellm-go/gateway/internal/catalog"
)

// Special entries of a models list, as LiteLLM names them.
const (
	AllProxyModels  = "all-proxy-models"  // every model of the gateway
	AllTeamModels   = "all-team-models"   // on a key: whatever its team may use
	NoDefaultModels = "no-default-models" // on a user: no model outside a team
)

// access is a resolved set of model names.
type access struct {
	all   bool
	names map[string]struct{}
}

func (a access) allows(name string) bool {
	if a.all {
		return true
	}
	_, ok := a.names[name]
	return ok
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
		case AllProxyModels:
			return everything
		case AllTeamModels:
			if team.all {
				return everything
			}
			for n := range team.names {
				a.names[n] = struct{}{}
			}
		case NoDefaultModels:
			// Adds nothing: the list is not empty, so it grants no model.
		default:
			if group := snap.Group(m); group != nil {
				for _, n := range group {
					a.names[n] = struct{}{}
				}
				continue
			}
			a.names[m] = struct{}{}
		}
	}
	return a
}

// intersect returns the models both a and b allow.
func intersect(a, b access) access {
	switch {
	case a.all:
		return b
	case b.all:
		return a
	}
	out := access{names: make(map[string]struct{})}
	for n := range a.names {
		if _, ok := b.names[n]; ok {
			out.names[n] = struct{}{}
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
	return true
}

// KnownModel reports whether a models-list entry means something: a model,
// an access group or one of the special names.
func KnownModel(entry string, snap *catalog.Snapshot) bool {
	switch entry {
	case AllProxyModels, AllTeamModels, NoDefaultModels:
		return true
	}
	return snap.Has(entry) || snap.Group(entry) != nil
}
