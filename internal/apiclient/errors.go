package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/litellm-go/gateway/internal/apitype"
)

// maxMessage caps a message taken from a body that is not one of the
// gateway's error shapes, such as an HTML page from a proxy in front of it.
const maxMessage = 200

// APIError is an answer with a status outside 2xx. Message is the gateway's
// own words when the body is one of its error shapes, else the start of the
// body, else the status text.
type APIError struct {
	Status  int
	Message string
	// RetryAfter is how long the gateway asked the client to wait, from
	// a Retry-After header in seconds (RFC 9110 §10.2.3); 0 when absent.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("gateway answered %d: %s", e.Status, e.Message)
}

// DecodeError is a 2xx answer whose body is not the JSON the route
// sends, as when the base URL points at a web page rather than the
// gateway.
type DecodeError struct {
	Route string // such as "GET /v1/models"
	Err   error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("read %s response: %v", e.Route, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// UnreachableError reports that no answer came from the gateway: it
// refused the connection, its name did not resolve, TLS failed, or it did
// not answer before the deadline.
type UnreachableError struct {
	BaseURL string // the gateway's URL
	URL     string // the URL tried, without its query
	Reason  string // such as "connection refused"
	Timeout bool   // the deadline passed
	Err     error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the gateway at %s: %s", e.URL, e.Reason)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// ErrorFrom returns the *APIError for resp, parsing LiteLLM's
// {"detail": ...} and OpenAI's {"error": {"message": ...}} bodies. The
// client's API key never appears in the message, even if the gateway
// echoed it.
func (c *Client) ErrorFrom(resp *Response) *APIError {
	msg := messageOf(resp.Body)
	if msg == "" {
		msg = http.StatusText(resp.Status)
	}
	if c.apiKey != "" {
		msg = strings.ReplaceAll(msg, c.apiKey, "[redacted]")
	}
	return &APIError{Status: resp.Status, Message: msg, RetryAfter: retryAfter(resp.Header)}
}

// retryAfter reads a Retry-After header given in seconds. The HTTP-date
// form is ignored: the gateway sends seconds, and a date would need a
// clock that agrees with the gateway's.
func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// messageOf extracts the message of an error body. The typed shapes come
// first; the loose pass accepts what LiteLLM also sends: a detail that is
// an object or a list (validation errors), an error that is a string, or
// an OpenAI code that is a number.
func messageOf(body []byte) string {
	var d apitype.DetailError
	if json.Unmarshal(body, &d) == nil && d.Detail != "" {
		return oneLine(d.Detail)
	}
	var env apitype.ErrorEnvelope
	if json.Unmarshal(body, &env) == nil && env.Error.Message != "" {
		return oneLine(env.Error.Message)
	}
	var loose struct {
		Detail json.RawMessage `json:"detail"`
		Error  json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &loose) == nil {
		var inner struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(loose.Error, &inner) == nil && inner.Message != "":
			return oneLine(inner.Message)
		case json.Unmarshal(loose.Error, &s) == nil && s != "":
			return oneLine(s)
		case len(loose.Detail) > 0 && string(loose.Detail) != "null":
			return truncate(oneLine(string(loose.Detail)))
		}
	}
	return truncate(oneLine(string(body)))
}

// oneLine folds all whitespace runs into single spaces, so a message fits
// the one line the CLI prints.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " [truncated]"
}

// transportError explains why req got no answer. The cancellation of the
// caller's context passes through as is; url.Error is unwrapped because
// its text repeats the URL with its query, where a key may be.
func (c *Client) transportError(ctx context.Context, req *http.Request, err error) error {
	if errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, context.Canceled)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	u := *req.URL
	u.RawQuery = ""
	e := &UnreachableError{BaseURL: c.BaseURL(), URL: u.String(), Err: err}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		e.Timeout = true
		e.Reason = fmt.Sprintf("no answer within %s", c.timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Reason = "connection refused"
	case errors.As(err, &dnsErr):
		e.Reason = "cannot resolve " + dnsErr.Name
		if dnsErr.IsNotFound {
			e.Reason = "no such host " + dnsErr.Name
		}
	default:
		e.Reason = oneLine(err.Error())
	}
	return e
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
