// Package apiclient is a typed client of the gateway's HTTP API, as used by
// the litellm-proxy CLI. It speaks only in apitype shapes, so the CLI never
// links server code.
//
// Every call has a deadline (DefaultTimeout unless WithTimeout says
// otherwise). A gateway that answers with an error status gives an
// *APIError; one that cannot be reached gives an *UnreachableError. Neither
// ever contains the API key.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/version"
)

// DefaultTimeout bounds each call, including reading the response body.
const DefaultTimeout = 60 * time.Second

// maxBody caps the response bodies the client reads into memory.
const maxBody = 64 << 20

// Client calls one gateway with one credential. It is safe for concurrent
// use.
type Client struct {
	base      *url.URL
	apiKey    string
	hc        *http.Client
	timeout   time.Duration
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc instead of
// http.DefaultClient; nil keeps the default.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithTimeout sets the deadline of each call; zero or less keeps
// DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithUserAgent replaces the User-Agent header, "litellm-proxy/<version>" by
// default.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// New returns a client of the gateway at baseURL, such as
// "http://localhost:4000" or "https://llm.example.com/litellm". An empty
// apiKey sends no Authorization header.
func New(baseURL, apiKey string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an http or https URL", baseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not carry credentials, a query or a fragment",
			u.Redacted())
	}
	c := &Client{
		base:      u,
		apiKey:    apiKey,
		hc:        http.DefaultClient,
		timeout:   DefaultTimeout,
		userAgent: "litellm-proxy/" + version.String(),
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the gateway's URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// Response is a gateway's answer to Do, read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to path (such as "/v1/models?x=1") with the client's
// credential and returns the answer whatever its status; only a failure to
// get an answer is an error. Headers given here win over the client's own,
// including Authorization.
func (c *Client) Do(ctx context.Context, method, path string, body io.Reader,
	header http.Header) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, req, err)
	}
	defer resp.Body.Close()
	b, err := readBody(resp.Body)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("read %s %s response: %w", method, routeOf(path), err)
	}
	if err != nil {
		return nil, c.transportError(ctx, req, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// newRequest builds a request for path under the base URL. The path may
// carry a query; it never names another host, so the key stays with the
// gateway it was given for.
func (c *Client) newRequest(ctx context.Context, method, path string,
	body io.Reader) (*http.Request, error) {
	ref, err := url.Parse(path)
	if err != nil || ref.Scheme != "" || ref.Host != "" || !strings.HasPrefix(ref.Path, "/") {
		return nil, fmt.Errorf("request path %q is not an absolute path on the gateway", path)
	}
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + ref.Path
	// Keep escapes such as %2F inside a path segment (an ID in the path).
	u.RawPath = strings.TrimRight(c.base.EscapedPath(), "/") + ref.EscapedPath()
	u.RawQuery = ref.RawQuery
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	return req, nil
}

// call sends in as JSON (no body when nil) and decodes a 2xx answer into
// out. Any other status becomes an *APIError.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	return c.callWith(ctx, method, path, nil, in, out)
}

// callWith is call with extra request headers.
func (c *Client) callWith(ctx context.Context, method, path string, header http.Header,
	in, out any) error {
	var body io.Reader
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s request: %w", method, routeOf(path), err)
		}
		body = bytes.NewReader(b)
		h.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(ctx, method, path, body, h)
	if err != nil {
		return err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return c.ErrorFrom(resp)
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &DecodeError{Route: method + " " + routeOf(path), Err: err}
	}
	return nil
}

// routeOf drops the query from path, since a query may hold a key.
func routeOf(path string) string {
	route, _, _ := strings.Cut(path, "?")
	return route
}

var errTooLarge = fmt.Errorf("response body is larger than %d MiB", maxBody>>20)

func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errTooLarge
	}
	return b, nil
}
