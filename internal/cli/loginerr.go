package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// explainLogin is the part of explain about the stored login and the
// login command: it returns the exit code and sentence for err, and false
// when err is not about logging in.
func (a *app) explainLogin(err error) (int, string, bool) {
	var (
		other   *credstore.OtherGatewayError
		expired *expiredError
		loginE  *loginError
		late    *loginTimeoutError
		ended   *sessionEndedError
	)
	login := a.loginCommand()
	switch {
	case errors.Is(err, errLoginCanceled):
		return exitInterrupted, "login canceled; no credential was stored", true
	case errors.As(err, &other):
		return exitAuth, fmt.Sprintf("the stored login belongs to the gateway at %s, not %s; "+
			"run %s to log in to this one, or pass --api-key",
			other.Stored, other.Requested, login), true
	case errors.As(err, &expired):
		return exitAuth, fmt.Sprintf("%v; run %s", expired, login), true
	case errors.Is(err, credstore.ErrNotLoggedIn):
		return exitAuth, "not logged in; run " + login + " to log in", true
	case errors.Is(err, credstore.ErrKeychainUnavailable):
		return exitError, fmt.Sprintf("cannot read your login's token from the OS keychain "+
			"(%v); unlock the keychain and try again, or run %s", err, login), true
	case errors.As(err, &late):
		return exitError, fmt.Sprintf("%v; run %s again, or allow longer with --timeout",
			late, login), true
	case errors.As(err, &ended):
		return exitAuth, fmt.Sprintf("%v; run %s", ended, login), true
	case errors.As(err, &loginE):
		code, msg := a.explainLoginRefusal(loginE)
		return code, msg, true
	}
	return 0, "", false
}

// explainLoginRefusal turns the gateway's refusal of a login step into a
// sentence, keeping the gateway's own words, which name the setting or
// limit at fault.
func (a *app) explainLoginRefusal(e *loginError) (int, string) {
	detail := strings.TrimRight(e.api.Message, ". ")
	again := "Run " + a.loginCommand() + " again."
	say := func(what, todo string) string {
		return fmt.Sprintf("%s (%d): %s. %s", what, e.api.Status, detail, todo)
	}
	switch s := e.api.Status; {
	case s == http.StatusTooManyRequests:
		wait := "Wait a moment"
		if d := e.api.RetryAfter; d > 0 {
			wait = "Wait " + d.String()
		}
		return exitError, say("the gateway is limiting login attempts", wait+" and try again.")
	case e.step == "start" && s == http.StatusForbidden:
		return exitAuth, say("the gateway at "+e.base+" does not allow logging in from the CLI",
			"Ask its admin to enable it.")
	case e.step == "start" && s == http.StatusNotFound:
		return exitError, say("the gateway at "+e.base+" does not offer CLI login",
			"Check --base-url, or upgrade the gateway.")
	case e.step == "poll" && s == http.StatusForbidden:
		return exitAuth, say("the gateway rejected this login's polling secret", again)
	case e.step == "poll" && (s == http.StatusBadRequest || s == http.StatusNotFound) &&
		strings.Contains(detail, "session"):
		// "CLI login session not found or expired", "Invalid CLI login
		// session id"; other 400s, such as a team the user is not in, are
		// the generic refusal.
		return exitError, say("the login session expired or is unknown to the gateway", again)
	}
	return a.explainAPI(e.api)
}

// loginError is the gateway's refusal at one step of a login, which
// explain turns into a sentence about logging in.
type loginError struct {
	step string // "start" or "poll"
	base string
	api  *apiclient.APIError
}

func (e *loginError) Error() string {
	return fmt.Sprintf("login %s: %v", e.step, e.api)
}

func (e *loginError) Unwrap() error { return e.api }

// loginFailed wraps an *apiclient.APIError from step in a *loginError;
// other errors (unreachable, interrupted) pass as they are.
func loginFailed(step, base string, err error) error {
	var apiE *apiclient.APIError
	if errors.As(err, &apiE) {
		return &loginError{step: step, base: base, api: apiE}
	}
	return err
}

// loginTimeoutError is a login not finished in the browser in time.
type loginTimeoutError struct{ after time.Duration }

func (e *loginTimeoutError) Error() string {
	return fmt.Sprintf("the login was not finished in the browser within %s", e.after)
}

// errLoginCanceled is a login interrupted by the user.
var errLoginCanceled = fmt.Errorf("login canceled; no credential was stored: %w",
	context.Canceled)
