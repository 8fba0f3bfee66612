// Package web renders the gateway's browser pages: the login form, the
// page where a person confirms the code of a CLI login, and the success
// and error pages around them.
//
// Pages are html/template files embedded in the binary, plain HTML that
// works without JavaScript, styled by one stylesheet served from the
// gateway itself (StylePath), so that the Content-Security-Policy can
// forbid everything else. Every page response carries that policy and the
// other headers of [SetHeaders]: no framing, no caching, no referrer.
//
// Handlers call [Render] with a [Page] and its data type (LoginData for
// Login, and so on), and mount the page routes behind [Protect]. Forms
// that a session does not already bind carry a [CSRF] token.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// Page names a page template.
type Page string

// The pages, and the data type each one takes.
const (
	Login    Page = "login"    // LoginData
	Complete Page = "complete" // CompleteData
	Success  Page = "success"  // SuccessData
	Error    Page = "error"    // ErrorData
)

// LoginData fills the Login page: a username and password form.
type LoginData struct {
	Action   string // absolute URL the form posts to
	LoginID  string // the CLI login the form continues, posted back hidden
	CSRF     string // token from CSRF.Token
	Username string // shown again after a failed attempt
	Error    string // why the last attempt failed; empty on first show
}

// CompleteData fills the Complete page, where the person types the code
// that their terminal shows.
type CompleteData struct {
	Action       string // absolute URL the form posts to
	BrowserToken string // one-time token that ties the form to the sign-in
	Account      string // who signed in: an email address or a user id
	Error        string // why the last code was refused; empty on first show
}

// SuccessData fills the Success page.
type SuccessData struct {
	Account string // who signed in; may be empty
}

// ErrorData fills the Error page.
type ErrorData struct {
	Title   string // a short heading such as "Login expired"
	Message string // what happened
	Hint    string // what to do next; may be empty
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/style.css
var style []byte

// StylePath is where StyleHandler is mounted; every page links to it.
const StylePath = "/sso/static/style.css"

var pages = parsePages(Login, Complete, Success, Error)

func parsePages(names ...Page) map[Page]*template.Template {
	m := make(map[Page]*template.Template, len(names))
	for _, p := range names {
		m[p] = template.Must(template.New("base.html").Funcs(template.FuncMap{
			"stylePath": func() string { return StylePath },
		}).ParseFS(templateFiles, "templates/base.html", "templates/"+string(p)+".html"))
	}
	return m
}

// Render writes page with data and the given status. It renders into a
// buffer first, so a template error becomes a plain 500 rather than half
// a page. The headers of SetHeaders are set unless a Protect middleware
// already set them.
func Render(w http.ResponseWriter, status int, page Page, data any) error {
	t, ok := pages[page]
	if !ok {
		return fmt.Errorf("render %s: no such page", page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return fmt.Errorf("render %s: %w", page, err)
	}
	h := w.Header()
	if h.Get("Content-Security-Policy") == "" {
		SetHeaders(h)
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// SetHeaders sets the security headers of a page response. Forms may post
// to the page's own origin and to formOrigins (such as the configured
// public URL of the gateway, when the browser reached it by another name).
func SetHeaders(h http.Header, formOrigins ...string) {
	h.Set("Content-Security-Policy", policy(formOrigins))
	// X-Frame-Options for browsers that predate frame-ancestors: a page
	// that confirms a login must never be framed (clickjacking).
	h.Set("X-Frame-Options", "DENY")
	// Pages carry one-time tokens; no cache may keep them.
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	// URLs of these pages hold login ids; they must not leak to the
	// identity provider or anywhere else through the Referer header.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

func policy(formOrigins []string) string {
	formAction := "'self'"
	for _, o := range formOrigins {
		if o != "" && !strings.ContainsAny(o, " ;,'\"") {
			formAction += " " + o
		}
	}
	return "default-src 'none'; style-src 'self'; form-action " + formAction +
		"; frame-ancestors 'none'; base-uri 'none'"
}

// Protect sets the headers of SetHeaders on every response of next, so
// that redirects and errors of page routes carry them too.
func Protect(next http.Handler, formOrigins ...string) http.Handler {
	csp := policy(formOrigins)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetHeaders(w.Header())
		w.Header().Set("Content-Security-Policy", csp)
		next.ServeHTTP(w, r)
	})
}

// StyleHandler serves the stylesheet at StylePath. It holds nothing
// secret, so browsers may cache it for a day.
func StyleHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=86400")
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(style)
	})
}
