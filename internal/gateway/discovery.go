package gateway

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// How long the model lists of upstreams are kept, and how long a
// request for GET /v1/models waits for lists not read yet.
const (
	discoveryTTL     = 10 * time.Minute
	discoveryRetry   = time.Minute // after a failure
	discoveryWait    = 5 * time.Second
	discoveryTimeout = 15 * time.Second // one upstream's answer, in the background
)

// discovery keeps the model lists of the upstreams of pattern deployments
// (litellm_settings.check_provider_endpoint), for GET /v1/models.
//
// A deployment's list is read when a request first needs it, then again
// in the background once it is discoveryTTL old, while requests use the
// old one. Requests wait for a list never read until discoveryWait after
// its read started; one that comes later is used by the next request. A failure is logged and
// retried after discoveryRetry; until a list is read, the pattern lists
// the known models, as without discovery.
type discovery struct {
	list func(context.Context, *provider.Deployment) ([]string, error)
	now  func() time.Time
	log  *slog.Logger
	wait time.Duration // discoveryWait but in tests

	mu    sync.Mutex
	state map[string]*upstreamList // by deployment id
	// version changes whenever a list does, so that the listing built
	// from the lists is built again.
	version atomic.Uint64
}

// upstreamList is what one deployment's upstream said it serves.
type upstreamList struct {
	ids     []string      // nil until read
	next    time.Time     // when to read it again
	reading chan struct{} // closed when the read under way ends; nil when none
	started time.Time     // when the read under way started
}

func newDiscovery(now func() time.Time, log *slog.Logger) *discovery {
	return &discovery{list: provider.ListModels, now: now, log: log, wait: discoveryWait,
		state: map[string]*upstreamList{}}
}

// discoverable reports whether e's upstream may be asked for its models:
// a pattern deployment of a named provider, not a mock.
func discoverable(e *catalog.Entry) bool {
	return config.IsPattern(e.Params.Model) && e.Params.Provider != "" && e.Params.MockResponse == nil
}

// refresh starts reading the lists of snap's pattern deployments that are
// due, and waits for those never read until d.wait after their read
// started, or ctx's end: while an upstream hangs, requests wait for
// it once, not each in turn.
func (d *discovery) refresh(ctx context.Context, snap *catalog.Snapshot) {
	var wait []chan struct{}
	var until time.Time
	now := d.now()
	present := map[string]bool{}
	d.mu.Lock()
	for _, e := range snap.Entries() {
		if !discoverable(e) {
			continue
		}
		present[e.Info.ID] = true
		s := d.state[e.Info.ID]
		if s == nil {
			s = &upstreamList{}
			d.state[e.Info.ID] = s
		}
		if s.reading == nil && !now.Before(s.next) {
			s.reading, s.started = make(chan struct{}), now
			go d.read(e, s)
		}
		if s.ids == nil && s.reading != nil && now.Before(s.started.Add(d.wait)) {
			wait = append(wait, s.reading)
			if t := s.started.Add(d.wait); t.After(until) {
				until = t
			}
		}
	}
	for id := range d.state {
		if !present[id] {
			delete(d.state, id) // its read, if any, ends in a list no one keeps
		}
	}
	d.mu.Unlock()
	if len(wait) == 0 {
		return
	}
	timer := time.NewTimer(until.Sub(now))
	defer timer.Stop()
	for _, ch := range wait {
		select {
		case <-ch:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// read asks e's upstream for its models and keeps the answer in s.
func (d *discovery) read(e *catalog.Entry, s *upstreamList) {
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	defer cancel()
	p := &e.Params
	ids, err := d.list(ctx, deploymentOf(e, p.Model))
	d.mu.Lock()
	defer d.mu.Unlock()
	close(s.reading)
	s.reading = nil
	switch {
	case errors.Is(err, provider.ErrNoModelList):
		s.next = d.now().Add(100 * 365 * 24 * time.Hour) // it never will
		d.log.Info("upstream cannot list its models; GET /v1/models lists the known ones",
			"model", e.ModelName, "deployment_id", e.Info.ID, "provider", p.Provider)
	case err != nil:
		s.next = d.now().Add(discoveryRetry)
		d.log.Warn("list upstream models", "model", e.ModelName, "deployment_id", e.Info.ID,
			"provider", p.Provider, "err", err, "retry_in", discoveryRetry)
	default:
		s.ids, s.next = ids, d.now().Add(discoveryTTL)
		if ids == nil {
			s.ids = []string{}
		}
		d.version.Add(1)
	}
}

// models returns the last list read from e's upstream, nil if none was.
// The slice is shared.
func (d *discovery) models(e *catalog.Entry) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.state[e.Info.ID]; s != nil {
		return s.ids
	}
	return nil
}
