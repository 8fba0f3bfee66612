package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const exampleGateway = "https://llm.example.com"

func TestWhoami(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		now    time.Time
		golden string
	}{
		{"valid", nil, t0.Add(2*time.Hour + 46*time.Minute), "whoami-valid.txt"},
		{"expired", nil, t0.Add(27 * time.Hour), "whoami-expired.txt"},
		{"json", []string{"--format", "json"}, t0.Add(2*time.Hour + 46*time.Minute),
			"whoami.json"},
		{"expired json", []string{"--format", "json"}, t0.Add(27 * time.Hour),
			"whoami-expired.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t)
			m.login(exampleGateway)
			m.now = tt.now
			got := m.run(append([]string{"whoami"}, tt.args...)...)
			if got.code != 0 || got.stderr != "" {
				t.Fatalf("exit code %d, stderr:\n%s", got.code, got.stderr)
			}
			golden(t, tt.golden, strings.ReplaceAll(got.stdout, m.home, "$HOME"))
		})
	}
}

func TestWhoamiNotLoggedIn(t *testing.T) {
	m := newMachine(t)
	for _, args := range [][]string{{"whoami"}, {"whoami", "--format", "json"}} {
		got := m.run(args...)
		want := result{exitAuth, "", "error: not logged in; run litellm-proxy login to log in\n"}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
			t.Errorf("%v (-want +got):\n%s", args, diff)
		}
	}
}

// TestWhoamiOtherGateway notes that commands for another gateway will not
// use the login.
func TestWhoamiOtherGateway(t *testing.T) {
	m := newMachine(t)
	m.login(exampleGateway)
	got := m.run("--base-url", "http://localhost:4000", "whoami")
	want := "note: this login is for https://llm.example.com; commands for " +
		"http://localhost:4000 will not use it\n"
	if got.code != 0 || got.stderr != want {
		t.Errorf("exit code %d, stderr %q; want 0 and %q", got.code, got.stderr, want)
	}
}

func TestWhoamiVerify(t *testing.T) {
	tests := []struct {
		session  string
		now      time.Time
		wantCode int
		wantLine string // the Session line
		wantErr  string
		wantReqs int
	}{{
		session: "valid", now: t0.Add(time.Hour), wantReqs: 1,
		wantLine: "Session:     valid on the gateway (session sess-1)",
	}, {
		session: "revoked", now: t0.Add(time.Hour), wantCode: exitAuth, wantReqs: 1,
		wantLine: "Session:     revoked, says the gateway (This login was revoked. " +
			"Run litellm-proxy login.)",
		wantErr: "error: the gateway says this login was revoked; run litellm-proxy login\n",
	}, {
		session: "expired", now: t0.Add(time.Hour), wantCode: exitAuth, wantReqs: 1,
		wantLine: "Session:     expired, says the gateway (This login expired. " +
			"Run litellm-proxy login.)",
		wantErr: "error: the gateway says this login has expired; run litellm-proxy login\n",
	}, {
		session: "valid", now: t0.Add(30 * time.Hour), wantCode: exitAuth, wantReqs: 0,
		wantLine: "Session:     expired; not sent to the gateway",
		wantErr: "error: your login expired 6h ago (2025-01-03 12:00 UTC); " +
			"run litellm-proxy login\n",
	}}
	for _, tt := range tests {
		t.Run(tt.session, func(t *testing.T) {
			g := newLoginGateway(t)
			g.session = tt.session
			m := newMachine(t)
			m.login(g.URL)
			m.now = tt.now
			got := m.run("whoami", "--verify")
			if got.code != tt.wantCode || got.stderr != tt.wantErr {
				t.Errorf("exit code %d, stderr %q; want %d, %q", got.code, got.stderr,
					tt.wantCode, tt.wantErr)
			}
			if !strings.Contains(got.stdout, tt.wantLine+"\n") {
				t.Errorf("stdout lacks %q:\n%s", tt.wantLine, got.stdout)
			}
			if n := len(g.requests()); n != tt.wantReqs {
				t.Errorf("the gateway got %d requests, want %d", n, tt.wantReqs)
			}
		})
	}
}

func TestWhoamiVerifyUnreachable(t *testing.T) {
	m := newMachine(t)
	url := closedURL(t)
	m.login(url)
	got := m.run("whoami", "--verify")
	if got.code != exitUnreachable || !strings.Contains(got.stdout, "Email:") {
		t.Errorf("exit code %d, stdout:\n%s\nwant 3 and the offline report", got.code, got.stdout)
	}
}
