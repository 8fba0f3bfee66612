package cli_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/cli"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// runner runs litellm-proxy in-process against one gateway with one key.
type runner struct {
	t        *testing.T
	url, key string
}

func line(args []string) string { return "litellm-proxy " + strings.Join(args, " ") }

// run returns the exit code, stdout and stderr of one command line.
func (r runner) run(args ...string) (int, string, string) {
	r.t.Helper()
	env := map[string]string{"LITELLM_PROXY_URL": r.url, "LITELLM_PROXY_API_KEY": r.key}
	var stdout, stderr bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &stdout, &stderr,
		func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

// ok runs a command that must succeed and returns its stdout.
func (r runner) ok(args ...string) string {
	r.t.Helper()
	code, out, errOut := r.run(args...)
	if code != 0 {
		r.t.Fatalf("%s: exit code %d, stderr:\n%s", line(args), code, errOut)
	}
	return out
}

// json runs a command with --format json and decodes its output into v.
func (r runner) json(v any, args ...string) {
	r.t.Helper()
	out := r.ok(append(args, "--format", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		r.t.Fatalf("%s: output is not JSON: %v\n%s", line(args), err, out)
	}
}

// fails runs a command that must fail with code and returns its stderr.
func (r runner) fails(code int, args ...string) string {
	r.t.Helper()
	got, out, errOut := r.run(args...)
	if got != code {
		r.t.Errorf("%s: exit code %d, want %d; stderr:\n%s", line(args), got, code, errOut)
	}
	if out != "" && args[0] != "http" {
		r.t.Errorf("%s: a failure printed on stdout:\n%s", line(args), out)
	}
	lines := 1
	if code == 2 {
		lines = 2 // and a pointer to --help
	}
	if !strings.HasPrefix(errOut, "error: ") || strings.Count(errOut, "\n") != lines {
		r.t.Errorf("%s: stderr is not one error line:\n%s", line(args), errOut)
	}
	return errOut
}

func modelIDs(l apitype.ModelList) []string {
	var ids []string
	for _, m := range l.Data {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestGateway runs the CLI against a real gateway: an admin sets up a
// team, a user and a key limited to one model, and the user's key sees
// only that model and may not manage users.
func TestGateway(t *testing.T) {
	gw := servertest.Start(t, servertest.Options{})
	admin := runner{t, gw.URL, gw.MasterKey}

	var team apitype.TeamInfo
	admin.json(&team, "teams", "create", "--alias", "research", "--models", "demo-fast,demo-smart")
	if team.TeamID == "" || team.TeamAlias == nil || *team.TeamAlias != "research" {
		t.Fatalf("teams create = %+v, want a team aliased research", team)
	}
	var user apitype.NewUserResponse
	admin.json(&user, "users", "create", "--email", "ada@example.com", "--role",
		apitype.RoleInternalUser, "--team", team.TeamID, "--no-key")
	if user.UserID == "" || user.Key != "" {
		t.Fatalf("users create --no-key = %+v, want a user and no key", user)
	}
	var key apitype.GenerateKeyResponse
	admin.json(&key, "keys", "generate", "--user-id", user.UserID, "--team-id", team.TeamID,
		"--models", "demo-fast", "--alias", "ada-laptop", "--duration", "1h")
	if !strings.HasPrefix(key.Key, "sk-") || key.Token == "" {
		t.Fatalf("keys generate = %+v, want a key and its hash", key)
	}
	ada := runner{t, gw.URL, key.Key}

	t.Run("models", func(t *testing.T) {
		var mine, all apitype.ModelList
		ada.json(&mine, "models", "list")
		if got := modelIDs(mine); !slices.Equal(got, []string{"demo-fast"}) {
			t.Errorf("models list with the user's key = %v, want [demo-fast]", got)
		}
		admin.json(&all, "models", "list")
		if got := modelIDs(all); !slices.Equal(got, []string{"demo-fast", "demo-smart"}) {
			t.Errorf("models list as admin = %v, want [demo-fast demo-smart]", got)
		}
		table := ada.ok("models", "list")
		if !strings.HasPrefix(table, "ID ") || !strings.Contains(table, "demo-fast") ||
			strings.Contains(table, "demo-smart") {
			t.Errorf("models list table:\n%s", table)
		}
		var info apitype.DeploymentList
		admin.json(&info, "models", "info")
		if len(info.Data) != 2 {
			t.Errorf("models info = %d deployments, want 2", len(info.Data))
		}
	})

	t.Run("keys", func(t *testing.T) {
		var list apitype.KeyListResponse
		admin.json(&list, "keys", "list", "--user-id", user.UserID)
		if len(list.Keys) != 1 || list.Keys[0].Token != key.Token {
			t.Errorf("keys list --user-id = %+v, want the one key %s", list.Keys, key.Token)
		}
		var info apitype.KeyInfoResponse
		admin.json(&info, "keys", "info", key.Key)
		k := info.Info
		if str(k.UserID) != user.UserID || !slices.Equal(k.Models, []string{"demo-fast"}) ||
			k.Expires == nil {
			t.Errorf("keys info = %+v, want the user's expiring demo-fast key", info.Info)
		}
		if out := admin.ok("keys", "info", key.Token); !strings.Contains(out, "ada-laptop") {
			t.Errorf("keys info by hash:\n%s", out)
		}
	})

	t.Run("users and teams", func(t *testing.T) {
		var users apitype.UserListResponse
		admin.json(&users, "users", "list")
		isAda := func(u apitype.UserInfo) bool { return u.UserID == user.UserID }
		if !slices.ContainsFunc(users.Users, isAda) {
			t.Errorf("users list lacks %s", user.UserID)
		}
		var got apitype.UserInfoResponse
		admin.json(&got, "users", "get", user.UserID)
		u := got.UserInfo
		if str(u.UserEmail) != "ada@example.com" || !slices.Contains(u.Teams, team.TeamID) {
			t.Errorf("users get = %+v, want ada in %s", got.UserInfo, team.TeamID)
		}
		var teams []apitype.TeamInfo
		admin.json(&teams, "teams", "list")
		isResearch := func(tm apitype.TeamInfo) bool { return tm.TeamID == team.TeamID }
		if !slices.ContainsFunc(teams, isResearch) {
			t.Errorf("teams list lacks %s", team.TeamID)
		}
		var bob apitype.NewUserResponse
		admin.json(&bob, "users", "create", "--email", "bob@example.com", "--no-key")
		var after apitype.TeamInfo
		admin.json(&after, "teams", "add-member", team.TeamID, "--user-id", bob.UserID,
			"--role", "admin")
		bobAdmin := func(m apitype.Member) bool { return m.UserID == bob.UserID && m.Role == "admin" }
		if !slices.ContainsFunc(after.MembersWithRoles, bobAdmin) {
			t.Errorf("teams add-member: members %+v lack %s as admin", after.MembersWithRoles, bob.UserID)
		}
		var ti apitype.TeamInfoResponse
		admin.json(&ti, "teams", "get", team.TeamID)
		members := ti.TeamInfo.MembersWithRoles
		for _, id := range []string{user.UserID, bob.UserID} {
			isID := func(m apitype.Member) bool { return m.UserID == id }
			if !slices.ContainsFunc(members, isID) {
				t.Errorf("teams get: members %+v lack %s", members, id)
			}
		}
		if out := admin.ok("users", "delete", bob.UserID); strings.TrimSpace(out) != bob.UserID {
			t.Errorf("users delete printed %q, want %s", out, bob.UserID)
		}
	})

	t.Run("http request", func(t *testing.T) {
		var mine apitype.ModelList
		out := ada.ok("http", "request", "GET", "/v1/models")
		err := json.Unmarshal([]byte(out), &mine)
		if err != nil || !slices.Equal(modelIDs(mine), []string{"demo-fast"}) {
			t.Errorf("http request GET /v1/models = %s (%v), want only demo-fast", out, err)
		}
		var made apitype.GenerateKeyResponse
		out = admin.ok("http", "request", "POST", "/key/generate", "-d",
			`{"models":["demo-smart"],"key_alias":"via-http"}`)
		if err := json.Unmarshal([]byte(out), &made); err != nil || made.Key == "" {
			t.Fatalf("http request POST /key/generate = %s (%v), want a key", out, err)
		}
		admin.ok("keys", "delete", made.Key)
		code, out, errOut := admin.run("http", "request", "GET", "/no/such/route")
		if code != 1 || out == "" || !strings.Contains(errOut, "(404)") {
			t.Errorf("http request GET /no/such/route = %d, %q, %q; want 1, the body, a 404",
				code, out, errOut)
		}
	})

	t.Run("version", func(t *testing.T) {
		var v struct {
			Client string  `json:"client_version"`
			Server *string `json:"server_version"`
		}
		admin.json(&v, "version")
		if v.Client == "" || v.Server == nil || *v.Server == "" {
			t.Errorf("version = %+v, want both versions", v)
		}
	})

	t.Run("errors", func(t *testing.T) {
		wrong := runner{t, gw.URL, "sk-wrong-key-0000"}
		errOut := wrong.fails(4, "models", "list")
		if !strings.Contains(errOut, "rejected the API key (401)") ||
			!strings.Contains(errOut, "LITELLM_PROXY_API_KEY") ||
			strings.Contains(errOut, "sk-wrong") {
			t.Errorf("401 sentence: %s", errOut)
		}
		errOut = ada.fails(4, "users", "list")
		if !strings.Contains(errOut, "(403)") || !strings.Contains(errOut, "proxy_admin role") {
			t.Errorf("403 sentence: %s", errOut)
		}
		admin.fails(1, "users", "get", "no-such-user")
		admin.fails(2, "keys", "info")
		runner{t, "http://127.0.0.1:1", gw.MasterKey}.fails(3, "models", "list")
	})

	t.Run("delete the key", func(t *testing.T) {
		var del apitype.DeleteKeysResponse
		admin.json(&del, "keys", "delete", key.Key)
		if len(del.DeletedKeys) != 1 {
			t.Errorf("keys delete = %+v, want one key", del)
		}
		ada.fails(4, "models", "list")
		admin.fails(1, "keys", "info", key.Token)
	})
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
