package sso

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// DefaultTimeout bounds every request to the identity provider when the
// caller's http.Client sets no timeout of its own.
const DefaultTimeout = 15 * time.Second

// DefaultStateTTL is how long a started login may take to finish.
const DefaultStateTTL = 10 * time.Minute

// Options are a Provider's dependencies. The zero value uses the real
// clock, crypto/rand and an http.Client with DefaultTimeout.
type Options struct {
	// HTTPClient makes every request to the provider: discovery, keys,
	// token and userinfo. A client without a Timeout is copied and given
	// DefaultTimeout, so that no request waits forever.
	HTTPClient *http.Client
	// Now returns the current time; it checks id_token expiry and State
	// age. nil means time.Now.
	Now func() time.Time
	// Rand is the entropy for state, nonce and PKCE verifier. nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// StateTTL is how long a started login may take; zero means
	// DefaultStateTTL.
	StateTTL time.Duration
}

// Provider runs logins through one identity provider. It is safe for
// concurrent use.
type Provider struct {
	cfg      Config
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier // nil for plain OAuth 2.0
	// template is the issuer template of a multi-tenant Entra alias;
	// checkTenant checks each id_token against it.
	template    string
	userInfoURL string
	client      *http.Client
	now         func() time.Time
	rand        io.Reader
	stateTTL    time.Duration
}

// NewProvider prepares logins through cfg's provider. When cfg has an
// IssuerURL it fetches the provider's discovery document, so the provider
// must be reachable; ctx bounds that request. Errors wrap ErrMisconfigured
// or ErrUnavailable, and the caller may retry the latter.
func NewProvider(ctx context.Context, cfg *Config, opts Options) (*Provider, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("new provider: %w: %w", ErrMisconfigured, err)
	}
	p := &Provider{
		cfg:         *cfg,
		userInfoURL: cfg.UserInfoURL,
		client:      withTimeout(opts.HTTPClient),
		now:         opts.Now,
		rand:        opts.Rand,
		stateTTL:    opts.StateTTL,
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.rand == nil {
		p.rand = rand.Reader
	}
	if p.stateTTL <= 0 {
		p.stateTTL = DefaultStateTTL
	}
	if p.cfg.Claims.UserID == "" {
		p.cfg.Claims.UserID = "sub"
	}

	ep := oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL}
	if cfg.IssuerURL != "" {
		if err := p.discover(ctx, &ep); err != nil {
			return nil, fmt.Errorf("new provider: discover %s: %w", cfg.IssuerURL, err)
		}
	}
	p.oauth = oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: string(cfg.ClientSecret),
		Endpoint:     ep,
		RedirectURL:  cfg.RedirectURL,
		Scopes:       cfg.Scopes,
	}
	return p, nil
}

// check reports what a Config lacks to run logins.
func (c *Config) check() error {
	switch {
	case c.ClientID == "":
		return errors.New("no client id")
	case c.RedirectURL == "":
		return errors.New("no redirect URL")
	case c.IssuerURL == "" && (c.AuthURL == "" || c.TokenURL == "" || c.UserInfoURL == ""):
		return errors.New("without an issuer URL, the authorization, token and userinfo " +
			"endpoints are all required")
	}
	return nil
}

func withTimeout(c *http.Client) *http.Client {
	if c == nil {
		return &http.Client{Timeout: DefaultTimeout}
	}
	if c.Timeout == 0 {
		cp := *c
		cp.Timeout = DefaultTimeout
		return &cp
	}
	return c
}

// discover reads the provider's discovery document (OpenID Connect
// Discovery §4) and sets up id_token verification. Endpoints already in
// ep are kept: explicit settings win.
func (p *Provider) discover(ctx context.Context, ep *oauth2.Endpoint) error {
	c := &p.cfg
	ctx = oidc.ClientContext(ctx, p.client)
	if c.Name == Microsoft {
		// Entra announces an issuer other than the discovery URL for a
		// domain-name tenant or an alias; microsoftIssuer checks it below.
		ctx = oidc.InsecureIssuerURLContext(ctx, c.IssuerURL)
	}
	op, err := oidc.NewProvider(ctx, c.IssuerURL)
	if err != nil {
		if unreachable(err) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return fmt.Errorf("%w: %w", ErrMisconfigured, err)
	}
	vc := &oidc.Config{ClientID: c.ClientID, Now: p.now}
	p.verifier = op.VerifierContext(ctx, vc)
	if c.Name == Microsoft {
		if err := p.microsoftVerifier(ctx, op, vc); err != nil {
			return err
		}
	}

	found := op.Endpoint()
	if ep.AuthURL == "" {
		ep.AuthURL = found.AuthURL
	}
	if ep.TokenURL == "" {
		ep.TokenURL = found.TokenURL
	}
	if p.userInfoURL == "" {
		p.userInfoURL = op.UserInfoEndpoint()
	}
	if ep.AuthURL == "" || ep.TokenURL == "" {
		return fmt.Errorf("%w: the discovery document names no authorization "+
			"or token endpoint", ErrMisconfigured)
	}
	return nil
}

// microsoftVerifier replaces the verifier of an Entra provider with one
// that checks the issuer microsoftIssuer derives.
func (p *Provider) microsoftVerifier(ctx context.Context, op *oidc.Provider,
	vc *oidc.Config) error {
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := op.Claims(&meta); err != nil {
		return fmt.Errorf("%w: %w", ErrMisconfigured, err)
	}
	issuer, err := microsoftIssuer(p.cfg.IssuerURL, meta.Issuer, p.cfg.Tenant)
	if err != nil {
		return err
	}
	if issuer == "" {
		vc.SkipIssuerCheck = true // checkTenant does it per token
		p.template = meta.Issuer
	}
	p.verifier = oidc.NewVerifier(issuer, oidc.NewRemoteKeySet(ctx, meta.JWKSURI), vc)
	return nil
}
