package clilogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/web"
)

const (
	// cliSource is the source parameter of LiteLLM's CLI login links.
	cliSource = "litellm-cli"
	// statePrefix starts the OAuth state of a CLI login, as in LiteLLM,
	// which sends "litellm-session-token:<login_id>" and nothing else. That
	// state is guessable by anyone who sees the login id, so ours goes on
	// with "." and 256 random bits (RFC 9700 §4.7.1), and the callback
	// finds the login by the hash of the whole state, never by the id in
	// it.
	statePrefix = "litellm-session-token:"
	// maxState bounds the state parameter a callback may carry.
	maxState = 512
)

var (
	errNoSource = fail(http.StatusBadRequest,
		"This gateway serves /sso/key/generate for CLI logins only: "+
			"it needs source=litellm-cli and key=<login_id>, as `litellm-proxy login` sends.",
		"Nothing to sign in to",
		"Run `litellm-proxy login` in your terminal: it opens the right link.")
	errState = fail(http.StatusBadRequest, "Invalid or expired sign-in state",
		"Sign-in link expired",
		"This sign-in was already used or took too long. Open the link from your terminal again.")
	errNoSSO = fail(http.StatusNotFound, "Single sign-on is not configured on this gateway",
		"No single sign-on", hintRestart)
)

// generate is where the CLI sends the browser. With an identity provider
// it redirects there; without, it shows the gateway's own login form.
func (s *Service) generate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("source") != cliSource {
		return errNoSource
	}
	if !s.enabled {
		return errDisabled
	}
	l, err := s.lookup(r.Context(), s.store, q.Get("key"))
	if err != nil {
		return err
	}
	if l.Status == store.LoginReady {
		return errUsed
	}
	if s.provider == nil {
		return s.showLogin(w, r, http.StatusOK, l.ID, "", "")
	}
	return s.redirectToProvider(w, r, l)
}

// redirectToProvider starts a sign-in at the identity provider for l and
// keeps its state, nonce and PKCE verifier (RFC 7636) server-side: the
// state as a hash, which the rest is stored under, the nonce and the
// verifier sealed. Each visit starts afresh; each state is good for one
// callback.
func (s *Service) redirectToProvider(w http.ResponseWriter, r *http.Request,
	l *store.PendingLogin) error {
	now := s.now()
	if ok, wait := s.signIns.allow(clientKey(r.RemoteAddr), now); !ok {
		return tooMany(wait)
	}
	authURL, st, err := s.provider.Start(now, sso.WithStatePrefix(statePrefix+l.ID+"."))
	if err != nil {
		return fmt.Errorf("start sign-in: %w", err)
	}
	hash := secret.HashKey(st.State)
	as := &store.AuthState{
		StateHash: hash,
		LoginID:   l.ID,
		Nonce:     s.sealState(hash, "nonce", st.Nonce),
		Verifier:  s.sealState(hash, "verifier", st.Verifier),
		CreatedAt: st.CreatedAt,
		ExpiresAt: now.Add(sso.DefaultStateTTL),
	}
	if l.ExpiresAt.Before(as.ExpiresAt) {
		as.ExpiresAt = l.ExpiresAt
	}
	if err := s.store.CreateAuthState(r.Context(), as); err != nil {
		return fmt.Errorf("start sign-in: %w", err)
	}
	http.Redirect(w, r, authURL, http.StatusFound)
	return nil
}

// callback receives the browser back from the identity provider. It
// spends the state first, so that a replayed callback finds nothing, even
// one that carries an error.
func (s *Service) callback(w http.ResponseWriter, r *http.Request) error {
	if !s.enabled {
		return errDisabled
	}
	if s.provider == nil {
		return errNoSSO
	}
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	as, err := s.takeState(ctx, state)
	if err != nil {
		return err
	}
	if code := q.Get("error"); code != "" {
		return s.signInFailed(r, as.LoginID, sso.CallbackError(code, q.Get("error_description")))
	}
	l, err := s.lookup(ctx, s.store, as.LoginID)
	if err != nil {
		return err
	}

	st := sso.State{State: state, CreatedAt: as.CreatedAt}
	if st.Nonce, err = s.openState(as.StateHash, "nonce", as.Nonce); err == nil {
		st.Verifier, err = s.openState(as.StateHash, "verifier", as.Verifier)
	}
	if err != nil {
		// Sealed with another salt key, or changed in the database.
		s.log.WarnContext(ctx, "sign-in state cannot be opened", "login_id", l.ID, "err", err)
		return errState
	}
	id, err := s.provider.Finish(ctx, st, q.Get("code"))
	if err != nil {
		return s.signInFailed(r, l.ID, err)
	}
	d, err := s.policy.Decide(*id)
	if err != nil {
		return s.signInFailed(r, l.ID, fmt.Errorf("%w: %w", sso.ErrMisconfigured, err))
	}
	if !d.Allowed {
		s.log.InfoContext(ctx, "sign-in refused by policy", "user_id", id.UserID, "login_id", l.ID)
		return fail(http.StatusForbidden, d.Reason, "Access refused", "")
	}
	u, err := s.provisionSSO(ctx, id, d)
	if err != nil {
		return err
	}
	return s.bind(w, r, l.ID, u, "sso")
}

func (s *Service) takeState(ctx context.Context, state string) (*store.AuthState, error) {
	if state == "" || len(state) > maxState {
		return nil, errState
	}
	as, err := s.store.TakeAuthState(ctx, secret.HashKey(state))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errState
	}
	if err != nil {
		return nil, fmt.Errorf("take sign-in state: %w", err)
	}
	if as.LoginID == "" || !s.now().Before(as.ExpiresAt) {
		return nil, errState
	}
	return as, nil
}

// signInFailed logs why a sign-in at the provider failed and answers with
// a sentence that reveals none of it. The login stays pending, so the
// person may open the link again.
func (s *Service) signInFailed(r *http.Request, loginID string, err error) error {
	s.log.WarnContext(r.Context(), "sign-in failed", "login_id", loginID, "err", err)
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, sso.ErrDenied):
		status = http.StatusForbidden
	case errors.Is(err, sso.ErrUnavailable):
		status = http.StatusBadGateway
	case errors.Is(err, sso.ErrMisconfigured):
		status = http.StatusInternalServerError
	}
	return fail(status, sso.Message(err), "Sign-in failed",
		"The login stays open until it expires: open the link from your terminal again to retry.")
}

// bind ties login loginID to user u and to this browser: a one-time token
// goes into the complete form and a cookie into the browser, and only
// their pair confirms the code. A form copied out of the page, or posted
// by another site, confirms nothing (login CSRF, RFC 9700 §4.7). The code
// itself ties the browser to the terminal: whoever lures a person onto
// their own login link still lacks the code their terminal shows
// (RFC 8628 §5.4). Signing in again replaces the pair; a login whose
// code was confirmed cannot be bound again.
func (s *Service) bind(w http.ResponseWriter, r *http.Request, loginID string,
	u *store.User, method string) error {
	ctx := r.Context()
	token, err := s.random(secretBytes)
	if err != nil {
		return fmt.Errorf("bind browser: %w", err)
	}
	cookie, err := s.random(secretBytes)
	if err != nil {
		return fmt.Errorf("bind browser: %w", err)
	}
	var expires time.Time
	err = s.store.InTx(ctx, func(tx store.Tx) error {
		l, err := s.lookup(ctx, tx, loginID)
		if err != nil {
			return err
		}
		if l.Status == store.LoginReady {
			return errUsed
		}
		l.Status, l.UserID, l.TeamID = store.LoginAuthenticated, u.ID, ""
		l.BrowserTokenHash = bindingHash(token, cookie)
		expires = l.ExpiresAt
		return tx.UpdatePendingLogin(ctx, l)
	})
	if err != nil {
		return fmt.Errorf("bind browser: %w", err)
	}

	action := s.completeURL(r, loginID)
	s.setBrowserCookie(w, r, action, cookie, expires)
	s.log.InfoContext(ctx, "user signed in", "user_id", u.ID, "login_id", loginID, "method", method)
	return web.Render(w, http.StatusOK, web.Complete, web.CompleteData{
		Action: action, BrowserToken: token, Account: account(u),
	})
}

func (s *Service) completeURL(r *http.Request, loginID string) string {
	return s.publicURL(r) + "/sso/cli/complete/" + loginID
}

// Names of the browser binding cookie. __Secure- makes browsers refuse it
// over plain HTTP.
const (
	bindCookie       = "litellm_cli_browser"
	bindCookieSecure = "__Secure-litellm_cli_browser"
)

// setBrowserCookie sets the binding cookie, scoped to the one complete URL
// of the login so that logins in several tabs do not collide, and living
// as long as the login.
func (s *Service) setBrowserCookie(w http.ResponseWriter, r *http.Request,
	action, value string, expires time.Time) {
	secure := s.secure(r)
	name := bindCookie
	if secure {
		name = bindCookieSecure
	}
	path := "/"
	if u, err := url.Parse(action); err == nil {
		path = u.Path
	}
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path,
		MaxAge:   max(int(expires.Sub(s.now())/time.Second), 1),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// browserCookie returns the binding cookie of r, or "".
func (s *Service) browserCookie(r *http.Request) string {
	name := bindCookie
	if s.secure(r) {
		name = bindCookieSecure
	}
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// account names u on pages: the email address, else the user id.
func account(u *store.User) string {
	if u.Email != "" {
		return u.Email
	}
	return u.ID
}
