package gateway

import (
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/spend"
	"github.com/litellm-go/gateway/internal/store"
)

// Limiter admits model requests under the caller's rate limits and
// budgets, before any deployment is chosen; PolicyLimiter adapts a
// *policy.Limiter.
type Limiter interface {
	// Admit returns the ticket of an admitted request (nil when the
	// caller has no limits), or the error to send: an *httpapi.Error such
	// as a 429 with Retry-After. estimate is the most the request may
	// cost, in US dollars, 0 when unknown.
	Admit(p *auth.Principal, estimate float64, now time.Time) (Ticket, error)
}

// Ticket is an admitted request; *policy.Ticket is one.
type Ticket interface {
	// Headers returns the caller's remaining-limit headers, or nil; they
	// are sent before the first byte of the answer.
	Headers() http.Header
	// Done settles the request with the tokens it used and their cost,
	// zero when it failed. It is called exactly once.
	Done(tokens int64, cost float64)
}

// SpendRecorder keeps the spend record of every model request;
// *spend.Recorder is one. Record must not block on storage: it is called
// on the request path.
type SpendRecorder interface {
	Record(rec store.SpendRecord)
}

// PolicyLimiter returns l as a Limiter.
func PolicyLimiter(l *policy.Limiter) Limiter { return policyLimiter{l} }

type policyLimiter struct{ l *policy.Limiter }

func (pl policyLimiter) Admit(p *auth.Principal, estimate float64, now time.Time) (Ticket, error) {
	t, err := pl.l.Admit(p, estimate, now)
	if t == nil {
		return nil, err // no interface holding a nil pointer
	}
	return t, err
}

// cost prices the usage of an answer: at its deployment's model_info
// prices, else at the list price of the model it used, which for a
// pattern's deployment is the one the request named, else 0.
func cost(a *router.Answer, u chat.Usage) float64 {
	c, _ := spend.Cost(a.Entry.Info, a.Model, int64(u.PromptTokens), int64(u.CompletionTokens))
	return c
}

// estimate is the most a request may cost before it runs, for budgets:
// its max_tokens (or max_completion_tokens, or Anthropic's max_tokens) at
// the highest output price of the group's deployments, 0 when either is
// unknown.
func estimate(body []byte, rt *router.Router, group string) float64 {
	n := rawjson.Get(body, "max_completion_tokens")
	if rawjson.IsNull(n) {
		n = rawjson.Get(body, "max_tokens")
	}
	tokens := 0
	for _, c := range n {
		if c < '0' || c > '9' || tokens > 1<<30 {
			return 0
		}
		tokens = tokens*10 + int(c-'0')
	}
	if tokens == 0 {
		return 0 // no bound given: nothing to look up
	}
	var price float64
	rt.EachDeployment(group, func(e *catalog.Entry, model string) bool {
		if p, ok := spend.PriceOf(e.Info, model); ok {
			price = max(price, p.Output)
		}
		return true
	})
	return float64(tokens) * price
}

// The types the server wires in satisfy the interfaces.
var (
	_ Ticket        = (*policy.Ticket)(nil)
	_ SpendRecorder = (*spend.Recorder)(nil)
)
