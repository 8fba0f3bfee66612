package clilogin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/secret"
)

func TestGenerateRefuses(t *testing.T) {
	e := newTestServer(t)
	tests := []struct {
		name, query string
		status      int
		detail      string
	}{
		{"no source", "", 400, "This gateway serves /sso/key/generate for CLI logins only"},
		{"other source", "source=LITELLM-CLI&key=cli-" + strings.Repeat("a", 32), 400,
			"for CLI logins only"},
		{"no key", "source=litellm-cli", 400, "Invalid CLI login session id"},
		{"int key", "source=litellm-cli&key=1", 400, "Invalid CLI login session id"},
		{"5 kB key", "source=litellm-cli&key=cli-" + strings.Repeat("k", 5000), 400,
			"Invalid CLI login session id"},
		{"legacy key", "source=litellm-cli&key=sk-legacy-cli-key", 400,
			"Your litellm CLI is out of date"},
		{"unknown key", "source=litellm-cli&key=cli-" + strings.Repeat("a", 32), 400,
			"CLI login session not found or expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(http.MethodGet, "/sso/key/generate?"+tt.query, nil, nil)
			var m map[string]any
			mustJSON(t, body, &m)
			if status != tt.status || !strings.HasPrefix(detail(m), tt.detail) &&
				!strings.Contains(detail(m), tt.detail) {
				t.Errorf("= %d %q, want %d %q", status, detail(m), tt.status, tt.detail)
			}
			p := newBrowser(t).get(e.url + "/sso/key/generate?" + tt.query)
			if p.status != tt.status || !strings.Contains(p.body, "<!doctype html>") {
				t.Errorf("browser = %d %s, want an error page", p.status, p.body)
			}
		})
	}
}

// TestCallbackReplay: a state is good for one callback, and LiteLLM's
// guessable state, or any other, is refused.
func TestCallbackReplay(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{}))
	s := e.start()
	b := newBrowser(t)
	at := b.get(e.generateURL(s.LoginID))
	e.idp.QueueUser(alice())
	back := b.get(at.header.Get("Location"))
	callback := back.header.Get("Location")
	parseComplete(t, b.get(callback))

	for name, u := range map[string]string{
		"replayed": callback,
		"litellm state": e.url + "/sso/callback?code=x&state=" +
			url.QueryEscape("litellm-session-token:"+s.LoginID),
		"no state": e.url + "/sso/callback?code=x",
	} {
		t.Run(name, func(t *testing.T) {
			p := newBrowser(t).get(u)
			if p.status != 400 || !strings.Contains(p.body, "Invalid or expired sign-in state") {
				t.Errorf("= %d %s", p.status, p.body)
			}
		})
	}
}

// TestAuthStateSealed: the nonce and PKCE verifier of a sign-in are kept
// sealed, and a changed one fails the callback like an unknown state.
func TestAuthStateSealed(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{}))
	s := e.start()
	b := newBrowser(t)
	at := b.get(e.generateURL(s.LoginID))
	loc, err := url.Parse(at.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	ctx := t.Context()
	hash := secret.HashKey(q.Get("state"))
	stored, err := e.store.TakeAuthState(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	nonce, challenge := q.Get("nonce"), q.Get("code_challenge")
	if nonce == "" || challenge == "" {
		t.Fatalf("redirect %s lacks a nonce or a PKCE challenge", loc)
	}
	if strings.Contains(stored.Nonce, nonce) || oauth2.S256ChallengeFromVerifier(stored.Verifier) == challenge {
		t.Errorf("stored state %+v holds the nonce or the verifier in clear", stored)
	}

	// The same sealed values, swapped between the fields: neither opens.
	swapped := *stored
	swapped.Nonce, swapped.Verifier = stored.Verifier, stored.Nonce
	if err := e.store.CreateAuthState(ctx, &swapped); err != nil {
		t.Fatal(err)
	}
	e.idp.QueueUser(alice())
	back := b.get(at.header.Get("Location"))
	if p := b.get(back.header.Get("Location")); p.status != 400 ||
		!strings.Contains(p.body, "Invalid or expired sign-in state") {
		t.Errorf("callback with swapped values = %d %s", p.status, p.body)
	}
	e.wantPending(s)

	// Put back as stored, the state signs the browser in.
	if err := e.store.CreateAuthState(ctx, stored); err != nil {
		t.Fatal(err)
	}
	e.idp.QueueUser(alice())
	back = b.get(at.header.Get("Location"))
	parseComplete(t, b.get(back.header.Get("Location")))
}

// TestCallbackError: an error from the provider spends the state, shows
// no detail from the provider, and leaves the login open for a retry.
func TestCallbackError(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{}))
	s := e.start()
	b := newBrowser(t)
	at := b.get(e.generateURL(s.LoginID))
	loc, _ := url.Parse(at.header.Get("Location"))
	state := loc.Query().Get("state")
	p := b.get(e.url + "/sso/callback?error=access_denied&error_description=%3Cscript%3E&state=" +
		url.QueryEscape(state))
	if p.status != http.StatusForbidden || strings.Contains(p.body, "<script>") ||
		!strings.Contains(p.body, "refused the login") {
		t.Errorf("callback with error = %d %s", p.status, p.body)
	}
	e.wantPending(s)
	parseComplete(t, e.signInSSO(b, s.LoginID, alice()))
}

func TestPolicyRefusal(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{AllowedDomains: []string{"corp.example"}}))
	s := e.start()
	p := e.signInSSO(newBrowser(t), s.LoginID, alice())
	if p.status != http.StatusForbidden ||
		!strings.Contains(p.body, "Accounts from example.com may not sign in") {
		t.Errorf("callback = %d %s", p.status, p.body)
	}
	if _, err := e.store.GetUser(t.Context(), "alice-sub"); err == nil {
		t.Error("a refused user was created")
	}
}

// TestLocalLoginForm covers the CSRF token and wrong passwords.
func TestLocalLoginForm(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	form := b.get(e.generateURL(s.LoginID))
	token := csrfField.FindStringSubmatch(form.body)[1]
	post := func(b *browser, csrf, password string) page {
		return b.post(e.url+"/sso/login", url.Values{"login_id": {s.LoginID}, "csrf_token": {csrf},
			"username": {"admin"}, "password": {password}})
	}

	tests := []struct {
		name    string
		browser *browser
		csrf    string
		status  int
		message string
	}{
		{"no token", b, "", 403, "This form expired or was sent from another site."},
		{"forged token", b, token[:len(token)-2] + "AA", 403, "This form expired"},
		{"token without its cookie", newBrowser(t), token, 403, "This form expired"},
		{"wrong password", b, token, 401, "Invalid username or password."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			password := adminPassword
			if tt.status == 401 {
				password = "wrong"
			}
			p := post(tt.browser, tt.csrf, password)
			if p.status != tt.status || !strings.Contains(p.body, tt.message) ||
				strings.Contains(p.body, "Complete CLI Login") {
				t.Errorf("= %d %s", p.status, p.body)
			}
		})
	}
	e.wantPending(s)
	parseComplete(t, post(b, token, adminPassword))
}

func TestLocalLoginThrottled(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	var last page
	for range 6 {
		last = e.signInLocal(b, s.LoginID, "admin", "wrong")
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" ||
		!strings.Contains(last.body, "Too many failed attempts") {
		t.Errorf("6th wrong password = %d (Retry-After %q) %s", last.status,
			last.header.Get("Retry-After"), last.body)
	}
}

// TestSecurityHeaders checks every kind of page response.
func TestSecurityHeaders(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	login := b.get(e.generateURL(s.LoginID))
	complete := e.signInLocal(b, s.LoginID, "admin", adminPassword)
	f := parseComplete(t, complete)
	wrong := b.confirm(f, wrongCode(s.UserCode))
	success := b.confirm(f, s.UserCode)
	errPage := newBrowser(t).get(e.url + "/sso/key/generate")

	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self' " +
			e.url + "; frame-ancestors 'none'; base-uri 'none'",
		"X-Frame-Options":        "DENY",
		"Cache-Control":          "no-store",
		"Referrer-Policy":        "no-referrer",
		"X-Content-Type-Options": "nosniff",
		"Content-Type":           "text/html; charset=utf-8",
	}
	for name, p := range map[string]page{"login": login, "complete": complete,
		"wrong code": wrong, "success": success, "error": errPage} {
		for h, v := range want {
			if got := p.header.Get(h); got != v {
				t.Errorf("%s page: %s = %q, want %q", name, h, got, v)
			}
		}
		if strings.Contains(p.body, "<script") || strings.Contains(p.body, "style=") {
			t.Errorf("%s page has inline script or style", name)
		}
	}
	var bound *http.Cookie
	for _, c := range (&http.Response{Header: complete.header}).Cookies() {
		if c.Name == "litellm_cli_browser" {
			bound = c
		}
	}
	if bound == nil || !bound.HttpOnly || bound.SameSite != http.SameSiteLaxMode ||
		bound.Path != "/sso/cli/complete/"+s.LoginID || bound.MaxAge <= 0 {
		t.Errorf("binding cookie %+v, want HttpOnly, SameSite=Lax, scoped to the login", bound)
	}
	css := b.get(e.url + "/sso/static/style.css")
	if css.status != 200 || css.header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("stylesheet = %d %q", css.status, css.header.Get("Content-Type"))
	}
}

// TestSignInRateLimit: each redirect to the provider stores a state, so
// a client may not ask for them without end.
func TestSignInRateLimit(t *testing.T) {
	e := newTestServer(t, withSSO(sso.Policy{}), startsPerMinute(1))
	s := e.start()
	b := newBrowser(t)
	for range 3 {
		if p := b.get(e.generateURL(s.LoginID)); p.status != http.StatusFound {
			t.Fatalf("generate = %d %s", p.status, p.body)
		}
	}
	p := b.get(e.generateURL(s.LoginID))
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != "20" {
		t.Errorf("4th generate = %d (Retry-After %q) %s", p.status, p.header.Get("Retry-After"), p.body)
	}
}
