package clilogin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
)

// BenchmarkPoll measures the poll of a pending login, in process, on
// SQLite: what every waiting CLI costs the gateway every two seconds.
func BenchmarkPoll(b *testing.B) {
	e := newTestServer(b)
	s := e.start()
	req := httptest.NewRequest(http.MethodGet, "/sso/cli/poll/"+s.LoginID, nil)
	req.Header.Set(clilogin.PollSecretHeader, s.PollSecret)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("poll = %d %s", w.Code, w.Body)
		}
	}
}
