package router

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// Call is one client request for the router.
type Call struct {
	// Group is the model group asked for, as Resolve returned it.
	Group string
	// Request is sent to every deployment tried, unless Prepare is set.
	Request *provider.Request
	// Prepare, when set, returns the request for one deployment (see
	// Answer.Deployment), so that the caller can translate it for
	// deployments that do not speak the client's format. Its error fails
	// the request without a retry.
	Prepare func(d *provider.Deployment) (*provider.Request, error)
	// Allowed reports whether the caller may use a model; fallback groups
	// it may not use are skipped. Nil allows every model.
	Allowed func(model string) bool
	// Send copies a successful answer to the client. An error it returns
	// before the first byte reached the client (see Answer.Progress) fails
	// the attempt, which may then be retried; one after it ends the
	// request.
	Send func(a *Answer) error
}

// Stats say how a request was served, or how far it got.
type Stats struct {
	Group     string // the model group last tried: the one asked for, or a fallback
	Retries   int    // attempts after the first, over every group tried
	Fallbacks int    // fallback groups tried
}

// Answer is a successful attempt, handed to Call.Send. Its Response is
// closed when Send returns.
type Answer struct {
	*provider.Response
	Request *provider.Request // what was sent
	Entry   *catalog.Entry    // the deployment that answered
	// Deployment is where the request went: Entry's provider, upstream
	// model and endpoint, with a pattern's '*'s filled in. It must not be
	// modified.
	Deployment *provider.Deployment
	// Model is Entry's litellm_params.model as this request used it,
	// with a pattern's '*'s filled in: the model the answer is priced at.
	Model string
	Stats

	r       *Router
	n       *node
	start   time.Time
	started bool
	timer   *time.Timer // the attempt's timeout, while streaming
	idle    time.Duration
}

// Progress tells the router that bytes of the answer reached the client.
// The first call ends a stream's time-to-first-byte timeout and rules out
// any retry; every call restarts the stream's idle timeout. It must be
// called from Send's goroutine.
func (a *Answer) Progress() {
	if !a.started {
		a.started = true
		if a.timer != nil {
			a.n.h.observe(a.r.now().Sub(a.start))
		}
	}
	if a.timer != nil {
		a.timer.Reset(a.idle)
	}
}

// Do routes c: to its group, with retries, then to the group's fallbacks.
// It returns nil once c.Send delivered an answer, else the last error: an
// *provider.UpstreamError (from a deployment, or from the router when no
// deployment is available), the caller's context error, or an error of
// Prepare or Send.
func (r *Router) Do(ctx context.Context, c *Call) (Stats, error) {
	st := Stats{Group: c.Group}
	rt := r.route(c.Group)
	final, err := r.serveGroup(ctx, c, &rt, &st)
	if final || ctx.Err() != nil {
		return st, err
	}
	tried := []string{c.Group}
	for _, name := range r.fallbacksFor(&rt, err) {
		group, ok := r.Resolve(name)
		if !ok || slices.Contains(tried, group) || !c.allowed(name, group) {
			continue
		}
		tried = append(tried, group)
		st.Fallbacks++
		st.Group = group
		next := r.route(group)
		var final bool
		if final, err = r.serveGroup(ctx, c, &next, &st); final || ctx.Err() != nil ||
			!fallsBack(err) {
			break
		}
	}
	return st, err
}

func (c *Call) allowed(name, group string) bool {
	return c.Allowed == nil || c.Allowed(name) || c.Allowed(group)
}

// serveGroup tries the deployments of one group until one answers, the
// retries run out or an error is not worth retrying. final reports an
// answer delivered, in whole or in part: nothing may be tried after it.
func (r *Router) serveGroup(ctx context.Context, c *Call, rt *route, st *Stats) (
	final bool, err error) {
	var buf [8]*node
	tried := buf[:0]
	var last error
	var lastNode *node
	for retries := 0; ; retries++ {
		n, err := r.choose(rt.group, rt.nodes, tried)
		if err != nil {
			if last != nil {
				return false, last
			}
			return false, err
		}
		if last != nil {
			wait, ok := r.backoff(retries-1, last, n == lastNode)
			if !ok {
				return false, last
			}
			if wait > 0 {
				if err := r.sleep(ctx, wait); err != nil {
					return false, err
				}
			}
			st.Retries++
		}
		final, err := r.attempt(ctx, c, rt, n, st)
		if err == nil || final || ctx.Err() != nil {
			return final, err
		}
		r.penalize(n, err)
		if !isRetryable(err) || retries >= r.retriesFor(n) {
			return false, err
		}
		last, lastNode = err, n
		if !slices.Contains(tried, n) {
			tried = append(tried, n)
		}
	}
}

// attempt sends one request of rt to n and, on success, lets c.Send
// deliver the answer. final reports an error after which nothing may be
// retried.
func (r *Router) attempt(ctx context.Context, c *Call, rt *route, n *node, st *Stats) (
	final bool, err error) {
	dep, adapter, model, err := n.target(rt)
	if err != nil {
		return false, err
	}
	req := c.Request
	if c.Prepare != nil {
		if req, err = c.Prepare(dep); err != nil {
			return true, err
		}
	}
	limit := r.timeout(n, req.Stream)
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var fired atomic.Bool
	timer := time.AfterFunc(limit, func() { fired.Store(true); cancel() })
	defer timer.Stop()
	n.h.inflight.Add(1)
	defer n.h.inflight.Add(-1)

	start := r.now()
	resp, err := adapter.Do(actx, dep, req)
	if err != nil {
		return false, r.classify(ctx, &fired, dep.Provider, limit, err)
	}
	defer resp.Close()
	a := &Answer{Response: resp, Request: req, Entry: n.entry, Deployment: dep, Model: model,
		Stats: *st, r: r, n: n, start: start}
	if resp.Streaming() {
		a.timer, a.idle = timer, r.timeout(n, false)
	} else {
		timer.Stop()
		n.h.observe(r.now().Sub(start))
	}
	err = c.Send(a)
	n.h.used(r.now(), resp.Usage.TotalTokens)
	if err != nil {
		err = r.classify(ctx, &fired, dep.Provider, limit, err)
	}
	return err == nil || a.started, err
}

// classify turns the error of an attempt whose timer fired into a
// timeout; a cancellation by the caller stays what it is.
func (r *Router) classify(ctx context.Context, fired *atomic.Bool, providerName string,
	limit time.Duration, err error) error {
	if ctx.Err() != nil || !fired.Load() {
		return err
	}
	return &provider.UpstreamError{Provider: providerName, Status: 504, Type: "timeout_error",
		Code: "504", Message: "upstream timed out after " + limit.String(),
		Retryable: true, Err: err}
}

// timeout is the limit of an attempt: stream_timeout up to a stream's
// first byte, else the deployment's timeout, else the router's.
func (r *Router) timeout(n *node, stream bool) time.Duration {
	secs := r.settings.Timeout
	if p := n.entry.Params; stream && p.StreamTimeout > 0 {
		secs = p.StreamTimeout
	} else if p.Timeout > 0 {
		secs = p.Timeout
	}
	if secs <= 0 {
		secs = DefaultSettings().Timeout
	}
	return time.Duration(secs * float64(time.Second))
}

// retriesFor is how many retries a group gets after n failed: its
// max_retries, else num_retries.
func (r *Router) retriesFor(n *node) int {
	if m := n.entry.Params.MaxRetries; m != nil {
		return *m
	}
	return r.settings.NumRetries
}

// penalize records a failed attempt of n. Only failures that another
// attempt might not have count; a deployment alone in its group is never
// cooled down, since leaving it out would fail every request at once, as
// in LiteLLM.
func (r *Router) penalize(n *node, err error) {
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) || !ue.Retryable || n.solo {
		return
	}
	cool := time.Duration(r.settings.CooldownTime * float64(time.Second))
	if n.h.failed(r.now(), ue.Status == 429, r.settings.AllowedFails, cool) {
		r.log.Info("deployment cooling down", "model", n.entry.ModelName,
			"deployment_id", n.entry.Info.ID, "status", ue.Status, "cooldown_s", cool.Seconds())
	}
}
