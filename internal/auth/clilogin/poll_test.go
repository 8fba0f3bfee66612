package clilogin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/store"
)

func TestPollRefuses(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	unknown := "cli-" + strings.Repeat("a", 43)
	tests := []struct {
		name, id, secret string
		status           int
		detail           string
	}{
		{"malformed id", "cli-short", s.PollSecret, 400, "Invalid CLI login session id"},
		{"no prefix", strings.Repeat("a", 47), s.PollSecret, 400, "Invalid CLI login session id"},
		{"bad characters", "cli-" + strings.Repeat("a", 40) + "%2F..", s.PollSecret, 400,
			"Invalid CLI login session id"},
		{"too long", "cli-" + strings.Repeat("k", 5000), s.PollSecret, 400,
			"Invalid CLI login session id"},
		{"legacy sk- id", "sk-legacy-cli-key", s.PollSecret, 400, "Your litellm CLI is out of date " +
			"and uses a login flow this proxy no longer supports. " +
			"Upgrade it and run `litellm-proxy login` again."},
		{"unknown id", unknown, s.PollSecret, 400, "CLI login session not found or expired"},
		{"wrong secret", s.LoginID, s.PollSecret + "x", 403, "Invalid CLI polling secret"},
		{"missing secret", s.LoginID, "", 403, "Invalid CLI polling secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.poll(tt.id, tt.secret, "")
			if status != tt.status || detail(body) != tt.detail {
				t.Errorf("poll = %d %q, want %d %q", status, detail(body), tt.status, tt.detail)
			}
		})
	}
}

// TestPollSecretInQuery checks that a secret in the URL is not accepted:
// URLs end up in logs.
func TestPollSecretInQuery(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	path := "/sso/cli/poll/" + s.LoginID + "?secret=" + s.PollSecret
	status, body := e.do(http.MethodGet, path, nil, nil)
	if status != 403 || !strings.Contains(string(body), "Invalid CLI polling secret") {
		t.Errorf("poll with ?secret= = %d %s, want 403", status, body)
	}
}

func TestPollExpired(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	e.clock.Advance(clilogin.LoginTTL - time.Second)
	e.wantPending(s)
	e.clock.Advance(time.Second)
	if status, body := e.poll(s.LoginID, s.PollSecret, ""); status != 400 ||
		detail(body) != "CLI login session not found or expired" {
		t.Errorf("poll at expiry = %d %v", status, body)
	}
	// The browser cannot revive it either.
	p := newBrowser(t).get(e.generateURL(s.LoginID))
	if p.status != 400 || !strings.Contains(p.body, "CLI login session not found or expired") {
		t.Errorf("generate after expiry = %d %s", p.status, p.body)
	}
}

// TestTeamSelection signs in a user whose groups map to two teams.
func TestTeamSelection(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{TeamGroups: map[string]string{
		"eng": "team-eng", "ml": "team-ml", "ops": "team-missing"}}))
	ctx := context.Background()
	for _, tm := range []*store.Team{{ID: "team-eng", Alias: "Engineering"}, {ID: "team-ml"}} {
		if err := e.store.CreateTeam(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	s := e.start()
	b := newBrowser(t)
	user := alice()
	user.Groups = append(user.Groups, "ops")
	b.confirm(parseComplete(t, e.signInSSO(b, s.LoginID, user)), s.UserCode)

	status, body := e.poll(s.LoginID, s.PollSecret, "")
	want := map[string]any{
		"status": "ready", "requires_team_selection": true, "user_id": "alice-sub",
		"teams": []any{"team-eng", "team-ml"},
		"team_details": []any{
			map[string]any{"team_id": "team-eng", "team_alias": "Engineering"},
			map[string]any{"team_id": "team-ml", "team_alias": nil},
		},
	}
	if diff := cmp.Diff(want, body); status != 200 || diff != "" {
		t.Fatalf("poll = %d (-want +got):\n%s", status, diff)
	}
	if !strings.Contains(e.logs.String(), "team-missing") {
		t.Error("a group mapped to a missing team was not logged")
	}

	status, body = e.poll(s.LoginID, s.PollSecret, "team-other")
	if status != 400 || detail(body) !=
		"User does not belong to team: team-other. Available teams: team-eng, team-ml" {
		t.Errorf("poll with a foreign team = %d %v", status, body)
	}

	status, body = e.poll(s.LoginID, s.PollSecret, "team-ml")
	if status != 200 || body["team_id"] != "team-ml" || body["key"] == nil {
		t.Fatalf("poll with team-ml = %d %v", status, body)
	}
	c := e.verify(body["key"].(string))
	sess, err := e.store.GetSession(ctx, c.SessionID)
	if c.TeamID != "team-ml" || err != nil || sess.TeamID != "team-ml" {
		t.Errorf("claims %+v, session %+v (%v); want team-ml in both", c, sess, err)
	}
}

// TestSingleTeam: a user in exactly one team gets it without asking.
func TestSingleTeam(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{TeamGroups: map[string]string{"eng": "team-eng"}}))
	if err := e.store.CreateTeam(context.Background(), &store.Team{ID: "team-eng"}); err != nil {
		t.Fatal(err)
	}
	s := e.start()
	b := newBrowser(t)
	b.confirm(parseComplete(t, e.signInSSO(b, s.LoginID, alice())), s.UserCode)
	status, body := e.poll(s.LoginID, s.PollSecret, "")
	if status != 200 || body["team_id"] != "team-eng" {
		t.Fatalf("poll = %d %v, want team-eng chosen", status, body)
	}
	if c := e.verify(body["key"].(string)); c.TeamID != "team-eng" {
		t.Errorf("team_id claim = %q", c.TeamID)
	}
}

// TestConcurrentCollection: of polls racing for one token, one wins.
func TestConcurrentCollection(t *testing.T) {
	e := newTestServer(t)
	s := e.readyLogin()
	const n = 8
	results := make(chan int, n)
	for range n {
		go func() {
			status, _ := e.poll(s.LoginID, s.PollSecret, "")
			results <- status
		}()
	}
	won := 0
	for range n {
		if <-results == 200 {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d polls collected the token, want 1", won)
	}
	sessions, err := e.store.ListSessions(context.Background(), store.SessionFilter{})
	if err != nil || len(sessions) != 1 {
		t.Errorf("sessions = %d (%v), want 1", len(sessions), err)
	}
}
