package clilogin_test

import (
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/sso"
)

func TestNewChecksOptions(t *testing.T) {
	e := newTestServer(t)
	local, err := sso.NewLocalAuth(func(string) (string, bool) { return "", false }, "sk-master",
		sso.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ok := clilogin.Options{Store: e.store, Signer: e.signer, Secret: testSecret, Local: local,
		Enabled: true}
	var noProvider *sso.Provider // as when no provider is configured
	var noConfig *sso.Config
	const noMethod = "no identity provider or local login"
	tests := []struct {
		name string
		edit func(o *clilogin.Options)
		err  string
	}{
		{"valid", func(*clilogin.Options) {}, ""},
		{"disabled without login method", func(o *clilogin.Options) {
			o.Local, o.Enabled = nil, false
		}, ""},
		{"no store", func(o *clilogin.Options) { o.Store = nil }, "a store and a signer are required"},
		{"no signer", func(o *clilogin.Options) { o.Signer = nil }, "a store and a signer are required"},
		{"no secret", func(o *clilogin.Options) { o.Secret = "" }, "a secret is required"},
		{"no login method", func(o *clilogin.Options) { o.Local = nil }, noMethod},
		{"typed nil provider is none", func(o *clilogin.Options) {
			o.Provider, o.Policy, o.Local = noProvider, noConfig, nil
		}, noMethod},
		{"relative public URL", func(o *clilogin.Options) { o.PublicURL = "gw.example" },
			"want an absolute http or https URL"},
		{"negative TTL", func(o *clilogin.Options) { o.TokenTTL = -1 }, "negative token lifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			_, err := clilogin.New(o)
			if tt.err == "" && err != nil ||
				tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("New = %v, want %q", err, tt.err)
			}
		})
	}
}
