package clilogin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
)

func TestSettings(t *testing.T) {
	const (
		flag  = "EXPERIMENTAL_UI_LOGIN"
		hours = "LITELLM_CLI_JWT_EXPIRATION_HOURS"
		older = "CLI_JWT_EXPIRATION_HOURS"
	)
	day := 24 * time.Hour
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		ttl     time.Duration
		err     string // substring; empty: no error
	}{
		{"unset", nil, false, day, ""},
		{"True", map[string]string{flag: "True"}, true, day, ""},
		{"1", map[string]string{flag: "1"}, true, day, ""},
		{"YES", map[string]string{flag: " YES "}, true, day, ""},
		{"on", map[string]string{flag: "on"}, true, day, ""},
		{"false", map[string]string{flag: "false"}, false, day, ""},
		{"12 hours", map[string]string{hours: "12"}, false, 12 * time.Hour, ""},
		{"fraction", map[string]string{hours: "0.5"}, false, 30 * time.Minute, ""},
		{"older name", map[string]string{older: "168"}, false, 168 * time.Hour, ""},
		{"new name wins", map[string]string{hours: "48", older: "1"}, false, 48 * time.Hour, ""},
		{"a year", map[string]string{hours: "8760"}, false, 8760 * time.Hour, ""},
		{"zero", map[string]string{hours: "0"}, false, 0,
			`LITELLM_CLI_JWT_EXPIRATION_HOURS="0": want more than 0 and at most 8760 hours`},
		{"negative", map[string]string{hours: "-1"}, false, 0, `LITELLM_CLI_JWT_EXPIRATION_HOURS="-1"`},
		{"not a number", map[string]string{hours: "abc"}, false, 0,
			`LITELLM_CLI_JWT_EXPIRATION_HOURS="abc": want a number of hours`},
		{"over a year", map[string]string{older: "8761"}, false, 0, `CLI_JWT_EXPIRATION_HOURS="8761"`},
		{"NaN", map[string]string{hours: "NaN"}, false, 0, "NaN"},
		{"Inf", map[string]string{hours: "+Inf"}, false, 0, "Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enabled, ttl, err := clilogin.Settings(func(k string) (string, bool) {
				v, ok := tt.env[k]
				return v, ok
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || enabled != tt.enabled || ttl != tt.ttl {
				t.Errorf("Settings = %v, %v, %v; want %v, %v",
					enabled, ttl, err, tt.enabled, tt.ttl)
			}
		})
	}
}
