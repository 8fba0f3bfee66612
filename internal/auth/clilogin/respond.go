package clilogin

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/web"
)

// failure is an error of a login route. API clients get its status and
// detail, exactly as LiteLLM's clients expect them; a browser gets a page
// with a title, a message and a hint. It unwraps to the *httpapi.Error, so
// the Detail adapter of API routes answers it too.
type failure struct {
	api   *httpapi.Error
	title string // heading of the error page
	page  string // message of the page; api.Message when empty
	hint  string // what to do next
}

func (f *failure) Error() string { return f.api.Message }
func (f *failure) Unwrap() error { return f.api }

func fail(status int, detail, title, hint string) *failure {
	return &failure{api: httpapi.Errorf(status, "%s", detail), title: title, hint: hint}
}

const hintRestart = "Run `litellm-proxy login` in your terminal to start again."

// The answers LiteLLM's clients match on. The detail strings are
// LiteLLM's, except for errDisabled and errBrowser, which it has none of.
var (
	errDisabled = fail(http.StatusForbidden,
		"CLI login is disabled on this gateway. "+
			"Set EXPERIMENTAL_UI_LOGIN=True on the gateway to enable it.",
		"CLI login is disabled", "Ask the gateway's administrator to enable it.")
	errBadID = fail(http.StatusBadRequest, "Invalid CLI login session id",
		"Invalid login link", hintRestart)
	errGone = fail(http.StatusBadRequest, "CLI login session not found or expired",
		"Login expired", hintRestart)
	errLegacy = fail(http.StatusBadRequest,
		"Your litellm CLI is out of date and uses a login flow this proxy no longer supports. "+
			"Upgrade it and run `litellm-proxy login` again.",
		"CLI out of date", "Upgrade litellm-proxy, then run `litellm-proxy login`.")
	errBadSecret = httpapi.Errorf(http.StatusForbidden, "Invalid CLI polling secret")
	errBadCode   = fail(http.StatusBadRequest, "Invalid verification code",
		"Invalid verification code", hintRestart)
	errNotReady = fail(http.StatusBadRequest, "CLI login is not ready",
		"Sign in first", "Open the link your terminal shows and sign in before entering the code.")
	errBrowser = fail(http.StatusForbidden, "Invalid browser completion token",
		"Wrong browser",
		"Open the link from your terminal again in this browser, sign in, "+
			"and enter the code there.")
	errUsed = fail(http.StatusConflict, "CLI login is already confirmed",
		"Login already confirmed", "Return to your terminal.")
)

// tooMany is the 429 of a client that starts logins, or sign-ins, too
// often.
func tooMany(wait time.Duration) error {
	f := fail(http.StatusTooManyRequests, "Too many CLI login attempts. Try again later.",
		"Too many attempts", "Wait a minute, then open the link from your terminal again.")
	f.api.Header = http.Header{"Retry-After": {retryAfter(wait)}}
	return f
}

// retryAfter formats a wait as Retry-After seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(int64((d+time.Second-1)/time.Second), 1), 10)
}

// page adapts a page route: an error becomes an error page for a browser
// and {"detail": ...} for anything else.
func (s *Service) page(h httpapi.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	var f *failure
	if !errors.As(err, &f) {
		var e *httpapi.Error
		if !errors.As(err, &e) {
			s.log.ErrorContext(r.Context(), "cli login failed", "path", r.URL.Path, "err", err)
			e = httpapi.Errorf(http.StatusInternalServerError,
				"internal error; the gateway's log has the details")
		}
		f = &failure{api: e, title: "Login failed", hint: hintRestart}
	}
	for k, vs := range f.api.Header {
		w.Header()[k] = vs
	}
	if !wantsHTML(r) {
		httpapi.WriteJSON(w, f.api.Status, apitype.DetailError{Detail: f.api.Message})
		return
	}
	msg := f.page
	if msg == "" {
		msg = f.api.Message
	}
	if err := web.Render(w, f.api.Status, web.Error,
		web.ErrorData{Title: f.title, Message: msg, Hint: f.hint}); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
	}
}

// wantsHTML reports whether the client is a browser: browsers ask for
// text/html on navigations and form posts; LiteLLM's clients do not, and
// read {"detail": ...}. A JSON body always gets JSON back.
func wantsHTML(r *http.Request) bool {
	return !isJSON(r) && strings.Contains(r.Header.Get("Accept"), "text/html")
}

func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// noStore marks a response that carries a secret as uncacheable
// (as RFC 6749 §5.1 asks of token responses).
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}
