package apiclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/litellm-go/gateway/internal/apitype"
)

// StartCLILogin begins a classic CLI login (POST /sso/cli/start). The
// route takes no credential; a client made with an empty key sends none.
func (c *Client) StartCLILogin(ctx context.Context) (*apitype.CLILoginStart, error) {
	var out apitype.CLILoginStart
	if err := c.call(ctx, http.MethodPost, "/sso/cli/start", nil, &out); err != nil {
		return nil, err
	}
	if out.LoginID == "" || out.PollSecret == "" {
		return nil, &DecodeError{Route: "POST /sso/cli/start",
			Err: errors.New("no login_id or poll_secret")}
	}
	return &out, nil
}

// LoginURL returns the page where the user completes the login loginID
// in a browser.
func (c *Client) LoginURL(loginID string) string {
	u := *c.base
	u.Path = u.Path + "/sso/key/generate"
	u.RawPath = ""
	u.RawQuery = url.Values{"source": {"litellm-cli"}, "key": {loginID}}.Encode()
	return u.String()
}

// PollCLILogin asks whether the login loginID is done
// (GET /sso/cli/poll/{login_id}). teamID, when not empty, answers the
// gateway's request to choose a team.
func (c *Client) PollCLILogin(ctx context.Context, loginID, pollSecret,
	teamID string) (*apitype.CLILoginPoll, error) {
	path := "/sso/cli/poll/" + url.PathEscape(loginID)
	if teamID != "" {
		path += "?" + url.Values{"team_id": {teamID}}.Encode()
	}
	h := http.Header{}
	h.Set(apitype.CLIPollSecretHeader, pollSecret)
	var out apitype.CLILoginPoll
	if err := c.callWith(ctx, http.MethodGet, path, h, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CLISession describes the session of the client's token
// (GET /sso/cli/session). An expired or revoked token gives an *APIError
// with status 401.
func (c *Client) CLISession(ctx context.Context) (*apitype.CLISession, error) {
	var out apitype.CLISession
	if err := c.call(ctx, http.MethodGet, "/sso/cli/session", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CLILogout revokes the session of the client's token
// (POST /sso/cli/logout).
func (c *Client) CLILogout(ctx context.Context) (*apitype.CLILogout, error) {
	var out apitype.CLILogout
	if err := c.call(ctx, http.MethodPost, "/sso/cli/logout", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
