package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
)

// t0 is the fake clock's time: the token is issued then, for a day.
var t0 = time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)

const (
	testLoginID    = "cli-3f2a9c"
	testPollSecret = "poll-secret-0123"
	testUserCode   = "WXYZ-2345"
	disabledDetail = "CLI login is disabled on this gateway. Set EXPERIMENTAL_UI_LOGIN=True " +
		"to enable it."
)

// loginGateway is a fake gateway that speaks the classic CLI login and the
// session routes, and answers /v1/models. It records every request.
type loginGateway struct {
	*httptest.Server
	t *testing.T

	// Set before the first request.
	startStatus int                    // 0: 200
	startReply  string                 // body when startStatus is set
	failing     int                    // first polls, answered 503
	pending     int                    // polls answered pending before ready
	teams       []apitype.CLILoginTeam // more than one: the user must choose
	pollStatus  int                    // 0: the normal flow
	pollReply   string                 // body when pollStatus is set
	onPoll      func(n int)            // called with the number of each poll
	session     string                 // "valid" (default), "revoked" or "expired"
	logoutDown  bool                   // POST /sso/cli/logout answers 401

	mu    sync.Mutex
	seen  []seenRequest
	polls int
}

// seenRequest is one request the fake gateway received.
type seenRequest struct {
	Method, Target, Auth string
}

func newLoginGateway(t *testing.T) *loginGateway {
	t.Helper()
	g := &loginGateway{t: t, session: "valid"}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

// requests returns what the gateway received so far.
func (g *loginGateway) requests() []seenRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.seen)
}

func (g *loginGateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.seen = append(g.seen, seenRequest{r.Method, r.RequestURI, r.Header.Get("Authorization")})
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "POST" && r.URL.Path == "/sso/cli/start":
		g.start(w)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/sso/cli/poll/"):
		g.poll(w, r)
	case r.Method == "GET" && r.URL.Path == "/sso/cli/session":
		g.sessionInfo(w, r)
	case r.Method == "POST" && r.URL.Path == "/sso/cli/logout":
		g.logout(w, r)
	case r.Method == "GET" && r.URL.Path == "/v1/models":
		fmt.Fprint(w, modelsReply)
	default:
		g.t.Errorf("unexpected request %s %s", r.Method, r.RequestURI)
		reply(w, http.StatusNotFound, `{"detail":"Not Found"}`)
	}
}

func reply(w http.ResponseWriter, status int, body string) {
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func (g *loginGateway) start(w http.ResponseWriter) {
	if g.startStatus != 0 {
		w.Header().Set("Retry-After", "30")
		reply(w, g.startStatus, g.startReply)
		return
	}
	fmt.Fprintf(w, `{"login_id":%q,"poll_secret":%q,"user_code":%q}`,
		testLoginID, testPollSecret, testUserCode)
}

func (g *loginGateway) poll(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.polls++
	n := g.polls
	g.mu.Unlock()
	if g.onPoll != nil {
		g.onPoll(n)
	}
	switch {
	case g.pollStatus != 0:
		reply(w, g.pollStatus, g.pollReply)
	case r.URL.Path != "/sso/cli/poll/"+testLoginID:
		reply(w, 400, `{"detail":"CLI login session not found or expired"}`)
	case r.Header.Get(apitype.CLIPollSecretHeader) != testPollSecret:
		reply(w, 403, `{"detail":"Invalid CLI polling secret"}`)
	case n <= g.failing:
		reply(w, 503, `{"detail":"The gateway is restarting"}`)
	case n <= g.failing+g.pending:
		fmt.Fprint(w, `{"status":"pending"}`)
	default:
		g.ready(w, r.URL.Query().Get("team_id"))
	}
}

// ready answers a finished login: a request to choose a team, or the token.
func (g *loginGateway) ready(w http.ResponseWriter, team string) {
	var ids []string
	for _, tm := range g.teams {
		ids = append(ids, tm.TeamID)
	}
	switch {
	case len(g.teams) > 1 && team == "":
		b, _ := json.Marshal(apitype.CLILoginPoll{Status: "ready", RequiresTeamSelection: true,
			UserID: "u1", Teams: ids, TeamDetails: g.teams})
		w.Write(b)
		return
	case len(g.teams) == 1:
		team = ids[0]
	case team != "" && !slices.Contains(ids, team):
		reply(w, 403, `{"detail":"User is not a member of this team"}`)
		return
	}
	b, _ := json.Marshal(apitype.CLILoginPoll{Status: "ready", Key: testToken(team),
		UserID: "u1", TeamID: &team, Teams: ids, ExpiresIn: 86400})
	w.Write(b)
}

func (g *loginGateway) sessionInfo(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Header.Get("Authorization") != "Bearer "+testToken("t1"):
		reply(w, 401, `{"detail":"Invalid session token"}`)
	case g.session == "revoked":
		reply(w, 401, `{"detail":"This login was revoked. Run litellm-proxy login."}`)
	case g.session == "expired":
		reply(w, 401, `{"detail":"This login expired. Run litellm-proxy login."}`)
	default:
		fmt.Fprintf(w, `{"session_id":"sess-1","user_id":"u1","team_id":"t1",`+
			`"created_at":%q,"expires_at":%q}`, t0.Format(time.RFC3339),
			t0.Add(24*time.Hour).Format(time.RFC3339))
	}
}

func (g *loginGateway) logout(w http.ResponseWriter, r *http.Request) {
	if g.logoutDown || r.Header.Get("Authorization") != "Bearer "+testToken("t1") {
		reply(w, 401, `{"detail":"Invalid session token"}`)
		return
	}
	fmt.Fprint(w, `{"revoked":true}`)
}

// testToken is the session token for team, shaped like the gateway's JWT
// with a signature nobody checks.
func testToken(team string) string {
	return makeJWT(map[string]any{"iss": "gw", "aud": "litellm-cli", "sub": "u1",
		"iat": t0.Unix(), "exp": t0.Add(24 * time.Hour).Unix(), "jti": "sess-1",
		"email": "ada@example.com", "role": "internal_user", "team_id": team})
}

func makeJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(claims)
	return enc([]byte(`{"alg":"EdDSA","typ":"JWT","kid":"k1"}`)) + "." + enc(payload) + "." +
		enc([]byte("signature"))
}
