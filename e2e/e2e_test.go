package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/testenv"
)

// bin holds the paths of the binaries TestMain built.
var bin struct{ litellm, proxy string }

// moduleRoot is the directory holding go.mod.
var moduleRoot string

// noToolchain says why the binaries could not be built when the go
// command is missing; every test then skips, or fails in CI.
var noToolchain string

// buildDeadline bounds go build of both binaries on a cold cache.
const buildDeadline = 10 * time.Minute

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "litellm-e2e-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	switch err := buildBinaries(dir); {
	case errors.Is(err, exec.ErrNotFound):
		noToolchain = err.Error()
		fmt.Fprintf(os.Stderr, "e2e: SKIP: cannot build the binaries: %v\n", err)
	case err != nil:
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	return m.Run()
}

// buildBinaries runs go build -o dir/ ./cmd/... from the module root.
func buildBinaries(dir string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildDeadline)
	defer cancel()
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("go env GOMOD: not inside the gateway's module")
	}
	moduleRoot = filepath.Dir(gomod)

	build := exec.CommandContext(ctx, goCmd, "build", "-o", dir+string(filepath.Separator),
		"./cmd/...")
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/...: %v\n%s", err, out)
	}
	bin.litellm = filepath.Join(dir, "litellm")
	bin.proxy = filepath.Join(dir, "litellm-proxy")
	return nil
}

// requireBinaries skips tb, or fails it in CI, when TestMain could not
// build the binaries for want of a Go toolchain.
func requireBinaries(tb testing.TB) {
	tb.Helper()
	if noToolchain != "" {
		testenv.Require(tb, "the go command",
			"install Go to build litellm and litellm-proxy: "+noToolchain)
	}
}

// TestQuickStart walks through an admin's first steps with the example
// config: create a team limited to demo-fast, a user in it and a key for
// them; the key then sees demo-fast and nothing else.
func TestQuickStart(t *testing.T) {
	requireBinaries(t)
	g := startGateway(t, gatewayOptions{})
	admin := g.proxy(masterKey)

	var team apitype.TeamInfo
	admin.runJSON(t, &team, "teams", "create", "--alias", "e2e-team", "--models", "demo-fast",
		"--format", "json")
	if diff := cmp.Diff([]string{"demo-fast"}, team.Models); diff != "" {
		t.Errorf("teams create: models (-want +got):\n%s", diff)
	}
	var user apitype.NewUserResponse
	admin.runJSON(t, &user, "users", "create", "--email", "dev@example.com",
		"--team", team.TeamID, "--no-key", "--format", "json")
	if diff := cmp.Diff([]string{team.TeamID}, user.Teams); diff != "" {
		t.Errorf("users create: teams (-want +got):\n%s", diff)
	}
	var key apitype.GenerateKeyResponse
	admin.runJSON(t, &key, "keys", "generate",
		"--user-id", user.UserID, "--team-id", team.TeamID, "--format", "json")
	if !strings.HasPrefix(key.Key, "sk-") || deref(key.UserID) != user.UserID ||
		deref(key.TeamID) != team.TeamID {
		t.Errorf("keys generate: key %.6q... for user %q, team %q; want sk-..., %q, %q",
			key.Key, deref(key.UserID), deref(key.TeamID), user.UserID, team.TeamID)
	}
	plainKey := generatePlain(t, admin, "--user-id", user.UserID, "--team-id", team.TeamID)

	t.Run("models list json", func(t *testing.T) {
		tests := []struct {
			name, key string
			want      []string
		}{
			{"admin sees every model", masterKey, []string{"demo-fast", "demo-smart"}},
			{"team key", key.Key, []string{"demo-fast"}},
			{"team key printed as text", plainKey, []string{"demo-fast"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var list apitype.ModelList
				r := g.proxy(tt.key).runJSON(t, &list, "models", "list", "--format", "json")
				if diff := cmp.Diff(tt.want, modelIDs(list)); diff != "" {
					t.Errorf("models list --format json: ids (-want +got):\n%s", diff)
				}
				if r.stderr != "" {
					t.Errorf("models list --format json: stderr %q, want nothing", r.stderr)
				}
			})
		}
	})

	t.Run("models list table", func(t *testing.T) {
		r := g.proxy(key.Key).run(t, "models", "list")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("models list: want exit 0 and no stderr, got %v", r)
		}
		rows := tableRows(r.stdout)
		if len(rows) == 0 {
			t.Fatalf("models list: no output")
		}
		header := []string{"ID", "Object", "Created", "Owned By"}
		if diff := cmp.Diff(header, rows[0]); diff != "" {
			t.Errorf("models list: header (-want +got):\n%s", diff)
		}
		var ids []string
		for _, row := range rows[1:] {
			ids = append(ids, row[0])
		}
		if diff := cmp.Diff([]string{"demo-fast"}, ids); diff != "" {
			t.Errorf("models list: first column (-want +got):\n%s", diff)
		}
	})

	t.Run("version", func(t *testing.T) {
		testVersion(t, g, key.Key)
	})
}

// generatePlain runs keys generate without --format: the key alone on
// stdout, so that KEY=$(litellm-proxy keys generate) works, and the
// warning to save it on stderr.
func generatePlain(t *testing.T, admin proxy, args ...string) string {
	t.Helper()
	r := admin.run(t, append([]string{"keys", "generate"}, args...)...)
	key := strings.TrimSuffix(r.stdout, "\n")
	if r.code != 0 || !strings.HasPrefix(key, "sk-") || strings.ContainsAny(key, " \n") {
		t.Fatalf("keys generate: want exit 0 and only the key on stdout, got %v", r)
	}
	if r.stderr == "" {
		t.Errorf("keys generate: no note on stderr that the key is shown only once")
	}
	return key
}

func testVersion(t *testing.T, g *gateway, key string) {
	r := g.proxy(key).run(t, "version")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("version: want exit 0 and no stderr, got %v", r)
	}
	for _, re := range []string{`(?m)^Client: litellm-proxy \S`, `(?m)^Server: \S`} {
		if !regexp.MustCompile(re).MatchString(r.stdout) {
			t.Errorf("version: stdout does not match %s:\n%s", re, r.stdout)
		}
	}

	var info struct {
		Client string  `json:"client_version"`
		Server *string `json:"server_version"`
	}
	g.proxy(key).runJSON(t, &info, "version", "--format", "json")
	var ready apitype.Readiness
	mustGetJSON(t, g, "/health/readiness", "", &ready)
	if info.Client == "" || info.Server == nil || *info.Server != ready.LitellmVersion {
		t.Errorf("version --format json: client %q, server %q; want a client version and "+
			"the server's %q", info.Client, deref(info.Server), ready.LitellmVersion)
	}
}

// TestCLIErrors checks that each failure gives its documented exit code,
// one line on stderr that says what to do, nothing on stdout, and never
// the key.
func TestCLIErrors(t *testing.T) {
	requireBinaries(t)
	g := startGateway(t, gatewayOptions{})
	var dev apitype.NewUserResponse
	g.proxy(masterKey).runJSON(t, &dev, "users", "create", "--email", "dev@example.com",
		"--role", apitype.RoleInternalUser, "--format", "json")
	if dev.Key == "" {
		t.Fatalf("users create: no key in the answer")
	}
	closed := closedURL(t)
	const wrongKey = "sk-e2e-wrong-key-0123456789"

	tests := []struct {
		name       string
		p          proxy
		args       []string
		wantCode   int
		wantStderr []string
	}{
		{"wrong key from the environment", proxy{g.url, wrongKey}, []string{"models", "list"},
			4, []string{"--api-key", "LITELLM_PROXY_API_KEY"}},
		{"wrong key from the flag", proxy{baseURL: g.url},
			[]string{"--api-key", wrongKey, "models", "list"},
			4, []string{"--api-key", "LITELLM_PROXY_API_KEY"}},
		{"no key", proxy{baseURL: g.url}, []string{"models", "list"},
			4, []string{"--api-key", "LITELLM_PROXY_API_KEY"}},
		{"internal user lists users", proxy{g.url, dev.Key}, []string{"users", "list"},
			4, []string{apitype.RoleProxyAdmin}},
		{"gateway unreachable", proxy{closed, masterKey}, []string{"models", "list"},
			3, []string{closed}},
		{"gateway unreachable by flag", proxy{g.url, masterKey},
			[]string{"--base-url", closed, "models", "list"}, 3, []string{closed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.p.run(t, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit code %d, want %d", r.code, tt.wantCode)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if !strings.HasPrefix(line, "error: ") || strings.Contains(line, "\n") {
				t.Errorf("stderr is not one line starting with \"error: \":\n%s", r.stderr)
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr does not mention %q:\n%s", s, r.stderr)
				}
			}
			for _, k := range []string{wrongKey, masterKey, dev.Key} {
				if strings.Contains(r.stderr, k) {
					t.Errorf("stderr shows a key:\n%s", r.stderr)
				}
			}
		})
	}

	t.Run("http request without a key", func(t *testing.T) {
		var ready apitype.Readiness
		anonymous := proxy{baseURL: g.url}
		r := anonymous.runJSON(t, &ready, "http", "request", "GET", "/health/readiness")
		if ready.Status != "healthy" || ready.DB != "connected" || r.stderr != "" {
			t.Errorf("http request GET /health/readiness: %+v, stderr %q; want healthy, "+
				"connected and no stderr", ready, r.stderr)
		}
	})
}

// closedURL returns the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// mustGetJSON sends GET path with key and decodes a 200 answer into v.
func mustGetJSON(t *testing.T, g *gateway, path, key string, v any) {
	t.Helper()
	status, body := g.get(t, path, key)
	if status != http.StatusOK {
		t.Fatalf("GET %s%s: status %d, want 200; body:\n%s", g.url, path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s%s: %v; body:\n%s", g.url, path, err, body)
	}
}

func modelIDs(l apitype.ModelList) []string {
	var ids []string
	for _, m := range l.Data {
		ids = append(ids, m.ID)
	}
	return ids
}

// tableRows splits a table printed by the CLI into cells; columns are
// separated by two spaces or more, so a header such as "Owned By" stays
// one cell.
func tableRows(out string) [][]string {
	sep := regexp.MustCompile(`\s{2,}`)
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			rows = append(rows, sep.Split(line, -1))
		}
	}
	return rows
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
