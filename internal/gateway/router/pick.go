package router

import (
	"time"
)

// Latency-based routing treats deployments within latencyBuffer of the
// fastest as equally fast, as LiteLLM's lowest_latency_buffer does, and
// sends an explore share of requests to any deployment, so that one that
// was slow once gets measured again.
const (
	latencyBuffer = 0.1
	explore       = 0.05
)

// strategy picks one of the candidates, which are all ready and at least
// one, and returns its index.
type strategy func(r *Router, c []*node, now time.Time) int

func strategyOf(name string) strategy {
	switch name {
	case "least-busy":
		return leastBusy
	case "latency-based-routing":
		return lowestLatency
	case "usage-based-routing", "usage-based-routing-v2":
		return lowestUsage
	}
	return shuffle
}

// shuffle picks at random, weighted as LiteLLM's simple-shuffle: by weight
// when a deployment of the group sets one, else by rpm when every
// deployment sets one, else by tpm likewise, else uniformly. Since weight
// defaults to 1, a group whose weights are all 1 counts as setting none.
func shuffle(r *Router, c []*node, _ time.Time) int {
	w := weightOf(c)
	if w == nil {
		return r.uniform(len(c))
	}
	var total float64
	for _, n := range c {
		total += max(0, w(n))
	}
	if total <= 0 {
		return r.uniform(len(c))
	}
	x := r.rand() * total
	for i, n := range c {
		if x -= max(0, w(n)); x < 0 {
			return i
		}
	}
	return len(c) - 1
}

// weightOf returns the weight function of a group, nil for uniform.
func weightOf(c []*node) func(*node) float64 {
	allRPM, allTPM := true, true
	for _, n := range c {
		if n.entry.Params.Weight != 1 {
			return func(n *node) float64 { return n.entry.Params.Weight }
		}
		allRPM = allRPM && n.entry.Params.RPM > 0
		allTPM = allTPM && n.entry.Params.TPM > 0
	}
	switch {
	case allRPM:
		return func(n *node) float64 { return float64(n.entry.Params.RPM) }
	case allTPM:
		return func(n *node) float64 { return float64(n.entry.Params.TPM) }
	}
	return nil
}

// leastBusy picks the deployment with the fewest requests in flight
// through this router, at random among equals.
func leastBusy(r *Router, c []*node, _ time.Time) int {
	least := c[0].h.inflight.Load()
	for _, n := range c[1:] {
		least = min(least, n.h.inflight.Load())
	}
	return r.among(c, func(n *node) bool { return n.h.inflight.Load() == least })
}

// lowestLatency picks a deployment never measured, else one about as fast
// as the fastest, else now and then any.
func lowestLatency(r *Router, c []*node, _ time.Time) int {
	var best time.Duration
	unmeasured := false
	for i, n := range c {
		d, ok := n.h.averageLatency()
		if !ok {
			unmeasured = true
			break
		}
		if i == 0 || d < best {
			best = d
		}
	}
	if unmeasured {
		return r.among(c, func(n *node) bool { _, ok := n.h.averageLatency(); return !ok })
	}
	if r.rand() < explore {
		return r.uniform(len(c))
	}
	limit := best + time.Duration(latencyBuffer*float64(best))
	return r.among(c, func(n *node) bool { d, _ := n.h.averageLatency(); return d <= limit })
}

// lowestUsage picks the deployment that used the fewest tokens this
// minute, at random among equals.
func lowestUsage(r *Router, c []*node, now time.Time) int {
	least := c[0].h.tokensThisMinute(now)
	for _, n := range c[1:] {
		least = min(least, n.h.tokensThisMinute(now))
	}
	return r.among(c, func(n *node) bool { return n.h.tokensThisMinute(now) == least })
}

// among picks at random one of the candidates that match, of which there
// is at least one.
func (r *Router) among(c []*node, match func(*node) bool) int {
	count := 0
	for _, n := range c {
		if match(n) {
			count++
		}
	}
	k := r.uniform(max(count, 1))
	for i, n := range c {
		if match(n) {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return 0
}

// uniform returns a random index below n.
func (r *Router) uniform(n int) int {
	return min(int(r.rand()*float64(n)), n-1)
}
