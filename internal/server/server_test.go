package server_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

func TestHealthAndMetrics(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	var alive string
	g.MustDo(t, 200, "GET", "/health/liveliness", "", nil).JSON(t, &alive)
	if alive != "I'm alive!" {
		t.Errorf("liveliness = %q", alive)
	}
	var ready apitype.Readiness
	g.MustDo(t, 200, "GET", "/health/readiness", "", nil).JSON(t, &ready)
	if ready.Status != "healthy" || ready.DB != "connected" || ready.LitellmVersion == "" {
		t.Errorf("readiness = %+v", ready)
	}

	g.MustDo(t, 200, "GET", "/v1/models", g.MasterKey, nil)
	g.MustDo(t, 401, "GET", "/v1/models", "", nil)
	r := g.MustDo(t, 200, "GET", "/metrics", "", nil)
	for _, want := range []string{
		`litellm_http_requests_total{method="GET",route="GET /v1/models",status="200"} 1`,
		`litellm_http_requests_total{method="GET",route="GET /v1/models",status="401"} 1`,
		`litellm_http_request_duration_seconds_bucket{route="GET /v1/models"`,
	} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if id := g.Do(t, "GET", "/health/liveliness", "", nil).Header.Get("x-litellm-call-id"); id == "" {
		t.Error("no request id header")
	}
}

// writeConfig writes a config file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMainCommandLine(t *testing.T) {
	good := writeConfig(t, servertest.DefaultConfig)
	bad := writeConfig(t, `
model_list:
  - model_name: a
    litellm_params: {model: gpt-4o}
  - litellm_params: {model: openai/b, rpm: lots}
general_settings: {master_key: not-a-secret-key-format}
`)
	env := func(string) (string, bool) { return "", false }
	tests := []struct {
		name       string
		args       []string
		code       int
		out, err   string
		notInError string
	}{
		{"version", []string{"--version"}, 0, "litellm ", "", ""},
		{"check good", []string{"--check_config", "--config", good}, 0, "is valid: 2 deployments", "", ""},
		{"check bad lists every problem", []string{"--check_config", "--config", bad}, 1, "",
			"model_list[0].litellm_params.model", "not-a-secret-key-format"},
		{"no config", []string{}, 2, "", "--config is required", ""},
		{"unknown flag", []string{"--nope"}, 2, "", "flag provided but not defined", ""},
		{"missing file", []string{"--config", "/nonexistent/config.yaml"}, 1, "", "/nonexistent/config.yaml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := server.Main(tt.args, env, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.out) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.out)
			}
			if !strings.Contains(stderr.String(), tt.err) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.err)
			}
			if tt.notInError != "" && strings.Contains(stderr.String(), tt.notInError) {
				t.Errorf("stderr echoes %q", tt.notInError)
			}
		})
	}
	// Every problem of the bad file at once.
	var stderr bytes.Buffer
	server.Main([]string{"--check_config", "--config", bad}, env, &bytes.Buffer{}, &stderr)
	for _, path := range []string{"model_list[0].litellm_params.model", "model_list[1].model_name",
		"model_list[1].litellm_params.rpm", "general_settings.master_key"} {
		if !strings.Contains(stderr.String(), path) {
			t.Errorf("problem list lacks %s:\n%s", path, stderr.String())
		}
	}
}

func TestBadPortEnvironment(t *testing.T) {
	env := func(k string) (string, bool) {
		if k == "PORT" {
			return "eighty", true
		}
		return "", false
	}
	var stderr bytes.Buffer
	if code := server.Main([]string{"--version"}, env, &bytes.Buffer{}, &stderr); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `PORT="eighty"`) {
		t.Errorf("stderr = %q", stderr.String())
	}
}
