package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/litellm-go/gateway/internal/apitype"
)

// NewTeam creates a team (POST /team/new).
func (c *Client) NewTeam(ctx context.Context,
	req apitype.TeamRequest) (*apitype.TeamInfo, error) {
	var out apitype.TeamInfo
	if err := c.call(ctx, http.MethodPost, "/team/new", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TeamInfo describes a team with its keys (GET /team/info).
func (c *Client) TeamInfo(ctx context.Context, teamID string) (*apitype.TeamInfoResponse, error) {
	var out apitype.TeamInfoResponse
	path := "/team/info?" + url.Values{"team_id": {teamID}}.Encode()
	if err := c.call(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTeams returns the teams the caller may see (GET /team/list).
func (c *Client) ListTeams(ctx context.Context) ([]apitype.TeamInfo, error) {
	var out []apitype.TeamInfo
	if err := c.call(ctx, http.MethodGet, "/team/list", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AddTeamMember adds members to a team (POST /team/member_add) and returns
// the team as it now is.
func (c *Client) AddTeamMember(ctx context.Context,
	req apitype.TeamMemberAddRequest) (*apitype.TeamInfo, error) {
	var out apitype.TeamInfo
	if err := c.call(ctx, http.MethodPost, "/team/member_add", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
