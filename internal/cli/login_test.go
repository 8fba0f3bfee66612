package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
)

func ptr[T any](v T) *T { return &v }

var twoTeams = []apitype.CLILoginTeam{
	{TeamID: "t1", TeamAlias: ptr("ml")},
	{TeamID: "t2", TeamAlias: ptr("research")},
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		teams    []apitype.CLILoginTeam
		stdin    string
		wantTeam string // in the stored login
		wantPoll string // the query of the last poll
		wantErr  string // in stderr, besides the prompt
	}{{
		name: "one team is taken without asking", teams: twoTeams[:1], wantTeam: "t1",
	}, {
		name: "no team", wantTeam: "",
	}, {
		name: "--team when the gateway does not ask", args: []string{"--team", "ml"},
		teams: twoTeams[:1], wantTeam: "t1",
		wantErr: "note: the gateway did not ask for a team (it chose t1); --team ml played no part\n",
	}, {
		name: "--team by id", args: []string{"--team", "t2"}, teams: twoTeams,
		wantTeam: "t2", wantPoll: "?team_id=t2",
	}, {
		name: "--team by alias", args: []string{"--team", "Research"}, teams: twoTeams,
		wantTeam: "t2", wantPoll: "?team_id=t2",
	}, {
		name: "a numbered choice on stdin", teams: twoTeams, stdin: "3\nsecond\n2\n",
		wantTeam: "t2", wantPoll: "?team_id=t2",
		wantErr: "Choose the team for this login:\n  1) ml (t1)\n  2) research (t2)\n" +
			"Team [1-2]: Type a number from 1 to 2.\nTeam [1-2]: Type a number from 1 to 2.\n" +
			"Team [1-2]: Team: research (t2)\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newLoginGateway(t)
			g.pending, g.teams = 2, tt.teams
			m := newMachine(t)
			m.env[envBaseURL] = g.URL

			got := m.runWith(t.Context(), tt.stdin, append([]string{"login"}, tt.args...)...)
			if got.code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", got.code, got.stderr)
			}
			team := ""
			if tt.wantTeam != "" {
				team = ", team " + tt.wantTeam
			}
			wantOut := "Login successful!\n" +
				"Logged in to " + g.URL + " as ada@example.com" + team +
				"; the login expires in 24h 0m (2025-01-03 12:00 UTC).\n" +
				"Saved to " + m.tokenPath() + "\n"
			if diff := cmp.Diff(wantOut, got.stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			url := g.URL + "/sso/key/generate?key=" + testLoginID + "&source=litellm-cli"
			for _, s := range []string{url, testUserCode, "Session: " + testLoginID,
				"Opened your browser.", tt.wantErr} {
				if !strings.Contains(got.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, got.stderr)
				}
			}
			if !strings.Contains(tt.wantErr, "note:") && strings.Contains(got.stderr, "note:") {
				t.Errorf("stderr has an unexpected note:\n%s", got.stderr)
			}
			if diff := cmp.Diff([]string{url}, m.openedURLs()); diff != "" {
				t.Errorf("browser opened (-want +got):\n%s", diff)
			}
			reqs := g.requests()
			if last := reqs[len(reqs)-1].Target; last != "/sso/cli/poll/"+testLoginID+tt.wantPoll {
				t.Errorf("last poll = %s, want the query %q", last, tt.wantPoll)
			}
			for _, r := range reqs {
				if r.Auth != "" {
					t.Errorf("%s %s sent Authorization %q", r.Method, r.Target, r.Auth)
				}
			}
			checkStoredLogin(t, m, g.URL, tt.wantTeam)
		})
	}
}

// checkStoredLogin checks the credential file against COMPAT.md: its
// fields, and modes 0600 in a 0700 directory.
func checkStoredLogin(t *testing.T, m *machine, base, team string) {
	t.Helper()
	want := map[string]any{"base_url": base, "key": testToken(team), "user_id": "u1",
		"user_email": "ada@example.com", "user_role": "internal_user",
		"timestamp": float64(t0.Unix()), "expires_at": float64(t0.Unix() + 86400)}
	if team != "" {
		want["team_id"] = team
	}
	if diff := cmp.Diff(want, m.tokenFile()); diff != "" {
		t.Errorf("token.json (-want +got):\n%s", diff)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for path, mode := range map[string]fs.FileMode{m.tokenPath(): 0o600,
		filepath.Dir(m.tokenPath()): 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %04o, want %04o", path, fi.Mode().Perm(), mode)
		}
	}
}

func TestLoginNoBrowser(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	got := m.run("--base-url", g.URL, "login", "--no-browser")
	if got.code != 0 || len(m.openedURLs()) != 0 {
		t.Errorf("exit code %d, browser opened %v; want 0 and none\n%s",
			got.code, m.openedURLs(), got.stderr)
	}
	if strings.Contains(got.stderr, "browser.") {
		t.Errorf("stderr speaks of a browser:\n%s", got.stderr)
	}
}

func TestLoginBrowserFails(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	m.openErr = os.ErrNotExist
	got := m.run("--base-url", g.URL, "login")
	want := "Could not open a browser (file does not exist); open the URL above yourself.\n"
	if got.code != 0 || !strings.Contains(got.stderr, want) {
		t.Errorf("exit code %d, stderr:\n%s\nwant 0 and %q", got.code, got.stderr, want)
	}
}

// TestLoginPrompt pins what the user reads on stderr, and that stdout
// has only the result.
func TestLoginPrompt(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	got := m.run("--base-url", g.URL, "login", "--no-browser")
	want := "Logging in to " + g.URL + ".\n\n" +
		"Open this URL in your browser:\n\n" +
		"    " + g.URL + "/sso/key/generate?key=cli-3f2a9c&source=litellm-cli\n\n" +
		"When the browser asks, enter this verification code:\n\n" +
		"    WXYZ-2345\n\n" +
		"Session: cli-3f2a9c\n" +
		"Waiting for you to finish in the browser (5m 00s left)...\n"
	if diff := cmp.Diff(want, got.stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(got.stdout, "Login successful!\n") {
		t.Errorf("stdout:\n%s", got.stdout)
	}
}

// TestLoginAgain logs in to the gateway of the stored login when no URL
// is given, even if that login expired.
func TestLoginAgain(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	m.login(g.URL)
	m.now = t0.Add(48 * time.Hour)
	if got := m.run("login"); got.code != 0 || !strings.Contains(got.stderr, "Logging in to "+g.URL) {
		t.Errorf("exit code %d, stderr:\n%s", got.code, got.stderr)
	}
}

// TestLoginReplacesAnotherGatewaysLogin says so: a machine keeps one login.
func TestLoginReplacesAnotherGatewaysLogin(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	m.login(exampleGateway)
	got := m.run("--base-url", g.URL, "login", "--no-browser")
	want := "note: this replaces your login to https://llm.example.com\n"
	if got.code != 0 || !strings.Contains(got.stderr, want) {
		t.Errorf("exit code %d, stderr:\n%s\nwant 0 and %q", got.code, got.stderr, want)
	}
	checkStoredLogin(t, m, g.URL, "")
}
