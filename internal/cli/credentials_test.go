package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// The credential store is the CLI's store of logins.
var _ loginStore = (*credstore.Store)(nil)

func TestCredentialPrecedence(t *testing.T) {
	stored := testToken("t1")
	const rejected = `{"detail":"Authentication Error, invalid key"}`
	tests := []struct {
		name     string
		args     []string
		envKey   string
		insecure bool // the credential file is readable by others
		sentAuth string
		status   int
		wantCode int
		wantErr  string
	}{{
		name: "the stored login when nothing else is given", sentAuth: "Bearer " + stored,
	}, {
		name: "the environment wins over the login", envKey: "sk-env", sentAuth: "Bearer sk-env",
	}, {
		name: "the flag wins over the environment", args: []string{"--api-key", "sk-flag"},
		envKey: "sk-env", sentAuth: "Bearer sk-flag",
	}, {
		name: "an empty flag sends no key", args: []string{"--api-key", ""}, envKey: "sk-env",
		status: 401, wantCode: exitAuth,
		wantErr: "error: the gateway requires an API key (401): Authentication Error, invalid key. " +
			"Run litellm-proxy login, or pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "a rejected login says so", sentAuth: "Bearer " + stored, status: 401,
		wantCode: exitAuth,
		wantErr: "error: the gateway rejected your login (401): " +
			"Authentication Error, invalid key. Run litellm-proxy login again, or pass --api-key.\n",
	}, {
		name: "a rejected environment key", envKey: "sk-env", sentAuth: "Bearer sk-env",
		status: 401, wantCode: exitAuth,
		wantErr: "error: the gateway rejected the API key (401): " +
			"Authentication Error, invalid key. Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "an unsafe credential file is an error", insecure: true, wantCode: exitError,
		wantErr: "error: credential file is readable by other users: HOME/.litellm/token.json " +
			"has mode 0644, want 0600; log in again, or run chmod 600 on it if nobody else " +
			"could have read it\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []exchange
			if !tt.insecure {
				reply := `{"object":"list","data":[]}`
				if tt.status == 401 {
					reply = rejected
				}
				calls = []exchange{{method: "GET", target: "/v1/models", status: tt.status, reply: reply}}
			}
			g := newTestServer(t, calls...)
			g.wantAuth = tt.sentAuth
			m := newMachine(t)
			m.login(g.URL)
			if tt.insecure {
				os.Chmod(m.tokenPath(), 0o644)
			}
			m.env[envBaseURL], m.env[envAPIKey] = g.URL, tt.envKey

			got := m.run(append(tt.args, "models", "list", "--format", "json")...)
			got.stdout = ""
			want := result{tt.wantCode, "", strings.ReplaceAll(tt.wantErr, "HOME", m.home)}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoginStaysWithItsGateway checks that the stored token goes to the
// gateway that issued it and to no other, whatever names the gateway.
func TestLoginStaysWithItsGateway(t *testing.T) {
	own, other := newLoginGateway(t), newLoginGateway(t)
	m := newMachine(t)
	m.login(own.URL)
	bearer := "Bearer " + testToken("t1")
	otherErr := "the stored login belongs to the gateway at " + own.URL + ", not " +
		other.URL + "; run litellm-proxy login%s to log in to this one, or pass --api-key"

	if got := m.run("models", "list"); got.code != 0 {
		t.Errorf("models list without a URL: exit code %d\n%s", got.code, got.stderr)
	}
	if got := m.run("--base-url", own.URL+"/", "models", "list"); got.code != 0 {
		t.Errorf("models list --base-url own/: exit code %d\n%s", got.code, got.stderr)
	}
	got := m.run("--base-url", other.URL, "models", "list")
	checkFailure(t, got, exitAuth, strings.Replace(otherErr, "%s", " --base-url "+other.URL, 1))
	m.env[envBaseURL] = other.URL
	got = m.run("models", "list")
	checkFailure(t, got, exitAuth, strings.Replace(otherErr, "%s", "", 1))
	if got := m.run("--api-key", "sk-mine", "models", "list"); got.code != 0 {
		t.Errorf("models list --api-key: exit code %d\n%s", got.code, got.stderr)
	}

	want := []seenRequest{{"GET", "/v1/models", bearer}, {"GET", "/v1/models", bearer}}
	if diff := cmp.Diff(want, own.requests()); diff != "" {
		t.Errorf("requests to the login's gateway (-want +got):\n%s", diff)
	}
	want = []seenRequest{{"GET", "/v1/models", "Bearer sk-mine"}}
	if diff := cmp.Diff(want, other.requests()); diff != "" {
		t.Errorf("requests to the other gateway (-want +got):\n%s", diff)
	}
}

// TestExplicitKeyIgnoresTheLoginsGateway keeps a key from the environment
// away from the gateway a login names: without a URL, it goes to the
// default gateway.
func TestExplicitKeyIgnoresTheLoginsGateway(t *testing.T) {
	own := newLoginGateway(t)
	m := newMachine(t)
	m.login(own.URL)
	m.env[envAPIKey] = "sk-env"
	got := m.run("--timeout", "2s", "models", "list")
	if got.code == 0 || strings.Contains(got.stderr, own.URL) {
		t.Errorf("exit code %d, stderr:\n%s\nwant a failure at %s", got.code, got.stderr,
			defaultBaseURL)
	}
	if reqs := own.requests(); len(reqs) != 0 {
		t.Errorf("the login's gateway got %v", reqs)
	}
}

func TestExpiredLoginIsNotSent(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	m.login(g.URL)
	m.now = t0.Add(25 * time.Hour)
	got := m.run("models", "list")
	checkFailure(t, got, exitAuth,
		"your login expired 1h ago (2025-01-03 12:00 UTC); run litellm-proxy login")
	if reqs := g.requests(); len(reqs) != 0 {
		t.Errorf("the gateway got %v", reqs)
	}
}
