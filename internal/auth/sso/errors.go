package sso

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// Every error of a login through a provider wraps one of these, so that
// the login page can tell the person what happened without showing the
// detail, which goes to the log.
var (
	// ErrDenied means the provider or the person refused the login: the
	// person cancelled, or the code was unknown, used twice, expired, or
	// did not match the PKCE verifier.
	ErrDenied = errors.New("identity provider refused the login")
	// ErrInvalidResponse means an answer of the provider failed
	// verification: a bad signature, issuer, audience, nonce or expiry.
	// It may be an attack, or a clock far off.
	ErrInvalidResponse = errors.New("identity provider's answer failed verification")
	// ErrMisconfigured means the gateway or the provider is set up wrong:
	// an unknown client, a wrong secret or redirect URL, a claim that
	// never comes.
	ErrMisconfigured = errors.New("single sign-on is misconfigured")
	// ErrUnavailable means the provider could not be reached, timed out
	// or failed.
	ErrUnavailable = errors.New("identity provider is unavailable")
	// ErrExpired means the login took longer than its State allows.
	ErrExpired = errors.New("login expired")
)

// Message returns the sentence a login page shows for err: which of the
// kinds above it is, and what to do, with no detail from the provider.
func Message(err error) string {
	for _, m := range messages {
		if errors.Is(err, m.kind) {
			return m.text
		}
	}
	return "The login failed. Try again."
}

var messages = []struct {
	kind error
	text string
}{
	{ErrDenied,
		"The identity provider refused the login. Try again, or ask an administrator for access."},
	{ErrInvalidResponse,
		"The identity provider's answer could not be verified. Try again; if it keeps happening, tell an administrator."},
	{ErrMisconfigured,
		"Single sign-on is not set up correctly on this gateway. Tell an administrator; the server log has the details."},
	{ErrUnavailable,
		"The identity provider could not be reached. Try again in a moment."},
	{ErrExpired,
		"The login took too long. Start it again."},
}

// CallbackError turns the "error" and "error_description" parameters of
// a callback (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6) into an
// error of the right kind. Anyone can craft a callback URL, so the
// description is only ever logged, and cut short.
func CallbackError(code, description string) error {
	if len(description) > 200 {
		description = description[:200]
	}
	kind := ErrMisconfigured
	switch code {
	case "access_denied", "login_required", "consent_required",
		"interaction_required", "account_selection_required":
		kind = ErrDenied
	case "server_error", "temporarily_unavailable":
		kind = ErrUnavailable
	}
	return fmt.Errorf("%w: callback error %q: %q", kind, code, description)
}

// exchangeError classifies an error of the token request (RFC 6749
// §5.2). Some providers echo what they were sent, so the client secret is
// cut out of the message.
func exchangeError(err error, clientSecret Secret) error {
	kind := ErrInvalidResponse
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		switch {
		case re.ErrorCode == "invalid_grant":
			kind = ErrDenied
		case status >= 500 || status == http.StatusTooManyRequests:
			kind = ErrUnavailable
		default: // invalid_client, unauthorized_client, invalid_request, ...
			kind = ErrMisconfigured
		}
	case unreachable(err):
		kind = ErrUnavailable
	}
	if s := string(clientSecret); s != "" && strings.Contains(err.Error(), s) {
		err = errors.New(strings.ReplaceAll(err.Error(), s, "[redacted]"))
	}
	return fmt.Errorf("%w: redeem code: %w", kind, err)
}

// unreachable reports a network failure or an expired deadline.
func unreachable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled)
}
