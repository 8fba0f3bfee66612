package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/web"
)

func TestRender(t *testing.T) {
	tests := []struct {
		page  web.Page
		data  any
		title string
		want  []string
	}{
		{web.Login, web.LoginData{Action: "http://gw/sso/login", LoginID: "cli-1", CSRF: "tok",
			Username: "bob", Error: "Invalid username or password."},
			"LiteLLM Login",
			[]string{`action="http://gw/sso/login"`, `name="csrf_token" value="tok"`,
				`name="login_id" value="cli-1"`, `value="bob"`, "Invalid username or password."}},
		{web.Complete, web.CompleteData{Action: "http://gw/sso/cli/complete/cli-1",
			BrowserToken: "abc_-", Account: "alice@example.com"},
			"LiteLLM CLI Login",
			[]string{"Complete CLI Login", `name="browser_complete_token" value="abc_-"`,
				`action="http://gw/sso/cli/complete/cli-1"`, `name="user_code"`,
				"alice@example.com"}},
		{web.Success, web.SuccessData{Account: "alice@example.com"},
			"CLI Authentication Successful - LiteLLM",
			[]string{"Login successful. You can close this window and return to the terminal."}},
		{web.Error, web.ErrorData{Title: "Login expired", Message: "Gone.", Hint: "Start again."},
			"Login expired - LiteLLM", []string{"Gone.", "Start again."}},
	}
	for _, tt := range tests {
		t.Run(string(tt.page), func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := web.Render(w, http.StatusTeapot, tt.page, tt.data); err != nil {
				t.Fatal(err)
			}
			body := w.Body.String()
			title := "<title>" + tt.title + "</title>"
			if w.Code != http.StatusTeapot || !strings.Contains(body, title) {
				t.Errorf("status %d, body %s", w.Code, body)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %s", s)
				}
			}
			h := w.Header()
			if h.Get("Content-Security-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v lack the security headers", w.Header())
			}
		})
	}
}

func TestRenderEscapes(t *testing.T) {
	w := httptest.NewRecorder()
	evil := `"><script>alert(1)</script>`
	web.Render(w, 200, web.Complete, web.CompleteData{Action: "javascript:alert(1)",
		BrowserToken: evil, Account: evil, Error: evil})
	body := w.Body.String()
	if strings.Contains(body, "<script>") || strings.Contains(body, `action="javascript:`) {
		t.Errorf("unescaped output:\n%s", body)
	}
}

func TestRenderWrongData(t *testing.T) {
	w := httptest.NewRecorder()
	if err := web.Render(w, 200, web.Complete, web.ErrorData{}); err == nil || w.Code != 500 {
		t.Errorf("Render with the wrong data = %v, status %d; want an error and a 500", err, w.Code)
	}
	if err := web.Render(httptest.NewRecorder(), 200, web.Page("nope"), nil); err == nil {
		t.Error("Render of an unknown page succeeded")
	}
}

func TestProtect(t *testing.T) {
	h := web.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://idp.example/authorize", http.StatusFound)
	}), "https://gw.example", "bad origin; script-src *")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	want := "default-src 'none'; style-src 'self'; form-action 'self' https://gw.example; " +
		"frame-ancestors 'none'; base-uri 'none'"
	if got := w.Header().Get("Content-Security-Policy"); got != want {
		t.Errorf("CSP = %q, want %q", got, want)
	}
	for h, v := range map[string]string{"X-Frame-Options": "DENY", "Cache-Control": "no-store",
		"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
		if got := w.Header().Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
}

func TestCSRF(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	c, err := web.NewCSRF(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.NewCSRF(key[:16], nil); err == nil {
		t.Error("NewCSRF accepted a short key")
	}

	w := httptest.NewRecorder()
	tok, err := c.Token(w, httptest.NewRequest(http.MethodGet, "/", nil), true)
	if err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-litellm_csrf" || !cookies[0].Secure ||
		!cookies[0].HttpOnly || cookies[0].Path != "/" {
		t.Fatalf("cookie = %+v", cookies)
	}
	post := func(cookie *http.Cookie) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		return r
	}
	if !c.Check(post(cookies[0]), tok, true) {
		t.Error("the token of the cookie was refused")
	}
	// The same cookie gets the same token on the next page.
	if again, _ := c.Token(httptest.NewRecorder(), post(cookies[0]), true); again != tok {
		t.Error("a second page got another token for the same cookie")
	}
	other, _ := web.NewCSRF([]byte(strings.Repeat("o", 32)), nil)
	planted := &http.Cookie{Name: "__Host-litellm_csrf", Value: "planted-by-attacker"}
	for name, ok := range map[string]bool{
		"no cookie":            c.Check(post(nil), tok, true),
		"no token":             c.Check(post(cookies[0]), "", true),
		"other key":            other.Check(post(cookies[0]), tok, true),
		"planted cookie":       c.Check(post(planted), tok, true),
		"insecure cookie name": c.Check(post(cookies[0]), tok, false),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestStyleHandler(t *testing.T) {
	w := httptest.NewRecorder()
	web.StyleHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, web.StylePath, nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/css; charset=utf-8" ||
		!strings.Contains(w.Body.String(), "body") {
		t.Errorf("stylesheet: %d %v", w.Code, w.Header())
	}
}
