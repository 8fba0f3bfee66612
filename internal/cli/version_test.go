package cli

import (
	"testing"

	"github.com/litellm-go/gateway/internal/version"
)

func TestVersion(t *testing.T) {
	ready := exchange{method: "GET", target: "/health/readiness",
		reply: `{"status":"healthy","db":"connected","litellm_version":"1.2.3"}`}
	t.Run("both versions", func(t *testing.T) {
		g := newTestServer(t, ready)
		got := runCLI(t, gatewayEnv(g), "version")
		want := "Client: litellm-proxy " + version.String() + "\nServer: 1.2.3 at " + g.URL + "\n"
		if got.code != exitOK || got.stdout != want || got.stderr != "" {
			t.Errorf("version = %d, %q, %q; want 0, %q, no stderr", got.code, got.stdout, got.stderr, want)
		}
	})
	t.Run("unreachable gateway", func(t *testing.T) {
		base := closedURL(t)
		got := runCLI(t, map[string]string{envBaseURL: base}, "version")
		wantOut := "Client: litellm-proxy " + version.String() + "\n"
		wantErr := "warning: the gateway's version is unknown: cannot reach the gateway at " + base +
			": connection refused. Is it running? Set --base-url or LITELLM_PROXY_URL.\n"
		if got.code != exitOK || got.stdout != wantOut || got.stderr != wantErr {
			t.Errorf("version = %d, %q, %q; want 0, %q, %q", got.code, got.stdout, got.stderr,
				wantOut, wantErr)
		}
	})
	t.Run("unhealthy gateway still names its version", func(t *testing.T) {
		g := newTestServer(t, exchange{method: "GET", target: "/health/readiness", status: 503,
			reply: `{"status":"unhealthy","db":"disconnected","litellm_version":"1.2.3"}`})
		got := runCLI(t, gatewayEnv(g), "version")
		if got.code != exitOK || got.stderr != "" {
			t.Errorf("version = %d, %q; want 0 and no warning", got.code, got.stderr)
		}
	})
}
