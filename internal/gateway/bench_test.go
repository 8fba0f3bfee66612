package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/server"
)

// newBenchServer builds a gateway in process with n models and the
// entries of model_list in more, and returns its handler and a virtual key
// limited to every other model.
func newBenchServer(b *testing.B, n int, more string) (http.Handler, string) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("model_list:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - model_name: model-%03d\n    litellm_params: {model: openai/m%d, mock_response: hi}\n", i, i)
		if i%2 == 0 {
			sb.WriteString("    model_info: {access_groups: [even]}\n")
		}
	}
	sb.WriteString(more)
	sb.WriteString("general_settings: {master_key: sk-bench-master}\n")
	cfg, err := config.Parse([]byte(sb.String()), nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Path = filepath.Join(b.TempDir(), "config.yaml")
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })

	req := httptest.NewRequest("POST", "/key/generate", strings.NewReader(`{"models":["even"]}`))
	req.Header.Set("Authorization", "Bearer sk-bench-master")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("generate key: %d %s", rec.Code, rec.Body)
	}
	key := rec.Body.String()
	key = key[strings.Index(key, `"key":"`)+7:]
	return srv.Handler(), key[:strings.IndexByte(key, '"')]
}

// benchPatterns are pattern model names under which GET /v1/models lists
// 36 known models: 11 of OpenAI's, 7 of Anthropic's and, under "*", all.
const benchPatterns = `
  - model_name: "openai/*"
    litellm_params: {model: "openai/*", mock_response: hi}
  - model_name: "anthropic/*"
    litellm_params: {model: "anthropic/*", mock_response: hi}
  - model_name: "*"
    litellm_params: {model: "*", mock_response: hi}
`

// BenchmarkListModels measures GET /v1/models for 100 models, in process:
// for the master key, which sees all of them, for a key that sees half
// through an access group, and for the master key when three patterns add
// the known models they serve.
func BenchmarkListModels(b *testing.B) {
	h, key := newBenchServer(b, 100, "")
	withPatterns, _ := newBenchServer(b, 100, benchPatterns)
	for _, bc := range []struct {
		name string
		h    http.Handler
		key  string
	}{
		{"all_100", h, "sk-bench-master"},
		{"access_group_50", h, key},
		{"all_100_and_36_from_patterns", withPatterns, "sk-bench-master"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/v1/models", nil)
			req.Header.Set("Authorization", "Bearer "+bc.key)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				bc.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
