package clilogin_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
)

func TestDisabled(t *testing.T) {
	e := newTestServer(t, disabled())
	const want = "CLI login is disabled on this gateway. " +
		"Set EXPERIMENTAL_UI_LOGIN=True on the gateway to enable it."
	id := "cli-" + strings.Repeat("a", 43)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	tests := []struct {
		method, path string
		h            http.Header
	}{
		{http.MethodPost, "/sso/cli/start", nil},
		{http.MethodGet, "/sso/cli/poll/" + id, http.Header{clilogin.PollSecretHeader: {"x"}}},
		{http.MethodGet, "/sso/key/generate?source=litellm-cli&key=" + id, nil},
		{http.MethodGet, "/sso/callback?code=c&state=s", nil},
		{http.MethodPost, "/sso/login", form},
		{http.MethodPost, "/sso/cli/complete/" + id, form},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			status, body := e.do(tt.method, tt.path, tt.h, strings.NewReader(""))
			var m map[string]any
			mustJSON(t, body, &m)
			if status != http.StatusForbidden || detail(m) != want {
				t.Errorf("= %d %s", status, body)
			}
		})
	}
	p := newBrowser(t).get(e.generateURL(id))
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "CLI login is disabled") {
		t.Errorf("browser: %d %s, want the disabled page", p.status, p.body)
	}
}

func TestStartRateLimit(t *testing.T) {
	e := newTestServer(t, startsPerMinute(3))
	for range 3 {
		e.start()
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/sso/cli/start", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "20" {
		t.Fatalf("4th start = %d, Retry-After %q; want 429 and 20",
			resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	status, body := e.do(http.MethodPost, "/sso/cli/start", nil, nil)
	const tooMany = `"detail":"Too many CLI login attempts. Try again later."`
	if status != 429 || !strings.Contains(string(body), tooMany) {
		t.Errorf("= %d %s", status, body)
	}
	e.clock.Advance(20 * time.Second)
	e.start() // one more token has come back
}

var codeShape = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

func TestStartSecrets(t *testing.T) {
	e := newTestServer(t)
	seen := map[string]bool{}
	for range 5 {
		s := e.start()
		if !codeShape.MatchString(s.UserCode) {
			t.Errorf("user code %q, want XXXX-XXXX from the unambiguous alphabet", s.UserCode)
		}
		for _, v := range []string{s.LoginID, s.PollSecret, s.UserCode} {
			if seen[v] {
				t.Errorf("%q repeats", v)
			}
			seen[v] = true
		}
		l, err := e.store.GetPendingLogin(t.Context(), s.LoginID)
		if err != nil {
			t.Fatal(err)
		}
		bare := strings.ReplaceAll(s.UserCode, "-", "")
		if strings.Contains(l.PollSecretHash, s.PollSecret) || strings.Contains(l.UserCodeHash, bare) ||
			l.ExpiresAt.Sub(l.CreatedAt) != 600*time.Second {
			t.Errorf("stored login %+v keeps a secret or has the wrong lifetime", l)
		}
	}
}
