// Package router sends each request for a model group to one of its
// deployments, as LiteLLM's router does: it picks a deployment by the
// configured strategy, retries failed attempts with backoff (on another
// deployment when the group has one), cools down deployments that keep
// failing, keeps deployments under their rpm and tpm, bounds every attempt
// with a timeout, and falls back to other model groups when a group
// cannot answer. A model_name with a '*' (such as "openai/*") serves the
// names it matches, each request's upstream model filled in from the
// name.
//
// All of its state (in-flight counts, latencies, failures, per-minute
// counters) is in memory and per replica: with several replicas each one
// enforces a deployment's rpm and tpm on its own traffic.
package router

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// Options are the router's clock, randomness and logger. Zero values give
// the real ones.
type Options struct {
	// Now tells the time of cooldowns, per-minute counters and latencies;
	// time.Now when nil.
	Now func() time.Time
	// Sleep waits between retries, returning early with ctx's error; a
	// timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a uniform number in [0, 1), for weighted picks and
	// jitter; math/rand/v2 when nil. It must be safe for concurrent use.
	Rand func() float64
	Log  *slog.Logger // discards when nil
}

// Router routes requests over the deployments of a catalog. It is safe
// for concurrent use.
type Router struct {
	catalog  *catalog.Catalog
	settings config.RouterSettings
	pick     strategy
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	rand     func() float64
	log      *slog.Logger

	mu     sync.Mutex // serializes table builds
	table  atomic.Pointer[table]
	states map[string]*health // by deployment id, kept across catalog changes
}

// New returns a router over the deployments of c with the given settings,
// which config.Parse fills with their defaults (see DefaultSettings).
// usage-based-routing and usage-based-routing-v2 pick the deployment that
// used the fewest tokens this minute, counted by this replica.
func New(c *catalog.Catalog, s config.RouterSettings, o Options) *Router {
	r := &Router{catalog: c, settings: s, pick: strategyOf(s.RoutingStrategy),
		now: o.Now, sleep: o.Sleep, rand: o.Rand, log: o.Log,
		states: map[string]*health{}}
	if r.now == nil {
		r.now = time.Now
	}
	if r.sleep == nil {
		r.sleep = sleep
	}
	if r.rand == nil {
		r.rand = rand.Float64
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// DefaultSettings returns the settings config.Parse gives a file without
// router_settings.
func DefaultSettings() config.RouterSettings {
	return config.RouterSettings{
		RoutingStrategy: config.DefaultRoutingStrategy,
		NumRetries:      config.DefaultNumRetries,
		Timeout:         config.DefaultTimeout,
		AllowedFails:    config.DefaultAllowedFails,
		CooldownTime:    config.DefaultCooldownTime,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Resolve returns the model group that serves name: name itself when it
// is a model_name, else the group model_group_alias maps it to, else name
// again when a pattern model_name such as "openai/*" serves it (see
// config.IsPattern). A real model_name wins over an alias of the same
// name, and both win over patterns. An alias may map to a name that a
// pattern serves.
func (r *Router) Resolve(name string) (group string, ok bool) {
	snap := r.catalog.Snapshot()
	if snap.Has(name) {
		return name, true
	}
	if target, ok := r.settings.ModelGroupAlias[name]; ok && snap.Serves(target) {
		return target, true
	}
	if snap.Serves(name) {
		return name, true
	}
	return "", false
}

// table is the routing view of one catalog snapshot.
type table struct {
	snap   *catalog.Snapshot
	groups map[string][]*node
}

// node is one deployment, ready to be sent requests.
type node struct {
	entry   *catalog.Entry
	dep     provider.Deployment
	adapter provider.Adapter
	err     error // why the deployment cannot be served, from provider.For
	h       *health
	solo    bool // the only deployment of its group: never cooled down
	// expand marks a pattern's deployment whose model has '*'s to fill
	// in for each request; perRequest, one whose provider each request
	// decides too, and whose adapter is chosen then (see target).
	expand, perRequest bool
}

// current returns the table of the current catalog.
func (r *Router) current() *table {
	snap := r.catalog.Snapshot()
	t := r.table.Load()
	if t == nil || t.snap != snap {
		t = r.rebuild(snap)
	}
	return t
}

// rebuild makes the table of snap, keeping the health of deployments that
// stay and dropping that of deployments gone.
func (r *Router) rebuild(snap *catalog.Snapshot) *table {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.table.Load(); t != nil && t.snap == snap {
		return t
	}
	t := &table{snap: snap, groups: make(map[string][]*node, len(snap.Names()))}
	states := make(map[string]*health, len(snap.Entries()))
	for _, e := range snap.Entries() {
		h := r.states[e.Info.ID]
		if h == nil {
			h = &health{}
		}
		states[e.Info.ID] = h
		n := &node{entry: e, h: h, dep: provider.Deployment{
			Provider: e.Params.Provider, UpstreamModel: e.Params.UpstreamModel,
			APIBase: e.Params.APIBase, APIKey: e.Params.APIKey,
			APIVersion: e.Params.APIVersion, MockResponse: e.Params.MockResponse,
		}}
		n.expand = config.IsPattern(e.Params.Model)
		n.perRequest = n.expand && e.Params.Provider == ""
		// A deployment whose provider each request names is checked then.
		if !n.perRequest {
			if n.adapter, n.err = provider.For(&n.dep); n.err != nil {
				r.log.Error("deployment cannot be served", "model", e.ModelName,
					"deployment_id", e.Info.ID, "err", n.err)
			}
		}
		t.groups[e.ModelName] = append(t.groups[e.ModelName], n)
	}
	for _, nodes := range t.groups {
		nodes[0].solo = len(nodes) == 1
	}
	r.states = states
	r.table.Store(t)
	return t
}
