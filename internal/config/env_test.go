package config

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseString parses a config given as text, the usual test input.
func parseString(text string, env map[string]string) (*Config, error) {
	return Parse([]byte(text), mapEnv(env))
}

// errText returns err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestEnvironmentReference(t *testing.T) {
	const file = `
environment_variables: {%s}
model_list:
  - model_name: m
    litellm_params: {model: openai/m, api_key: %q}
`
	tests := []struct {
		name    string
		apiKey  string // litellm_params.api_key as written
		block   string // inside environment_variables: {...}
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "literal", apiKey: "sk-literal", want: "sk-literal"},
		{name: "set", apiKey: "os.environ/KEY", env: map[string]string{"KEY": "sk-env"}, want: "sk-env"},
		{name: "set empty", apiKey: "os.environ/KEY", env: map[string]string{"KEY": ""}, want: ""},
		{
			name:    "unset",
			apiKey:  "os.environ/KEY",
			wantErr: "line 5: model_list[0].litellm_params.api_key: environment variable KEY is not set",
		},
		{name: "from block", apiKey: "os.environ/KEY", block: "KEY: sk-block", want: "sk-block"},
		{
			name:   "block before environment",
			apiKey: "os.environ/KEY", block: "KEY: sk-block",
			env:  map[string]string{"KEY": "sk-env"},
			want: "sk-block",
		},
		{name: "block number as text", apiKey: "os.environ/KEY", block: "KEY: 12345", want: "12345"},
		{name: "block null as empty", apiKey: "os.environ/KEY", block: "KEY: null", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(fmt.Sprintf(file, tt.block, tt.apiKey), tt.env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if got := c.ModelList[0].Params.APIKey; got != tt.want {
				t.Errorf("APIKey = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEnvironmentScope checks where references are resolved and that
// values read from the environment are never quoted in problems.
func TestEnvironmentScope(t *testing.T) {
	env := map[string]string{"N": "4", "HOST": "redis.internal", "SECRET": "hunter2"}
	tests := []struct {
		name    string
		file    string
		get     func(*Config) any
		want    any
		wantErr string
	}{
		{
			name: "settings number",
			file: "litellm_settings: {num_retries: os.environ/N}",
			get:  func(c *Config) any { return c.RouterSettings.NumRetries },
			want: 4,
		},
		{
			name: "router string",
			file: "router_settings: {redis_host: os.environ/HOST}",
			get:  func(c *Config) any { return c.RouterSettings.RedisHost },
			want: "redis.internal",
		},
		{
			name: "model_info is literal",
			file: "model_list: [{model_name: m, litellm_params: {model: openai/m}, " +
				"model_info: {id: os.environ/N}}]",
			get:  func(c *Config) any { return c.ModelList[0].Info.ID },
			want: "os.environ/N",
		},
		{
			name: "model_name is literal",
			file: "model_list: [{model_name: os.environ/N, litellm_params: {model: openai/m}}]",
			get:  func(c *Config) any { return c.ModelList[0].ModelName },
			want: "os.environ/N",
		},
		{
			name: "extra params resolved",
			file: "model_list: [{model_name: m, litellm_params: {model: openai/m, " +
				"extra_headers: {X-Host: os.environ/HOST}}}]",
			get: func(c *Config) any {
				return c.ModelList[0].Params.Extra["extra_headers"]
			},
			want: map[string]any{"X-Host": "redis.internal"},
		},
		{
			name: "ignored keys not resolved",
			file: "litellm_settings: {success_callback: os.environ/UNSET}",
			get:  func(c *Config) any { return c.Ignored },
			want: []string{"litellm_settings.success_callback"},
		},
		{
			name:    "bad number not quoted",
			file:    "router_settings: {num_retries: os.environ/SECRET}",
			wantErr: "line 1: router_settings.num_retries: want an integer, got the value of SECRET",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(tt.file, env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, tt.get(c)); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
		})
	}
}
