package clilogin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// wrongCode returns a well-formed code that is not code.
func wrongCode(code string) string {
	if strings.HasPrefix(code, "BBBB") {
		return "CCCC-CCCC"
	}
	return "BBBB-BBBB"
}

func TestWrongCode(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	f := parseComplete(t, e.signInLocal(b, s.LoginID, "admin", adminPassword))

	// A client that reads JSON gets LiteLLM's answer.
	status, body := e.postJSON(b, f, wrongCode(s.UserCode))
	if status != 400 || detail(body) != "Invalid verification code" {
		t.Errorf("wrong code (JSON) = %d %v", status, body)
	}
	// A browser gets the form again, with the message.
	p := b.confirm(f, wrongCode(s.UserCode))
	if p.status != 400 || !strings.Contains(p.body, "Invalid verification code. 3 attempts left") ||
		!strings.Contains(p.body, `name="browser_complete_token"`) {
		t.Errorf("wrong code (form) = %d %s", p.status, p.body)
	}
	e.wantPending(s)
	// The right code still works.
	if p := b.confirm(f, s.UserCode); p.status != 200 {
		t.Errorf("right code after two wrong ones = %d %s", p.status, p.body)
	}
}

func TestFiveWrongCodesEndTheLogin(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	b := newBrowser(t)
	f := parseComplete(t, e.signInLocal(b, s.LoginID, "admin", adminPassword))
	for i := 1; i <= 5; i++ {
		status, body := e.postJSON(b, f, wrongCode(s.UserCode))
		if status != 400 || detail(body) != "Invalid verification code" {
			t.Fatalf("wrong code %d = %d %v", i, status, body)
		}
	}
	if status, body := e.poll(s.LoginID, s.PollSecret, ""); status != 400 ||
		detail(body) != "CLI login session not found or expired" {
		t.Errorf("poll after five wrong codes = %d %v", status, body)
	}
	if status, body := e.postJSON(b, f, s.UserCode); status != 400 ||
		detail(body) != "CLI login session not found or expired" {
		t.Errorf("right code after the end = %d %v", status, body)
	}
}

// TestCompleteNeedsTheSignedInBrowser: the form token and the cookie set
// with it must both come back.
func TestCompleteNeedsTheSignedInBrowser(t *testing.T) {
	e := newTestServer(t)
	s := e.start()

	early := newBrowser(t).confirm(completeForm{
		action: e.url + "/sso/cli/complete/" + s.LoginID, token: "x"}, s.UserCode)
	if early.status != 400 || !strings.Contains(early.body, "CLI login is not ready") {
		t.Errorf("complete before sign-in = %d %s", early.status, early.body)
	}

	b := newBrowser(t)
	f := parseComplete(t, e.signInLocal(b, s.LoginID, "admin", adminPassword))
	tests := []struct {
		name    string
		browser *browser
		token   string
	}{
		{"no token", b, ""},
		{"wrong token", b, f.token + "x"},
		{"other browser with the token", newBrowser(t), f.token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.browser.confirm(completeForm{action: f.action, token: tt.token}, s.UserCode)
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "Wrong browser") {
				t.Errorf("complete = %d %s", p.status, p.body)
			}
			status, body := e.do(http.MethodPost, strings.TrimPrefix(f.action, e.url),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				strings.NewReader(url.Values{"browser_complete_token": {tt.token},
					"user_code": {s.UserCode}}.Encode()))
			if status != http.StatusForbidden || !strings.Contains(string(body),
				`"detail":"Invalid browser completion token"`) {
				t.Errorf("complete without the cookie = %d %s", status, body)
			}
		})
	}
	e.wantPending(s)
}

// TestSignInAgain: a second sign-in replaces the binding; the first
// browser's form no longer confirms.
func TestSignInAgain(t *testing.T) {
	e := newTestServer(t)
	s := e.start()
	first, second := newBrowser(t), newBrowser(t)
	f1 := parseComplete(t, e.signInLocal(first, s.LoginID, "admin", adminPassword))
	f2 := parseComplete(t, e.signInLocal(second, s.LoginID, "admin", adminPassword))
	if p := first.confirm(f1, s.UserCode); p.status != http.StatusForbidden {
		t.Errorf("first browser after a second sign-in = %d", p.status)
	}
	if p := second.confirm(f2, s.UserCode); p.status != 200 {
		t.Errorf("second browser = %d %s", p.status, p.body)
	}
	// Once confirmed, the login cannot be bound again.
	p := first.get(e.generateURL(s.LoginID))
	if p.status != http.StatusConflict {
		t.Errorf("generate after confirmation = %d %s", p.status, p.body)
	}
}

// postJSON posts the complete form as JSON from b, with b's cookies.
func (e *env) postJSON(b *browser, f completeForm, code string) (int, map[string]any) {
	e.t.Helper()
	body := `{"browser_complete_token":"` + f.token + `","user_code":"` + code + `"}`
	req, _ := http.NewRequest(http.MethodPost, f.action, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.c.Do(req)
	p := b.read(resp, err)
	var m map[string]any
	mustJSON(e.t, []byte(p.body), &m)
	return p.status, m
}
