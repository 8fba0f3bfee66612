package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMasterKey(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		env      map[string]string
		wantKey  string
		wantSalt string
		wantErr  string
	}{
		{name: "none"},
		{
			name:    "from file",
			file:    "general_settings: {master_key: sk-file}",
			wantKey: "sk-file", wantSalt: "sk-file",
		},
		{
			name:    "from environment",
			env:     map[string]string{"LITELLM_MASTER_KEY": "sk-env"},
			wantKey: "sk-env", wantSalt: "sk-env",
		},
		{
			name:    "file wins",
			file:    "general_settings: {master_key: sk-file}",
			env:     map[string]string{"LITELLM_MASTER_KEY": "sk-env"},
			wantKey: "sk-file", wantSalt: "sk-file",
		},
		{
			name:    "null in file uses environment",
			file:    "general_settings: {master_key: null}",
			env:     map[string]string{"LITELLM_MASTER_KEY": "sk-env"},
			wantKey: "sk-env", wantSalt: "sk-env",
		},
		{
			name: "empty environment is unset",
			env:  map[string]string{"LITELLM_MASTER_KEY": ""},
		},
		{
			name:    "reference",
			file:    "general_settings: {master_key: os.environ/MK}",
			env:     map[string]string{"MK": "sk-ref"},
			wantKey: "sk-ref", wantSalt: "sk-ref",
		},
		{
			name:     "salt key",
			file:     "general_settings: {master_key: sk-file}",
			env:      map[string]string{"LITELLM_SALT_KEY": "salt"},
			wantKey:  "sk-file",
			wantSalt: "salt",
		},
		{
			name:    "bad prefix in file",
			file:    "general_settings: {master_key: hunter2}",
			wantErr: `line 1: general_settings.master_key: must start with "sk-"`,
		},
		{
			name:    "empty in file",
			file:    `general_settings: {master_key: ""}`,
			wantErr: `line 1: general_settings.master_key: must start with "sk-"`,
		},
		{
			name:    "empty reference",
			file:    "general_settings: {master_key: os.environ/MK}",
			env:     map[string]string{"MK": ""},
			wantErr: `line 1: general_settings.master_key: must start with "sk-"`,
		},
		{
			name:    "bad prefix in environment",
			env:     map[string]string{"LITELLM_MASTER_KEY": "hunter2"},
			wantErr: `LITELLM_MASTER_KEY: must start with "sk-"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(tt.file, tt.env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if c.GeneralSettings.MasterKey != tt.wantKey || c.SaltKey != tt.wantSalt {
				t.Errorf("master key %q, salt key %q; want %q, %q",
					c.GeneralSettings.MasterKey, c.SaltKey, tt.wantKey, tt.wantSalt)
			}
		})
	}
}

func TestDatabaseURL(t *testing.T) {
	const fileURL = "postgresql://u:p@file/db"
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "none"},
		{name: "from file", file: "general_settings: {database_url: '" + fileURL + "'}", want: fileURL},
		{
			name: "from environment",
			env:  map[string]string{"DATABASE_URL": "postgres://env/db"},
			want: "postgres://env/db",
		},
		{
			name: "file wins",
			file: "general_settings: {database_url: '" + fileURL + "'}",
			env:  map[string]string{"DATABASE_URL": "postgres://env/db"},
			want: fileURL,
		},
		{
			name:    "not postgres",
			env:     map[string]string{"DATABASE_URL": "mysql://u:p@h/db"},
			wantErr: "DATABASE_URL: want a postgres:// or postgresql:// URL",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(tt.file, tt.env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err == nil && c.GeneralSettings.DatabaseURL != tt.want {
				t.Errorf("DatabaseURL = %q, want %q", c.GeneralSettings.DatabaseURL, tt.want)
			}
		})
	}
}

// TestRouterMerge checks that router_settings wins over litellm_settings,
// which wins over the defaults.
func TestRouterMerge(t *testing.T) {
	defaults := RouterSettings{
		RoutingStrategy: DefaultRoutingStrategy, NumRetries: DefaultNumRetries,
		Timeout: DefaultTimeout, AllowedFails: DefaultAllowedFails,
		CooldownTime: DefaultCooldownTime, RedisPort: DefaultRedisPort,
	}
	with := func(f func(*RouterSettings)) RouterSettings {
		s := defaults
		f(&s)
		return s
	}
	const models = "model_list: [{model_name: a, litellm_params: {model: openai/a}}, " +
		"{model_name: b, litellm_params: {model: openai/b}}]\n"
	tests := []struct {
		name string
		file string
		env  map[string]string
		want RouterSettings
	}{
		{name: "defaults", want: defaults},
		{
			name: "litellm_settings",
			file: "litellm_settings: {num_retries: 0, request_timeout: 30, allowed_fails: 1, " +
				"cooldown_time: 60, fallbacks: [{a: [b]}]}",
			want: with(func(s *RouterSettings) {
				s.NumRetries, s.Timeout, s.AllowedFails, s.CooldownTime = 0, 30, 1, 60
				s.Fallbacks = []map[string][]string{{"a": {"b"}}}
			}),
		},
		{
			name: "router_settings wins",
			file: "litellm_settings: {num_retries: 1, request_timeout: 30, fallbacks: [{a: [b]}]}\n" +
				"router_settings: {num_retries: 5, timeout: 10, fallbacks: [{b: [a]}]}",
			want: with(func(s *RouterSettings) {
				s.NumRetries, s.Timeout = 5, 10
				s.Fallbacks = []map[string][]string{{"b": {"a"}}}
			}),
		},
		{
			name: "redis from environment",
			env:  map[string]string{"REDIS_HOST": "r", "REDIS_PORT": "7000", "REDIS_PASSWORD": "pw"},
			want: with(func(s *RouterSettings) {
				s.RedisHost, s.RedisPort, s.RedisPassword = "r", 7000, "pw"
			}),
		},
		{
			name: "redis from file",
			file: "router_settings: {redis_host: f, redis_port: 7001}",
			env:  map[string]string{"REDIS_HOST": "r", "REDIS_PORT": "7000"},
			want: with(func(s *RouterSettings) { s.RedisHost, s.RedisPort = "f", 7001 }),
		},
		{
			name: "redis from file through the environment",
			file: "router_settings: {redis_host: os.environ/RH, redis_port: os.environ/RP, " +
				"redis_password: os.environ/RPW}",
			env: map[string]string{"RH": "h", "RP": "7002", "RPW": "pw"},
			want: with(func(s *RouterSettings) {
				s.RedisHost, s.RedisPort, s.RedisPassword = "h", 7002, "pw"
			}),
		},
		{
			name: "redis URL from environment",
			env:  map[string]string{"REDIS_URL": "redis://:pw@r:7000/1", "REDIS_HOST": "h"},
			want: with(func(s *RouterSettings) {
				s.RedisURL, s.RedisHost = "redis://:pw@r:7000/1", "h"
			}),
		},
		{
			name: "redis URL from file",
			file: "router_settings: {redis_url: os.environ/URL}",
			env:  map[string]string{"URL": "rediss://r:7000", "REDIS_URL": "redis://other"},
			want: with(func(s *RouterSettings) { s.RedisURL = "rediss://r:7000" }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(models+tt.file, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.RouterSettings); diff != "" {
				t.Errorf("RouterSettings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRedisProblems checks that a Redis setting that cannot locate a
// server stops the gateway, naming the key or variable at fault.
func TestRedisProblems(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		wantErr string
	}{
		{
			name:    "port out of range",
			file:    "router_settings: {redis_host: r, redis_port: 70000}",
			wantErr: "line 1: router_settings.redis_port: want a port between 1 and 65535",
		},
		{
			name:    "port not a number",
			file:    "router_settings: {redis_host: r, redis_port: six}",
			wantErr: `line 1: router_settings.redis_port: want an integer, got "six"`,
		},
		{
			name: "port from the environment not a number",
			file: "router_settings: {redis_host: r, redis_port: os.environ/RP}",
			env:  map[string]string{"RP": "six"},
			wantErr: "line 1: router_settings.redis_port: want an integer, " +
				"got the value of RP",
		},
		{
			name:    "REDIS_PORT not a port",
			env:     map[string]string{"REDIS_HOST": "r", "REDIS_PORT": "0"},
			wantErr: "REDIS_PORT: want a port between 1 and 65535",
		},
		{
			name:    "URL of another scheme",
			file:    "router_settings: {redis_url: 'http://r:6379'}",
			wantErr: "line 1: router_settings.redis_url: want a redis://, rediss:// or unix:// URL",
		},
		{
			name:    "URL port out of range",
			file:    "router_settings: {redis_url: 'redis://r:70000'}",
			wantErr: "line 1: router_settings.redis_url: want a port between 1 and 65535 in the URL",
		},
		{
			name:    "REDIS_URL not a URL",
			env:     map[string]string{"REDIS_URL": "r:6379"},
			wantErr: "REDIS_URL: want a redis://, rediss:// or unix:// URL",
		},
		{
			name:    "unset reference",
			file:    "router_settings: {redis_url: os.environ/UNSET}",
			wantErr: "line 1: router_settings.redis_url: environment variable UNSET is not set",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseString(tt.file, tt.env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFallbackSettings(t *testing.T) {
	const models = "model_list: [{model_name: a, litellm_params: {model: openai/a}}, " +
		"{model_name: b, litellm_params: {model: openai/b}}]\n"
	type want struct {
		ContentPolicy []map[string][]string
		Default       []string
	}
	tests := []struct {
		name    string
		file    string
		want    want
		wantErr string
	}{
		{name: "unset"},
		{
			name: "litellm_settings",
			file: "litellm_settings: {default_fallbacks: [b], content_policy_fallbacks: [{a: [b]}]}",
			want: want{ContentPolicy: []map[string][]string{{"a": {"b"}}}, Default: []string{"b"}},
		},
		{
			name: "router_settings wins",
			file: "litellm_settings: {default_fallbacks: [b], content_policy_fallbacks: [{a: [b]}]}\n" +
				"router_settings: {default_fallbacks: [a], content_policy_fallbacks: [{b: [a]}]}",
			want: want{ContentPolicy: []map[string][]string{{"b": {"a"}}}, Default: []string{"a"}},
		},
		{
			// An empty list keeps refusals from falling back at all.
			name: "empty content policy list is set",
			file: "litellm_settings: {content_policy_fallbacks: []}",
			want: want{ContentPolicy: []map[string][]string{}},
		},
		{
			name:    "default_fallbacks not a list",
			file:    "litellm_settings: {default_fallbacks: b}",
			wantErr: "line 2: litellm_settings.default_fallbacks: want a list, got a string",
		},
		{
			name:    "default_fallbacks of mappings",
			file:    "router_settings: {default_fallbacks: [{a: [b]}]}",
			wantErr: "line 2: router_settings.default_fallbacks[0]: want a string, got a mapping",
		},
		{
			name: "default_fallbacks unknown model",
			file: "litellm_settings: {default_fallbacks: [c]}",
			wantErr: `line 2: litellm_settings.default_fallbacks[0]: ` +
				`unknown model "c" (not a model_name in model_list)`,
		},
		{
			name:    "content_policy_fallbacks not a list",
			file:    "litellm_settings: {content_policy_fallbacks: {a: [b]}}",
			wantErr: "line 2: litellm_settings.content_policy_fallbacks: want a list, got a mapping",
		},
		{
			name:    "content_policy_fallbacks entry not a list",
			file:    "router_settings: {content_policy_fallbacks: [{a: b}]}",
			wantErr: "line 2: router_settings.content_policy_fallbacks[0].a: want a list, got a string",
		},
		{
			name: "content_policy_fallbacks unknown model",
			file: "router_settings: {content_policy_fallbacks: [{c: [a]}]}",
			wantErr: `line 2: router_settings.content_policy_fallbacks[0].c: ` +
				`unknown model "c" (not a model_name in model_list)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseString(models+tt.file, nil)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			// cmp tells nil from empty, as the router must.
			s := c.RouterSettings
			if diff := cmp.Diff(tt.want, want{s.ContentPolicyFallbacks, s.DefaultFallbacks}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(c.Ignored) > 0 {
				t.Errorf("Ignored = %v, want none", c.Ignored)
			}
		})
	}
}

func TestSpendLogSettings(t *testing.T) {
	cfg, err := parseString("general_settings: {disable_spend_logs: true, disable_error_logs: True}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.GeneralSettings.DisableSpendLogs || !cfg.GeneralSettings.DisableErrorLogs {
		t.Errorf("general_settings = %+v, want both spend log switches on", cfg.GeneralSettings)
	}
	cfg, err = parseString("model_list: []", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GeneralSettings.DisableSpendLogs || cfg.GeneralSettings.DisableErrorLogs {
		t.Error("spend logs off by default")
	}
	_, err = parseString("general_settings: {disable_spend_logs: sometimes}", nil)
	if err == nil || !strings.Contains(err.Error(), "general_settings.disable_spend_logs") {
		t.Errorf("error = %v, want one naming general_settings.disable_spend_logs", err)
	}
}

func TestCheckProviderEndpoint(t *testing.T) {
	cfg, err := parseString("litellm_settings: {check_provider_endpoint: true}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.LitellmSettings.CheckProviderEndpoint || len(cfg.Ignored) > 0 {
		t.Errorf("check_provider_endpoint = %v, ignored %q; want it on and used",
			cfg.LitellmSettings.CheckProviderEndpoint, cfg.Ignored)
	}
	if cfg, err = parseString("model_list: []", nil); err != nil || cfg.LitellmSettings.CheckProviderEndpoint {
		t.Errorf("off by default: %v, %v", cfg.LitellmSettings.CheckProviderEndpoint, err)
	}
	_, err = parseString("litellm_settings: {check_provider_endpoint: maybe}", nil)
	if err == nil || !strings.Contains(err.Error(), "litellm_settings.check_provider_endpoint") {
		t.Errorf("error = %v, want one naming litellm_settings.check_provider_endpoint", err)
	}
}
