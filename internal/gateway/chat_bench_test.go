package gateway_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/server"
)

// BenchmarkChatCompletion measures a chat completion through the whole
// gateway handler, in process, with the master key: answered by a mock
// deployment (the gateway alone), and by an OpenAI-compatible upstream on
// loopback (the gateway plus one HTTP exchange), whole and streamed.
func BenchmarkChatCompletion(b *testing.B) {
	up := httptest.NewServer(openAIUpstream("The quick brown fox jumps over the lazy dog"))
	b.Cleanup(up.Close)
	cfg, err := config.Parse([]byte(`
model_list:
  - model_name: mock
    litellm_params: {model: openai/mock, mock_response: "The quick brown fox jumps over the lazy dog"}
    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
  - model_name: loopback
    litellm_params: {model: openai/loopback, api_base: "`+up.URL+`"}
    model_info: {input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
general_settings: {master_key: sk-bench-master}
`), nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Path = filepath.Join(b.TempDir(), "config.yaml")
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	h := srv.Handler()

	for _, model := range []string{"mock", "loopback"} {
		for _, stream := range []bool{false, true} {
			name := model
			if stream {
				name += "_stream"
			}
			body := `{"model":"` + model + `","stream":` + map[bool]string{false: "false", true: "true"}[stream] +
				`,"messages":[{"role":"system","content":"You are terse."},` +
				`{"role":"user","content":"Say hello in three languages, please."}]}`
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer sk-bench-master")
					rec := &discardRecorder{header: http.Header{}}
					h.ServeHTTP(rec, req)
					if rec.status != 200 {
						b.Fatalf("status %d", rec.status)
					}
				}
			})
		}
	}
}

// discardRecorder is a ResponseWriter that keeps only the status, so that
// the benchmark measures the gateway rather than a recorder's buffer.
type discardRecorder struct {
	header http.Header
	status int
}

func (r *discardRecorder) Header() http.Header { return r.header }

func (r *discardRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *discardRecorder) Write(p []byte) (int, error) {
	r.WriteHeader(200)
	return io.Discard.Write(p)
}

func (r *discardRecorder) Flush() {}
