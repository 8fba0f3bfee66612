package apiclient

import (
	"context"
	"net/http"
	"net/url"

	"github.com/litellm-go/gateway/internal/apitype"
)

// NewUser creates a user (POST /user/new). Unless req.AutoCreateKey is
// false, the gateway also creates a key, whose secret is in the response
// only.
func (c *Client) NewUser(ctx context.Context,
	req apitype.UserRequest) (*apitype.NewUserResponse, error) {
	var out apitype.NewUserResponse
	if err := c.call(ctx, http.MethodPost, "/user/new", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserInfo describes a user with their keys and teams (GET /user/info).
func (c *Client) UserInfo(ctx context.Context, userID string) (*apitype.UserInfoResponse, error) {
	var out apitype.UserInfoResponse
	path := "/user/info?" + url.Values{"user_id": {userID}}.Encode()
	if err := c.call(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListUsers returns one page of users (GET /user/list). Zero page or
// pageSize leave the gateway's default.
func (c *Client) ListUsers(ctx context.Context,
	page, pageSize int) (*apitype.UserListResponse, error) {
	q := url.Values{}
	setInt(q, "page", page)
	setInt(q, "page_size", pageSize)
	path := "/user/list"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out apitype.UserListResponse
	if err := c.call(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUsers deletes users by ID (POST /user/delete).
func (c *Client) DeleteUsers(ctx context.Context,
	req apitype.DeleteUsersRequest) (*apitype.DeleteUsersResponse, error) {
	var out apitype.DeleteUsersResponse
	if err := c.call(ctx, http.MethodPost, "/user/delete", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
