package policy_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// step is one request of a scenario: admitted at t0+at and, when
// admitted, settled at once with tokens.
type step struct {
	at     time.Duration
	tokens int64
	want   string // the refusal's message; empty when admitted
	retry  string // its Retry-After
}

func TestAdmitRateLimits(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name  string
		p     *auth.Principal
		steps []step
	}{
		{
			name: "rpm: the request that crosses the limit is refused until its second expires",
			p:    principal(&store.Limits{RPMLimit: ptr[int64](3)}, nil, nil),
			steps: []step{
				{at: 500 * ms}, {at: 500 * ms}, {at: 500 * ms},
				{at: 500 * ms, want: "Rate limit reached for key sk-...abcd: 3 requests per minute. " +
					"Try again in 60s.", retry: "60"},
				{at: 59999 * ms, want: "Rate limit reached for key sk-...abcd: 3 requests per minute. " +
					"Try again in 1s.", retry: "1"},
				{at: 60 * time.Second}, {at: 60 * time.Second}, {at: 61 * time.Second},
				{at: 61 * time.Second, want: "Rate limit reached for key sk-...abcd: 3 requests per minute. " +
					"Try again in 59s.", retry: "59"},
			},
		},
		{
			name: "rpm: the window slides one second at a time",
			p:    principal(nil, &store.Limits{RPMLimit: ptr[int64](2)}, nil),
			steps: []step{
				{at: 0}, {at: 30 * time.Second},
				{at: 59 * time.Second, want: "Rate limit reached for user alice: 2 requests per minute. " +
					"Try again in 1s.", retry: "1"},
				{at: 60 * time.Second},
				{at: 60 * time.Second, want: "Rate limit reached for user alice: 2 requests per minute. " +
					"Try again in 30s.", retry: "30"},
			},
		},
		{
			name: "tpm: refused once the tokens used reach the limit",
			p:    principal(nil, &store.Limits{TPMLimit: ptr[int64](100)}, nil),
			steps: []step{
				{at: 0, tokens: 60}, {at: time.Second, tokens: 39}, {at: 2 * time.Second, tokens: 1},
				{at: 3 * time.Second, want: "Rate limit reached for user alice: 100 tokens per minute. " +
					"Try again in 57s.", retry: "57"},
				{at: 60 * time.Second, tokens: 500},
				{at: 61 * time.Second, want: "Rate limit reached for user alice: 100 tokens per minute. " +
					"Try again in 59s.", retry: "59"},
			},
		},
		{
			name: "team limits name the team by its alias",
			p:    principal(nil, nil, &store.Limits{RPMLimit: ptr[int64](1)}),
			steps: []step{
				{at: 0},
				{at: 0, want: "Rate limit reached for team eng: 1 requests per minute. " +
					"Try again in 60s.", retry: "60"},
			},
		},
		{
			name: "a zero limit refuses everything",
			p:    principal(&store.Limits{RPMLimit: ptr[int64](0)}, nil, nil),
			steps: []step{
				{at: 0, want: "Rate limit reached for key sk-...abcd: 0 requests per minute. " +
					"Try again in 60s.", retry: "60"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			l := policy.NewLimiter(c.Now)
			for i, s := range tt.steps {
				status, msg, retry := refusal(t, admitAt(l, c, tt.p, s.at, 0, s.tokens, 0))
				if msg != s.want || retry != s.retry {
					t.Fatalf("step %d at %v: refusal %q, Retry-After %q; want %q, %q",
						i, s.at, msg, retry, s.want, s.retry)
				}
				if s.want != "" && status != http.StatusTooManyRequests {
					t.Errorf("step %d: status %d, want 429", i, status)
				}
			}
		})
	}
}

// TestAdmitAllOrNothing checks that a request refused by one owner's limit
// reserves nothing with the others.
func TestAdmitAllOrNothing(t *testing.T) {
	c := newClock()
	l := policy.NewLimiter(c.Now)
	both := principal(&store.Limits{RPMLimit: ptr[int64](3)},
		&store.Limits{RPMLimit: ptr[int64](1)}, nil)
	keyOnly := principal(&store.Limits{RPMLimit: ptr[int64](3)}, nil, nil)

	var got []bool
	for _, p := range []*auth.Principal{both, both, both, keyOnly, keyOnly, keyOnly} {
		_, err := l.Admit(p, 0, t0)
		got = append(got, err == nil)
	}
	// The key's 3 requests: the first through both, then 2 with the key
	// alone; the refusals by the user's limit took none of them.
	want := []bool{true, false, false, true, true, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("admitted (-want +got):\n%s", diff)
	}
}

func TestAdmitNoLimits(t *testing.T) {
	l := policy.NewLimiter(nil)
	for _, p := range []*auth.Principal{
		{Role: "proxy_admin", Master: true},
		principal(&store.Limits{}, &store.Limits{Spend: 1e9}, &store.Limits{}),
	} {
		tk, err := l.Admit(p, 1, t0)
		if tk != nil || err != nil {
			t.Fatalf("Admit = %v, %v; want a nil ticket", tk, err)
		}
		tk.Done(10, 1) // a nil ticket settles nothing and does not panic
		if h := tk.Headers(); h != nil {
			t.Errorf("Headers() = %v, want nil", h)
		}
	}
}

func TestHeaders(t *testing.T) {
	c := newClock()
	l := policy.NewLimiter(c.Now)
	p := principal(
		&store.Limits{RPMLimit: ptr[int64](10), TPMLimit: ptr[int64](1000)},
		&store.Limits{RPMLimit: ptr[int64](5)},
		&store.Limits{TPMLimit: ptr[int64](300), MaxBudget: ptr(10.0)})
	if err := admitAt(l, c, p, 0, 0, 200, 0); err != nil {
		t.Fatal(err)
	}
	tk, err := l.Admit(p, 0, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{
		"X-Ratelimit-Api_key-Remaining-Requests": {"8"},
		"X-Ratelimit-Api_key-Limit-Requests":     {"10"},
		"X-Ratelimit-Api_key-Remaining-Tokens":   {"800"},
		"X-Ratelimit-Api_key-Limit-Tokens":       {"1000"},
		"X-Ratelimit-User-Remaining-Requests":    {"3"},
		"X-Ratelimit-User-Limit-Requests":        {"5"},
		"X-Ratelimit-Team-Remaining-Tokens":      {"100"},
		"X-Ratelimit-Team-Limit-Tokens":          {"300"},
		"X-Ratelimit-Remaining-Requests":         {"3"},
		"X-Ratelimit-Limit-Requests":             {"5"},
		"X-Ratelimit-Remaining-Tokens":           {"100"},
		"X-Ratelimit-Limit-Tokens":               {"300"},
	}
	if diff := cmp.Diff(want, tk.Headers()); diff != "" {
		t.Errorf("Headers() (-want +got):\n%s", diff)
	}

	budgetOnly := principal(&store.Limits{MaxBudget: ptr(1.0)}, nil, nil)
	tk, err = l.Admit(budgetOnly, 0, c.Now())
	if err != nil || tk.Headers() != nil {
		t.Errorf("budget only: Headers() = %v, %v; want nil", tk.Headers(), err)
	}
}
