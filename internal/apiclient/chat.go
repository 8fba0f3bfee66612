package apiclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
)

// maxEvent caps one server-sent event of a chat stream.
const maxEvent = 1 << 20

// ChatStream sends req as a streamed chat completion (POST
// /v1/chat/completions) and calls onText with each piece of the answer's
// text as it arrives. It returns the whole text. The client's timeout
// bounds the wait for each event rather than the whole answer, which may
// take long; an error from onText stops the stream.
func (c *Client) ChatStream(ctx context.Context, req apitype.ChatRequest,
	onText func(string) error) (string, error) {
	req.Stream = true
	body, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("encode chat request: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var idle atomic.Bool
	timer := time.AfterFunc(c.timeout, func() { idle.Store(true); cancel() })
	defer timer.Stop()

	hreq, err := c.newRequest(ctx, http.MethodPost, "/v1/chat/completions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return "", c.streamError(ctx, hreq, &idle, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, err := readBody(resp.Body)
		if err != nil {
			return "", c.streamError(ctx, hreq, &idle, err)
		}
		return "", c.ErrorFrom(&Response{Status: resp.StatusCode, Header: resp.Header, Body: b})
	}
	text, err := readChat(resp.Body, func(s string) error {
		timer.Reset(c.timeout)
		return onText(s)
	})
	if err != nil && ctx.Err() != nil {
		return text, c.streamError(ctx, hreq, &idle, err)
	}
	return text, err
}

// streamError explains a stream that broke off: the idle timeout passed,
// or the transport failed.
func (c *Client) streamError(ctx context.Context, req *http.Request, idle *atomic.Bool,
	err error) error {
	if idle.Load() {
		err = context.DeadlineExceeded
	}
	return c.transportError(ctx, req, err)
}

// readChat reads a chat completion event stream up to its [DONE], calling
// onText with each non-empty content delta of the first choice.
func readChat(r io.Reader, onText func(string) error) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEvent)
	var text bytes.Buffer
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:"))
		if !ok {
			continue // event names, comments, blank lines
		}
		data = bytes.TrimSpace(data)
		if string(data) == "[DONE]" {
			return text.String(), nil
		}
		var chunk struct {
			apitype.ChatChunk
			Error json.RawMessage `json:"error"` // a failure after the answer began
		}
		if err := json.Unmarshal(data, &chunk); err != nil {
			return text.String(), &DecodeError{Route: "POST /v1/chat/completions", Err: err}
		}
		if len(chunk.Error) > 0 && string(chunk.Error) != "null" {
			return text.String(), &APIError{Status: http.StatusBadGateway, Message: messageOf(data)}
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 || ch.Delta.Content == "" {
				continue
			}
			text.WriteString(ch.Delta.Content)
			if err := onText(ch.Delta.Content); err != nil {
				return text.String(), err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return text.String(), err
	}
	return text.String(), fmt.Errorf("the answer broke off before its end: %w", io.ErrUnexpectedEOF)
}
