package servertest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
)

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	hiddenBind = regexp.MustCompile(`name="browser_complete_token" value="([^"]+)"`)
)

// Login runs the CLI login flow with the built-in login page, as a browser
// and a terminal would, and returns the session token. The gateway must
// have EXPERIMENTAL_UI_LOGIN on and no SSO settings. teamID answers the
// team question when the user has several teams.
func (g *Gateway) Login(t testing.TB, username, password, teamID string) string {
	t.Helper()
	var start apitype.CLILoginStart
	g.MustDo(t, 200, "POST", "/sso/cli/start", "", nil).JSON(t, &start)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := get(t, browser, g.URL+"/sso/key/generate?source=litellm-cli&key="+start.LoginID)
	page = post(t, browser, match(t, formAction, page), url.Values{
		"login_id": {start.LoginID}, "csrf_token": {match(t, hiddenCSRF, page)},
		"username": {username}, "password": {password},
	})
	post(t, browser, match(t, formAction, page), url.Values{
		"user_code": {start.UserCode}, "browser_complete_token": {match(t, hiddenBind, page)},
	})

	path := "/sso/cli/poll/" + start.LoginID
	if teamID != "" {
		path += "?team_id=" + url.QueryEscape(teamID)
	}
	req, _ := http.NewRequest("GET", g.URL+path, nil)
	req.Header.Set(apitype.CLIPollSecretHeader, start.PollSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var ready struct {
		Status string `json:"status"`
		Key    string `json:"key"`
	}
	r := &Response{Status: resp.StatusCode, Body: body}
	r.JSON(t, &ready)
	if resp.StatusCode != 200 || ready.Key == "" {
		t.Fatalf("poll: status %d: %s", resp.StatusCode, body)
	}
	return ready.Key
}

func match(t testing.TB, re *regexp.Regexp, page string) string {
	t.Helper()
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page lacks %s:\n%s", re, page)
	}
	return html.UnescapeString(m[1])
}

func get(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", "text/html")
	return send(t, c, req)
}

func post(t testing.TB, c *http.Client, u string, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return send(t, c, req)
}

func send(t testing.TB, c *http.Client, req *http.Request) string {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: status %d:\n%s", req.Method, req.URL, resp.StatusCode, body)
	}
	return string(body)
}
