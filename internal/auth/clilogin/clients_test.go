package clilogin_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
)

// The two clients of a login: the CLI, which starts and polls, and the
// browser, which signs in and confirms the code.

// startResponse is the body of POST /sso/cli/start.
type startResponse struct {
	LoginID    string `json:"login_id"`
	PollSecret string `json:"poll_secret"`
	UserCode   string `json:"user_code"`
}

// start begins a login as the CLI does.
func (e *env) start() startResponse {
	e.t.Helper()
	status, body := e.do(http.MethodPost, "/sso/cli/start", nil, nil)
	if status != http.StatusOK {
		e.t.Fatalf("start: status %d, body %s", status, body)
	}
	var s startResponse
	mustJSON(e.t, body, &s)
	return s
}

// poll polls as the CLI does and returns the status and decoded body.
func (e *env) poll(loginID, pollSecret, teamID string) (int, map[string]any) {
	e.t.Helper()
	path := "/sso/cli/poll/" + loginID
	if teamID != "" {
		path += "?team_id=" + url.QueryEscape(teamID)
	}
	h := http.Header{}
	if pollSecret != "" {
		h.Set(clilogin.PollSecretHeader, pollSecret)
	}
	status, body := e.do(http.MethodGet, path, h, nil)
	var m map[string]any
	mustJSON(e.t, body, &m)
	return status, m
}

// wantPending fails the test unless the login of s is still pending.
func (e *env) wantPending(s startResponse) {
	e.t.Helper()
	status, body := e.poll(s.LoginID, s.PollSecret, "")
	if status != 200 || body["status"] != "pending" {
		e.t.Fatalf("poll = %d %v, want pending", status, body)
	}
}

// do sends a request as a non-browser client.
func (e *env) do(method, path string, h http.Header, body io.Reader) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
}

// detail returns the "detail" of an error body.
func detail(m map[string]any) string {
	d, _ := m["detail"].(string)
	return d
}

// browser is a web browser: it keeps cookies, asks for HTML and lets the
// test follow each redirect itself.
type browser struct {
	t testing.TB
	c *http.Client
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{
		Jar: jar, Timeout: 10 * time.Second, Transport: acceptHTML{},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

type acceptHTML struct{}

func (acceptHTML) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	r.Header.Set("User-Agent", "test-browser/1.0")
	return http.DefaultTransport.RoundTrip(r)
}

// page is a response the browser got.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(u string) page {
	b.t.Helper()
	resp, err := b.c.Get(u)
	return b.read(resp, err)
}

func (b *browser) post(u string, form url.Values) page {
	b.t.Helper()
	resp, err := b.c.PostForm(u, form)
	return b.read(resp, err)
}

func (b *browser) read(resp *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// generateURL is the link the CLI opens.
func (e *env) generateURL(loginID string) string {
	return e.url + "/sso/key/generate?source=litellm-cli&key=" + url.QueryEscape(loginID)
}

var (
	tokenField = regexp.MustCompile(`name="browser_complete_token" value="([^"]+)"`)
	formAction = regexp.MustCompile(`action="([^"]+/sso/cli/complete/[^"]+)"`)
	csrfField  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
)

// completeForm holds what LiteLLM's clients scrape from the complete page.
type completeForm struct {
	action, token string
}

func parseComplete(t testing.TB, p page) completeForm {
	t.Helper()
	tok, act := tokenField.FindStringSubmatch(p.body), formAction.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || tok == nil || act == nil {
		t.Fatalf("want the complete page, got %d: %s", p.status, p.body)
	}
	return completeForm{action: html.UnescapeString(act[1]), token: html.UnescapeString(tok[1])}
}

// signInSSO walks the browser through the identity provider as user and
// returns the complete page.
func (e *env) signInSSO(b *browser, loginID string, user *mockoidc.MockUser) page {
	e.t.Helper()
	at := b.get(e.generateURL(loginID))
	if at.status != http.StatusFound {
		e.t.Fatalf("generate: status %d, body %s", at.status, at.body)
	}
	e.idp.QueueUser(user)
	back := b.get(at.header.Get("Location"))
	if back.status != http.StatusFound {
		e.t.Fatalf("identity provider: status %d, body %s", back.status, back.body)
	}
	return b.get(back.header.Get("Location"))
}

// signInLocal fills the gateway's own login form.
func (e *env) signInLocal(b *browser, loginID, username, password string) page {
	e.t.Helper()
	form := b.get(e.generateURL(loginID))
	m := csrfField.FindStringSubmatch(form.body)
	if form.status != http.StatusOK || m == nil {
		e.t.Fatalf("login form: status %d, body %s", form.status, form.body)
	}
	return b.post(e.url+"/sso/login", url.Values{
		"login_id": {loginID}, "csrf_token": {html.UnescapeString(m[1])},
		"username": {username}, "password": {password},
	})
}

// confirm posts the code from the complete page.
func (b *browser) confirm(f completeForm, code string) page {
	b.t.Helper()
	return b.post(f.action, url.Values{"browser_complete_token": {f.token}, "user_code": {code}})
}

// readyLogin runs a login up to a confirmed code with the local admin.
func (e *env) readyLogin() startResponse {
	e.t.Helper()
	s := e.start()
	b := newBrowser(e.t)
	f := parseComplete(e.t, e.signInLocal(b, s.LoginID, "admin", adminPassword))
	if p := b.confirm(f, s.UserCode); p.status != http.StatusOK {
		e.t.Fatalf("confirm: status %d, body %s", p.status, p.body)
	}
	return s
}

func alice() *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: "alice-sub", Email: "alice@example.com",
		EmailVerified: true, Groups: []string{"eng", "ml"}}
}
