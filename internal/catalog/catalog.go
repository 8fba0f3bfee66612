// Package catalog is the set of model deployments the gateway serves: the
// ones from the config file merged with the ones added at run time through
// /model/new. Readers take an immutable Snapshot without locking; a change
// builds a new snapshot and swaps it in.
package catalog

import (
	"encoding/json"
	"slices"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/config"
)

// Entry is one deployment of a model.
type Entry struct {
	config.Deployment
	Stored  bool      // added at run time, kept in the store
	Created time.Time // when it joined the catalog
}

// Snapshot is the catalog at one moment. It must not be modified.
type Snapshot struct {
	entries []*Entry
	names   []string            // public model names, sorted, unique
	byName  map[string][]*Entry // model name -> its deployments
	groups  map[string][]string // access group -> model names, sorted
	listing map[string][]byte   // model name -> its /v1/models entry as JSON
	// patterns are the model names with a '*' (see config.IsPattern),
	// most specific first, in name order among equals.
	patterns []*config.Pattern
}

// Catalog holds the current snapshot.
type Catalog struct {
	static  []*Entry
	current atomic.Pointer[Snapshot]
}

// New returns a catalog of the config's deployments, created at started.
func New(deployments []config.Deployment, started time.Time) *Catalog {
	c := &Catalog{}
	for _, d := range deployments {
		c.static = append(c.static, &Entry{Deployment: d, Created: started})
	}
	c.SetStored(nil)
	return c
}

// Snapshot returns the current snapshot.
func (c *Catalog) Snapshot() *Snapshot { return c.current.Load() }

// SetStored replaces the deployments added at run time.
func (c *Catalog) SetStored(stored []*Entry) {
	all := make([]*Entry, 0, len(c.static)+len(stored))
	all = append(all, c.static...)
	all = append(all, stored...)
	c.current.Store(build(all))
}

func build(entries []*Entry) *Snapshot {
	s := &Snapshot{
		entries: entries,
		byName:  make(map[string][]*Entry),
		groups:  make(map[string][]string),
		listing: make(map[string][]byte),
	}
	for _, e := range entries {
		name := e.ModelName
		if _, seen := s.byName[name]; !seen {
			s.names = append(s.names, name)
		}
		s.byName[name] = append(s.byName[name], e)
		for _, g := range e.Info.AccessGroups {
			if !slices.Contains(s.groups[g], name) {
				s.groups[g] = append(s.groups[g], name)
			}
		}
	}
	slices.Sort(s.names)
	for _, name := range s.names {
		if config.IsPattern(name) {
			s.patterns = append(s.patterns, config.CompilePattern(name))
		}
	}
	slices.SortStableFunc(s.patterns, func(p, q *config.Pattern) int {
		switch {
		case p.MoreSpecific(q):
			return -1
		case q.MoreSpecific(p):
			return 1
		}
		return 0
	})
	for _, names := range s.groups {
		slices.Sort(names)
	}
	for name, deps := range s.byName {
		s.listing[name] = listingJSON(name, deps[0])
	}
	return s
}

// listingJSON encodes a model's entry of GET /v1/models. Encoding once per
// snapshot keeps the listing route to a few appends per model.
func listingJSON(name string, first *Entry) []byte {
	owner := first.Params.Provider
	if owner == "" {
		owner = "openai"
	}
	b, err := json.Marshal(apitype.Model{ID: name, Object: "model", Created: first.Created.Unix(), OwnedBy: owner})
	if err != nil {
		panic("catalog: encode model entry: " + err.Error()) // strings and ints always encode
	}
	return b
}

// Names returns the public model names, sorted. The slice is shared.
func (s *Snapshot) Names() []string { return s.names }

// Has reports whether name is a model of the catalog.
func (s *Snapshot) Has(name string) bool {
	_, ok := s.byName[name]
	return ok
}

// Match returns the pattern model name that serves name, the most
// specific of those that match it, with what its '*'s matched; false when
// none does. Whether a model name or an alias names name exactly is for
// the caller to check first: those win over patterns.
func (s *Snapshot) Match(name string) (pattern string, matched []string, ok bool) {
	for _, p := range s.patterns {
		if m, ok := p.Match(name); ok {
			return p.String(), m, true
		}
	}
	return "", nil, false
}

// Serves reports whether name is a model of the catalog or one a pattern
// model name serves.
func (s *Snapshot) Serves(name string) bool {
	if s.Has(name) {
		return true
	}
	for _, p := range s.patterns {
		if p.Matches(name) {
			return true
		}
	}
	return false
}

// Deployments returns the deployments of a model name, nil if none.
func (s *Snapshot) Deployments(name string) []*Entry { return s.byName[name] }

// Entries returns every deployment in catalog order: config first, then
// those added at run time.
func (s *Snapshot) Entries() []*Entry { return s.entries }

// Listing returns the JSON object of the model's entry in GET /v1/models,
// in OpenAI's shape, nil if there is no such model. It is shared.
func (s *Snapshot) Listing(name string) []byte { return s.listing[name] }

// Group returns the model names of an access group, nil if there is no
// such group.
func (s *Snapshot) Group(name string) []string { return s.groups[name] }
