package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLogout(t *testing.T) {
	tests := []struct {
		name     string
		down     bool // the gateway answers 401
		closed   bool // nothing listens at the login's gateway
		now      time.Time
		wantOut  string
		wantErr  string
		wantReqs []seenRequest
	}{{
		name: "online",
		wantOut: "Logged out of URL.\nThe gateway ended the session.\n" +
			"Removed the login from HOME/.litellm/token.json\n",
		wantReqs: []seenRequest{{"POST", "/sso/cli/logout", "Bearer " + testToken("t1")}},
	}, {
		name: "the gateway refuses the token", down: true,
		wantOut: "Logged out of URL.\nRemoved the login from HOME/.litellm/token.json\n",
		wantErr: "warning: the session was not ended on the gateway (401: Invalid session token); " +
			"it stays valid on URL until it expires at 2025-01-03 12:00 UTC, " +
			"unless an admin revokes it\n",
		wantReqs: []seenRequest{{"POST", "/sso/cli/logout", "Bearer " + testToken("t1")}},
	}, {
		name: "offline", closed: true,
		wantOut: "Logged out of URL.\nRemoved the login from HOME/.litellm/token.json\n",
		wantErr: "warning: the session was not ended on the gateway " +
			"(cannot reach it: connection refused); it stays valid on URL until it expires " +
			"at 2025-01-03 12:00 UTC, unless an admin revokes it\n",
	}, {
		name: "expired", now: t0.Add(25 * time.Hour),
		wantOut: "Logged out of URL.\nThe session had already expired.\n" +
			"Removed the login from HOME/.litellm/token.json\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newLoginGateway(t)
			g.logoutDown = tt.down
			url := g.URL
			if tt.closed {
				url = closedURL(t)
			}
			m := newMachine(t)
			m.login(url)
			if !tt.now.IsZero() {
				m.now = tt.now
			}
			got := m.run("logout")
			r := strings.NewReplacer("URL", url, "HOME", m.home)
			want := result{0, r.Replace(tt.wantOut), r.Replace(tt.wantErr)}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantReqs, g.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(m.tokenPath()); !os.IsNotExist(err) {
				t.Errorf("the credential file is still there (%v)", err)
			}
		})
	}
}

func TestLogoutNotLoggedIn(t *testing.T) {
	got := newMachine(t).run("logout")
	want := result{0, "", "Not logged in; nothing to do.\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLogoutOtherGateway(t *testing.T) {
	m := newMachine(t)
	m.login(exampleGateway)
	got := m.run("--base-url", "http://localhost:4000", "logout")
	checkFailure(t, got, exitUsage, "the stored login is for https://llm.example.com, "+
		"not http://localhost:4000; run litellm-proxy logout without --base-url to log out of it")
	if _, err := os.Stat(m.tokenPath()); err != nil {
		t.Errorf("the login was removed: %v", err)
	}
}

// TestLogoutUnsafeFile removes a credential file others could read
// without sending its token anywhere.
func TestLogoutUnsafeFile(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	m.login(g.URL)
	os.Chmod(m.tokenPath(), 0o644)
	got := m.run("logout")
	if got.code != 0 || got.stdout != "Removed the login from this machine\n" {
		t.Errorf("exit code %d, stdout %q, stderr:\n%s", got.code, got.stdout, got.stderr)
	}
	if _, err := os.Stat(m.tokenPath()); !os.IsNotExist(err) || len(g.requests()) != 0 {
		t.Errorf("file still there (%v) or requests sent: %v", err, g.requests())
	}
}
