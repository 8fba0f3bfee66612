package clilogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/web"
)

// maxForm bounds the body of the login form.
const maxForm = 64 << 10

var errNoLocal = fail(http.StatusNotFound,
	"This gateway signs people in through its identity provider, not with a password",
	"No password login", "Open the link from your terminal again.")

// showLogin renders the gateway's own login form for login loginID, with
// a CSRF token tied to the browser (web.CSRF).
func (s *Service) showLogin(w http.ResponseWriter, r *http.Request, status int,
	loginID, username, msg string) error {
	tok, err := s.csrf.Token(w, r, s.secure(r))
	if err != nil {
		return fmt.Errorf("login form: %w", err)
	}
	return web.Render(w, status, web.Login, web.LoginData{
		Action: s.publicURL(r) + "/sso/login", LoginID: loginID, CSRF: tok,
		Username: username, Error: msg,
	})
}

// localLogin checks the login form. Failed attempts are throttled per
// account and per address by sso.LocalAuth; a success continues as a
// callback from an identity provider does.
func (s *Service) localLogin(w http.ResponseWriter, r *http.Request) error {
	if !s.enabled {
		return errDisabled
	}
	if s.provider != nil || s.local == nil {
		return errNoLocal
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return fail(http.StatusBadRequest, "Invalid login form", "Invalid form", hintRestart)
	}
	ctx := r.Context()
	l, err := s.lookup(ctx, s.store, r.PostForm.Get("login_id"))
	if err != nil {
		return err
	}
	if l.Status == store.LoginReady {
		return errUsed
	}
	username := r.PostForm.Get("username")
	if !s.csrf.Check(r, r.PostForm.Get("csrf_token"), s.secure(r)) {
		// Answer with a fresh form: a forged post learns nothing, and a
		// person whose cookie expired can simply sign in again.
		s.log.InfoContext(ctx, "local sign-in refused: bad CSRF token", "login_id", l.ID)
		return s.showLogin(w, r, http.StatusForbidden, l.ID, username,
			"This form expired or was sent from another site. Sign in again.")
	}

	id, err := s.local.Check(ctx, username, r.PostForm.Get("password"), r.RemoteAddr)
	var throttled *sso.ThrottledError
	switch {
	case errors.As(err, &throttled):
		s.log.InfoContext(ctx, "local sign-in refused: throttled", "login_id", l.ID)
		w.Header().Set("Retry-After", retryAfter(throttled.RetryAfter))
		return s.showLogin(w, r, http.StatusTooManyRequests, l.ID, username,
			fmt.Sprintf("Too many failed attempts. Try again in %s seconds.",
				retryAfter(throttled.RetryAfter)))
	case errors.Is(err, sso.ErrInvalidCredentials):
		s.log.InfoContext(ctx, "local sign-in refused: invalid credentials", "login_id", l.ID)
		return s.showLogin(w, r, http.StatusUnauthorized, l.ID, username,
			"Invalid username or password.")
	case err != nil:
		return fmt.Errorf("local sign-in: %w", err)
	}

	u, err := s.provisionLocal(ctx, id)
	if err != nil {
		return err
	}
	return s.bind(w, r, l.ID, u, "local")
}

// LocalUsers adapts st to sso.Users, so that sso.LocalAuth checks the
// passwords of users kept in the store. A login is looked up as an email
// address first, then as a user id.
func LocalUsers(st store.Store) sso.Users { return localUsers{st} }

type localUsers struct{ st store.Store }

func (l localUsers) UserByLogin(ctx context.Context, login string) (sso.LocalUser, error) {
	u, err := l.st.GetUserByEmail(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		u, err = l.st.GetUser(ctx, login)
	}
	if errors.Is(err, store.ErrNotFound) {
		return sso.LocalUser{}, sso.ErrNoUser
	}
	if err != nil {
		return sso.LocalUser{}, fmt.Errorf("find user: %w", err)
	}
	return sso.LocalUser{ID: u.ID, Email: u.Email, Role: u.Role, PasswordHash: u.PasswordHash}, nil
}
