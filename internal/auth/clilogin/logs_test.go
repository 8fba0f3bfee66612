package clilogin_test

import (
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/auth/sso"
)

// TestNoSecretsInLogs runs logins, right and wrong, with debug logging
// and looks for every secret in the output.
func TestNoSecretsInLogs(t *testing.T) {
	for name, opts := range map[string][]option{"local": nil, "sso": {withSSO(sso.Policy{})}} {
		t.Run(name, func(t *testing.T) {
			e := newTestServer(t, opts...)
			s := e.start()
			b := newBrowser(t)
			var done page
			if e.idp != nil {
				done = e.signInSSO(b, s.LoginID, alice())
			} else {
				e.signInLocal(b, s.LoginID, "admin", "wrong-password")
				done = e.signInLocal(b, s.LoginID, "admin", adminPassword)
			}
			f := parseComplete(t, done)
			b.confirm(f, wrongCode(s.UserCode))
			b.confirm(f, s.UserCode)
			e.poll(s.LoginID, "wrong-poll-secret", "")
			_, body := e.poll(s.LoginID, s.PollSecret, "")
			tok := body["key"].(string)

			logs := e.logs.String()
			if !strings.Contains(logs, `"msg":"session issued"`) ||
				!strings.Contains(logs, `"msg":"user signed in"`) {
				t.Fatalf("audit events missing from the log:\n%s", logs)
			}
			secrets := map[string]string{
				"poll secret": s.PollSecret, "user code": s.UserCode,
				"user code (bare)": strings.ReplaceAll(s.UserCode, "-", ""),
				"browser token":    f.token, "session token": tok,
				"token signature": tok[strings.LastIndex(tok, ".")+1:],
				"admin password":  adminPassword, "wrong password": "wrong-password",
			}
			for _, c := range b.c.Jar.Cookies(mustURL(t, f.action)) {
				secrets["cookie "+c.Name] = c.Value
			}
			for what, v := range secrets {
				if strings.Contains(logs, v) {
					t.Errorf("the log holds the %s", what)
				}
			}
		})
	}
}
