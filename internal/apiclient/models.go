package apiclient

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/litellm-go/gateway/internal/apitype"
)

// ListModels returns the models the caller may use (GET /v1/models).
func (c *Client) ListModels(ctx context.Context) (*apitype.ModelList, error) {
	var out apitype.ModelList
	if err := c.call(ctx, http.MethodGet, "/v1/models", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ModelInfo returns the deployments behind the models the caller may use
// (GET /v1/model/info). Their litellm_params carry no provider keys.
func (c *Client) ModelInfo(ctx context.Context) (*apitype.DeploymentList, error) {
	var out apitype.DeploymentList
	if err := c.call(ctx, http.MethodGet, "/v1/model/info", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Readiness returns the gateway's health and version
// (GET /health/readiness). An unhealthy gateway answers 503 with the same
// body; that answer is returned as well, with its Status saying so, since
// it still names the version.
func (c *Client) Readiness(ctx context.Context) (*apitype.Readiness, error) {
	resp, err := c.Do(ctx, http.MethodGet, "/health/readiness", nil, nil)
	if err != nil {
		return nil, err
	}
	var out apitype.Readiness
	switch {
	case resp.Status >= 200 && resp.Status <= 299:
		if err := json.Unmarshal(resp.Body, &out); err != nil {
			return nil, &DecodeError{Route: "GET /health/readiness", Err: err}
		}
		return &out, nil
	case resp.Status == http.StatusServiceUnavailable:
		if json.Unmarshal(resp.Body, &out) == nil && out.Status != "" {
			return &out, nil
		}
	}
	return nil, c.ErrorFrom(resp)
}
