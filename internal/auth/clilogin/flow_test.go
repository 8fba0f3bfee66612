package clilogin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/store"
)

// TestSSOFlow runs the whole login as LiteLLM's CLI and a browser do it,
// through an OpenID Connect provider.
func TestSSOFlow(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{}))
	s := e.start()
	if !strings.HasPrefix(s.LoginID, "cli-") || len(s.PollSecret) < 40 {
		t.Errorf("start = %+v, want a cli- id and a long poll secret", s)
	}
	if status, body := e.poll(s.LoginID, s.PollSecret, ""); status != 200 ||
		!cmp.Equal(body, map[string]any{"status": "pending"}) {
		t.Fatalf("poll before sign-in = %d %v, want pending", status, body)
	}

	b := newBrowser(t)
	at := b.get(e.generateURL(s.LoginID))
	if at.status != http.StatusFound {
		t.Fatalf("generate = %d, want a redirect to the provider", at.status)
	}
	loc := at.header.Get("Location")
	for _, want := range []string{e.idp.AuthorizationEndpoint(),
		"redirect_uri=" + url.QueryEscape(e.url+"/sso/callback"),
		"state=litellm-session-token%3A" + s.LoginID + ".",
		"code_challenge_method=S256"} {
		if !strings.Contains(loc, want) {
			t.Errorf("redirect %s lacks %s", loc, want)
		}
	}
	e.idp.QueueUser(alice())
	back := b.get(loc)
	done := b.get(back.header.Get("Location"))
	if !strings.Contains(done.body, "Complete CLI Login") ||
		!strings.Contains(done.body, "alice@example.com") {
		t.Fatalf("callback page lacks the title or the account: %s", done.body)
	}
	e.wantPending(s)

	f := parseComplete(t, done)
	ok := b.confirm(f, strings.ToLower(s.UserCode)) // typed in lower case
	if ok.status != 200 || !strings.Contains(ok.body,
		"Login successful. You can close this window and return to the terminal.") {
		t.Fatalf("confirm = %d %s", ok.status, ok.body)
	}

	status, body := e.poll(s.LoginID, s.PollSecret, "")
	if status != 200 || body["status"] != "ready" {
		t.Fatalf("poll = %d %v, want ready", status, body)
	}
	want := map[string]any{"status": "ready", "user_id": "alice-sub", "team_id": nil,
		"teams": []any{}, "expires_in": float64(24 * 3600)}
	if diff := cmp.Diff(want, body, cmpopts.IgnoreMapEntries(func(k string, _ any) bool {
		return k == "key"
	})); diff != "" {
		t.Errorf("ready body (-want +got):\n%s", diff)
	}
	c := e.verify(body["key"].(string))
	now := e.clock.Now()
	wantClaims := &signer.Claims{Subject: "alice-sub", SessionID: c.SessionID,
		Email: "alice@example.com", Role: apitype.RoleInternalUser,
		IssuedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	if diff := cmp.Diff(wantClaims, c); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	sess, err := e.store.GetSession(context.Background(), c.SessionID)
	if err != nil || sess.UserID != "alice-sub" || !sess.ExpiresAt.Equal(c.ExpiresAt) ||
		sess.UserAgent == "" || sess.Address != "127.0.0.1" {
		t.Errorf("session row = %+v, %v", sess, err)
	}
	u, err := e.store.GetUser(context.Background(), "alice-sub")
	if err != nil || u.Email != "alice@example.com" || u.Role != apitype.RoleInternalUser {
		t.Errorf("user = %+v, %v; want alice created as an internal user", u, err)
	}

	// The token is collected once.
	if status, body := e.poll(s.LoginID, s.PollSecret, ""); status != 400 ||
		detail(body) != "CLI login session not found or expired" {
		t.Errorf("second collection = %d %v", status, body)
	}
}

// TestLocalFlow runs the login through the gateway's own login page with
// the built-in admin, who is created on first sign-in.
func TestLocalFlow(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	form := b.get(e.generateURL(s.LoginID))
	if form.status != 200 || !strings.Contains(form.body, "<title>LiteLLM Login</title>") {
		t.Fatalf("generate = %d %s, want the login form", form.status, form.body)
	}
	f := parseComplete(t, e.signInLocal(b, s.LoginID, "admin", adminPassword))
	if p := b.confirm(f, s.UserCode); p.status != 200 ||
		!strings.Contains(p.body, "<title>CLI Authentication Successful - LiteLLM</title>") {
		t.Fatalf("confirm = %d %s", p.status, p.body)
	}

	status, body := e.poll(s.LoginID, s.PollSecret, "")
	if status != 200 || body["user_id"] != sso.DefaultAdminUserID {
		t.Fatalf("poll = %d %v", status, body)
	}
	c := e.verify(body["key"].(string))
	if c.Role != apitype.RoleProxyAdmin || c.Subject != sso.DefaultAdminUserID {
		t.Errorf("claims = %+v, want the built-in admin", c)
	}
	if _, err := e.store.GetSession(context.Background(), c.SessionID); err != nil {
		t.Errorf("session row: %v", err)
	}
}

// TestLocalUser signs in a user whose password hash is in the store.
func TestLocalUser(t *testing.T) {
	e := newTestServer(t)
	ctx := context.Background()
	hash := bcryptHash(t, "bob-password-1")
	if err := e.store.CreateUser(ctx, &store.User{ID: "bob", Email: "bob@example.com",
		Role: apitype.RoleInternalUser, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	s := e.start()
	b := newBrowser(t)
	f := parseComplete(t, e.signInLocal(b, s.LoginID, "BOB@example.com", "bob-password-1"))
	b.confirm(f, s.UserCode)
	status, body := e.poll(s.LoginID, s.PollSecret, "")
	if status != 200 || body["user_id"] != "bob" {
		t.Fatalf("poll = %d %v", status, body)
	}
	c := e.verify(body["key"].(string))
	if c.Email != "bob@example.com" || c.Role != apitype.RoleInternalUser {
		t.Errorf("claims = %+v", c)
	}
}

func (e *env) verify(tok string) *signer.Claims {
	e.t.Helper()
	c, err := e.signer.Verify(context.Background(), tok)
	if err != nil {
		e.t.Fatalf("verify token: %v", err)
	}
	return c
}
