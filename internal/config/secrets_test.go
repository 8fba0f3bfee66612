package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// secretConfig holds a secret in every place one can hide; each contains
// "s3cr3t".
const secretConfig = `
environment_variables: {OPENAI_API_KEY: sk-s3cr3t-env-block}
model_list:
  - model_name: m
    litellm_params:
      model: openai/m
      api_key: sk-s3cr3t-api-key
      api_base: "https://user:s3cr3t-pass@host/v1?api_key=s3cr3t-query"
      aws_secret_access_key: s3cr3t-aws
      vertex_credentials: {private_key: s3cr3t-vertex}
      extra_headers: {Authorization: Bearer s3cr3t-header, x-api-key: s3cr3t-x}
router_settings: {redis_host: r, redis_password: s3cr3t-redis,
  redis_url: 'redis://u:s3cr3t-url@r:6379/0'}
general_settings:
  master_key: sk-s3cr3t-master
  database_url: postgresql://u:s3cr3t-db@h/db
`

// TestSecretsHidden checks every way a Config may reach a log.
func TestSecretsHidden(t *testing.T) {
	c, err := parseString(secretConfig, map[string]string{"LITELLM_SALT_KEY": "s3cr3t-salt"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ModelList[0].Params.APIKey != "sk-s3cr3t-api-key" {
		t.Fatal("the parsed config itself must keep the secret")
	}
	asJSON, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", c)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c, "models", c.ModelList)
	outputs := map[string]string{
		"json":           string(asJSON),
		"String":         c.String(),
		"%v":             fmt.Sprintf("%v", c),
		"%+v value":      fmt.Sprintf("%+v", *c),
		"%#v":            fmt.Sprintf("%#v", *c),
		"%+v models":     fmt.Sprintf("%+v", c.ModelList),
		"%#v deployment": fmt.Sprintf("%#v", c.ModelList[0]),
		"%v settings":    fmt.Sprintf("%v %v", c.GeneralSettings, c.RouterSettings),
		"slog":           logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("%s shows a secret:\n%s", name, out)
		}
	}
}

// TestSecretsNotInProblems checks that problems about secret values never
// quote them.
func TestSecretsNotInProblems(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  map[string]string
	}{
		{name: "master key", file: "general_settings: {master_key: s3cr3t-master}"},
		{name: "master key from environment", env: map[string]string{"LITELLM_MASTER_KEY": "s3cr3t"}},
		{name: "database URL", file: "general_settings: {database_url: 'mysql://u:s3cr3t@h/db'}"},
		{name: "database URL from environment", env: map[string]string{"DATABASE_URL": "s3cr3t"}},
		{
			name: "api_base",
			file: "model_list: [{model_name: m, litellm_params: " +
				"{model: openai/m, api_base: 'ftp://u:s3cr3t@h'}}]",
		},
		{
			name: "number from environment",
			file: "model_list: [{model_name: m, litellm_params: {model: openai/m, rpm: os.environ/K}}]",
			env:  map[string]string{"K": "s3cr3t"},
		},
		{name: "redis port from environment", env: map[string]string{"REDIS_PORT": "s3cr3t"}},
		{name: "redis URL", file: "router_settings: {redis_url: 'http://u:s3cr3t@h'}"},
		{name: "redis URL from environment", env: map[string]string{"REDIS_URL": "s3cr3t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseString(tt.file, tt.env)
			if err == nil {
				t.Fatal("Parse succeeded, want a problem")
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}
