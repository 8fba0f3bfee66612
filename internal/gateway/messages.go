package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/gateway/messages"
	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// messagesHeaders are the client headers passed to Anthropic with a
// Messages request: they select the API version and beta features the
// body was written for.
var messagesHeaders = []string{"Anthropic-Version", "Anthropic-Beta"}

// messages serves Anthropic's POST /v1/messages. Anthropic deployments
// get the request as it is; the others get it as a chat completion, whose
// answer is translated back.
func (a *API) messages(w http.ResponseWriter, r *http.Request) error {
	req, err := readRequest(r, "")
	if err != nil {
		return err
	}
	x, err := a.begin(w, r, req)
	if err != nil {
		return err
	}
	native := &provider.Request{Op: provider.OpMessages, Body: req.body, Stream: req.stream,
		Header: http.Header{}}
	for _, k := range messagesHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			native.Header[k] = v
		}
	}
	var translated *provider.Request
	return x.run(&router.Call{Group: x.group, Allowed: x.p.CanUseModel, Send: x.sendMessages,
		Prepare: func(d *provider.Deployment) (*provider.Request, error) {
			if speaksMessages(d) {
				return native, nil
			}
			if translated == nil {
				body, err := messages.ToChat(req.body)
				if err != nil {
					return nil, httpapi.Errorf(http.StatusBadRequest, "%v", err)
				}
				translated = &provider.Request{Op: provider.OpChat, Body: body, Stream: req.stream}
			}
			return translated, nil
		}})
}

// countTimeout bounds an upstream's token count.
const countTimeout = 30 * time.Second

// countTokens serves Anthropic's POST /v1/messages/count_tokens. The
// model's Anthropic deployments count, those not cooling down first, each
// in turn while the one before failed in a way another may not (see
// provider.UpstreamError.Retryable); for a model without one, the gateway
// estimates (messages.EstimateTokens). Counting is neither admitted
// against the caller's limits nor recorded, and its failures do not cool
// deployments down: it costs nothing.
func (a *API) countTokens(w http.ResponseWriter, r *http.Request) error {
	req, err := readRequest(r, "")
	if err != nil {
		return err
	}
	group, err := a.access(auth.FromContext(r.Context()), req.model)
	if err != nil {
		return err
	}
	var counters []*provider.Deployment
	a.Router.EachDeployment(group, func(e *catalog.Entry, model string) bool {
		if c := countingDeployment(e, model); c != nil {
			counters = append(counters, c)
		}
		return true
	})
	if len(counters) == 0 {
		n, err := messages.EstimateTokens(req.body)
		if err != nil {
			return httpapi.Errorf(http.StatusBadRequest, "%v", err)
		}
		return writeCount(w, n)
	}
	header := http.Header{}
	for _, k := range messagesHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			header[k] = v
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), countTimeout)
	defer cancel()
	for _, d := range counters {
		var n int64
		if n, err = provider.CountTokens(ctx, d, req.body, header); err == nil {
			return writeCount(w, n)
		}
		var ue *provider.UpstreamError
		if !errors.As(err, &ue) || !ue.Retryable || ctx.Err() != nil {
			break
		}
	}
	var ue *provider.UpstreamError
	if errors.As(err, &ue) {
		h := http.Header{}
		setRetryAfter(h, ue)
		return &httpapi.Error{Status: ue.Status, Message: ue.Message, Type: ue.Type, Header: h}
	}
	return err
}

// writeCount answers a token count.
func writeCount(w http.ResponseWriter, n int64) error {
	return httpapi.WriteJSON(w, http.StatusOK, map[string]int64{"input_tokens": n})
}

// countingDeployment returns the deployment of e, with model its
// litellm_params.model as a request uses it, when it speaks Messages
// natively, and so can count tokens; nil otherwise.
func countingDeployment(e *catalog.Entry, model string) *provider.Deployment {
	if d := deploymentOf(e, model); speaksMessages(d) {
		return d
	}
	return nil
}

// deploymentOf returns what the provider package needs to reach e when a
// request's litellm_params.model, a pattern's '*'s filled in, is model.
func deploymentOf(e *catalog.Entry, model string) *provider.Deployment {
	p := &e.Params
	d := &provider.Deployment{APIBase: p.APIBase, APIKey: p.APIKey,
		APIVersion: p.APIVersion, MockResponse: p.MockResponse}
	d.Provider, d.UpstreamModel = upstreamOf(e, model)
	return d
}

// speaksMessages reports whether a deployment takes Messages requests
// natively. A mock answers in chat form, whatever its provider.
func speaksMessages(d *provider.Deployment) bool {
	return d.Provider == "anthropic" && d.MockResponse == nil
}

// sendMessages copies an answer to a Messages request, translating a
// chat completion.
func (x *exchange) sendMessages(a *router.Answer) error {
	if a.Request.Op == provider.OpMessages {
		return x.send(a)
	}
	x.ans = a
	if !a.Streaming() {
		body, err := messages.FromChat(a.Body, x.model)
		if err != nil {
			return &provider.UpstreamError{Provider: a.Deployment.Provider,
				Status: http.StatusBadGateway, Type: "api_error", Code: "502",
				Message: "upstream answer could not be translated", Err: err}
		}
		return x.sendWhole(a, body)
	}
	s := messages.NewStream(x.streamWriter(a), x.model)
	_, err := a.WriteTo(s)
	switch {
	case err == nil:
		err = s.Finish(a.Usage)
	case x.sent:
		status, msg := http.StatusBadGateway, "upstream stream broken off"
		var ue *provider.UpstreamError
		if errors.As(err, &ue) {
			status, msg = ue.Status, ue.Message
		}
		s.Fail(status, msg)
	}
	x.setTrailerCost(a)
	return err
}

// anthropicErrors adapts h for Anthropic's clients: errors are sent as
// {"type": "error", "error": {"type", "message"}}.
func anthropicErrors(log *slog.Logger, h httpapi.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var e *httpapi.Error
		if !errors.As(err, &e) {
			log.ErrorContext(r.Context(), "request failed", "method", r.Method,
				"path", r.URL.Path, "err", err)
			e = &httpapi.Error{Status: http.StatusInternalServerError,
				Message: "internal error; the gateway's log has the details"}
		}
		for k, vs := range e.Header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.Status)
		w.Write(append(messages.ErrorBody(e.Status, e.Message), '\n'))
	})
}
