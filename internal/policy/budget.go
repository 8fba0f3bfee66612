package policy

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// budgetStatus is the status of a request refused for its budget. LiteLLM
// answered 400 until mid-2025 and has answered 429 since (its
// BudgetExceededError carries status_code 429); clients tell a budget
// refusal from a rate limit by the error type, budget_exceeded.
const budgetStatus = http.StatusTooManyRequests

// budget is an owner's spend in the current budget period as this gateway
// knows it. The store's Spend comes in through the principal's snapshot
// when the owner is loaded; what is settled here after that is added in
// memory, because the snapshot is not reloaded on every spend write.
type budget struct {
	spent    float64   // settled spend of the current period, in USD
	reserved float64   // estimates of the requests in flight
	period   time.Time // end of the current period; zero: never, or not known yet
	// shared is the spend of the period exchanged with the other replicas,
	// when the Limiter is shared; a new one starts with each period.
	shared *sharedSpend
}

// total returns the spend of the period: what this replica counts alone,
// or, when larger, this replica's spend and the other replicas' as of the
// last exchange. Both are spend that happened, so the larger never counts
// a request twice; the first holds the store's spend from before Redis
// had it (the period began before the replicas shared it, or Redis lost
// it), the second what the other replicas settled since the principal
// was loaded.
func (b *budget) total() float64 {
	if b.shared == nil {
		return b.spent
	}
	return max(b.spent, b.shared.own+b.shared.others)
}

// sync brings the budget to now: the period rolls over when it has ended,
// and the snapshot's spend is taken in when it is of a period that has not
// ended. Taking the larger of the two, rather than their sum, counts each
// request once: the store's spend already holds what this gateway wrote
// before the snapshot was loaded.
func (b *budget) sync(lim *store.Limits, now time.Time) {
	if !b.period.IsZero() && !now.Before(b.period) {
		b.spent = 0
		b.period = nextPeriod(b.period, lim.BudgetDuration, now)
	}
	switch end := lim.BudgetResetAt; {
	case end == nil:
		b.spent = max(b.spent, lim.Spend)
	case !now.Before(*end):
		// The store has not reset this budget yet: its spend is the last
		// period's. Count from zero, and roll over on the schedule, as
		// the Resetter will.
		if b.period.IsZero() {
			b.period = nextPeriod(*end, lim.BudgetDuration, now)
		}
	default:
		// The store's reset time wins over one computed here: it is what
		// the Resetter and every other replica go by.
		b.period = *end
		b.spent = max(b.spent, lim.Spend)
	}
	// Comparing the values spares a call on every request: the period is
	// copied from one snapshot's reset time to the next.
	if sp := b.shared; sp != nil && sp.period != b.period {
		b.restartShared()
	}
}

// restartShared starts the shared spend of a new period, unless the
// period is the same instant written differently.
func (b *budget) restartShared() {
	if b.shared.period.Equal(b.period) {
		b.shared.period = b.period
		return
	}
	b.shared = &sharedSpend{period: b.period}
}

// Current returns l as it stands at now. The Resetter zeroes a spend
// within a minute after its budget period ends; until it has, l still
// holds the spend of the ended period and its end: Current gives zero and
// the end of the period under way instead, as the reset will.
func Current(l store.Limits, now time.Time) store.Limits {
	if l.BudgetResetAt == nil || now.Before(*l.BudgetResetAt) {
		return l
	}
	if next := nextPeriod(*l.BudgetResetAt, l.BudgetDuration, now); !next.IsZero() {
		l.Spend, l.BudgetResetAt = 0, &next
	}
	return l
}

// nextPeriod returns the first end of a period after now, counting whole
// periods of duration from end; zero when the duration is not valid.
// Replicas that know the same end thus agree on the next ones whatever
// their clocks, and so does the Resetter.
func nextPeriod(end time.Time, duration string, now time.Time) time.Time {
	d, err := ParseDuration(duration)
	if err != nil {
		return time.Time{}
	}
	if n := now.Sub(end)/d + 1; n > 0 {
		return end.Add(n * d)
	}
	return end.Add(d)
}

// budgetError is the refusal of a request whose owner is out of budget.
// The message starts as LiteLLM's does, "Budget has been exceeded!", which
// clients match on.
func budgetError(s *subject, b *budget, estimate float64) *httpapi.Error {
	msg := fmt.Sprintf("Budget has been exceeded! %s=%s Current cost: %s, Max budget: %s.",
		kindNames[s.kind], s.name, usd(b.total()), usd(*s.lim.MaxBudget))
	if b.reserved > 0 {
		msg += fmt.Sprintf(" Requests in progress may cost up to %s more.", usd(b.reserved))
	}
	if estimate > 0 && b.total()+b.reserved < *s.lim.MaxBudget {
		msg += fmt.Sprintf(" This request may cost up to %s, more than the budget has left.",
			usd(estimate))
	}
	if !b.period.IsZero() {
		msg += " The budget resets at " + b.period.UTC().Format(time.RFC3339) + "."
	}
	return &httpapi.Error{Status: budgetStatus, Message: msg, Type: "budget_exceeded"}
}

// usd formats an amount in dollars to the millionth, without trailing
// zeros, so that float noise such as 0.30000000000000004 is not shown.
func usd(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// maxDuration bounds budget periods at a century, so that a reset time
// never overflows.
const maxDuration = 100 * 365 * 24 * time.Hour

// durationUnits are LiteLLM's duration units; a month is 30 days.
var durationUnits = []struct {
	suffix string
	unit   time.Duration
}{
	{"mo", 30 * 24 * time.Hour},
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
	{"d", 24 * time.Hour},
	{"w", 7 * 24 * time.Hour},
}

// ParseDuration reads a LiteLLM duration, as given for budget_duration and
// key lifetimes: a positive whole number and a unit, s, m, h, d, w or mo
// (30 days), such as "30s", "20m", "1h", "30d" or "1mo".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for _, u := range durationUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 || n > int64(maxDuration/u.unit) {
			break
		}
		return time.Duration(n) * u.unit, nil
	}
	return 0, fmt.Errorf("invalid duration %q: want a positive whole number and a unit "+
		"(s, m, h, d, w, mo), such as \"30d\"", s)
}
