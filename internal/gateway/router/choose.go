package router

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// Backoff between retries on one deployment: exponential from
// initialBackoff, at most maxBackoff, less up to a quarter of jitter, as
// OpenAI's SDKs wait. A Retry-After of up to maxRetryAfter is honoured
// instead; a longer one is passed to the client rather than held.
const (
	initialBackoff = 500 * time.Millisecond
	maxBackoff     = 8 * time.Second
	maxRetryAfter  = 10 * time.Second
)

// choose picks the deployment of the next attempt: a ready one not tried
// yet when there is one, else a ready one tried before. Its request is
// counted against its rpm at once, so that concurrent requests do not
// overshoot it.
func (r *Router) choose(group string, nodes []*node, tried []*node) (*node, error) {
	now := r.now()
	var freshBuf, againBuf [8]*node
	fresh, again := freshBuf[:0], againBuf[:0]
	var soonest time.Time
	var nCooling, nLimited int
	var broken error
	for _, n := range nodes {
		if n.err != nil {
			broken = n.err
			continue
		}
		switch st, until := n.h.check(now, n.entry.Params.RPM, n.entry.Params.TPM); st {
		case cooling:
			nCooling++
			if soonest.IsZero() || until.Before(soonest) {
				soonest = until
			}
			continue
		case overLimit:
			nLimited++
			continue
		}
		if slices.Contains(tried, n) {
			again = append(again, n)
		} else {
			fresh = append(fresh, n)
		}
	}
	cands := fresh
	if len(cands) == 0 {
		cands = again
	}
	for len(cands) > 0 {
		i := r.pick(r, cands, now)
		if n := cands[i]; n.h.reserve(now, n.entry.Params.RPM) {
			return n, nil
		}
		cands = slices.Delete(cands, i, i+1)
	}
	return nil, unavailable(group, now, nCooling, nLimited, soonest, broken)
}

// unavailable is the error for a group none of whose deployments may take
// a request now. It is a 429 when waiting helps, so that fallbacks are
// tried and clients back off.
func unavailable(group string, now time.Time, cooling, limited int, soonest time.Time,
	broken error) error {
	switch {
	case cooling == 0 && limited == 0 && broken != nil:
		return &provider.UpstreamError{Provider: "router", Status: http.StatusInternalServerError,
			Type: "api_error", Code: "500", Err: broken,
			Message: fmt.Sprintf("model %s has no deployment the gateway can call; "+
				"its log names the configuration problem", group)}
	case cooling == 0 && limited == 0:
		return &provider.UpstreamError{Provider: "router", Status: http.StatusNotFound,
			Type: "not_found_error", Code: "404",
			Message: fmt.Sprintf("The model %s has no deployments", group)}
	case limited == 0:
		wait := soonest.Sub(now)
		return &provider.UpstreamError{Provider: "router", Status: http.StatusTooManyRequests,
			Type: "rate_limit_error", Code: "429", RetryAfter: wait, Retryable: true,
			Message: fmt.Sprintf("No deployments available for model %s: every deployment "+
				"is cooling down after failures. Try again in %s.", group, seconds(wait))}
	}
	wait := now.Truncate(time.Minute).Add(time.Minute).Sub(now)
	if cooling > 0 {
		wait = min(wait, soonest.Sub(now))
	}
	return &provider.UpstreamError{Provider: "router", Status: http.StatusTooManyRequests,
		Type: "rate_limit_error", Code: "429", RetryAfter: wait, Retryable: true,
		Message: fmt.Sprintf("Model %s is at the rpm/tpm limit of its deployments for this "+
			"minute. Try again in %s.", group, seconds(wait))}
}

// seconds shows a wait in whole seconds, at least one.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", max(1, int(math.Ceil(d.Seconds()))))
}

// backoff returns how long to wait before retrying after err, the
// retry-th retry of the group, and false when the wait asked for is too
// long to hold the client. A retry on another deployment goes at once:
// the wait was that of the one that failed.
func (r *Router) backoff(retry int, err error, sameNode bool) (time.Duration, bool) {
	if !sameNode {
		return 0, true
	}
	var ue *provider.UpstreamError
	if errors.As(err, &ue) && ue.RetryAfter > 0 {
		return ue.RetryAfter, ue.RetryAfter <= maxRetryAfter
	}
	d := maxBackoff
	if retry < 5 {
		d = min(maxBackoff, initialBackoff<<retry)
	}
	return d - time.Duration(0.25*r.rand()*float64(d)), true
}
