package provider

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// sharedTransport holds the connection pools of every adapter, so that
// deployments on one host share warm connections. Adapters call its
// RoundTrip directly rather than through an http.Client: there is no
// cookie jar or client timeout to apply (the caller's context bounds each
// attempt), and redirects must not be followed, since they would carry
// the body and the api-key or x-api-key header wherever the upstream
// points. Plain-HTTP upstreams, usually self-hosted models next to the
// gateway, get the cheaper h1Transport.
var sharedTransport http.RoundTripper = newH1Transport(netTransport)

// netTransport sends what h1Transport leaves to it: TLS, HTTP/2 and
// requests through a proxy.
var netTransport = &http.Transport{
	Proxy: http.ProxyFromEnvironment,
	DialContext: (&net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
	}).DialContext,
	ForceAttemptHTTP2:     true, // a custom dialer turns HTTP/2 off unless asked
	MaxIdleConns:          1024,
	MaxIdleConnsPerHost:   256, // net/http's default of 2 churns connections under load
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ExpectContinueTimeout: time.Second,
}

var timeNow = time.Now

// client is what the HTTP adapters share: the connection pool and a clock
// for Retry-After dates and created timestamps.
type client struct {
	rt  http.RoundTripper
	now func() time.Time
}

// Header values shared by all requests; net/http never modifies a
// request's headers. Responses get their own.
var (
	jsonType       = []string{"application/json"}
	eventStreamTyp = []string{"text/event-stream"}
)

// send sends req and returns a successful answer, or the error that an
// unsuccessful one or its absence means. Request timeouts come from ctx.
func (c *client) send(ctx context.Context, d *Deployment, req *http.Request) (
	*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	body, err := ReadAll(io.LimitReader(resp.Body, 64<<10), -1)
	if err != nil && ctx.Err() != nil {
		return nil, transportError(ctx, d.Provider, err)
	}
	return nil, statusError(d, resp, body, c.now())
}

// newPost returns a POST of a JSON body to url, cancelled with ctx.
func newPost(ctx context.Context, url string, body []byte) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
}

// ReadAll reads r to its end into one allocation when size, the length
// announced, is right; size < 0 means unknown. bytes.Buffer.ReadFrom would
// grow its buffer to leave 512 bytes free before each read.
func ReadAll(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > 8<<20 {
		size = 4 << 10
	}
	b := make([]byte, 0, size+1) // +1: the read that sees EOF needs room
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// notPassed are client headers never sent upstream: credentials are the
// adapter's to set, the others describe the client's connection or would
// stop the transport from decoding the answer it must read.
var notPassed = map[string]bool{
	"Authorization": true, "Api-Key": true, "X-Api-Key": true, "Cookie": true,
	"Accept-Encoding": true, "Connection": true, "Content-Length": true, "Host": true,
	"Te": true, "Transfer-Encoding": true, "Upgrade": true,
}

// copyClientHeader sets the client headers the caller chose to pass, and
// the content type.
func copyClientHeader(h http.Header, r *Request) {
	for k, v := range r.Header {
		if !notPassed[http.CanonicalHeaderKey(k)] {
			h[k] = v
		}
	}
	h["Content-Type"] = jsonType
	if r.Stream {
		h["Accept"] = eventStreamTyp
	}
}

func isEventStream(resp *http.Response) bool {
	return strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
}

// forwarded maps the upstream headers worth showing the client to the
// names LiteLLM gives them: the upstream's own, prefixed "llm_provider-".
var forwarded = func() map[string]string {
	names := []string{"x-request-id", "request-id", "apim-request-id",
		"openai-processing-ms", "openai-version"}
	for _, kind := range []string{"requests", "tokens"} {
		for _, field := range []string{"limit", "remaining", "reset"} {
			names = append(names, "x-ratelimit-"+field+"-"+kind)
		}
	}
	for _, kind := range []string{"requests", "tokens", "input-tokens", "output-tokens"} {
		for _, field := range []string{"limit", "remaining", "reset"} {
			names = append(names, "anthropic-ratelimit-"+kind+"-"+field)
		}
	}
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[http.CanonicalHeaderKey(n)] = "llm_provider-" + n
	}
	return m
}()

// responseHeader returns the headers for the client: the content type and
// the upstream's request id and rate limits. Nothing else is passed on:
// cookies, server names and encodings are the upstream's business.
func responseHeader(up http.Header, contentType string) http.Header {
	h := make(http.Header, 4)
	h["Content-Type"] = []string{contentType}
	for k, v := range up {
		if name, ok := forwarded[k]; ok {
			h[name] = v
		}
	}
	return h
}
