package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServerErrors(t *testing.T) {
	html := "<html><body>" + strings.Repeat("x", 300) + "</body></html>"
	tests := []struct {
		name     string
		status   int
		reply    string
		wantCode int
		wantErr  string
	}{{
		name: "400", status: 400, reply: `{"detail":"max_budget must be positive."}`,
		wantCode: exitError,
		wantErr: "error: the gateway refused the request (400): max_budget must be positive. " +
			"Check the command's arguments.\n",
	}, {
		name: "401", status: 401, reply: `{"detail":"Invalid API key"}`,
		wantCode: exitAuth,
		wantErr: "error: the gateway rejected the API key (401): Invalid API key. " +
			"Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}, {
		name: "403 naming a role", status: 403,
		reply:    `{"detail":"Only proxy_admin or proxy_admin_viewer may list users"}`,
		wantCode: exitAuth,
		wantErr: "error: the gateway does not allow this key to do that (403): " +
			"Only proxy_admin or proxy_admin_viewer may list users. " +
			"Use a key with the proxy_admin role, or ask a proxy admin for access.\n",
	}, {
		name: "403 without a role", status: 403, reply: `{"detail":"Key is blocked"}`,
		wantCode: exitAuth,
		wantErr: "error: the gateway does not allow this key to do that (403): Key is blocked. " +
			"Ask a proxy admin for access.\n",
	}, {
		name: "404", status: 404, reply: `{"detail":"User u9 not found"}`,
		wantCode: exitError,
		wantErr: "error: not found (404): User u9 not found. " +
			"Check the name or ID, and that --base-url points at the gateway.\n",
	}, {
		name: "413", status: 413, reply: `{"detail":"Request body too large"}`,
		wantCode: exitError,
		wantErr:  "error: the request is too large (413): Request body too large. Send a smaller body.\n",
	}, {
		name: "429", status: 429, reply: `{"error":{"message":"Rate limit exceeded","code":"429"}}`,
		wantCode: exitError,
		wantErr: "error: the gateway is limiting this key's rate (429): Rate limit exceeded. " +
			"Wait a moment and try again.\n",
	}, {
		name: "500", status: 500, reply: `{"detail":"internal error; the gateway's log has the details"}`,
		wantCode: exitError,
		wantErr: "error: the gateway failed (500): internal error; the gateway's log has the details. " +
			"Try again; if it keeps failing, the gateway's log has the details.\n",
	}, {
		name: "502 with an HTML page", status: 502, reply: html,
		wantCode: exitError,
		wantErr: "error: the gateway failed (502): " + html[:200] + " [truncated]. " +
			"Try again; if it keeps failing, the gateway's log has the details.\n",
	}, {
		name: "200 with a body that is not JSON", status: 200, reply: "<html>login</html>",
		wantCode: exitError,
		wantErr: "error: the answer to GET /user/list is not what the gateway sends " +
			"(invalid character '<' looking for beginning of value). " +
			"Check that --base-url points at the gateway.\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cliTest{
				args: []string{"users", "list"},
				calls: []exchange{{method: "GET", target: "/user/list", status: tt.status,
					reply: tt.reply}},
				wantCode: tt.wantCode,
				wantErr:  tt.wantErr,
			}.run(t)
		})
	}
}

func TestUnreachable(t *testing.T) {
	base := closedURL(t)
	got := runCLI(t, map[string]string{envBaseURL: base, envAPIKey: testKey}, "keys", "info", "sk-x")
	want := result{code: exitUnreachable, stderr: "error: cannot reach the gateway at " + base +
		": connection refused. Is it running? Set --base-url or LITELLM_PROXY_URL.\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	got := runCLI(t, map[string]string{envAPIKey: testKey},
		"--base-url", srv.URL, "--timeout", "100ms", "models", "list")
	want := result{code: exitUnreachable, stderr: "error: the gateway at " + srv.URL +
		" gave no answer within 100ms. Try again, or allow longer with --timeout.\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string // the first line
		help    string // the command named in the second line
	}{
		{[]string{"modelz"}, `unknown command "modelz" for "litellm-proxy"; did you mean "models"?`,
			"litellm-proxy"},
		{[]string{"keys", "rotate"}, `unknown command "rotate" for "litellm-proxy keys"`,
			"litellm-proxy keys"},
		{[]string{"models", "list", "--colour"}, "unknown flag: --colour", "litellm-proxy models list"},
		{[]string{"models", "list", "extra"}, `unexpected argument "extra"`, "litellm-proxy models list"},
		{[]string{"models", "list", "--format", "yaml"},
			`invalid argument "yaml" for "--format" flag: unknown format "yaml": want table or json`,
			"litellm-proxy models list"},
		{[]string{"keys", "info"}, "missing KEY", "litellm-proxy keys info"},
		{[]string{"keys", "info", "a", "b"}, `unexpected argument "b"`, "litellm-proxy keys info"},
		{[]string{"keys", "delete"}, "missing KEY or --key-alias", "litellm-proxy keys delete"},
		{[]string{"keys", "generate", "--metadata", "[1]"},
			`--metadata must be a JSON object, such as '{"env":"ci"}'`, "litellm-proxy keys generate"},
		{[]string{"keys", "generate", "--metadata", "{"},
			`--metadata must be a JSON object, such as '{"env":"ci"}'`, "litellm-proxy keys generate"},
		{[]string{"keys", "generate", "--max-budget", "lots"},
			`invalid argument "lots" for "--max-budget" flag: strconv.ParseFloat: parsing "lots": invalid syntax`,
			"litellm-proxy keys generate"},
		{[]string{"users", "get"}, "missing USER_ID", "litellm-proxy users get"},
		{[]string{"users", "delete"}, "missing USER_ID", "litellm-proxy users delete"},
		{[]string{"teams", "add-member", "t1"}, "give exactly one of --user-id and --email",
			"litellm-proxy teams add-member"},
		{[]string{"teams", "add-member", "t1", "--user-id", "u", "--email", "e"},
			"give exactly one of --user-id and --email", "litellm-proxy teams add-member"},
		{[]string{"teams", "add-member", "t1", "--user-id", "u", "--role", "owner"},
			`--role must be user or admin, not "owner"`, "litellm-proxy teams add-member"},
		{[]string{"http", "request", "GET"}, "missing PATH", "litellm-proxy http request"},
		{[]string{"http", "request", "GET", "http://elsewhere.example/"},
			`PATH "http://elsewhere.example/" must be a path on the gateway such as /v1/models; ` +
				"use --base-url to choose the gateway", "litellm-proxy http request"},
		{[]string{"http", "request", "GET", "/", "-H", "NoColon"},
			`header "NoColon" is not in the form 'Name: value'`, "litellm-proxy http request"},
		{[]string{"http", "request", "POST", "/", "-d", "@/nonexistent/body.json"},
			"read the request body: open /nonexistent/body.json: no such file or directory",
			"litellm-proxy http request"},
		{[]string{"--base-url", "localhost:4000", "models", "list"},
			`base URL "localhost:4000" is not an http or https URL; ` +
				"set --base-url or LITELLM_PROXY_URL to a URL such as http://localhost:4000",
			"litellm-proxy models list"},
		{[]string{"--timeout", "soon", "models", "list"},
			`invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"`,
			"litellm-proxy models list"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			g := newTestServer(t) // any request fails the test
			got := runCLI(t, gatewayEnv(g), tt.args...)
			want := result{code: exitUsage,
				stderr: "error: " + tt.wantErr + "\nRun '" + tt.help + " --help' for usage.\n"}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{nil, {"keys"}, {"--help"}, {"users", "create", "--help"}} {
		got := runCLI(t, nil, args...)
		if got.code != exitOK || !strings.Contains(got.stdout, "Usage:") || got.stderr != "" {
			t.Errorf("litellm-proxy %v = %d, stdout %q, stderr %q; want help on stdout",
				args, got.code, got.stdout, got.stderr)
		}
	}
}

func TestRoleIn(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"This route requires the role proxy_admin or proxy_admin_viewer; " +
			"your role is internal_user.", "proxy_admin"},
		{"requires proxy_admin_viewer or proxy_admin", "proxy_admin_viewer"},
		{"internal_user_viewer keys cannot generate keys", "internal_user_viewer"},
		{"not allowed", ""},
	}
	for _, tt := range tests {
		if got := roleIn(tt.msg); got != tt.want {
			t.Errorf("roleIn(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}
