package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/litellm-go/gateway/internal/apitype"
)

// KeyListOptions filter and page GET /key/list. Zero values are left out
// of the query, so the gateway's defaults apply.
type KeyListOptions struct {
	Page   int
	Size   int
	UserID string
	TeamID string
}

// GenerateKey creates a virtual key (POST /key/generate). The secret is in
// the response only.
func (c *Client) GenerateKey(ctx context.Context,
	req apitype.KeyRequest) (*apitype.GenerateKeyResponse, error) {
	var out apitype.GenerateKeyResponse
	if err := c.call(ctx, http.MethodPost, "/key/generate", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// KeyInfo describes a key, given as its secret or its hash
// (GET /key/info).
func (c *Client) KeyInfo(ctx context.Context, key string) (*apitype.KeyInfoResponse, error) {
	var out apitype.KeyInfoResponse
	path := "/key/info?" + url.Values{"key": {key}}.Encode()
	if err := c.call(ctx, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListKeys lists the keys the caller may see, as full objects
// (GET /key/list).
func (c *Client) ListKeys(ctx context.Context,
	opts KeyListOptions) (*apitype.KeyListResponse, error) {
	q := url.Values{"return_full_object": {"true"}}
	setInt(q, "page", opts.Page)
	setInt(q, "size", opts.Size)
	setString(q, "user_id", opts.UserID)
	setString(q, "team_id", opts.TeamID)
	var out apitype.KeyListResponse
	if err := c.call(ctx, http.MethodGet, "/key/list?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteKeys deletes keys by secret, hash or alias (POST /key/delete).
func (c *Client) DeleteKeys(ctx context.Context,
	req apitype.DeleteKeysRequest) (*apitype.DeleteKeysResponse, error) {
	var out apitype.DeleteKeysResponse
	if err := c.call(ctx, http.MethodPost, "/key/delete", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateKey changes the fields of req that are set on the key req.Key
// (POST /key/update) and returns the key as it now is.
func (c *Client) UpdateKey(ctx context.Context,
	req apitype.KeyRequest) (*apitype.KeyInfo, error) {
	var out apitype.KeyInfo
	if err := c.call(ctx, http.MethodPost, "/key/update", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func setInt(q url.Values, name string, v int) {
	if v != 0 {
		q.Set(name, strconv.Itoa(v))
	}
}

func setString(q url.Values, name, v string) {
	if v != "" {
		q.Set(name, v)
	}
}
