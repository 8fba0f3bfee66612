package policy

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// Admit decides whether p may make a request at now and, if so, reserves
// it with the key, user and team of p that have limits: all of them, or
// none when the request is refused. The caller must settle the Ticket with
// Done once the request is over, failed or not.
//
// estimate is what the request may cost at most, in USD, such as
// max_tokens times the model's output price; 0 when it is not known. It is
// held against every budget until Done replaces it with the real cost, so
// that requests in flight count against the budget.
//
// A request is refused, checking budgets first, then rate limits, each
// for the key, then the user, then the team:
//
//   - when the owner's spend in the period plus the estimates of its
//     requests in flight has reached max_budget, or adding this request's
//     estimate would pass it: status 429, error type budget_exceeded, a
//     message that starts "Budget has been exceeded!", names the owner, its
//     spend and budget, and says when the budget resets;
//   - when the owner's requests in the window (the current second and the
//     59 before it) have reached rpm_limit, or the tokens settled in the
//     window have reached tpm_limit: status 429, a message such as "Rate
//     limit reached for key sk-...abcd: 10 requests per minute. Try again
//     in 12s.", and a Retry-After header with those seconds, the time
//     until enough of the window expires.
//
// Tokens are counted when Done reports them, as LiteLLM does, because they
// are known only after the response: a request is refused only once the
// tokens already used have reached the limit, so the requests in flight
// when that happens may pass it.
//
// A caller with no limits gets a nil Ticket, whose methods do nothing, and
// Admit then costs a few nanoseconds and no allocation.
func (l *Limiter) Admit(p *auth.Principal, estimate float64, now time.Time) (*Ticket, error) {
	if !anyLimited(p) {
		return nil, nil
	}
	t := &Ticket{l: l, estimate: max(estimate, 0)}
	t.n = subjects(p, &t.subs)
	subs := t.subs[:t.n]
	l.lock(subs)
	defer unlock(subs)

	for i := range subs {
		if err := l.checkBudget(&subs[i], t.estimate, now); err != nil {
			return nil, err
		}
	}
	for i := range subs {
		if err := l.checkRate(&subs[i], now); err != nil {
			return nil, err
		}
	}
	for i := range subs {
		reserve(&subs[i], t.estimate, now.Unix())
	}
	return t, nil
}

func anyLimited(p *auth.Principal) bool {
	return p.Key != nil && limited(&p.Key.Limits) ||
		p.User != nil && limited(&p.User.Limits) ||
		p.Team != nil && limited(&p.Team.Limits)
}

func (l *Limiter) checkBudget(s *subject, estimate float64, now time.Time) error {
	if s.lim.MaxBudget == nil {
		return nil
	}
	b := &s.o.budget
	b.sync(s.lim, now)
	if l.shared && b.shared == nil {
		b.shared = &sharedSpend{period: b.period}
	}
	committed := b.total() + b.reserved
	if limit := *s.lim.MaxBudget; committed >= limit || committed+estimate > limit {
		return budgetError(s, b, estimate)
	}
	return nil
}

func (l *Limiter) checkRate(s *subject, now time.Time) error {
	sec := now.Unix()
	if limit := s.lim.RPMLimit; limit != nil {
		total := l.count(s.o, requestCount, sec)
		if total >= *limit {
			return rateError(s, *limit, "requests", s.o.wait(requestCount, *limit, now))
		}
		s.remReq = *limit - total - 1
	}
	if limit := s.lim.TPMLimit; limit != nil {
		total := l.count(s.o, tokenCount, sec)
		if total >= *limit {
			return rateError(s, *limit, "tokens", s.o.wait(tokenCount, *limit, now))
		}
		s.remTok = *limit - total
	}
	return nil
}

// count returns the events of counter c of o in the window that ends at
// sec: this replica's, plus the other replicas' when the Limiter is
// shared.
func (l *Limiter) count(o *owner, c int, sec int64) int64 {
	total := o.window(o.counter(c), sec).total
	if l.shared {
		if o.shared == nil {
			o.shared = new(sharedCounts)
		}
		others := &o.shared.others[c]
		others.advance(sec)
		total += others.total
	}
	return total
}

// counter returns where o keeps counter c.
func (o *owner) counter(c int) **window {
	if c == requestCount {
		return &o.requests
	}
	return &o.tokens
}

// window returns the window *w, made when missing, advanced to sec.
func (o *owner) window(w **window, sec int64) *window {
	if *w == nil {
		*w = &window{head: sec}
	}
	(*w).advance(sec)
	return *w
}

// wait returns how long after now counter c of o, with the other
// replicas' events, will hold less than limit. count must have advanced
// the counter to now.
func (o *owner) wait(c int, limit int64, now time.Time) time.Duration {
	w := **o.counter(c)
	if o.shared != nil {
		w.merge(&o.shared.others[c])
	}
	return w.wait(limit, now)
}

func reserve(s *subject, estimate float64, sec int64) {
	o := s.o
	o.inflight++
	o.last = max(o.last, sec)
	if s.lim.RPMLimit != nil {
		o.requests.add(sec, 1)
		if o.shared != nil {
			o.shared.pending[requestCount].add(sec, 1)
		}
	}
	if s.lim.MaxBudget != nil {
		o.budget.reserved += estimate
	}
}

// rateError is the refusal of a request over a rate limit.
func rateError(s *subject, limit int64, unit string, wait time.Duration) *httpapi.Error {
	secs := max(int64((wait+time.Second-1)/time.Second), 1)
	return &httpapi.Error{
		Status: http.StatusTooManyRequests,
		Message: fmt.Sprintf("Rate limit reached for %s %s: %d %s per minute. Try again in %ds.",
			budgetKinds[s.kind], s.name, limit, unit, secs),
		Header: http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}},
	}
}
