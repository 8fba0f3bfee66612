package clilogin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// token runs a login to the end and returns the token.
func (e *env) token() string {
	e.t.Helper()
	s := e.readyLogin()
	_, body := e.poll(s.LoginID, s.PollSecret, "")
	return body["key"].(string)
}

func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}}
}

func TestLogout(t *testing.T) {
	e := newTestServer(t)
	tok := e.token()
	c := e.verify(tok)

	status, body := e.do(http.MethodGet, "/sso/cli/session", bearer(tok), nil)
	var info map[string]any
	mustJSON(t, body, &info)
	if status != 200 || info["session_id"] != c.SessionID || info["user_id"] != c.Subject ||
		info["team_id"] != nil || info["expires_at"] != c.ExpiresAt.UTC().Format(time.RFC3339) {
		t.Errorf("session = %d %s", status, body)
	}

	for i := range 2 { // the second logout finds it revoked and still succeeds
		status, body = e.do(http.MethodPost, "/sso/cli/logout", bearer(tok), nil)
		if status != 200 || strings.TrimSpace(string(body)) != `{"revoked":true}` {
			t.Fatalf("logout %d = %d %s", i+1, status, body)
		}
	}
	if n := e.revoked.Load(); n != 1 {
		t.Errorf("Revoked hook called %d times, want 1", n)
	}
	sess, err := e.store.GetSession(context.Background(), c.SessionID)
	if err != nil || sess.RevokedAt == nil {
		t.Errorf("session row = %+v, %v; want revoked", sess, err)
	}
	status, body = e.do(http.MethodGet, "/sso/cli/session", bearer(tok), nil)
	if status != 401 || !strings.Contains(string(body), "Invalid or revoked token.") {
		t.Errorf("session after logout = %d %s", status, body)
	}
}

func TestSessionRefuses(t *testing.T) {
	e := newTestServer(t)
	tok := e.token()
	tests := []struct {
		name   string
		h      http.Header
		detail string
	}{
		{"no token", nil, "No session token provided."},
		{"forged", bearer(tok[:len(tok)-4] + "AAAA"), "Invalid or revoked token."},
		{"an api key", bearer("sk-1234"), "Invalid or revoked token."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/sso/cli/session", "/sso/cli/logout"} {
				method := http.MethodGet
				if strings.HasSuffix(path, "logout") {
					method = http.MethodPost
				}
				status, body := e.do(method, path, tt.h, nil)
				if status != 401 || !strings.Contains(string(body), tt.detail) {
					t.Errorf("%s = %d %s", path, status, body)
				}
			}
		})
	}
	e.clock.Advance(25 * time.Hour)
	status, body := e.do(http.MethodGet, "/sso/cli/session", bearer(tok), nil)
	if status != 401 || !strings.Contains(string(body), "Your CLI login has expired.") {
		t.Errorf("expired = %d %s", status, body)
	}
}

// asPrincipal stands in for Authenticator.Wrap.
func asPrincipal(p *auth.Principal) func(httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(h httpapi.HandlerFunc) httpapi.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			return h(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		}
	}
}

func TestAdminRoutes(t *testing.T) {
	e := newTestServer(t)
	ctx := context.Background()
	adminTok := e.token()
	bobUser := &store.User{ID: "bob", Role: apitype.RoleInternalUser}
	if err := e.store.CreateUser(ctx, bobUser); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	bobSess := &store.Session{ID: "sess-bob", UserID: "bob", CreatedAt: now,
		ExpiresAt: now.Add(time.Hour)}
	if err := e.store.CreateSession(ctx, bobSess); err != nil {
		t.Fatal(err)
	}

	serve := func(p *auth.Principal, method, path, body string) (int, string) {
		mux := http.NewServeMux()
		e.svc.RegisterAdmin(mux, asPrincipal(p))
		req, _ := http.NewRequest(method, path, strings.NewReader(body))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	admin := &auth.Principal{Role: apitype.RoleProxyAdmin, Master: true}
	bob := &auth.Principal{Role: apitype.RoleInternalUser, UserID: "bob"}

	status, body := serve(admin, http.MethodGet, "/session/list", "")
	var list struct{ Sessions []map[string]any }
	json.Unmarshal([]byte(body), &list)
	if status != 200 || len(list.Sessions) != 2 {
		t.Errorf("admin list = %d %s, want 2 sessions", status, body)
	}
	status, body = serve(bob, http.MethodGet, "/session/list", "")
	if status != 200 || !strings.Contains(body, "sess-bob") ||
		strings.Contains(body, "default_user_id") {
		t.Errorf("bob's list = %d %s, want only his session", status, body)
	}
	status, body = serve(bob, http.MethodGet, "/session/list?user_id=default_user_id", "")
	if status != 403 {
		t.Errorf("bob listing another user = %d %s", status, body)
	}
	adminSess := e.verify(adminTok).SessionID
	if status, body = serve(bob, http.MethodPost, "/session/revoke",
		`{"session_id":"`+adminSess+`"}`); status != 403 {
		t.Errorf("bob revoking another's session = %d %s", status, body)
	}
	status, body = serve(admin, http.MethodPost, "/session/revoke", `{"session_id":"nope"}`)
	if status != 404 {
		t.Errorf("revoke unknown = %d %s", status, body)
	}
	status, body = serve(admin, http.MethodPost, "/session/revoke",
		`{"session_id":"`+adminSess+`"}`)
	if status != 200 || !strings.Contains(body, `"revoked":true`) || e.revoked.Load() != 1 {
		t.Errorf("admin revoke = %d %s (hook %d)", status, body, e.revoked.Load())
	}
	if !strings.Contains(e.logs.String(), `"msg":"session revoked"`) ||
		!strings.Contains(e.logs.String(), `"by":"master_key"`) {
		t.Error("revocation was not logged as an audit event")
	}
}

func TestJWKS(t *testing.T) {
	e := newTestServer(t)
	status, body := e.do(http.MethodGet, "/.well-known/jwks.json", nil, nil)
	var set struct {
		Keys []struct{ Kty, Crv, Kid, Alg string }
	}
	mustJSON(t, body, &set)
	if status != 200 || len(set.Keys) != 1 || set.Keys[0].Alg != "EdDSA" || set.Keys[0].Kid == "" {
		t.Errorf("jwks = %d %s", status, body)
	}
}

func TestCollect(t *testing.T) {
	e := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := e.start()
	sid := e.verify(e.token()).SessionID
	e.clock.Advance(25 * time.Hour)

	done := make(chan struct{})
	go func() {
		e.svc.Collect(ctx)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := e.store.GetPendingLogin(ctx, s.LoginID)
		_, serr := e.store.GetSession(ctx, sid)
		if err != nil && serr != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired records remain: login %v, session %v", err, serr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Collect did not stop with its context")
	}
}
