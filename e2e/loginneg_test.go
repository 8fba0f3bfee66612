package e2e

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
)

// TestLoginNegativeEndToEnd checks, with the real binaries and no
// browser, what must not work: logging in to a gateway that has CLI login
// off, starting a gateway with a bad token lifetime, sending a login to
// another gateway than its own, and using a login for a team the user
// was removed from.
func TestLoginNegativeEndToEnd(t *testing.T) {
	requireBinaries(t)
	t.Run("login disabled", testLoginDisabled)
	t.Run("bad token lifetime", testBadTokenLifetime)

	g := startGateway(t, gatewayOptions{env: map[string]string{"EXPERIMENTAL_UI_LOGIN": "True"}})
	g.createTeam(t, "team-a", "demo-fast")
	t.Run("login kept to its gateway", func(t *testing.T) { testOtherGateway(t, g) })
	t.Run("removed from the team", func(t *testing.T) { testRemovedFromTeam(t, g) })
}

func testLoginDisabled(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	r := newTerminal(t, g.url).run(t, "login", "--no-browser")
	if r.code != 4 || !strings.Contains(r.stderr, "EXPERIMENTAL_UI_LOGIN") {
		t.Errorf("login on a gateway without EXPERIMENTAL_UI_LOGIN: want exit 4 and "+
			"stderr naming EXPERIMENTAL_UI_LOGIN, got %v", r)
	}
	if strings.Contains(r.stderr, "/sso/key/generate") {
		t.Errorf("login printed a URL to open although login is disabled:\n%s", r.stderr)
	}
}

func testBadTokenLifetime(t *testing.T) {
	tests := []struct{ name, value string }{
		{"LITELLM_CLI_JWT_EXPIRATION_HOURS", "abc"},
		{"LITELLM_CLI_JWT_EXPIRATION_HOURS", "0"},
		{"LITELLM_CLI_JWT_EXPIRATION_HOURS", "9000"},
		{"CLI_JWT_EXPIRATION_HOURS", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			port, err := freePort()
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"LITELLM_MASTER_KEY": masterKey,
				"EXPERIMENTAL_UI_LOGIN": "True", tt.name: tt.value}
			config := filepath.Join(exampleConfigDir(t), "config.yaml")
			r := run(t, env, bin.litellm, "--config", config, "--host", "127.0.0.1",
				"--port", strconv.Itoa(port))
			// The value may be quoted, and the quotes escaped in a log line.
			named := regexp.MustCompile(regexp.QuoteMeta(tt.name) + `=\\?"?` +
				regexp.QuoteMeta(tt.value) + `(\W|$)`)
			if r.code != 1 || !named.MatchString(r.stderr) {
				t.Errorf("litellm with %s=%s: want exit 1 and stderr naming the variable "+
					"and its value, got %v", tt.name, tt.value, r)
			}
		})
	}
}

// testOtherGateway checks that a login to g is never sent to another
// gateway, played by a server that records the credentials it gets.
func testOtherGateway(t *testing.T, g *gateway) {
	const email, password = "other@example.com", "other-password-0123"
	g.createUser(t, email, password, "team-a")
	tm := newTerminal(t, g.url)
	loginByForm(t, tm, email, password)
	token := checkCredentialFile(t, tm, g.url)
	other := newRecorder(t)

	tests := []struct {
		name string
		env  string // LITELLM_PROXY_URL
		args []string
	}{
		{"models list --base-url", "", []string{"--base-url", other.URL, "models", "list"}},
		{"models list with LITELLM_PROXY_URL", other.URL, []string{"models", "list"}},
		{"http request --base-url", "",
			[]string{"--base-url", other.URL, "http", "request", "GET", "/v1/models"}},
		{"auth print-token --base-url", "",
			[]string{"auth", "print-token", "--base-url", other.URL}},
		{"auth print-token with LITELLM_PROXY_URL", other.URL, []string{"auth", "print-token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := terminal{home: tm.home, baseURL: tt.env}.run(t, tt.args...)
			if r.code != 4 || r.stdout != "" || !strings.Contains(r.stderr, other.URL) {
				t.Errorf("want exit 4, nothing on stdout and an error naming %s, got %v",
					other.URL, r)
			}
			if strings.Contains(r.stdout+r.stderr, token) {
				t.Errorf("the token was printed")
			}
		})
	}
	if n, leaked := other.credentials(token); leaked > 0 {
		t.Errorf("the other gateway got %d requests, %d of them with a credential or the "+
			"token", n, leaked)
	}

	var list apitype.ModelList
	tm.runJSON(t, &list, "models", "list", "--format", "json")
	if ids := modelIDs(list); len(ids) != 1 || ids[0] != "demo-fast" {
		t.Errorf("models list at the login's own gateway: %q, want [demo-fast]", ids)
	}
}

// testRemovedFromTeam checks that a login for a team ends as soon as an
// admin removes the user from that team, long before the token expires.
func testRemovedFromTeam(t *testing.T, g *gateway) {
	const email, password = "leaver@example.com", "leaver-password-0123"
	g.createUser(t, email, password, "team-a")
	tm := newTerminal(t, g.url)
	loginByForm(t, tm, email, password)
	token := checkCredentialFile(t, tm, g.url)
	if status := g.modelsStatus(t, token); status != http.StatusOK {
		t.Fatalf("GET /v1/models with the login's token: status %d, want 200", status)
	}

	g.mustPost(t, "/team/member_delete",
		apitype.TeamMemberDeleteRequest{TeamID: "team-a", UserEmail: email}, nil)
	if status := g.modelsStatus(t, token); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/models after removal from the team: status %d, want 401", status)
	}
	var who whoamiJSON
	tm.runJSON(t, &who, "whoami", "--format", "json")
	if who.Expired || who.ExpiresAt == nil || time.Until(*who.ExpiresAt) < time.Hour {
		t.Errorf("whoami: expires_at %v, expired %v; want hours ahead", who.ExpiresAt, who.Expired)
	}
	if r := tm.run(t, "models", "list"); r.code != 4 {
		t.Errorf("models list after removal from the team: want exit 4, got %v", r)
	}
}

// createUser creates a local user who signs in with email and password
// and belongs to teams.
func (g *gateway) createUser(t *testing.T, email, password string, teams ...string) {
	t.Helper()
	g.mustPost(t, "/user/new", map[string]any{"user_email": email, "password": password,
		"teams": teams, "auto_create_key": false}, nil)
}

// loginByForm logs in as a local user in tm, doing the browser's part
// with plain HTTP.
func loginByForm(t *testing.T, tm terminal, username, password string) {
	t.Helper()
	lr, url, code := startLogin(t, tm)
	completeByForm(t, url, username, password, code)
	if r := lr.wait(t); r.code != 0 {
		t.Fatalf("litellm-proxy login: %v", r)
	}
}

// recorder is a server that answers like a gateway and records the
// credential headers of the requests it gets.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header // the headers of each request
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
		r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Header.Clone())
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	t.Cleanup(rec.Close)
	return rec
}

// credentials returns how many requests the server got, and how many of
// them carried a credential header or the token anywhere in a header.
func (rec *recorder) credentials(token string) (n, leaked int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, h := range rec.seen {
		bad := h.Get("Authorization") != "" || h.Get("x-litellm-api-key") != ""
		for _, vs := range h {
			for _, v := range vs {
				bad = bad || strings.Contains(v, token)
			}
		}
		if bad {
			leaked++
		}
	}
	return len(rec.seen), leaked
}
