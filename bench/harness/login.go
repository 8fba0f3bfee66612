package harness

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
)

// errNoLogin means the gateway has no CLI login to get a session token
// from.
var errNoLogin = errors.New("login not available")

// Bounds of the login: pages to walk through, and polls for the token.
const (
	maxLoginPages = 5
	maxPolls      = 50
)

// sessionToken logs in through LiteLLM's classic CLI login, playing both
// the terminal and the browser: it starts a login, signs in on the
// gateway's own login page as the built-in admin (whose password is the
// master key), types the code on the confirmation page, and collects the
// session token. The forms are read from the pages, field by field, so
// that the harness follows the pages rather than knowing their markup.
func (g *gateway) sessionToken(ctx context.Context) (string, error) {
	var start apitype.CLILoginStart
	status, b, err := call(ctx, http.MethodPost, g.url+"/sso/cli/start", nil, nil, &start)
	switch {
	case err != nil:
		return "", fmt.Errorf("start cli login: %w", err)
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed ||
		status == http.StatusForbidden:
		return "", fmt.Errorf("%w: POST /sso/cli/start answers %d", errNoLogin, status)
	case status != http.StatusOK || start.LoginID == "":
		return "", fmt.Errorf("start cli login: status %d: %.300s", status, b)
	}

	if err := g.browserLogin(ctx, start); err != nil {
		return "", err
	}
	return g.pollToken(ctx, start)
}

// browserLogin walks the pages from the login link to the success page,
// filling each form it finds.
func (g *gateway) browserLogin(ctx context.Context, start apitype.CLILoginStart) error {
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: callTimeout}
	link := g.url + "/sso/key/generate?source=litellm-cli&key=" + url.QueryEscape(start.LoginID)
	page, pageURL, err := fetch(ctx, browser, http.MethodGet, link, nil)
	for range maxLoginPages {
		if err != nil {
			return fmt.Errorf("cli login in the browser: %w", err)
		}
		f, ok := parseForm(page)
		if !ok {
			return nil // no form left: the success page
		}
		switch {
		case f.has("password"):
			f.values.Set("username", "admin")
			f.values.Set("password", g.masterKey)
		case f.has("user_code"):
			f.values.Set("user_code", start.UserCode)
		default:
			return fmt.Errorf("cli login in the browser: unexpected form at %s", pageURL)
		}
		action, perr := pageURL.Parse(f.action)
		if perr != nil {
			return fmt.Errorf("cli login in the browser: form action %q: %w", f.action, perr)
		}
		page, pageURL, err = fetch(ctx, browser, http.MethodPost, action.String(), f.values)
	}
	return fmt.Errorf("cli login in the browser: still a form after %d pages", maxLoginPages)
}

// fetch loads a page as a browser does, following redirects, and fails
// on any status but 200.
func fetch(ctx context.Context, c *http.Client, method, u string, form url.Values) (
	string, *url.URL, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("%s %s: status %d: %.300s", method, req.URL.Path, resp.StatusCode, b)
	}
	return string(b), resp.Request.URL, nil
}

// pollToken polls for the token as the terminal does, choosing the first
// team when the gateway asks for one.
func (g *gateway) pollToken(ctx context.Context, start apitype.CLILoginStart) (string, error) {
	u := g.url + "/sso/cli/poll/" + url.PathEscape(start.LoginID)
	h := http.Header{http.CanonicalHeaderKey(apitype.CLIPollSecretHeader): {start.PollSecret}}
	for range maxPolls {
		var poll apitype.CLILoginPoll
		status, b, err := call(ctx, http.MethodGet, u, h, nil, &poll)
		switch {
		case err != nil:
			return "", fmt.Errorf("poll cli login: %w", err)
		case status != http.StatusOK:
			return "", fmt.Errorf("poll cli login: status %d: %.300s", status, b)
		}
		switch {
		case poll.Key != "":
			return poll.Key, nil
		case poll.RequiresTeamSelection && len(poll.TeamDetails) > 0:
			u = g.url + "/sso/cli/poll/" + url.PathEscape(start.LoginID) +
				"?team_id=" + url.QueryEscape(poll.TeamDetails[0].TeamID)
			continue
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(pollInterval):
		}
	}
	return "", fmt.Errorf("poll cli login: no token after %d polls", maxPolls)
}

// form is an HTML form: where it posts, and its fields with their values.
type form struct {
	action string
	values url.Values
}

func (f form) has(name string) bool {
	_, ok := f.values[name]
	return ok
}

var (
	formRE  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRE  = regexp.MustCompile(`(?s)([a-zA-Z_:-]+)\s*=\s*"([^"]*)"`)
)

// parseForm returns the first form of page. html/template, which renders
// the gateway's pages, always quotes attributes with double quotes.
func parseForm(page string) (form, bool) {
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return form{}, false
	}
	f := form{action: attrs(m[1])["action"], values: url.Values{}}
	for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
		a := attrs(in[1])
		if name := a["name"]; name != "" {
			f.values.Set(name, a["value"])
		}
	}
	return f, true
}

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}
