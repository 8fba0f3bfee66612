package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// fixture is a gateway with one user of each role, each with a key.
type fixture struct {
	g    *servertest.Gateway
	keys map[string]string // role -> key of a user with that role
	ids  map[string]string // role -> user id
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{g: servertest.Start(t, servertest.Options{}),
		keys: map[string]string{}, ids: map[string]string{}}
	for _, role := range []string{apitype.RoleProxyAdmin, apitype.RoleProxyAdminViewer,
		apitype.RoleInternalUser, apitype.RoleInternalUserViewer} {
		var u apitype.NewUserResponse
		f.g.MustDo(t, 200, "POST", "/user/new", f.g.MasterKey, map[string]any{
			"user_id": "u-" + role, "user_email": role + "@example.com", "user_role": role,
		}).JSON(t, &u)
		if u.Key == "" || u.UserRole != role {
			t.Fatalf("/user/new for %s: %+v", role, u)
		}
		f.keys[role], f.ids[role] = u.Key, u.UserID
	}
	f.keys["master"] = f.g.MasterKey
	return f
}

func TestRoutePermissions(t *testing.T) {
	f := newFixture(t)
	// Each route is called with a body that is valid for it but refers to
	// nothing that exists where it can, so that "allowed" shows as any
	// status other than 401 and 403.
	routes := []struct {
		method, path string
		body         any
		allowed      []string // roles (and "master") that may call it
	}{
		{"GET", "/v1/models", nil, all()},
		{"GET", "/model/info", nil, all()},
		{"POST", "/key/generate", map[string]any{}, []string{"master", "proxy_admin", "internal_user"}},
		{"GET", "/key/list", nil, []string{"master", "proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer"}},
		{"POST", "/key/update", map[string]any{"key": "missing"}, []string{"master", "proxy_admin", "internal_user"}},
		{"POST", "/key/delete", map[string]any{"keys": []string{"missing"}}, []string{"master", "proxy_admin", "internal_user"}},
		{"POST", "/user/new", map[string]any{"user_email": "x@example.com", "auto_create_key": false}, admins()},
		{"GET", "/user/list", nil, []string{"master", "proxy_admin", "proxy_admin_viewer"}},
		{"GET", "/user/info?user_id=u-proxy_admin", nil, []string{"master", "proxy_admin", "proxy_admin_viewer"}},
		{"POST", "/user/update", map[string]any{"user_id": "missing"}, admins()},
		{"POST", "/user/delete", map[string]any{"user_ids": []string{"missing"}}, admins()},
		{"POST", "/team/new", map[string]any{"team_alias": "t"}, admins()},
		{"POST", "/team/delete", map[string]any{"team_ids": []string{"missing"}}, admins()},
		{"POST", "/model/new", map[string]any{"model_name": "m", "litellm_params": map[string]any{"model": "openai/m"}}, admins()},
		{"POST", "/model/delete", map[string]any{"id": "missing"}, admins()},
	}
	for _, rt := range routes {
		for role, key := range f.keys {
			t.Run(rt.method+" "+rt.path+" as "+role, func(t *testing.T) {
				r := f.g.Do(t, rt.method, rt.path, key, rt.body)
				denied := r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized
				if want := slices.Contains(rt.allowed, role); want == denied {
					t.Fatalf("status %d (allowed=%v); body %s", r.Status, want, r.Body)
				}
				if denied && !strings.Contains(string(r.Body), "role") {
					t.Errorf("403 does not name the role needed: %s", r.Body)
				}
			})
		}
	}
}

func all() []string {
	return []string{"master", "proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer"}
}

func admins() []string { return []string{"master", "proxy_admin"} }

func TestMissingAndUnknownKeys(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	tests := []struct {
		name, path, key string
	}{
		{"management without key", "/key/list", ""},
		{"management with unknown key", "/key/list", "sk-not-a-key"},
		{"models with unknown key", "/v1/models", "sk-not-a-key"},
		{"models with a non-sk credential", "/v1/models", "garbage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.MustDo(t, 401, "GET", tt.path, tt.key, nil)
			if !strings.Contains(string(r.Body), "Authorization: Bearer") {
				t.Errorf("401 does not say which header to send: %s", r.Body)
			}
			if tt.key != "" && strings.Contains(string(r.Body), tt.key) {
				t.Errorf("401 echoes the credential: %s", r.Body)
			}
		})
	}
	// Error shapes: OpenAI's envelope on /v1, detail elsewhere.
	var env apitype.ErrorEnvelope
	g.MustDo(t, 401, "GET", "/v1/models", "", nil).JSON(t, &env)
	if env.Error.Message == "" || env.Error.Type != "auth_error" {
		t.Errorf("/v1 error envelope = %+v", env)
	}
	if d := g.MustDo(t, 401, "GET", "/key/list", "", nil).Detail(t); d == "" {
		t.Error("management 401 has no detail")
	}
}

func TestBadBodies(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	big := `{"key_alias":"` + strings.Repeat("a", 33<<20) + `"}`
	tests := []struct {
		name   string
		body   any
		status int
		detail string
	}{
		{"malformed", `{"models": [`, 400, "invalid JSON"},
		{"wrong type", `{"max_budget": "ten"}`, 400, `"max_budget" must be a number`},
		{"wrong list type", `{"models": "gpt-4"}`, 400, `"models" must be a list`},
		{"empty", ``, 400, "empty"},
		{"trailing data", `{} {}`, 400, "after the JSON value"},
		{"negative budget", `{"max_budget": -1}`, 400, "max_budget must not be negative"},
		{"bad duration", `{"duration": "ten days"}`, 400, "invalid duration"},
		{"unknown model", `{"models": ["gpt-99"]}`, 400, `unknown model "gpt-99"`},
		{"unknown team", `{"team_id": "nope"}`, 400, `team_id "nope" does not exist`},
		{"unknown user", `{"user_id": "nope"}`, 400, `user_id "nope" does not exist`},
		{"oversized", big, 413, "larger than the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.MustDo(t, tt.status, "POST", "/key/generate", g.MasterKey, tt.body)
			if d := r.Detail(t); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q does not contain %q", d, tt.detail)
			}
		})
	}
	var list apitype.KeyListResponse
	g.MustDo(t, 200, "GET", "/key/list?return_full_object=true", g.MasterKey, nil).JSON(t, &list)
	if list.TotalCount != 0 {
		t.Errorf("failed requests left %d keys behind", list.TotalCount)
	}
}
