package sso

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/litellm-go/gateway/internal/secret"
)

// State is what a started login keeps server-side until its callback.
// Only State.State reaches the browser, as the state parameter; the
// caller stores the rest under it (a hash of it can be the key) and hands
// it back to Finish.
type State struct {
	// State is the state parameter (RFC 6749 §4.1.1): the caller's prefix,
	// if any, then 256 random bits. It ties the callback to this login
	// and so protects it from cross-site request forgery (§10.12).
	State string
	// Nonce is sent to the provider and must come back in the id_token
	// (OpenID Connect Core §3.1.2.1), so that a token issued for another
	// login is refused.
	Nonce string
	// Verifier is the PKCE code_verifier (RFC 7636 §4.1): only the holder
	// of the verifier can redeem the code.
	Verifier  string
	CreatedAt time.Time
}

// Matches reports whether received, the state parameter of a callback, is
// s.State. It compares in constant time.
func (s State) Matches(received string) bool {
	return s.State != "" && secret.Equal(received, s.State)
}

// randomBytes is the entropy of each random value of a State: 256 bits,
// twice the 128 that RFC 9700 §4.7.1 and RFC 7636 §7.1 ask for.
const randomBytes = 32

// maxStatePrefix bounds a caller's state prefix; some providers cut long
// state parameters.
const maxStatePrefix = 128

// A StartOption changes one login.
type StartOption func(*startOptions)

type startOptions struct {
	prefix string
}

// WithStatePrefix puts prefix in front of the random state, so that the
// callback can tell which of the caller's flows a login belongs to, as
// LiteLLM's "litellm-session-token:<login_id>" does. The prefix is public
// (it travels in URLs and lands in the provider's logs) and must hold no
// secret. The random part after it is what makes the state unguessable,
// so the caller must still look the whole state up server-side and never
// act on the prefix alone; for that reason no option lets the caller
// replace the random part. prefix may hold at most 128 letters, digits
// and "-._~:" characters.
func WithStatePrefix(prefix string) StartOption {
	return func(o *startOptions) { o.prefix = prefix }
}

// Start begins a login at now. It returns the provider's authorization
// URL, to which the caller redirects the browser, and the State to keep
// until the callback. It sends a PKCE S256 challenge to every provider,
// confidential clients included, as RFC 9700 §2.1.1 recommends, and a
// nonce to OpenID Connect providers.
func (p *Provider) Start(now time.Time, opts ...StartOption) (string, State, error) {
	var o startOptions
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkPrefix(o.prefix); err != nil {
		return "", State{}, fmt.Errorf("start login: %w", err)
	}
	var r [3]string
	for i := range r {
		b := make([]byte, randomBytes)
		if _, err := io.ReadFull(p.rand, b); err != nil {
			return "", State{}, fmt.Errorf("start login: read random: %w", err)
		}
		r[i] = base64.RawURLEncoding.EncodeToString(b)
	}
	st := State{State: o.prefix + r[0], Nonce: r[1], Verifier: r[2], CreatedAt: now}

	params := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(st.Verifier)}
	if p.verifier != nil {
		params = append(params, oidc.Nonce(st.Nonce))
	}
	return p.oauth.AuthCodeURL(st.State, params...), st, nil
}

func checkPrefix(prefix string) error {
	if len(prefix) > maxStatePrefix {
		return fmt.Errorf("state prefix longer than %d bytes", maxStatePrefix)
	}
	const allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:"
	if strings.Trim(prefix, allowed) != "" {
		return errors.New(`state prefix may hold only letters, digits and "-._~:"`)
	}
	return nil
}

// Finish completes the login that st started, given the code from the
// callback. The caller has found st by the callback's state parameter.
// Finish redeems the code with st's PKCE verifier, then, for OpenID
// Connect, verifies the id_token (signature, issuer, audience, expiry,
// nonce) and reads the identity from it, completed from the userinfo
// endpoint when a claim is missing; for plain OAuth 2.0 it reads the
// identity from the userinfo endpoint. Errors wrap one of ErrDenied,
// ErrInvalidResponse, ErrMisconfigured, ErrUnavailable or ErrExpired.
func (p *Provider) Finish(ctx context.Context, st State, code string) (*Identity, error) {
	switch age := p.now().Sub(st.CreatedAt); {
	case st.State == "" || st.Nonce == "" || st.Verifier == "":
		return nil, errors.New("finish login: incomplete state")
	case age > p.stateTTL:
		return nil, fmt.Errorf("finish login: %w after %s", ErrExpired, age.Round(time.Second))
	case code == "":
		return nil, fmt.Errorf("finish login: %w: no code", ErrDenied)
	}

	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(st.Verifier)}
	if p.cfg.IncludeClientID {
		opts = append(opts, oauth2.SetAuthURLParam("client_id", p.cfg.ClientID))
	}
	tok, err := p.oauth.Exchange(ctx, code, opts...)
	if err != nil {
		return nil, fmt.Errorf("finish login: %w", exchangeError(err, p.cfg.ClientSecret))
	}

	c, issuer, err := p.readClaims(ctx, tok, st.Nonce)
	if err != nil {
		return nil, fmt.Errorf("finish login: %w", err)
	}
	id, err := p.identity(c, issuer)
	if err != nil {
		return nil, fmt.Errorf("finish login: %w", err)
	}
	return id, nil
}

// readClaims returns the person's claims and who vouches for them.
func (p *Provider) readClaims(
	ctx context.Context, tok *oauth2.Token, nonce string,
) (claims, string, error) {
	if p.verifier == nil {
		c, err := p.userInfo(ctx, tok)
		return c, origin(p.userInfoURL), err
	}
	c, issuer, err := p.verify(ctx, tok, nonce)
	if err == nil && p.userInfoURL != "" && p.wantsUserInfo(c) {
		err = p.addUserInfo(ctx, tok, c)
	}
	return c, issuer, err
}

// verify checks the id_token of tok and returns its claims and issuer.
// go-oidc checks the signature, iss, aud and exp; the nonce and azp are
// left to us (OpenID Connect Core §3.1.3.7, steps 4, 5 and 11).
func (p *Provider) verify(
	ctx context.Context, tok *oauth2.Token, nonce string,
) (claims, string, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", fmt.Errorf("%w: the token response has no id_token", ErrInvalidResponse)
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	var c claims
	if err := idt.Claims(&c); err != nil {
		return nil, "", fmt.Errorf("%w: id_token claims: %w", ErrInvalidResponse, err)
	}
	if !secret.Equal(idt.Nonce, nonce) {
		return nil, "", fmt.Errorf("%w: id_token nonce does not match the login",
			ErrInvalidResponse)
	}
	if len(idt.Audience) > 1 && c.str("azp") != p.cfg.ClientID {
		return nil, "", fmt.Errorf("%w: id_token for several audiences "+
			"was not issued to this client (azp)", ErrInvalidResponse)
	}
	if p.template != "" {
		if err := checkTenant(p.cfg.Tenant, p.template, idt.Issuer, c.str("tid")); err != nil {
			return nil, "", fmt.Errorf("%w: %w", ErrInvalidResponse, err)
		}
	}
	return c, idt.Issuer, nil
}

// addUserInfo adds to c the userinfo claims it lacks. The id_token's
// claims win, being signed.
func (p *Provider) addUserInfo(ctx context.Context, tok *oauth2.Token, c claims) error {
	ui, err := p.userInfo(ctx, tok)
	if err != nil {
		return err
	}
	// OpenID Connect Core §5.3.4: a response about another subject must
	// not be used.
	if ui.str("sub") != c.str("sub") {
		return fmt.Errorf("%w: userinfo is about another subject", ErrInvalidResponse)
	}
	for k, v := range ui {
		if _, ok := c[k]; !ok {
			c[k] = v
		}
	}
	return nil
}
