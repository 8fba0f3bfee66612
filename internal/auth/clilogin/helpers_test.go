package clilogin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/crypto/bcrypt"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/sqlstore"
)

const (
	testSecret    = "sk-test-salt-key"
	adminPassword = "admin-password-1"
)

// clock is a settable clock. It starts at the real time, since the mock
// identity provider stamps its tokens with the real time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// config selects what newTestServer builds.
type config struct {
	disabled bool
	sso      bool
	policy   sso.Policy
	starts   int
}

type option func(*config)

func withSSO(p sso.Policy) option  { return func(c *config) { c.sso, c.policy = true, p } }
func disabled() option             { return func(c *config) { c.disabled = true } }
func startsPerMinute(n int) option { return func(c *config) { c.starts = n } }

// env is a gateway serving the CLI login routes over real HTTP, on a
// real SQLite store.
type env struct {
	t       testing.TB
	url     string
	handler http.Handler // the routes, to call in process
	store   store.Store
	signer  *signer.Signer
	clock   *clock
	logs    *syncBuffer
	svc     *clilogin.Service
	idp     *mockoidc.MockOIDC // nil without SSO
	revoked atomic.Int32
}

func newTestServer(t testing.TB, opts ...option) *env {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	e := &env{t: t, clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, logs: &syncBuffer{}}

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url, e.handler = srv.URL, mux

	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "gateway.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.store = st

	sealer, err := secret.NewSealer(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	e.signer, err = signer.New(ctx, clilogin.KeyStore(st), sealer, signer.Options{
		Issuer: e.url, Audience: clilogin.Audience, Now: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := clilogin.Options{
		Store: st, Signer: e.signer, Enabled: !cfg.disabled, PublicURL: e.url,
		Secret: testSecret, StartsPerMinute: cfg.starts, Now: e.clock.Now, Log: log,
		Revoked: func() { e.revoked.Add(1) },
	}
	if cfg.sso {
		e.idp = newMockOIDC(t)
		p := e.ssoConfig(cfg.policy)
		o.Policy = p
		if o.Provider, err = sso.NewProvider(ctx, p, sso.Options{Now: e.clock.Now}); err != nil {
			t.Fatal(err)
		}
	} else {
		env := map[string]string{"UI_USERNAME": "admin", "UI_PASSWORD": adminPassword}
		o.Local, err = sso.NewLocalAuth(func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}, "sk-master", sso.LocalOptions{Users: clilogin.LocalUsers(st), Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
	}
	if e.svc, err = clilogin.New(o); err != nil {
		t.Fatal(err)
	}
	e.svc.Register(mux)
	return e
}

func (e *env) ssoConfig(p sso.Policy) *sso.Config {
	return &sso.Config{
		Name: sso.Generic, ClientID: e.idp.ClientID, ClientSecret: sso.Secret(e.idp.ClientSecret),
		RedirectURL: e.url + "/sso/callback",
		Scopes:      strings.Fields("openid email profile groups"),
		IssuerURL:   e.idp.Issuer(),
		Claims:      sso.ClaimNames{UserID: "sub", Email: "email", Name: "name", Groups: "groups"},
		Policy:      p,
	}
}

// rsaKey is shared by every mock provider: RSA keys are slow to make.
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func newMockOIDC(t testing.TB) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(rsaKey())
	if err != nil {
		t.Fatal(err)
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

func bcryptHash(t testing.TB, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
