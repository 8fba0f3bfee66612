package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// modelRequest is a model request as read: its body, unchanged, and the
// two members the gateway routes by.
type modelRequest struct {
	body   []byte
	model  string
	stream bool
}

// readRequest reads the body of a model request. pathModel, when not
// empty, is the model named by the path (Azure's
// /openai/deployments/{model}/...), which wins over the body's.
func readRequest(r *http.Request, pathModel string) (*modelRequest, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexFunc(body, notSpace); i < 0 || body[i] != '{' {
		return nil, httpapi.Errorf(http.StatusBadRequest, "request body must be a JSON object")
	}
	req := &modelRequest{body: body, stream: string(rawjson.Get(body, "stream")) == "true"}
	if pathModel != "" {
		req.model = pathModel
		if req.body, err = rawjson.Set(body, "model", quote(pathModel)); err != nil {
			return nil, httpapi.Errorf(http.StatusBadRequest, "request body is not valid JSON")
		}
		return req, nil
	}
	model, ok := rawjson.String(rawjson.Get(body, "model"))
	if !ok || model == "" {
		return nil, httpapi.Errorf(http.StatusBadRequest,
			"you must provide a model parameter: a string naming one of GET /v1/models")
	}
	req.model = model
	return req, nil
}

func notSpace(r rune) bool { return r != ' ' && r != '\t' && r != '\r' && r != '\n' }

// readBody reads a request body, whose size the server limits.
func readBody(r *http.Request) ([]byte, error) {
	size := r.ContentLength
	if size < 0 || size > 1<<20 {
		size = 4 << 10
	}
	body, err := provider.ReadAll(r.Body, size)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, httpapi.Errorf(http.StatusRequestEntityTooLarge,
			"request body is larger than the limit of %d bytes", tooBig.Limit)
	case err != nil:
		return nil, fmt.Errorf("read request body: %w", err)
	case len(body) == 0:
		return nil, httpapi.Errorf(http.StatusBadRequest, "request body is empty; send a JSON object")
	}
	return body, nil
}

// quote returns a model name as a JSON string.
func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// access returns the model group that serves model, or the error that
// the caller gets when there is none (404) or it is not theirs (403).
func (a *API) access(p *auth.Principal, model string) (string, error) {
	group, ok := a.Router.Resolve(model)
	if !ok {
		return "", notFound(model)
	}
	if !p.CanUseModel(model) && !p.CanUseModel(group) {
		return "", httpapi.Errorf(http.StatusForbidden,
			"You are not allowed to use model %s. GET /v1/models lists yours.", model)
	}
	return group, nil
}

// notFound is the error of a model name the gateway does not serve.
func notFound(model string) *httpapi.Error {
	return &httpapi.Error{Status: http.StatusNotFound, Code: "model_not_found",
		Type: "invalid_request_error", Message: fmt.Sprintf(
			"The model %s does not exist. GET /v1/models lists the models you may use.", model)}
}

// begin checks that the caller may use the model and admits the request,
// returning the exchange that serves it.
func (a *API) begin(w http.ResponseWriter, r *http.Request, req *modelRequest) (*exchange, error) {
	p := auth.FromContext(r.Context())
	group, err := a.access(p, req.model)
	if err != nil {
		return nil, err
	}
	x := &exchange{a: a, w: w, r: r, p: p, model: req.model, group: group, start: a.Now()}
	if a.Limiter != nil {
		est := estimate(req.body, a.Router, group)
		t, err := a.Limiter.Admit(p, est, x.start)
		if err != nil {
			return nil, err
		}
		x.ticket = t
	}
	return x, nil
}

// openAI returns the handler of an OpenAI endpoint: the request goes
// through as it is, and so does the answer.
func (a *API) openAI(op provider.Operation) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		req, err := readRequest(r, r.PathValue("model"))
		if err != nil {
			return err
		}
		x, err := a.begin(w, r, req)
		if err != nil {
			return err
		}
		return x.run(&router.Call{Group: x.group,
			Request: &provider.Request{Op: op, Body: req.body, Stream: req.stream},
			Allowed: x.p.CanUseModel, Send: x.send})
	}
}
