package sso

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const redirect = "https://gw.example.com/sso/callback"

func TestFromEnv(t *testing.T) {
	defaultClaims := ClaimNames{UserID: "sub", Email: "email", Name: "name", Groups: "groups"}
	defaultPolicy := Policy{DefaultRole: "internal_user"}
	tests := []struct {
		name string
		env  map[string]string
		want *Config
	}{{
		name: "nothing set",
		env:  map[string]string{"UI_USERNAME": "admin", "GENERIC_CLIENT_ID": ""},
	}, {
		name: "generic with explicit endpoints",
		env: map[string]string{
			"GENERIC_CLIENT_ID":              "gw",
			"GENERIC_CLIENT_SECRET":          "s3cret",
			"GENERIC_AUTHORIZATION_ENDPOINT": "https://idp.example.com/authorize",
			"GENERIC_TOKEN_ENDPOINT":         "https://idp.example.com/token",
			"GENERIC_USERINFO_ENDPOINT":      "https://idp.example.com/userinfo",
			"GENERIC_SCOPE":                  "read:user  user:email",
			"GENERIC_INCLUDE_CLIENT_ID":      "True",
			"GENERIC_USER_ID_ATTRIBUTE":      "id",
		},
		want: &Config{
			Name: Generic, ClientID: "gw", ClientSecret: "s3cret", RedirectURL: redirect,
			Scopes:          []string{"read:user", "user:email"},
			AuthURL:         "https://idp.example.com/authorize",
			TokenURL:        "https://idp.example.com/token",
			UserInfoURL:     "https://idp.example.com/userinfo",
			IncludeClientID: true,
			Claims:          ClaimNames{UserID: "id", Email: "email", Name: "name", Groups: "groups"},
			Policy:          defaultPolicy,
		},
	}, {
		name: "generic with an issuer and a policy",
		env: map[string]string{
			"GENERIC_CLIENT_ID":                   "gw",
			"GENERIC_CLIENT_SECRET":               "s3cret",
			"GENERIC_ISSUER_URL":                  "https://sso.example.com/realms/ai/",
			"GENERIC_USER_EMAIL_ATTRIBUTE":        "mail",
			"GENERIC_USER_DISPLAY_NAME_ATTRIBUTE": "display_name",
			"GENERIC_USER_ROLE_ATTRIBUTE":         "litellm_role",
			"GENERIC_ROLE_MAPPINGS_GROUP_CLAIM":   "realm_access.roles",
			"GENERIC_ROLE_MAPPINGS_ROLES":         `{"proxy_admin": ["admins", "platform"]}`,
			"GENERIC_ROLE_MAPPINGS_DEFAULT_ROLE":  "internal_user_viewer",
			"ALLOWED_EMAIL_DOMAINS":               "Example.com, @example.org",
			"SSO_TEAM_GROUPS":                     "ml:team_ml, infra",
			"PROXY_ADMIN_ID":                      "root",
		},
		want: &Config{
			Name: Generic, ClientID: "gw", ClientSecret: "s3cret", RedirectURL: redirect,
			Scopes:    []string{"openid", "email", "profile"},
			IssuerURL: "https://sso.example.com/realms/ai/",
			Claims: ClaimNames{UserID: "sub", Email: "mail", Name: "display_name",
				Groups: "realm_access.roles", Role: "litellm_role"},
			Policy: Policy{
				AllowedDomains: []string{"example.com", "example.org"},
				DefaultRole:    "internal_user_viewer",
				AdminUserID:    "root",
				RoleGroups:     map[string][]string{"proxy_admin": {"admins", "platform"}},
				TeamGroups:     map[string]string{"ml": "team_ml", "infra": "infra"},
			},
		},
	}, {
		name: "google",
		env: map[string]string{
			"GOOGLE_CLIENT_ID": "gw.apps.googleusercontent.com", "GOOGLE_CLIENT_SECRET": "s3cret",
			"SSO_TEAM_GROUPS": "*",
		},
		want: &Config{
			Name: Google, ClientID: "gw.apps.googleusercontent.com", ClientSecret: "s3cret",
			RedirectURL: redirect, Scopes: []string{"openid", "email", "profile"},
			IssuerURL: "https://accounts.google.com",
			Claims:    defaultClaims,
			Policy:    Policy{DefaultRole: "internal_user", AllGroupsAreTeams: true},
		},
	}, {
		name: "microsoft with a tenant id",
		env: map[string]string{
			"MICROSOFT_CLIENT_ID": "app", "MICROSOFT_CLIENT_SECRET": "s3cret",
			"MICROSOFT_TENANT":            "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
			"SSO_TEAM_GROUPS":             `{"cn=ml,ou=groups": "team_ml"}`,
			"GENERIC_ROLE_MAPPINGS_ROLES": `{"proxy_admin_viewer": ["auditors"]}`,
		},
		want: &Config{
			Name: Microsoft, ClientID: "app", ClientSecret: "s3cret", RedirectURL: redirect,
			Scopes:    []string{"openid", "email", "profile"},
			IssuerURL: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
			Tenant:    "72f988bf-86f1-41af-91ab-2d7cd011db47",
			Claims:    ClaimNames{UserID: "oid", Email: "preferred_username", Name: "name", Groups: "groups"},
			Policy: Policy{DefaultRole: "internal_user",
				RoleGroups: map[string][]string{"proxy_admin_viewer": {"auditors"}},
				TeamGroups: map[string]string{"cn=ml,ou=groups": "team_ml"}},
		},
	}, {
		name: "microsoft in every tenant, limited by domain",
		env: map[string]string{
			"MICROSOFT_CLIENT_ID": "app", "MICROSOFT_CLIENT_SECRET": "s3cret",
			"ALLOWED_EMAIL_DOMAINS": "contoso.com",
		},
		want: &Config{
			Name: Microsoft, ClientID: "app", ClientSecret: "s3cret", RedirectURL: redirect,
			Scopes:    []string{"openid", "email", "profile"},
			IssuerURL: "https://login.microsoftonline.com/common/v2.0",
			Tenant:    "common",
			Claims:    ClaimNames{UserID: "oid", Email: "preferred_username", Name: "name", Groups: "groups"},
			Policy:    Policy{DefaultRole: "internal_user", AllowedDomains: []string{"contoso.com"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromEnv(mapEnv(tt.env), redirect)
			if err != nil {
				t.Fatalf("FromEnv: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Config{}, "Warnings"),
				cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromEnvWarnings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // a substring of each warning, in order
	}{{
		name: "LiteLLM settings that would weaken the login",
		env: map[string]string{
			"GENERIC_CLIENT_ID": "gw", "GENERIC_CLIENT_SECRET": "s3cret",
			"GENERIC_ISSUER_URL":      "http://keycloak:8080/realms/ai",
			"GENERIC_CLIENT_USE_PKCE": "false",
			"GENERIC_CLIENT_STATE":    "fixed",
			"GENERIC_SSO_HEADERS":     "X-Key=abc",
		},
		want: []string{"GENERIC_ISSUER_URL uses plain http", "GENERIC_CLIENT_USE_PKCE",
			"GENERIC_CLIENT_STATE", "GENERIC_SSO_HEADERS is not supported"},
	}, {
		name: "several providers, any Microsoft tenant",
		env: map[string]string{
			"MICROSOFT_CLIENT_ID": "app", "MICROSOFT_CLIENT_SECRET": "s3cret",
			"GENERIC_CLIENT_ID": "gw", "MICROSOFT_USER_EMAIL_ATTRIBUTE": "mail",
		},
		want: []string{"several SSO providers are set (microsoft, generic); using microsoft",
			"MICROSOFT_TENANT=common admits accounts of every Microsoft tenant",
			"MICROSOFT_USER_EMAIL_ATTRIBUTE is not supported"},
	}, {
		name: "loopback http is fine",
		env: map[string]string{
			"GENERIC_CLIENT_ID": "gw", "GENERIC_CLIENT_SECRET": "s3cret",
			"GENERIC_ISSUER_URL": "http://127.0.0.1:5556/dex",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(mapEnv(tt.env), redirect)
			if err != nil {
				t.Fatalf("FromEnv: %v", err)
			}
			if len(c.Warnings) != len(tt.want) {
				t.Fatalf("warnings %q, want %d", c.Warnings, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(c.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to say %q", i, c.Warnings[i], w)
				}
			}
		})
	}
}

func TestFromEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // every variable the error must name
	}{{
		name: "client id without secret",
		env:  map[string]string{"GOOGLE_CLIENT_ID": "gw"},
		want: []string{"GOOGLE_CLIENT_SECRET"},
	}, {
		name: "secret without client id",
		env:  map[string]string{"GENERIC_CLIENT_SECRET": "s3cret"},
		want: []string{"GENERIC_CLIENT_ID"},
	}, {
		name: "no endpoints and no issuer",
		env:  map[string]string{"GENERIC_CLIENT_ID": "gw", "GENERIC_CLIENT_SECRET": "s3cret"},
		want: []string{"GENERIC_AUTHORIZATION_ENDPOINT", "GENERIC_TOKEN_ENDPOINT", "GENERIC_USERINFO_ENDPOINT"},
	}, {
		name: "everything wrong at once",
		env: map[string]string{
			"GENERIC_CLIENT_ID": "gw", "GENERIC_CLIENT_SECRET": "s3cret",
			"GENERIC_ISSUER_URL":                 "idp.example.com",
			"GENERIC_TOKEN_ENDPOINT":             "ftp://idp.example.com/s3cret",
			"GENERIC_SCOPE":                      "email",
			"GENERIC_INCLUDE_CLIENT_ID":          "maybe",
			"GENERIC_ROLE_MAPPINGS_ROLES":        `{"god": ["all"]}`,
			"GENERIC_ROLE_MAPPINGS_DEFAULT_ROLE": "admin",
			"SSO_TEAM_GROUPS":                    "a:b,:c",
		},
		want: []string{"GENERIC_ISSUER_URL", "GENERIC_TOKEN_ENDPOINT", "GENERIC_INCLUDE_CLIENT_ID",
			"GENERIC_ROLE_MAPPINGS_ROLES", "GENERIC_ROLE_MAPPINGS_DEFAULT_ROLE", "SSO_TEAM_GROUPS"},
	}, {
		name: "scope without openid",
		env: map[string]string{"GENERIC_CLIENT_ID": "gw", "GENERIC_CLIENT_SECRET": "s3cret",
			"GENERIC_ISSUER_URL": "https://idp.example.com", "GENERIC_SCOPE": "email profile"},
		want: []string{"GENERIC_SCOPE"},
	}, {
		name: "unknown tenant format",
		env: map[string]string{"MICROSOFT_CLIENT_ID": "app", "MICROSOFT_CLIENT_SECRET": "s3cret",
			"MICROSOFT_TENANT": "contoso"},
		want: []string{"MICROSOFT_TENANT"},
	}, {
		name: "role mappings not JSON",
		env: map[string]string{"GOOGLE_CLIENT_ID": "gw", "GOOGLE_CLIENT_SECRET": "s3cret",
			"GENERIC_USER_ROLE_MAPPINGS": "{'proxy_admin': ['admins']}"},
		want: []string{"GENERIC_USER_ROLE_MAPPINGS"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(mapEnv(tt.env), redirect)
			if err == nil {
				t.Fatalf("FromEnv = %+v, want an error", c)
			}
			for _, name := range tt.want {
				if !strings.Contains(err.Error(), name+":") {
					t.Errorf("error does not name %s:\n%v", name, err)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows a secret value:\n%v", err)
			}
		})
	}
	if _, err := FromEnv(mapEnv(map[string]string{"GOOGLE_CLIENT_ID": "gw",
		"GOOGLE_CLIENT_SECRET": "s3cret"}), "/sso/callback"); err == nil {
		t.Error("FromEnv with a relative redirect URL: no error")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c := Config{ClientID: "gw", ClientSecret: "s3cret"}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("config", "secret", c.ClientSecret, "config", c)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c.ClientSecret), log.String()} {
		if strings.Contains(out, "s3cret") {
			t.Errorf("secret printed: %s", out)
		}
	}
}
