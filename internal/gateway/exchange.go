package gateway

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// Response headers, as LiteLLM names them.
const (
	headerModelID   = "X-Litellm-Model-Id"
	headerGroup     = "X-Litellm-Model-Group"
	headerCost      = "X-Litellm-Response-Cost"
	headerRetries   = "X-Litellm-Attempted-Retries"
	headerFallbacks = "X-Litellm-Attempted-Fallbacks"
	headerCallID    = "X-Litellm-Call-Id" // set by the server's middleware
)

// exchange is one model request being served.
type exchange struct {
	a      *API
	w      http.ResponseWriter
	r      *http.Request
	p      *auth.Principal
	model  string // as the client named it
	group  string // the model group it resolved to
	ticket Ticket
	start  time.Time

	ans  *router.Answer // the last answer handed to send
	sent bool           // the client has the status line of an answer
	cost float64
}

// run routes the request, then settles and records it. The error it
// returns is for the client, unless an answer was already on its way.
func (x *exchange) run(c *router.Call) error {
	st, err := x.a.Router.Do(x.r.Context(), c)
	if err != nil && !x.sent {
		x.ans = nil // the usage of a failed attempt is not the request's
	}
	status := x.finish(err)
	switch {
	case err == nil, status == statusClientGone:
		return nil
	case x.sent:
		// Too late for an error response: the client has part of an
		// answer, which ends here.
		x.a.Log.WarnContext(x.r.Context(), "answer broken off", "model", x.model, "err", err)
		return nil
	}
	return x.clientError(st, err)
}

// statusClientGone is the status recorded for a request whose client left
// before its answer, as nginx logs it.
const statusClientGone = 499

// finish settles the ticket and records the spend; it returns the status
// the request ended with.
func (x *exchange) finish(err error) int {
	var u chat.Usage
	status := http.StatusOK
	rec := store.SpendRecord{RequestID: x.w.Header().Get(headerCallID), KeyHash: x.p.KeyHash,
		SessionID: x.p.SessionID, UserID: x.p.UserID, TeamID: x.p.TeamID, Model: x.model,
		StartedAt: x.start}
	if x.ans != nil {
		u, status = x.ans.Usage, x.ans.Status
		x.cost = cost(x.ans, u)
		rec.DeploymentID, rec.Provider = x.ans.Entry.Info.ID, x.ans.Deployment.Provider
	}
	var ue *provider.UpstreamError
	var he *httpapi.Error
	switch {
	case err == nil:
	case x.r.Context().Err() != nil && errors.Is(err, context.Canceled):
		status = statusClientGone
	case errors.As(err, &ue):
		status = ue.Status
	case errors.As(err, &he):
		status = he.Status
	case !x.sent:
		status = http.StatusInternalServerError
	}
	if x.ticket != nil {
		x.ticket.Done(int64(u.TotalTokens), x.cost)
	}
	if x.a.Spend != nil {
		rec.PromptTokens, rec.CompletionTokens = int64(u.PromptTokens), int64(u.CompletionTokens)
		rec.Cost, rec.Status, rec.Duration = x.cost, status, x.a.Now().Sub(x.start)
		x.a.Spend.Record(rec)
	}
	return status
}

// clientError turns a routing error into the error the client gets, with
// the headers that say what was tried.
func (x *exchange) clientError(st router.Stats, err error) error {
	h := http.Header{}
	h.Set(headerGroup, st.Group)
	h.Set(headerRetries, strconv.Itoa(st.Retries))
	h.Set(headerFallbacks, strconv.Itoa(st.Fallbacks))
	var ue *provider.UpstreamError
	var he *httpapi.Error
	switch {
	case errors.As(err, &ue):
		setRetryAfter(h, ue)
		if ue.Err != nil {
			x.a.Log.DebugContext(x.r.Context(), "upstream failed", "model", x.model,
				"status", ue.Status, "err", ue.Err)
		}
		return &httpapi.Error{Status: ue.Status, Message: ue.Message, Type: ue.Type,
			Code: ue.Code, Header: h}
	case errors.As(err, &he):
		e := *he
		e.Header = h
		for k, v := range he.Header {
			e.Header[k] = v
		}
		return &e
	}
	return err
}

// setRetryAfter passes on the upstream's Retry-After, in whole seconds.
func setRetryAfter(h http.Header, ue *provider.UpstreamError) {
	if ue.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(ue.RetryAfter.Seconds()))))
	}
}

// header sets the headers of an answer.
func (x *exchange) header(h http.Header, a *router.Answer) {
	for k, v := range a.Header {
		h[k] = v
	}
	h.Set(headerModelID, a.Entry.Info.ID)
	h.Set(headerGroup, a.Group)
	h.Set(headerRetries, strconv.Itoa(a.Retries))
	h.Set(headerFallbacks, strconv.Itoa(a.Fallbacks))
	if x.ticket != nil {
		for k, v := range x.ticket.Headers() {
			h[k] = v
		}
	}
}

// send copies an answer to the client as it is.
func (x *exchange) send(a *router.Answer) error {
	x.ans = a
	if !a.Streaming() {
		return x.sendWhole(a, a.Body)
	}
	_, err := a.WriteTo(x.streamWriter(a))
	x.setTrailerCost(a)
	return err
}

// sendWhole writes a whole answer with body, and its cost in a header,
// and sends it at once: the client need not wait while the request is
// settled and recorded.
func (x *exchange) sendWhole(a *router.Answer, body []byte) error {
	h := x.w.Header()
	x.header(h, a)
	h.Set(headerCost, formatCost(cost(a, a.Usage)))
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	a.Progress()
	x.sent = true
	x.w.WriteHeader(a.Status)
	if _, err := x.w.Write(body); err != nil {
		return err
	}
	return http.NewResponseController(x.w).Flush()
}

// setTrailerCost sends a stream's cost, known at its end, as a trailer.
func (x *exchange) setTrailerCost(a *router.Answer) {
	if x.sent {
		x.w.Header().Set(headerCost, formatCost(cost(a, a.Usage)))
	}
}

func formatCost(c float64) string { return strconv.FormatFloat(c, 'g', -1, 64) }

// streamWriter returns the writer a stream is copied to: it sends the
// headers with the first event, so that an attempt that fails before it
// can still be retried, and flushes each event.
func (x *exchange) streamWriter(a *router.Answer) *streamWriter {
	return &streamWriter{x: x, a: a, rc: http.NewResponseController(x.w)}
}

type streamWriter struct {
	x  *exchange
	a  *router.Answer
	rc *http.ResponseController
}

func (s *streamWriter) Write(p []byte) (int, error) {
	s.a.Progress()
	if !s.x.sent {
		h := s.x.w.Header()
		s.x.header(h, s.a)
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Trailer", headerCost)
		s.x.sent = true
		s.x.w.WriteHeader(http.StatusOK)
	}
	return s.x.w.Write(p)
}

// FlushError pushes the events written to the client, through the
// server's wrappers of the ResponseWriter.
func (s *streamWriter) FlushError() error { return s.rc.Flush() }
