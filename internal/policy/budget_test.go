package policy_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// Amounts in these tests are sums of powers of two, exact in floating
// point, so that boundaries are hit exactly.
func TestAdmitBudgets(t *testing.T) {
	type step struct {
		at       time.Duration
		estimate float64
		cost     float64
		want     string // the refusal's message; empty when admitted
	}
	const keyOver = "Budget has been exceeded! Key=sk-...abcd "
	tests := []struct {
		name  string
		p     *auth.Principal
		steps []step
	}{
		{
			name: "the snapshot's spend counts; the request that reaches the budget passes",
			p:    principal(&store.Limits{MaxBudget: ptr(10.0), Spend: 9.5}, nil, nil),
			steps: []step{
				{cost: 0.5},
				{at: time.Second, want: keyOver + "Current cost: 10, Max budget: 10."},
			},
		},
		{
			name: "an estimate that does not fit is refused",
			p:    principal(&store.Limits{MaxBudget: ptr(10.0), Spend: 9.5}, nil, nil),
			steps: []step{
				{estimate: 0.75, want: keyOver + "Current cost: 9.5, Max budget: 10. " +
					"This request may cost up to 0.75, more than the budget has left."},
				{estimate: 0.5, cost: 0.25},
				{estimate: 0.25, cost: 0.25},
				{want: keyOver + "Current cost: 10, Max budget: 10."},
			},
		},
		{
			name: "the period rolls over on time",
			p: principal(&store.Limits{MaxBudget: ptr(1.0), Spend: 1, BudgetDuration: "1h",
				BudgetResetAt: ptr(t0.Add(30 * time.Minute))}, nil, nil),
			steps: []step{
				{want: keyOver + "Current cost: 1, Max budget: 1. " +
					"The budget resets at 2026-05-01T12:30:00Z."},
				{at: 30*time.Minute - time.Nanosecond, want: keyOver + "Current cost: 1, Max budget: 1. " +
					"The budget resets at 2026-05-01T12:30:00Z."},
				{at: 30 * time.Minute, cost: 1},
				{at: 31 * time.Minute, want: keyOver + "Current cost: 1, Max budget: 1. " +
					"The budget resets at 2026-05-01T13:30:00Z."},
			},
		},
		{
			name: "spend of a period the store has not reset yet does not count",
			p: principal(&store.Limits{MaxBudget: ptr(1.0), Spend: 5, BudgetDuration: "1h",
				BudgetResetAt: ptr(t0.Add(-time.Minute))}, nil, nil),
			steps: []step{
				{cost: 1},
				{at: time.Second, want: keyOver + "Current cost: 1, Max budget: 1. " +
					"The budget resets at 2026-05-01T12:59:00Z."},
			},
		},
		{
			name: "user budget",
			p:    principal(nil, &store.Limits{MaxBudget: ptr(0.0)}, nil),
			steps: []step{
				{want: "Budget has been exceeded! User=alice Current cost: 0, Max budget: 0."},
			},
		},
		{
			name: "team budget, checked before the key's rate limit",
			p: principal(&store.Limits{RPMLimit: ptr[int64](0)}, nil,
				&store.Limits{MaxBudget: ptr(2.0), Spend: 2.5}),
			steps: []step{
				{want: "Budget has been exceeded! Team=eng Current cost: 2.5, Max budget: 2."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			l := policy.NewLimiter(c.Now)
			for i, s := range tt.steps {
				e := httpError(t, admitAt(l, c, tt.p, s.at, s.estimate, 0, s.cost))
				if e.Message != s.want {
					t.Fatalf("step %d: refusal %q, want %q", i, e.Message, s.want)
				}
				if s.want != "" && (e.Status != http.StatusTooManyRequests || e.Type != "budget_exceeded") {
					t.Errorf("step %d: status %d, type %q; want 429 budget_exceeded", i, e.Status, e.Type)
				}
			}
		})
	}
}

// TestBudgetInFlight checks that the estimates of requests in flight count
// against the budget until they are settled.
func TestBudgetInFlight(t *testing.T) {
	c := newClock()
	l := policy.NewLimiter(c.Now)
	p := principal(nil, &store.Limits{MaxBudget: ptr(1.0)}, nil)

	a, err := l.Admit(p, 0.5, t0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Admit(p, 0.5, t0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Admit(p, 0, t0)
	want := "Budget has been exceeded! User=alice Current cost: 0, Max budget: 1. " +
		"Requests in progress may cost up to 1 more."
	if got := httpError(t, err).Message; got != want {
		t.Fatalf("third request: %q, want %q", got, want)
	}

	a.Done(0, 0.25)
	a.Done(0, 0.25) // settled once only
	b.Done(0, 0.25)
	if _, err := l.Admit(p, 0.5, t0); err != nil {
		t.Errorf("after settling 0.5 of 1: %v", err)
	}
}

// TestLimiterReset checks that a budget reset by the Resetter takes effect
// at once, before the principal is reloaded.
func TestLimiterReset(t *testing.T) {
	c := newClock()
	l := policy.NewLimiter(c.Now)
	p := principal(&store.Limits{MaxBudget: ptr(1.0), Spend: 0.5, BudgetDuration: "1h",
		BudgetResetAt: ptr(t0)}, nil, nil)

	if err := admitAt(l, c, p, 30*time.Second, 0, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := admitAt(l, c, p, 31*time.Second, 0, 0, 0); err == nil {
		t.Fatal("over budget: admitted")
	}
	next := t0.Add(time.Hour + 40*time.Second)
	l.Reset(store.BudgetRef{Kind: store.BudgetKey, ID: p.Key.Hash, Duration: "1h"}, next)
	l.Reset(store.BudgetRef{Kind: "nonsense", ID: p.Key.Hash}, next)
	if err := admitAt(l, c, p, 41*time.Second, 0, 0, 1); err != nil {
		t.Fatalf("after reset: %v", err)
	}
	err := admitAt(l, c, p, 42*time.Second, 0, 0, 0)
	if got, want := httpError(t, err).Message, "Budget has been exceeded! Key=sk-...abcd "+
		"Current cost: 1, Max budget: 1. The budget resets at 2026-05-01T13:00:40Z."; got != want {
		t.Errorf("after spending again: %q, want %q", got, want)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"20m", 20 * time.Minute, false},
		{"1h", time.Hour, false},
		{" 30d ", 30 * 24 * time.Hour, false},
		{"2w", 14 * 24 * time.Hour, false},
		{"1mo", 30 * 24 * time.Hour, false},
		{"", 0, true},
		{"30", 0, true},
		{"0d", 0, true},
		{"-1d", 0, true},
		{"1.5h", 0, true},
		{"1y", 0, true},
		{"36501d", 0, true},
	}
	for _, tt := range tests {
		got, err := policy.ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %t", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// Current shows a budget whose period ended as the reset will leave it.
func TestCurrent(t *testing.T) {
	end := t0.Add(time.Hour)
	tests := []struct {
		name      string
		duration  string
		resetAt   *time.Time
		now       time.Time
		wantSpend float64
		wantReset *time.Time
	}{
		{"no budget period", "", nil, t0, 3, nil},
		{"within the period", "1h", &end, end.Add(-time.Nanosecond), 3, &end},
		{"at its end", "1h", &end, end, 0, ptr(end.Add(time.Hour))},
		{"three periods later", "1h", &end, end.Add(150 * time.Minute), 0, ptr(end.Add(3 * time.Hour))},
		{"a duration it cannot read", "soon", &end, end.Add(time.Minute), 3, &end},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := store.Limits{Spend: 3, BudgetDuration: tt.duration, BudgetResetAt: tt.resetAt}
			got := policy.Current(l, tt.now)
			if got.Spend != tt.wantSpend || (got.BudgetResetAt == nil) != (tt.wantReset == nil) ||
				got.BudgetResetAt != nil && !got.BudgetResetAt.Equal(*tt.wantReset) {
				t.Errorf("spend %v, reset at %v; want %v, %v", got.Spend, got.BudgetResetAt, tt.wantSpend, tt.wantReset)
			}
			if tt.resetAt != nil && !tt.resetAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("Current wrote through its argument's reset time: %v", tt.resetAt)
			}
		})
	}
}
