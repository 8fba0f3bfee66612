// Package httpapi is the gateway's HTTP edge: handlers that return errors,
// one adapter per error shape (LiteLLM's {"detail": ...} on management and
// login routes, OpenAI's envelope on /v1/*), and strict JSON decoding with
// a size limit.
package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/litellm-go/gateway/internal/apitype"
)

// Error is an error with an HTTP status and a message safe to show the
// caller. Any other error a handler returns becomes a 500 whose detail is
// logged, not sent.
type Error struct {
	Status  int
	Message string
	Type    string      // OpenAI error type; derived from Status when empty
	Code    string      // OpenAI error code; the status as text when empty
	Header  http.Header // extra response headers, such as Retry-After
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given status and formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// HandlerFunc is an HTTP handler that reports failure by returning an
// error, which the adapters Detail and OpenAI turn into a response.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Detail adapts h for management and login routes: errors are sent as
// {"detail": "..."}.
func Detail(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e := publicError(r, log, err)
			writeError(w, e, apitype.DetailError{Detail: e.Message})
		}
	})
}

// OpenAI adapts h for /v1/* routes: errors are sent in OpenAI's envelope.
func OpenAI(log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e := publicError(r, log, err)
			writeError(w, e, Envelope(e))
		}
	})
}

// Envelope returns OpenAI's error body for e.
func Envelope(e *Error) apitype.ErrorEnvelope {
	typ, code := e.Type, e.Code
	if typ == "" {
		typ = errorType(e.Status)
	}
	if code == "" {
		code = fmt.Sprint(e.Status)
	}
	return apitype.ErrorEnvelope{Error: apitype.ErrorBody{Message: e.Message, Type: typ, Code: code}}
}

func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "auth_error"
	case status == http.StatusForbidden:
		return "permission_error"
	case status == http.StatusNotFound:
		return "not_found_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status < 500:
		return "invalid_request_error"
	default:
		return "internal_server_error"
	}
}

// publicError turns any error into one that may be shown, logging the
// detail of unexpected ones.
func publicError(r *http.Request, log *slog.Logger, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	log.ErrorContext(r.Context(), "request failed", "method", r.Method,
		"path", r.URL.Path, "err", err)
	return &Error{Status: http.StatusInternalServerError,
		Message: "internal error; the gateway's log has the details"}
}

func writeError(w http.ResponseWriter, e *Error, body any) {
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	WriteJSON(w, e.Status, body)
}

// WriteJSON writes v as the JSON body of a response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
