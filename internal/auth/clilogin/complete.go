package clilogin

import (
	"context"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/web"
)

// maxCodeAttempts is how many wrong codes end a login (RFC 8628 §5.1).
// With 34.5 bits per code, five guesses succeed once in about five
// billion logins.
const maxCodeAttempts = 5

// completeRequest is the complete form, posted as a form or as JSON.
type completeRequest struct {
	UserCode     string `json:"user_code"`
	BrowserToken string `json:"browser_complete_token"`
}

// outcome is what a posted code did to a login.
type outcome int

const (
	confirmed outcome = iota
	confirmedBefore
	wrongCode
	exhausted
)

// complete checks the code the person typed. Only the browser that
// signed in may post it: the form's one-time token and the cookie set
// with it must both match. A right code makes the login ready for the
// terminal to collect; a wrong one leaves it pending, and the fifth wrong
// one ends it.
func (s *Service) complete(w http.ResponseWriter, r *http.Request) error {
	if !s.enabled {
		return errDisabled
	}
	id := r.PathValue("login_id")
	if err := checkLoginID(id); err != nil {
		return err
	}
	in, err := readComplete(w, r)
	if err != nil {
		return err
	}
	cookie := s.browserCookie(r)

	ctx := r.Context()
	var l *store.PendingLogin
	var out outcome
	err = s.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if l, err = s.lookup(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case l.Status == store.LoginPending:
			return errNotReady
		case l.BrowserTokenHash == "" || in.BrowserToken == "" || cookie == "" ||
			!secret.Equal(bindingHash(in.BrowserToken, cookie), l.BrowserTokenHash):
			return errBrowser
		case l.Status == store.LoginReady:
			out = confirmedBefore // the same browser posting twice
			return nil
		}
		out, err = s.checkCode(ctx, tx, l, in.UserCode)
		return err
	})
	if err != nil {
		return fmt.Errorf("complete cli login: %w", err)
	}
	return s.completed(w, r, l, in, out)
}

func readComplete(w http.ResponseWriter, r *http.Request) (completeRequest, error) {
	var in completeRequest
	if isJSON(r) {
		err := httpapi.DecodeJSON(r, &in)
		return in, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return in, fail(http.StatusBadRequest, "Invalid form", "Invalid form", hintRestart)
	}
	in.UserCode = r.PostForm.Get("user_code")
	in.BrowserToken = r.PostForm.Get("browser_complete_token")
	return in, nil
}

// checkCode compares code with l's and records the outcome through tx.
func (s *Service) checkCode(ctx context.Context, tx store.Tx, l *store.PendingLogin,
	code string) (outcome, error) {
	if s.codeMatches(code, l.UserCodeHash) {
		l.Status = store.LoginReady
		return confirmed, tx.UpdatePendingLogin(ctx, l)
	}
	l.FailedAttempts++
	if l.FailedAttempts >= maxCodeAttempts {
		return exhausted, tx.DeletePendingLogin(ctx, l.ID)
	}
	return wrongCode, tx.UpdatePendingLogin(ctx, l)
}

// completed answers a complete post once its outcome is committed.
func (s *Service) completed(w http.ResponseWriter, r *http.Request, l *store.PendingLogin,
	in completeRequest, out outcome) error {
	ctx := r.Context()
	switch out {
	case wrongCode:
		s.log.InfoContext(ctx, "verification code refused", "user_id", l.UserID,
			"login_id", l.ID, "attempts", l.FailedAttempts)
		if !wantsHTML(r) {
			return errBadCode
		}
		left := maxCodeAttempts - l.FailedAttempts
		msg := fmt.Sprintf("Invalid verification code. %d attempts left.", left)
		if left == 1 {
			msg = "Invalid verification code. One attempt left."
		}
		return s.renderComplete(w, r, http.StatusBadRequest, l, in.BrowserToken, msg)
	case exhausted:
		s.log.WarnContext(ctx, "cli login ended: too many wrong verification codes",
			"user_id", l.UserID, "login_id", l.ID)
		return &failure{api: errBadCode.api, title: "Too many wrong codes",
			page: "Too many wrong verification codes: this login has ended.", hint: hintRestart}
	case confirmed:
		s.log.InfoContext(ctx, "cli login confirmed", "user_id", l.UserID, "login_id", l.ID)
	}
	if isJSON(r) {
		return httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
	return web.Render(w, http.StatusOK, web.Success,
		web.SuccessData{Account: s.accountOf(ctx, l.UserID)})
}

// renderComplete shows the complete form again, with msg.
func (s *Service) renderComplete(w http.ResponseWriter, r *http.Request, status int,
	l *store.PendingLogin, token, msg string) error {
	return web.Render(w, status, web.Complete, web.CompleteData{
		Action: s.completeURL(r, l.ID), BrowserToken: token,
		Account: s.accountOf(r.Context(), l.UserID), Error: msg,
	})
}

// accountOf names a user on pages; a failed lookup falls back to the id.
func (s *Service) accountOf(ctx context.Context, userID string) string {
	if u, err := s.store.GetUser(ctx, userID); err == nil {
		return account(u)
	}
	return userID
}
