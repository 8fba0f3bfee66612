package harness

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Deadlines of the harness's own waits; none is a performance figure.
const (
	readyDeadline = 15 * time.Second
	callTimeout   = 10 * time.Second
	pollInterval  = 20 * time.Millisecond
)

// model is the name the gateway's config gives the mock's model.
const model = "bench-model"

// gateway is a litellm process in front of the mock upstream.
type gateway struct {
	*proc
	url       string
	masterKey string
}

// configText is the gateway's config: one model served by the mock, no
// retries (a retried request would hide an error), the SQLite database
// next to the config.
func configText(mockURL string) string {
	return fmt.Sprintf(`model_list:
  - model_name: %s
    litellm_params:
      model: openai/%s
      api_base: %s/v1
      api_key: sk-mock-upstream
litellm_settings:
  num_retries: 0
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`, model, model, mockURL)
}

// startGateway writes the config into dir and starts bin on a free
// loopback port, with the CLI login turned on.
func startGateway(ctx context.Context, bin, dir, mockURL string) (*gateway, error) {
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte(configText(mockURL)), 0o600); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	key, err := newMasterKey()
	if err != nil {
		return nil, err
	}
	args := []string{"--config", config, "--host", "127.0.0.1", "--port", strconv.Itoa(port)}
	env := []string{"LITELLM_MASTER_KEY=" + key, "EXPERIMENTAL_UI_LOGIN=True"}
	p, err := startProc("litellm", bin, dir, args, env, nil)
	if err != nil {
		return nil, err
	}
	g := &gateway{proc: p, url: "http://127.0.0.1:" + strconv.Itoa(port), masterKey: key}
	if err := g.waitReady(ctx); err != nil {
		g.stop()
		return nil, err
	}
	return g, nil
}

func newMasterKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "sk-bench-" + hex.EncodeToString(b), nil
}

// waitReady polls GET /health/readiness until it answers 200.
func (g *gateway) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyDeadline)
	defer cancel()
	for {
		status, _, err := call(ctx, http.MethodGet, g.url+"/health/readiness", nil, nil, nil)
		if err == nil && status == http.StatusOK {
			return nil
		}
		if err := g.exited(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("litellm not ready within %v; its log:\n%s", readyDeadline, g.logTail())
		case <-time.After(pollInterval):
		}
	}
}

// virtualKey creates a key for the benchmark's model.
func (g *gateway) virtualKey(ctx context.Context) (string, error) {
	var resp struct {
		Key string `json:"key"`
	}
	body := []byte(`{"models":["` + model + `"],"key_alias":"benchmark"}`)
	status, b, err := g.post(ctx, "/key/generate", g.masterKey, body, &resp)
	switch {
	case err != nil:
		return "", fmt.Errorf("generate key: %w", err)
	case status != http.StatusOK || resp.Key == "":
		return "", fmt.Errorf("generate key: status %d: %s", status, b)
	}
	return resp.Key, nil
}

// errNoChat means the gateway does not serve chat completions at all.
var errNoChat = errors.New("the gateway does not serve POST /v1/chat/completions yet")

// probeChat sends one plain and one streamed completion with key and
// checks the answers, so that a broken route is reported once rather
// than as thousands of errors.
func (g *gateway) probeChat(ctx context.Context, key string) error {
	status, b, err := g.post(ctx, "/v1/chat/completions", key, plainBody, nil)
	switch {
	case err != nil:
		return fmt.Errorf("chat completion: %w", err)
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		return errNoChat
	case status != http.StatusOK || !bytes.Contains(b, []byte(`"choices"`)):
		return fmt.Errorf("chat completion: status %d: %.300s", status, b)
	}
	status, b, err = g.post(ctx, "/v1/chat/completions", key, streamBody, nil)
	switch {
	case err != nil:
		return fmt.Errorf("streamed chat completion: %w", err)
	case status != http.StatusOK || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("data: [DONE]")):
		return fmt.Errorf("streamed chat completion: status %d: %.300s", status, b)
	}
	return nil
}

// The request bodies of the benchmark.
var (
	plainBody = []byte(`{"model":"` + model + `","messages":[{"role":"user",` +
		`"content":"Say hello in twenty tokens."}]}`)
	streamBody = []byte(`{"model":"` + model + `","messages":[{"role":"user",` +
		`"content":"Say hello in twenty tokens."}],"stream":true,` +
		`"stream_options":{"include_usage":true}}`)
)

var harnessClient = &http.Client{Timeout: callTimeout}

// post sends body to the gateway's path with key, as call does.
func (g *gateway) post(ctx context.Context, path, key string, body []byte, out any) (int, []byte, error) {
	return call(ctx, http.MethodPost, g.url+path, bearer(key), body, out)
}

// bearer returns the header that presents key; none for an empty key.
func bearer(key string) http.Header {
	if key == "" {
		return nil
	}
	return http.Header{"Authorization": {"Bearer " + key}}
}

// call sends one request and returns the status and body, decoding a 200
// body into out when out is not nil.
func call(ctx context.Context, method, url string, h http.Header, body []byte, out any) (
	int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := harnessClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, b, err
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, b, fmt.Errorf("decode %.200s: %w", b, err)
		}
	}
	return resp.StatusCode, b, nil
}
