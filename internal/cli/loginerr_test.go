package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoginErrors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(*loginGateway)
		args     []string
		stdin    string
		wantCode int
		wantErr  string // the last line of stderr, after "error: "
	}{{
		name: "login disabled on the gateway",
		setup: func(g *loginGateway) {
			g.startStatus, g.startReply = 403, `{"detail":"`+disabledDetail+`"}`
		},
		wantCode: exitAuth,
		wantErr: "the gateway at URL does not allow logging in from the CLI (403): " +
			disabledDetail + " Ask its admin to enable it.",
	}, {
		name: "too many attempts",
		setup: func(g *loginGateway) {
			g.startStatus = 429
			g.startReply = `{"detail":"Too many CLI login attempts. Try again later."}`
		},
		wantCode: exitError,
		wantErr: "the gateway is limiting login attempts (429): Too many CLI login attempts. " +
			"Try again later. Wait 30s and try again.",
	}, {
		name: "session expired",
		setup: func(g *loginGateway) {
			g.pollStatus, g.pollReply = 400, `{"detail":"CLI login session not found or expired"}`
		},
		wantCode: exitError,
		wantErr: "the login session expired or is unknown to the gateway (400): " +
			"CLI login session not found or expired. Run litellm-proxy login --base-url URL again.",
	}, {
		name: "malformed session id",
		setup: func(g *loginGateway) {
			g.pollStatus, g.pollReply = 400, `{"detail":"Invalid CLI login session id"}`
		},
		wantCode: exitError,
		wantErr: "the login session expired or is unknown to the gateway (400): " +
			"Invalid CLI login session id. Run litellm-proxy login --base-url URL again.",
	}, {
		name: "polling secret rejected",
		setup: func(g *loginGateway) {
			g.pollStatus, g.pollReply = 403, `{"detail":"Invalid CLI polling secret"}`
		},
		wantCode: exitAuth,
		wantErr: "the gateway rejected this login's polling secret (403): " +
			"Invalid CLI polling secret. Run litellm-proxy login --base-url URL again.",
	}, {
		name: "a team the gateway refuses",
		setup: func(g *loginGateway) {
			g.pollStatus = 400
			g.pollReply = `{"detail":"User does not belong to team: t9. Available teams: t1"}`
		},
		wantCode: exitError,
		wantErr: "the gateway refused the request (400): User does not belong to team: t9. " +
			"Available teams: t1. Check the command's arguments.",
	}, {
		name:     "timeout",
		setup:    func(g *loginGateway) { g.pending = 1 << 30 },
		args:     []string{"--timeout", "30ms"},
		wantCode: exitError,
		wantErr: "the login was not finished in the browser within 30ms; " +
			"run litellm-proxy login --base-url URL again, or allow longer with --timeout",
	}, {
		name:     "a --team that is not the user's",
		setup:    func(g *loginGateway) { g.teams = twoTeams },
		args:     []string{"--team", "nope"},
		wantCode: exitUsage,
		wantErr:  "--team nope is not one of your teams: ml (t1), research (t2)",
	}, {
		name:     "no team chosen",
		setup:    func(g *loginGateway) { g.teams = twoTeams },
		stdin:    "",
		wantCode: exitUsage,
		wantErr: "no team chosen (EOF); pass --team with one of: " +
			"ml (t1), research (t2)",
	}, {
		name:     "a non-positive --timeout",
		setup:    func(g *loginGateway) { g.startStatus = 500 },
		args:     []string{"--timeout", "0s"},
		wantCode: exitUsage,
		wantErr:  "--timeout must be positive",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newLoginGateway(t)
			tt.setup(g)
			m := newMachine(t)
			args := append([]string{"--base-url", g.URL, "login", "--no-browser"}, tt.args...)
			got := m.runWith(t.Context(), tt.stdin, args...)
			checkFailure(t, got, tt.wantCode, strings.ReplaceAll(tt.wantErr, "URL", g.URL))
			if _, err := os.Stat(m.tokenPath()); err == nil {
				t.Error("a failed login stored a credential")
			}
		})
	}
}

// checkFailure checks the exit code, an empty stdout and the error line.
func checkFailure(t *testing.T, got result, code int, msg string) {
	t.Helper()
	if got.code != code || got.stdout != "" {
		t.Errorf("exit code %d, stdout %q; want %d and nothing", got.code, got.stdout, code)
	}
	lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
	if code == exitUsage {
		lines = lines[:len(lines)-1] // the pointer to --help
	}
	if diff := cmp.Diff("error: "+msg, lines[len(lines)-1]); diff != "" {
		t.Errorf("error line (-want +got):\n%s\nstderr:\n%s", diff, got.stderr)
	}
}

func TestLoginUnreachable(t *testing.T) {
	m := newMachine(t)
	url := closedURL(t)
	got := m.run("--base-url", url, "login")
	checkFailure(t, got, exitUnreachable, "cannot reach the gateway at "+url+
		": connection refused. Is it running? Set --base-url or LITELLM_PROXY_URL.")
}

func TestLoginInterrupted(t *testing.T) {
	g := newLoginGateway(t)
	g.pending = 1 << 30
	ctx, cancel := context.WithCancel(t.Context())
	g.onPoll = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	m := newMachine(t)
	got := m.runWith(ctx, "", "--base-url", g.URL, "login")
	checkFailure(t, got, exitInterrupted, "login canceled; no credential was stored")
}

// TestLoginSurvivesAPassingFailure keeps polling through a gateway that
// fails for a moment, saying so once per failure.
func TestLoginSurvivesAPassingFailure(t *testing.T) {
	g := newLoginGateway(t)
	g.failing, g.pending = 2, 1
	m := newMachine(t)
	got := m.run("--base-url", g.URL, "login")
	if got.code != 0 || strings.Count(got.stderr, "Still trying.") != 2 {
		t.Errorf("exit code %d, stderr:\n%s\nwant 0 and two warnings", got.code, got.stderr)
	}
}

func TestLoginGivesUpOnALastingFailure(t *testing.T) {
	g := newLoginGateway(t)
	g.failing = 1 << 30
	m := newMachine(t)
	got := m.run("--base-url", g.URL, "login")
	checkFailure(t, got, exitError, "the gateway failed (503): The gateway is restarting. "+
		"Try again; if it keeps failing, the gateway's log has the details.")
}
