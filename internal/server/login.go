package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/sso"
)

// defaultIssuer names the gateway in session tokens when PROXY_BASE_URL is
// not set. Tokens only need an issuer that stays the same.
const defaultIssuer = "litellm-gateway"

// sessionFlushInterval is how often session use is written back.
const sessionFlushInterval = 30 * time.Second

// newLogin builds the CLI login service: the token signer, the identity
// provider (or the built-in login) and the login routes. It also makes the
// authenticator accept session tokens.
func (s *Server) newLogin(ctx context.Context) (*clilogin.Service, error) {
	env := s.opts.Env
	enabled, ttl := s.login.enabled, s.login.ttl
	public, _ := env("PROXY_BASE_URL")
	issuer := public
	if issuer == "" {
		issuer = defaultIssuer
	}
	sgn, err := signer.New(ctx, clilogin.KeyStore(s.store), s.sealer,
		signer.Options{Issuer: issuer, Audience: clilogin.Audience, Now: s.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("session signer: %w", err)
	}
	s.signer = sgn
	ssoCfg, provider, err := s.newProvider(ctx, public)
	if err != nil {
		return nil, err
	}
	localOpts := sso.LocalOptions{Users: clilogin.LocalUsers(s.store), Now: s.opts.Now, Log: s.log}
	if s.redis != nil {
		localOpts.Redis = s.redis // failed logins count across replicas
	}
	local, err := sso.NewLocalAuth(env, s.cfg.GeneralSettings.MasterKey, localOpts)
	if err != nil {
		return nil, fmt.Errorf("built-in login: %w", err)
	}
	opts := clilogin.Options{Store: s.store, Signer: sgn, Local: local, Enabled: enabled,
		TokenTTL: ttl, PublicURL: public, Secret: s.cfg.SaltKey, Log: s.log, Now: s.opts.Now,
		Revoked: s.auth.Invalidate}
	if provider != nil {
		opts.Provider, opts.Policy = provider, ssoCfg
	}
	svc, err := clilogin.New(opts)
	if err != nil {
		return nil, fmt.Errorf("cli login: %w", err)
	}
	s.auth.EnableSessions(sgn)
	s.log.Info("cli login", "enabled", enabled, "token_hours", ttl.Hours(), "sso", ssoName(ssoCfg))
	return svc, nil
}

// newProvider reads the SSO settings; both results are nil when none are
// set and the built-in login serves.
func (s *Server) newProvider(ctx context.Context, public string) (*sso.Config, *sso.Provider, error) {
	cfg, err := sso.FromEnv(s.opts.Env, public+"/sso/callback")
	if err != nil || cfg == nil {
		return nil, nil, err
	}
	for _, w := range cfg.Warnings {
		s.log.Warn("sso: " + w)
	}
	ctx, cancel := context.WithTimeout(ctx, sso.DefaultTimeout)
	defer cancel()
	p, err := sso.NewProvider(ctx, cfg, sso.Options{Now: s.opts.Now})
	if err != nil {
		return nil, nil, fmt.Errorf("sso provider %s: %w", cfg.Name, err)
	}
	return cfg, p, nil
}

func ssoName(c *sso.Config) string {
	if c == nil {
		return "built-in login"
	}
	return c.Name
}

// mountLogin adds the login routes and starts its background work.
func (s *Server) mountLogin(mux *http.ServeMux, svc *clilogin.Service) {
	svc.Register(mux)
	svc.RegisterAdmin(mux, s.auth.Wrap)
	s.background(func(ctx context.Context) { svc.Collect(ctx) })
	s.background(func(ctx context.Context) {
		t := time.NewTicker(sessionFlushInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				s.auth.FlushSessionUse(context.WithoutCancel(ctx))
				return
			case <-t.C:
				if err := s.auth.FlushSessionUse(ctx); err != nil {
					s.log.Warn("record session use", "err", err)
				}
			}
		}
	})
}
