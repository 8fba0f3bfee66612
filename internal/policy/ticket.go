package policy

import (
	"net/http"
	"strconv"
)

// Ticket is an admitted request. It belongs to the request's goroutine.
// A nil Ticket, what Admit returns for a caller without limits, is valid:
// its methods do nothing.
type Ticket struct {
	l        *Limiter
	estimate float64
	done     bool
	n        int
	subs     [numKinds]subject
}

// Done settles the request: tokens count against the tpm limits from now
// on, cost (USD) replaces the estimate held against the budgets. Call it
// once the request is over, with zero usage when it failed; calls after
// the first do nothing. A request never settled holds its estimate against
// its budgets until the process ends.
//
// Which tokens count is the caller's choice; LiteLLM counts prompt plus
// completion tokens by default.
func (t *Ticket) Done(tokens int64, cost float64) {
	if t == nil || t.done {
		return
	}
	t.done = true
	cost = max(cost, 0)
	now := t.l.now()
	sec := now.Unix()
	for i := range t.subs[:t.n] {
		s := &t.subs[i]
		o := s.o
		o.mu.Lock()
		o.inflight--
		o.last = max(o.last, sec)
		if s.lim.TPMLimit != nil && tokens > 0 {
			o.window(&o.tokens, sec).add(sec, tokens)
			if o.shared != nil {
				o.shared.pending[tokenCount].add(sec, tokens)
			}
		}
		if s.lim.MaxBudget != nil {
			// Roll the period over first, so that the cost counts in the
			// period in which it is settled.
			o.budget.sync(s.lim, now)
			o.budget.reserved -= t.estimate
			o.budget.spent += cost
			if sp := o.budget.shared; sp != nil {
				sp.own += cost
			}
		}
		if o.inflight == 0 {
			o.budget.reserved = 0 // no rounding residue outlives the requests
		}
		o.mu.Unlock()
	}
}

// Header names. The first four are OpenAI's, which LiteLLM sends for the
// key's limits; Headers gives them for the tightest of the key, user and
// team. LiteLLM's newer limiter adds one pair per owner, named
// x-ratelimit-{api_key,user,team}-{remaining,limit}-{requests,tokens}.
const (
	hdrRemainingRequests = "x-ratelimit-remaining-requests"
	hdrLimitRequests     = "x-ratelimit-limit-requests"
	hdrRemainingTokens   = "x-ratelimit-remaining-tokens"
	hdrLimitTokens       = "x-ratelimit-limit-tokens"
)

// descriptors are LiteLLM's names for the owners in per-owner headers.
var descriptors = [numKinds]string{"api_key", "user", "team"}

// Headers returns the rate-limit headers of the response: the limits and
// what is left of them after this request, as seen at admission. It
// returns nil when no owner of the request has a rate limit; the gateway
// may then pass on the provider's own headers, as LiteLLM does.
func (t *Ticket) Headers() http.Header {
	if t == nil {
		return nil
	}
	var h http.Header
	var req, tok *subject // the tightest limits
	for i := range t.subs[:t.n] {
		s := &t.subs[i]
		if s.lim.RPMLimit == nil && s.lim.TPMLimit == nil {
			continue
		}
		if h == nil {
			h = make(http.Header, 4+4*t.n)
		}
		prefix := "x-ratelimit-" + descriptors[s.kind]
		if limit := s.lim.RPMLimit; limit != nil {
			set(h, prefix+"-remaining-requests", max(s.remReq, 0))
			set(h, prefix+"-limit-requests", *limit)
			if req == nil || s.remReq < req.remReq {
				req = s
			}
		}
		if limit := s.lim.TPMLimit; limit != nil {
			set(h, prefix+"-remaining-tokens", max(s.remTok, 0))
			set(h, prefix+"-limit-tokens", *limit)
			if tok == nil || s.remTok < tok.remTok {
				tok = s
			}
		}
	}
	if req != nil {
		set(h, hdrRemainingRequests, max(req.remReq, 0))
		set(h, hdrLimitRequests, *req.lim.RPMLimit)
	}
	if tok != nil {
		set(h, hdrRemainingTokens, max(tok.remTok, 0))
		set(h, hdrLimitTokens, *tok.lim.TPMLimit)
	}
	return h
}

func set(h http.Header, name string, v int64) {
	h.Set(name, strconv.FormatInt(v, 10))
}
