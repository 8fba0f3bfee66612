package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// The login store is the credential source the CLI will use.
var _ credentialSource = (*credstore.Store)(nil)

// fakeCreds is a credential store holding one token for one gateway.
type fakeCreds struct {
	baseURL, token string
	err            error
	asked          *int
}

func (f fakeCreds) Credential(_ context.Context, baseURL string) (string, error) {
	*f.asked++
	if f.err != nil {
		return "", f.err
	}
	if baseURL != f.baseURL {
		return "", nil
	}
	return f.token, nil
}

func TestCredentialPrecedence(t *testing.T) {
	const stored = "stored-session-token"
	const rejected = `{"detail":"Authentication Error, invalid key"}`
	tests := []struct {
		name      string
		args      []string
		envKey    string
		credErr   error
		sentAuth  string
		status    int
		wantCode  int
		wantErr   string
		wantAsked int
	}{{
		name: "the stored credential when nothing else is given", sentAuth: "Bearer " + stored,
		wantAsked: 1,
	}, {
		name: "the environment wins over the store", envKey: "sk-env", sentAuth: "Bearer sk-env",
	}, {
		name: "the flag wins over the environment", args: []string{"--api-key", "sk-flag"},
		envKey: "sk-env", sentAuth: "Bearer sk-flag",
	}, {
		name: "an empty flag sends no key", args: []string{"--api-key", ""}, envKey: "sk-env",
		status: 401, wantCode: exitAuth,
		wantErr: "error: the gateway requires an API key (401): Authentication Error, invalid key. " +
			"Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "a rejected stored credential says so", sentAuth: "Bearer " + stored, status: 401,
		wantCode: exitAuth, wantAsked: 1,
		wantErr: "error: the gateway rejected the stored credential (401): " +
			"Authentication Error, invalid key. Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "a rejected environment key", envKey: "sk-env", sentAuth: "Bearer sk-env",
		status: 401, wantCode: exitAuth,
		wantErr: "error: the gateway rejected the API key (401): " +
			"Authentication Error, invalid key. Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "a failing store is an error", credErr: errors.New("keychain locked"),
		wantCode: exitError, wantAsked: 1,
		wantErr: "error: read the stored credential: keychain locked\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []exchange
			if tt.credErr == nil {
				reply := `{"object":"list","data":[]}`
				if tt.status == 401 {
					reply = rejected
				}
				calls = []exchange{{method: "GET", target: "/v1/models", status: tt.status, reply: reply}}
			}
			g := newTestServer(t, calls...)
			g.wantAuth = tt.sentAuth
			asked := 0
			var stdout, stderr bytes.Buffer
			a := &app{
				stdin:  strings.NewReader(""),
				stdout: &stdout,
				stderr: &stderr,
				getenv: func(k string) string {
					return map[string]string{envBaseURL: g.URL, envAPIKey: tt.envKey}[k]
				},
				creds: fakeCreds{baseURL: g.URL, token: stored, err: tt.credErr, asked: &asked},
			}
			code := a.run(t.Context(), append(tt.args, "models", "list", "--format", "json"))
			got := result{code, "", stderr.String()}
			want := result{tt.wantCode, "", tt.wantErr}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if asked != tt.wantAsked {
				t.Errorf("the store was asked %d times, want %d", asked, tt.wantAsked)
			}
		})
	}
}

func TestStoredCredentialStaysWithItsGateway(t *testing.T) {
	g := newTestServer(t, exchange{method: "GET", target: "/v1/models", reply: `{"data":[]}`})
	g.wantAuth = "" // the token below belongs to another gateway
	asked := 0
	a := &app{
		stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: func(string) string { return "" },
		creds:  fakeCreds{baseURL: "https://other.example", token: "t", asked: &asked},
	}
	if code := a.run(t.Context(), []string{"--base-url", g.URL, "models", "list"}); code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
}
