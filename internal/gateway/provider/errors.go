package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

// UpstreamError is a failed attempt: an error status from the upstream, an
// unreachable or slow upstream, a broken stream, or a request the
// deployment cannot serve.
type UpstreamError struct {
	Provider string // provider of the deployment, such as "openai"
	Status   int    // HTTP status for the client
	Type     string // OpenAI error type, such as "rate_limit_error"
	Code     string // upstream's error code, else the status
	// Message is safe to show the client: upstream's own words, without
	// the deployment's key.
	Message string
	// RetryAfter is how long the upstream asked callers to wait (headers
	// retry-after-ms and Retry-After); zero when it did not say.
	RetryAfter time.Duration
	// Retryable reports that another attempt, here or on another
	// deployment, may succeed: timeouts, connection failures, 408, 409,
	// 429 and 5xx, unless the upstream said otherwise in x-should-retry.
	Retryable bool
	Err       error // underlying transport error, for logs
}

func (e *UpstreamError) Error() string {
	s := fmt.Sprintf("upstream %s: status %d: %s", e.Provider, e.Status, e.Message)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *UpstreamError) Unwrap() error { return e.Err }

// Envelope returns the OpenAI error body for the client.
func (e *UpstreamError) Envelope() apitype.ErrorEnvelope {
	return apitype.ErrorEnvelope{Error: apitype.ErrorBody{
		Message: e.Message, Type: e.Type, Code: e.Code,
	}}
}

// maxMessage bounds the upstream text copied into a Message.
const maxMessage = 2000

// statusError builds the error for an upstream answer with an error
// status, understanding the error bodies of OpenAI, Azure and Anthropic
// ({"error":{"message","type","code"}}) and of smaller servers
// ({"error":"..."}, {"detail":...}, {"message":"..."}).
func statusError(d *Deployment, resp *http.Response, body []byte, now time.Time) *UpstreamError {
	e := &UpstreamError{
		Provider:   d.Provider,
		Status:     resp.StatusCode,
		RetryAfter: retryAfter(resp.Header, now),
		Retryable:  retryable(resp.StatusCode, resp.Header),
	}
	if resp.StatusCode < 400 {
		// Redirects are not followed: they could carry the key elsewhere.
		e.Status = http.StatusBadGateway
		e.Message = "upstream answered with a redirect; check api_base"
	} else {
		e.Type, e.Code, e.Message = parseErrorBody(body)
	}
	e.finish(d.APIKey)
	return e
}

// finish fills the fields the upstream left empty and removes the key.
func (e *UpstreamError) finish(key string) {
	if e.Message == "" {
		e.Message = "upstream error: " + http.StatusText(e.Status)
	}
	if len(e.Message) > maxMessage {
		e.Message = e.Message[:maxMessage] + "..."
	}
	e.Message = redact(e.Message, key)
	if e.Type == "" {
		e.Type = errorType(e.Status)
	}
	if e.Code == "" {
		e.Code = strconv.Itoa(e.Status)
	}
}

func parseErrorBody(b []byte) (typ, code, msg string) {
	errField := rawjson.Get(b, "error")
	if len(errField) > 0 && errField[0] == '{' {
		var e struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Code    json.RawMessage `json:"code"`
		}
		_ = json.Unmarshal(errField, &e) // partial fields are still useful
		code, _ = rawjson.String(e.Code)
		if code == "" && !rawjson.IsNull(e.Code) {
			code = string(e.Code) // some servers send a number
		}
		return e.Type, code, e.Message
	}
	if s, ok := rawjson.String(errField); ok {
		return "", "", s
	}
	if d := rawjson.Get(b, "detail"); !rawjson.IsNull(d) {
		if s, ok := rawjson.String(d); ok {
			return "", "", s
		}
		return "", "", string(d) // FastAPI validation errors are a list
	}
	msg, _ = rawjson.String(rawjson.Get(b, "message"))
	return "", "", msg
}

func errorType(status int) string {
	switch {
	case status == 401:
		return "authentication_error"
	case status == 403:
		return "permission_error"
	case status == 404:
		return "not_found_error"
	case status == 429:
		return "rate_limit_error"
	case status >= 500:
		return "api_error"
	}
	return "invalid_request_error"
}

// redact removes the key from s, and any word with a run of asterisks:
// OpenAI quotes a wrong key with its middle starred out, and even its ends
// are not the client's to see.
func redact(s, key string) string {
	if len(key) >= 4 {
		s = strings.ReplaceAll(s, key, "[redacted]")
	}
	for {
		i := strings.Index(s, "***")
		if i < 0 {
			return s
		}
		start := strings.LastIndexAny(s[:i], " \t\n\"'") + 1
		end := len(s)
		if j := strings.IndexAny(s[i:], " \t\n\"'"); j >= 0 {
			end = i + j
		}
		s = s[:start] + "[redacted]" + s[end:]
	}
}

// retryable follows the rules of OpenAI's and Anthropic's SDKs: the
// upstream's x-should-retry header decides when present.
func retryable(status int, h http.Header) bool {
	switch h.Get("X-Should-Retry") {
	case "true":
		return true
	case "false":
		return false
	}
	return status == 408 || status == 409 || status == 429 || status >= 500
}

// retryAfter reads retry-after-ms (OpenAI, Azure) or Retry-After, which
// RFC 9110 section 10.2.3 allows as seconds or as an HTTP-date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return max(0, time.Duration(secs*float64(time.Second)))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now))
	}
	return 0
}

// transportError classifies a failure to get or read an answer. A caller
// that gave up gets its context's error back: there is nothing to retry.
func transportError(ctx context.Context, provider string, err error) error {
	if ctx.Err() == context.Canceled {
		return fmt.Errorf("upstream %s: %w", provider, context.Canceled)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &UpstreamError{Provider: provider, Status: http.StatusGatewayTimeout,
			Type: "timeout_error", Code: "504", Message: "upstream timed out",
			Retryable: true, Err: err}
	}
	return &UpstreamError{Provider: provider, Status: http.StatusBadGateway,
		Type: "api_connection_error", Code: "502", Message: "upstream connection failed",
		Retryable: true, Err: err}
}

// badRequest is a client request the deployment cannot serve.
func badRequest(provider, msg string) *UpstreamError {
	return &UpstreamError{Provider: provider, Status: http.StatusBadRequest,
		Type: "invalid_request_error", Code: "400", Message: msg}
}

func unsupported(provider string, op Operation) *UpstreamError {
	return badRequest(provider, fmt.Sprintf("%s is not supported by provider %s", op, provider))
}
