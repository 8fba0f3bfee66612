package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrNoModelList is the error of ListModels for a deployment whose
// upstream has no model list the gateway can read: Azure (whose
// deployments are named by the deployment, not by a model), OpenAI's
// legacy completions API, and mock responses.
var ErrNoModelList = errors.New("upstream lists no models")

// Bounds of ListModels: a model list is a few kilobytes, rarely a few
// hundred; Anthropic's comes in pages.
const (
	maxModelListBytes = 8 << 20
	maxModelListPages = 20
)

// ListModels asks d's upstream which models it serves: GET /models under
// an OpenAI-style api_base, or Anthropic's GET /v1/models, page after
// page. It returns the ids as the upstream names them, in its order.
// Errors are *UpstreamError, without the key, or ErrNoModelList.
func ListModels(ctx context.Context, d *Deployment) ([]string, error) {
	s, ok := providers[d.Provider]
	if !ok || d.MockResponse != nil || s.kind == kindAzure || s.kind == kindTextCompletion {
		return nil, fmt.Errorf("provider %s: %w", d.Provider, ErrNoModelList)
	}
	if s.base == "" && d.APIBase == "" {
		return nil, fmt.Errorf("provider %s needs api_base", d.Provider)
	}
	c := client{rt: sharedTransport, now: timeNow}
	if s.kind == kindAnthropic {
		return c.anthropicModels(ctx, d, s)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL(d)+"/models", nil)
	if err != nil {
		return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
	}
	if d.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+d.APIKey)
	}
	var page modelPage
	if err := c.fetchJSON(ctx, d, req, "model list", &page); err != nil {
		return nil, err
	}
	return page.ids(), nil
}

// modelPage is a model list as OpenAI and Anthropic answer it; only
// Anthropic's has more pages.
type modelPage struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
	HasMore bool   `json:"has_more"`
	LastID  string `json:"last_id"`
}

func (p *modelPage) ids() []string {
	ids := make([]string, 0, len(p.Data))
	for _, m := range p.Data {
		if m.ID != "" {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// anthropicModels reads Anthropic's model list, whose api_base may end in
// /v1 or not, as for messages.
func (c *client) anthropicModels(ctx context.Context, d *Deployment, s spec) ([]string, error) {
	base := strings.TrimSuffix(strings.TrimSuffix(s.messagesURL(d), "/messages"), "/v1") + "/v1/models"
	var ids []string
	q := url.Values{"limit": {"1000"}}
	for range maxModelListPages {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("provider %s: build request: %w", d.Provider, err)
		}
		req.Header["Anthropic-Version"] = anthropicVersion
		if d.APIKey != "" {
			req.Header.Set("X-Api-Key", d.APIKey)
		}
		var page modelPage
		if err := c.fetchJSON(ctx, d, req, "model list", &page); err != nil {
			return nil, err
		}
		ids = append(ids, page.ids()...)
		if !page.HasMore || page.LastID == "" {
			return ids, nil
		}
		q.Set("after_id", page.LastID)
	}
	return ids, nil
}

// fetchJSON sends req and decodes its successful answer, JSON of at most
// 8 MiB, into v; what names the answer in errors, such as "model list".
func (c *client) fetchJSON(ctx context.Context, d *Deployment, req *http.Request, what string, v any) error {
	req.Header["Accept"] = jsonType
	resp, err := c.send(ctx, d, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := ReadAll(io.LimitReader(resp.Body, maxModelListBytes+1), resp.ContentLength)
	if err != nil {
		return transportError(ctx, d.Provider, err)
	}
	if len(body) > maxModelListBytes {
		return badGateway(d, what+" larger than 8 MiB")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badGateway(d, what+" is not JSON: "+err.Error())
	}
	return nil
}

// badGateway is the error of an upstream answer the gateway cannot use.
func badGateway(d *Deployment, msg string) *UpstreamError {
	e := &UpstreamError{Provider: d.Provider, Status: http.StatusBadGateway,
		Type: "api_connection_error", Message: msg}
	e.finish(d.APIKey)
	return e
}
