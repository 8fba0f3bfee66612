package sso

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

const testRedirect = "http://127.0.0.1:4000/sso/callback"

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mapEnv is a lookup function over a map.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// signingKey is shared by every mock provider: RSA keys are slow to make.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// newMockOIDC starts an in-process OpenID Connect provider on 127.0.0.1
// whose handlers are wrapped in mw, and stops it when the test ends.
func newMockOIDC(t *testing.T, mw ...func(http.Handler) http.Handler) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(signingKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mw {
		if err := m.AddMiddleware(f); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return m
}

// mockConfig is the Config of a generic OpenID Connect provider at m.
func mockConfig(m *mockoidc.MockOIDC) *Config {
	return &Config{
		Name:         Generic,
		ClientID:     m.ClientID,
		ClientSecret: Secret(m.ClientSecret),
		RedirectURL:  testRedirect,
		Scopes:       strings.Fields("openid email profile groups"),
		IssuerURL:    m.Issuer(),
		Claims:       ClaimNames{UserID: "sub", Email: "email", Name: "name", Groups: "groups"},
	}
}

func newTestProvider(t *testing.T, cfg *Config, now func() time.Time) *Provider {
	t.Helper()
	p, err := NewProvider(t.Context(), cfg, Options{Now: now})
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	return p
}

// browse plays the browser: it follows authURL to the provider without
// following the redirect back, and returns the callback's parameters.
func browse(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.HasPrefix(loc.String(), testRedirect+"?") {
		t.Fatalf("redirected to %s, want the callback %s", loc, testRedirect)
	}
	return loc.Query()
}

// login runs Start and the browser, and returns the State and the code.
func login(t *testing.T, p *Provider, now time.Time, opts ...StartOption) (State, string) {
	t.Helper()
	authURL, st, err := p.Start(now, opts...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	q := browse(t, authURL)
	if !st.Matches(q.Get("state")) {
		t.Fatalf("callback state %q, want %q", q.Get("state"), st.State)
	}
	return st, q.Get("code")
}

// testUser is a mockoidc user whose id_token the test can bend: edit
// changes the registered claims (iss, aud, ...), extra adds claims.
type testUser struct {
	*mockoidc.MockUser
	edit  func(*jwt.RegisteredClaims)
	extra map[string]any
}

func (u testUser) Claims(scope []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.edit != nil {
		u.edit(base.RegisteredClaims)
	}
	c, err := u.MockUser.Claims(scope, base)
	if err != nil || u.extra == nil {
		return c, err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m jwt.MapClaims
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range u.extra {
		m[k] = v
	}
	return m, nil
}

// rewrite returns middleware that passes the JSON responses of path
// through edit.
func rewrite(path string, edit func(map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil && rec.Code == http.StatusOK {
				edit(body)
				b, _ := json.Marshal(body)
				rec.Body = bytes.NewBuffer(b)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	}
}

// finish calls p.Finish with a deadline.
func finish(t *testing.T, p *Provider, st State, code string) (*Identity, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	return p.Finish(ctx, st, code)
}
