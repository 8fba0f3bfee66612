package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/litellm-go/gateway/bench/mockupstream"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/server"
)

const masterKey = "sk-bench-handler-master"

// newGateway builds a gateway in process whose one model is served by a
// mock upstream on a loopback port, and returns its handler and a virtual
// key for the model.
func newGateway(b *testing.B) (http.Handler, string) {
	b.Helper()
	mock := httptest.NewServer(mockupstream.New(mockupstream.Options{}))
	b.Cleanup(mock.Close)
	text := fmt.Sprintf(`model_list:
  - model_name: bench-model
    litellm_params: {model: openai/bench-model, api_base: %s/v1, api_key: sk-mock}
litellm_settings: {num_retries: 0}
general_settings: {master_key: %s}
`, mock.URL, masterKey)
	cfg, err := config.Parse([]byte(text), nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Path = filepath.Join(b.TempDir(), "config.yaml")
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })

	rec := serve(srv.Handler(), "/key/generate", masterKey, []byte(`{"models":["bench-model"]}`))
	var resp struct{ Key string }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &resp) != nil {
		b.Fatalf("generate key: %d %s", rec.Code, rec.Body)
	}
	return srv.Handler(), resp.Key
}

func serve(h http.Handler, path, key string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var (
	plainBody  = []byte(`{"model":"bench-model","messages":[{"role":"user","content":"Say hello."}]}`)
	streamBody = []byte(`{"model":"bench-model","messages":[{"role":"user","content":"Say hello."}],` +
		`"stream":true,"stream_options":{"include_usage":true}}`)
)

// BenchmarkChat measures POST /v1/chat/completions through the gateway's
// handler, plain and streamed (20 chunks sent back to back), with a
// virtual key. Each operation includes the mock's answer over loopback;
// BenchmarkDirect measures that part alone.
func BenchmarkChat(b *testing.B) {
	h, key := newGateway(b)
	for _, bc := range []struct {
		name string
		body []byte
	}{{"plain", plainBody}, {"stream", streamBody}} {
		b.Run(bc.name, func(b *testing.B) {
			if rec := serve(h, "/v1/chat/completions", key, bc.body); rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				serve(h, "/v1/chat/completions", key, bc.body)
			}
		})
	}
}

// BenchmarkDirect measures the mock's answer over loopback with
// net/http's client, the part of BenchmarkChat that is not the gateway's.
func BenchmarkDirect(b *testing.B) {
	mock := httptest.NewServer(mockupstream.New(mockupstream.Options{}))
	b.Cleanup(mock.Close)
	client := mock.Client()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(mock.URL+"/v1/chat/completions", "application/json",
			bytes.NewReader(plainBody))
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
	}
}
