package gateway_test

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

const inProcessMaster = "sk-in-process-master"

// limiter admits or refuses requests and records what it was told.
type limiter struct {
	mu        sync.Mutex
	refuse    bool
	estimates []float64
	settled   []int64
	costs     []float64
}

func (l *limiter) Admit(p *auth.Principal, estimate float64, now time.Time) (gateway.Ticket, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.estimates = append(l.estimates, estimate)
	if l.refuse {
		return nil, &httpapi.Error{Status: 429, Message: "Rate limit for key exceeded: 10 requests a minute.",
			Header: http.Header{"Retry-After": {"42"}}}
	}
	return ticket{l}, nil
}

type ticket struct{ l *limiter }

func (t ticket) Headers() http.Header {
	return http.Header{"X-Ratelimit-Remaining-Requests": {"9"}}
}

func (t ticket) Done(tokens int64, cost float64) {
	t.l.mu.Lock()
	t.l.settled = append(t.l.settled, tokens)
	t.l.costs = append(t.l.costs, cost)
	t.l.mu.Unlock()
}

// recorder keeps spend records.
type recorder struct {
	mu   sync.Mutex
	recs []store.SpendRecord
}

func (r *recorder) Record(rec store.SpendRecord) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

// inProcess builds the gateway's API over a config, without the server:
// only the master key authenticates. The handler stamps a request id as
// the server's middleware does.
func inProcess(t *testing.T, yaml string, l gateway.Limiter, r gateway.SpendRecorder) http.Handler {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(cfg.ModelList, time.Now())
	api := &gateway.API{Auth: auth.NewAuthenticator(nil, cat, inProcessMaster, time.Now),
		Catalog: cat, Log: slog.New(slog.DiscardHandler), Limiter: l, Spend: r,
		Router: router.New(cat, cfg.RouterSettings, router.Options{
			Sleep: func(context.Context, time.Duration) error { return nil }}),
	}
	mux := http.NewServeMux()
	api.Register(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Litellm-Call-Id", "req-in-process")
		mux.ServeHTTP(w, req)
	})
}

func chatRequest(h http.Handler, model string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(`{"model":"`+model+
		`","max_tokens":10,"messages":[{"role":"user","content":"Hello there"}]}`))
	req.Header.Set("Authorization", "Bearer "+inProcessMaster)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const policyConfig = `
model_list:
  - model_name: busy
    litellm_params: {model: openai/busy, mock_response: litellm.RateLimitError}
    model_info: {id: dep-busy}
  - model_name: spare
    litellm_params: {model: openai/spare, mock_response: "Spare answer"}
    model_info: {id: dep-spare, input_cost_per_token: 0.5, output_cost_per_token: 1}
router_settings: {fallbacks: [{busy: [spare]}]}
`

func TestPolicyAndSpend(t *testing.T) {
	l, rec := &limiter{}, &recorder{}
	h := inProcess(t, policyConfig, l, rec)

	resp := chatRequest(h, "busy")
	if resp.Code != 200 || !strings.Contains(resp.Body.String(), "Spare answer") {
		t.Fatalf("status %d: %s", resp.Code, resp.Body)
	}
	want := map[string]string{
		"X-Litellm-Model-Id": "dep-spare", "X-Litellm-Model-Group": "spare",
		"X-Litellm-Attempted-Fallbacks": "1", "X-Litellm-Attempted-Retries": "2",
		"X-Ratelimit-Remaining-Requests": "9",
	}
	for k, v := range want {
		if got := resp.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	// The mock counts "Hello there" as 3 tokens in, "Spare answer" as 3 out.
	cost := 3*0.5 + 3*1.0
	if resp.Header().Get("X-Litellm-Response-Cost") != "4.5" {
		t.Errorf("cost header = %q, want 4.5", resp.Header().Get("X-Litellm-Response-Cost"))
	}
	// Admission knows the group asked for, not the fallback: busy has no
	// price, so no estimate.
	if len(l.estimates) != 1 || l.estimates[0] != 0 || len(l.settled) != 1 ||
		l.settled[0] != 6 || math.Abs(l.costs[0]-cost) > 1e-9 {
		t.Errorf("limiter saw estimates %v, settled %v at %v", l.estimates, l.settled, l.costs)
	}
	if len(rec.recs) != 1 {
		t.Fatalf("spend records = %d, want 1", len(rec.recs))
	}
	r := rec.recs[0]
	if r.RequestID != "req-in-process" || r.Model != "busy" || r.DeploymentID != "dep-spare" ||
		r.Provider != "openai" || r.PromptTokens != 3 || r.CompletionTokens != 3 ||
		math.Abs(r.Cost-cost) > 1e-9 || r.Status != 200 || r.StartedAt.IsZero() {
		t.Errorf("spend record = %+v", r)
	}
}

func TestPolicyRefusal(t *testing.T) {
	l, rec := &limiter{refuse: true}, &recorder{}
	h := inProcess(t, policyConfig, l, rec)
	resp := chatRequest(h, "spare")
	if resp.Code != 429 || resp.Header().Get("Retry-After") != "42" ||
		!strings.Contains(resp.Body.String(), "10 requests a minute") {
		t.Errorf("status %d, headers %v: %s", resp.Code, resp.Header(), resp.Body)
	}
	if len(l.settled) != 0 || len(rec.recs) != 0 {
		t.Errorf("a refused request was settled (%v) or recorded (%v)", l.settled, rec.recs)
	}
	// max_tokens 10 at spare's output price of 1 dollar a token.
	if len(l.estimates) != 1 || l.estimates[0] != 10 {
		t.Errorf("estimates = %v, want [10]", l.estimates)
	}
}

func TestFailedRequestIsRecorded(t *testing.T) {
	l, rec := &limiter{}, &recorder{}
	h := inProcess(t, strings.Replace(policyConfig, "fallbacks: [{busy: [spare]}]", "num_retries: 0", 1), l, rec)
	resp := chatRequest(h, "busy")
	if resp.Code != 429 || resp.Header().Get("X-Litellm-Attempted-Retries") != "0" {
		t.Errorf("status %d, headers %v", resp.Code, resp.Header())
	}
	if len(l.settled) != 1 || l.settled[0] != 0 || len(rec.recs) != 1 ||
		rec.recs[0].Status != 429 || rec.recs[0].Cost != 0 {
		t.Errorf("settled %v, records %+v", l.settled, rec.recs)
	}
}
