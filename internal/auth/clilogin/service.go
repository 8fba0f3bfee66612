package clilogin

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/web"
)

// Audience is the "aud" of CLI session tokens: the Signer that Options
// names must be built with it. It names the kind of token rather than a
// URL, so that no other JWT the gateway may sign later (a dashboard
// cookie, say) is ever accepted as a CLI session, and the reverse
// (RFC 8725 §3.9 and §3.12). The issuer, the gateway's public URL, names the
// gateway.
const Audience = "litellm-cli"

// Provider runs logins at the company's identity provider; *sso.Provider
// is one.
type Provider interface {
	Start(now time.Time, opts ...sso.StartOption) (string, sso.State, error)
	Finish(ctx context.Context, st sso.State, code string) (*sso.Identity, error)
}

// Policy decides who may log in through a Provider; *sso.Config is one.
type Policy interface {
	Decide(id sso.Identity) (sso.Decision, error)
}

// TokenSigner issues and verifies session tokens; *signer.Signer is one.
type TokenSigner interface {
	Issue(c signer.Claims) (string, error)
	Verify(ctx context.Context, token string) (*signer.Claims, error)
	JWKS() []byte
}

// Options are a Service's settings and dependencies.
type Options struct {
	Store  store.Store
	Signer TokenSigner // built with Audience and the public URL as issuer

	// Provider and Policy sign people in through the identity provider.
	// A nil Provider means the gateway's own login page, checked by Local.
	Provider Provider
	Policy   Policy
	Local    *sso.LocalAuth

	// Enabled is EXPERIMENTAL_UI_LOGIN (see Settings). When false, every
	// login route answers 403; logout, session and admin routes still
	// work, so that tokens issued earlier can be revoked.
	Enabled bool
	// TokenTTL is the lifetime of session tokens; zero means
	// DefaultTokenTTL.
	TokenTTL time.Duration

	// PublicURL is PROXY_BASE_URL, the address browsers use to reach the
	// gateway, such as "https://llm.example.com". When empty, pages derive
	// it from each request's Host header and TLS state: that works on a
	// laptop but trusts a header the client chose, and behind a proxy
	// that terminates TLS it yields http:// links and non-Secure cookies.
	// Set it in production.
	PublicURL string

	// Secret keys the hashes of verification codes and the CSRF tokens of
	// the login form. Every replica must have the same one; derive it
	// from LITELLM_SALT_KEY. Required.
	Secret string

	// StartsPerMinute limits POST /sso/cli/start per client address;
	// zero means 10. Sign-ins at the identity provider, each of which
	// stores a state, are limited to three times as many. Behind a proxy
	// every client has the proxy's address, so raise it there.
	StartsPerMinute int

	Now  func() time.Time // nil means time.Now
	Rand io.Reader        // entropy for every secret; nil means crypto/rand
	Log  *slog.Logger     // nil discards

	// Revoked, when set, is called after a session is revoked, so that
	// the gateway drops cached principals at once.
	Revoked func()
}

// Service serves the CLI login routes. It is safe for concurrent use.
type Service struct {
	store    store.Store
	signer   TokenSigner
	provider Provider
	policy   Policy
	local    *sso.LocalAuth
	enabled  bool
	ttl      time.Duration
	public   string // PublicURL without a trailing slash; "" derives it
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	revoked  func()
	codeKey  []byte         // HMAC key of verification codes
	sealer   *secret.Sealer // of the nonce and PKCE verifier of sign-ins
	csrf     *web.CSRF
	starts   *limiter // POST /sso/cli/start
	signIns  *limiter // redirects to the identity provider

	deriveOnce sync.Once
}

// New checks opts and returns a Service.
func New(opts Options) (*Service, error) {
	if err := check(&opts); err != nil {
		return nil, fmt.Errorf("new cli login: %w", err)
	}
	s := &Service{
		store:    opts.Store,
		signer:   opts.Signer,
		provider: opts.Provider,
		policy:   opts.Policy,
		local:    opts.Local,
		enabled:  opts.Enabled,
		ttl:      opts.TokenTTL,
		public:   strings.TrimSuffix(opts.PublicURL, "/"),
		now:      opts.Now,
		rand:     opts.Rand,
		log:      opts.Log,
		revoked:  opts.Revoked,
		starts:   newLimiter(opts.StartsPerMinute),
		signIns:  newLimiter(3 * opts.StartsPerMinute),
	}
	var err error
	if s.sealer, err = secret.NewSealer(opts.Secret); err != nil {
		return nil, fmt.Errorf("new cli login: %w", err)
	}
	if s.codeKey, err = deriveKey(opts.Secret, "verification code"); err != nil {
		return nil, fmt.Errorf("new cli login: %w", err)
	}
	csrfKey, err := deriveKey(opts.Secret, "csrf")
	if err != nil {
		return nil, fmt.Errorf("new cli login: %w", err)
	}
	if s.csrf, err = web.NewCSRF(csrfKey, s.rand); err != nil {
		return nil, fmt.Errorf("new cli login: %w", err)
	}
	return s, nil
}

// check validates opts and fills in defaults.
func check(o *Options) error {
	// sso.FromEnv returns a nil *Config when no provider is set up; passed
	// on as is, it would make a non-nil interface.
	if p, ok := o.Provider.(*sso.Provider); ok && p == nil {
		o.Provider = nil
	}
	if c, ok := o.Policy.(*sso.Config); ok && c == nil {
		o.Policy = nil
	}
	switch {
	case o.Store == nil || o.Signer == nil:
		return errors.New("a store and a signer are required")
	case o.Secret == "":
		return errors.New("a secret is required (derive it from LITELLM_SALT_KEY)")
	case o.Provider != nil && o.Policy == nil:
		return errors.New("a provider needs a policy")
	case o.Enabled && o.Provider == nil && o.Local == nil:
		return errors.New("CLI login is enabled but no identity provider or local login is set up")
	case o.TokenTTL < 0:
		return errors.New("negative token lifetime")
	}
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public URL %q: want an absolute http or https URL", o.PublicURL)
		}
	}
	if o.StartsPerMinute <= 0 {
		o.StartsPerMinute = 10
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// deriveKey derives a 256-bit key for one use from the operator's secret,
// so that a key leaked from one use says nothing of the others.
func deriveKey(secret, use string) ([]byte, error) {
	return hkdf.Key(sha256.New, []byte(secret), nil, "litellm-gateway cli-login "+use+" v1", 32)
}

// Register mounts the login, token and key routes on mux. The page routes
// share a mux of their own behind web.Protect.
func (s *Service) Register(mux *http.ServeMux) {
	api := map[string]httpapi.HandlerFunc{
		"POST /sso/cli/start":          s.start,
		"GET /sso/cli/poll/{login_id}": s.poll,
		"POST /sso/cli/logout":         s.logout,
		"GET /sso/cli/session":         s.session,
	}
	for pattern, h := range api {
		mux.Handle(pattern, httpapi.Detail(s.log, h))
	}
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	mux.Handle("GET "+web.StylePath, web.StyleHandler())

	pages := map[string]httpapi.HandlerFunc{
		"GET /sso/key/generate":             s.generate,
		"GET /sso/callback":                 s.callback,
		"POST /sso/login":                   s.localLogin,
		"POST /sso/cli/complete/{login_id}": s.complete,
	}
	pageMux := http.NewServeMux()
	for pattern, h := range pages {
		pageMux.Handle(pattern, s.page(h))
	}
	protected := web.Protect(pageMux, origin(s.public))
	for pattern := range pages {
		mux.Handle(pattern, protected)
	}
}

// RegisterAdmin mounts the session management routes on mux, each behind
// wrap, which must authenticate the caller (Authenticator.Wrap).
func (s *Service) RegisterAdmin(mux *http.ServeMux,
	wrap func(httpapi.HandlerFunc) httpapi.HandlerFunc) {
	mux.Handle("GET /session/list", httpapi.Detail(s.log, wrap(s.listSessions)))
	mux.Handle("POST /session/revoke", httpapi.Detail(s.log, wrap(s.revokeSession)))
}

// publicURL returns the gateway's address as browsers see it.
func (s *Service) publicURL(r *http.Request) string {
	if s.public != "" {
		return s.public
	}
	s.deriveOnce.Do(func() {
		s.log.WarnContext(r.Context(), "PROXY_BASE_URL is unset: CLI login pages use "+
			"each request's Host header; set PROXY_BASE_URL to the gateway's public URL")
	})
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// secure reports whether cookies for r must be Secure.
func (s *Service) secure(r *http.Request) bool {
	return strings.HasPrefix(s.publicURL(r), "https://")
}

// origin returns the scheme and host of an absolute URL, or "".
func origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}
