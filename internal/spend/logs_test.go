package spend_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/spend"
	"github.com/litellm-go/gateway/internal/store"
)

const aliceKey = "sk-alice-key"

var aliceHash = secret.HashKey(aliceKey)

// logRecords are the records the /spend/logs tests list, one a day from
// t0.
var logRecords = []store.SpendRecord{
	{RequestID: "r1", KeyHash: aliceHash, UserID: "alice", TeamID: "t1", Model: "gpt-4o",
		DeploymentID: "dep-1", Provider: "openai", PromptTokens: 10, CompletionTokens: 5,
		Cost: 0.5, Status: 200, StartedAt: t0, Duration: 1500 * time.Millisecond},
	{RequestID: "r2", KeyHash: aliceHash, UserID: "alice", TeamID: "t1", Model: "claude",
		Cost: 0.25, Status: 500, StartedAt: t0.AddDate(0, 0, 1)},
	{RequestID: "r3", KeyHash: "hash-bob", UserID: "bob", Model: "gpt-4o",
		Cost: 1, Status: 200, StartedAt: t0.AddDate(0, 0, 2)},
	{RequestID: "r4", KeyHash: "hash-service", Model: "gpt-4o",
		Cost: 2, Status: 200, StartedAt: t0.AddDate(0, 0, 3)},
}

// newTestServer serves /spend/logs on a real store holding logRecords, to
// callers authenticated as p.
func newTestServer(t *testing.T, p *auth.Principal) *httptest.Server {
	t.Helper()
	st := openStore(t)
	if err := st.AddSpend(t.Context(), logRecords); err != nil {
		t.Fatal(err)
	}
	h := spend.Handler(st)
	authenticated := func(w http.ResponseWriter, r *http.Request) error {
		return h(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	}
	mux := http.NewServeMux()
	mux.Handle("GET /spend/logs", httpapi.Detail(discard(), authenticated))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSpendLogs(t *testing.T) {
	admin := &auth.Principal{Role: apitype.RoleProxyAdmin, Master: true}
	viewer := &auth.Principal{Role: apitype.RoleProxyAdminViewer, UserID: "vera"}
	alice := &auth.Principal{Role: apitype.RoleInternalUser, UserID: "alice", KeyHash: aliceHash}
	service := &auth.Principal{Role: apitype.RoleInternalUserViewer, KeyHash: "hash-service"}
	nobody := &auth.Principal{Role: apitype.RoleInternalUser}
	tests := []struct {
		name      string
		p         *auth.Principal
		query     string
		wantIDs   []string
		wantTotal string
		wantErr   string // part of the detail of a 4xx
	}{
		{"admin sees all", admin, "", []string{"r1", "r2", "r3", "r4"}, "4", ""},
		{"viewer sees all", viewer, "", []string{"r1", "r2", "r3", "r4"}, "4", ""},
		{"user_id", admin, "user_id=alice", []string{"r1", "r2"}, "2", ""},
		{"team_id", admin, "team_id=t1", []string{"r1", "r2"}, "2", ""},
		{"api_key as a key", admin, "api_key=" + aliceKey, []string{"r1", "r2"}, "2", ""},
		{"api_key as a hash", admin, "api_key=hash-bob", []string{"r3"}, "1", ""},
		{"model", admin, "model=gpt-4o", []string{"r1", "r3", "r4"}, "3", ""},
		{"dates include the end day", admin, "start_date=2026-05-02&end_date=2026-05-03",
			[]string{"r2", "r3"}, "2", ""},
		{"times exclude the end", admin,
			"start_date=2026-05-01T12:00:00Z&end_date=2026-05-02T14:00:00%2B02:00", []string{"r1"}, "1", ""},
		{"pages", admin, "page=2&page_size=3", []string{"r4"}, "4", ""},
		{"others see their own", alice, "user_id=bob", []string{"r1", "r2"}, "2", ""},
		{"a key without a user sees its own", service, "", []string{"r4"}, "1", ""},
		{"no user and no key", nobody, "", nil, "",
			"requires the role proxy_admin or proxy_admin_viewer"},
		{"bad start_date", admin, "start_date=May+1", nil, "",
			`start_date: "May 1" is not a date; use YYYY-MM-DD or an RFC 3339 time`},
		{"bad end_date", admin, "end_date=2026-13-01", nil, "", `end_date: "2026-13-01" is not a date`},
		{"end before start", admin, "start_date=2026-05-02&end_date=2026-05-01T00:00:00Z", nil, "",
			"end_date: must be after start_date"},
		{"bad page", admin, "page=0", nil, "", `page: "0" is not a whole number from 1`},
		{"bad page_size", admin, "page_size=5000", nil, "",
			`page_size: "5000" is not a whole number from 1 to 1000`},
		{"request_id", admin, "request_id=r1", nil, "",
			"request_id: filtering by request id is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, tt.p)
			resp, err := http.Get(srv.URL + "/spend/logs?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()

			if tt.wantErr != "" {
				var body apitype.DetailError
				json.NewDecoder(resp.Body).Decode(&body)
				if resp.StatusCode/100 != 4 || !strings.Contains(body.Detail, tt.wantErr) {
					t.Errorf("got %d %q, want a 4xx with %q", resp.StatusCode, body.Detail, tt.wantErr)
				}
				return
			}
			var logs []spend.Log
			if err := json.NewDecoder(resp.Body).Decode(&logs); err != nil || resp.StatusCode != 200 {
				t.Fatalf("status %d, decode: %v", resp.StatusCode, err)
			}
			var ids []string
			for _, l := range logs {
				ids = append(ids, l.RequestID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("request ids (-want +got):\n%s", diff)
			}
			if got := resp.Header.Get("X-Total-Count"); got != tt.wantTotal {
				t.Errorf("X-Total-Count = %q, want %q", got, tt.wantTotal)
			}
		})
	}
}

// TestSpendLogShape checks the JSON fields of a record against LiteLLM's
// names.
func TestSpendLogShape(t *testing.T) {
	srv := newTestServer(t, &auth.Principal{Role: apitype.RoleProxyAdmin})
	resp, err := http.Get(srv.URL + "/spend/logs?page_size=2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{
		"request_id": "r1", "api_key": aliceHash, "user": "alice", "team_id": "t1",
		"session_id": "", "model": "gpt-4o", "model_group": "gpt-4o", "model_id": "dep-1",
		"custom_llm_provider": "openai", "spend": 0.5, "prompt_tokens": 10.0,
		"completion_tokens": 5.0, "total_tokens": 15.0, "startTime": "2026-05-01T12:00:00Z",
		"endTime": "2026-05-01T12:00:01.5Z", "request_duration_ms": 1500.0, "status": "success",
	}}
	if diff := cmp.Diff(want, got[:1]); diff != "" {
		t.Errorf("first record (-want +got):\n%s", diff)
	}
	if got[1]["status"] != "failure" {
		t.Errorf("a request answered 500 has status %v, want failure", got[1]["status"])
	}
}
