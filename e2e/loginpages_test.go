package e2e

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/litellm-go/gateway/internal/testenv"
)

// Selectors of the pages a login goes through: Dex's login form, and the
// gateway's own login form and code form (internal/web/templates).
const (
	dexSubmit    = "#submit-login"
	formSubmit   = `main form button[type="submit"]`
	userCodeCSS  = "#user_code"
	usernameCSS  = "#username"
	passwordCSS  = "#password"
	dexLoginCSS  = "#login"
	completeHead = "Complete CLI Login"
	successText  = "Login successful"
)

// signInAtDex opens loginURL, which leads to Dex's login form, and signs
// in as u there. Dex then sends the browser back to the gateway.
func signInAtDex(ctx context.Context, loginURL string, u testenv.DexUser) error {
	fields := map[string]string{dexLoginCSS: u.Email, passwordCSS: u.Password}
	if err := testenv.FillAndSubmit(ctx, loginURL, fields, dexSubmit); err != nil {
		return fmt.Errorf("sign in at Dex: %w", err)
	}
	return nil
}

// signInBuiltIn signs in on the gateway's own login form, opened through
// loginURL, or the one the browser shows when loginURL is empty.
func signInBuiltIn(ctx context.Context, loginURL, username, password string) error {
	fields := map[string]string{usernameCSS: username, passwordCSS: password}
	if err := testenv.FillAndSubmit(ctx, loginURL, fields, formSubmit); err != nil {
		return fmt.Errorf("sign in on the gateway's form: %w", err)
	}
	return nil
}

// confirmCode types code on the gateway's "Complete CLI Login" page and
// returns the text of the page that follows.
func confirmCode(ctx context.Context, code string) (string, error) {
	text, err := pageText(ctx)
	if err != nil {
		return "", err
	}
	if !strings.Contains(text, completeHead) {
		return "", fmt.Errorf("the browser is not on the %q page; it shows:\n%s",
			completeHead, text)
	}
	fields := map[string]string{userCodeCSS: code}
	if err := testenv.FillAndSubmit(ctx, "", fields, formSubmit); err != nil {
		return "", fmt.Errorf("confirm the code: %w", err)
	}
	return pageText(ctx)
}

// pageText returns the text of the page the browser shows.
func pageText(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, testenv.ActionTimeout)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		return "", fmt.Errorf("read the page: %w", err)
	}
	return text, nil
}

// Parts of the gateway's own pages that a plain HTTP client needs.
var (
	formActionRE = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// completeByForm finishes a login on the gateway's own pages with plain
// HTTP requests, as a browser without JavaScript would: for tests that
// need a stored login but nothing of a real browser.
func completeByForm(tb testing.TB, loginURL, username, password, code string) {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page := browse(tb, c, http.MethodGet, loginURL, nil)
	action, form := readForm(tb, page)
	form.Set("username", username)
	form.Set("password", password)
	page = browse(tb, c, http.MethodPost, action, form)
	action, form = readForm(tb, page)
	form.Set("user_code", code)
	page = browse(tb, c, http.MethodPost, action, form)
	if !strings.Contains(page, successText) {
		tb.Fatalf("POST %s: no %q on the page:\n%s", action, successText, page)
	}
}

// browse sends a request as a browser does and returns the page; any
// status but 200 fails tb.
func browse(tb testing.TB, c *http.Client, method, u string, form url.Values) string {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s: status %d, want 200; page:\n%s", method, u, resp.StatusCode, page)
	}
	return string(page)
}

// readForm returns the action and the hidden fields of the page's form.
func readForm(tb testing.TB, page string) (string, url.Values) {
	tb.Helper()
	m := formActionRE.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no form on the page:\n%s", page)
	}
	form := url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	return html.UnescapeString(m[1]), form
}
