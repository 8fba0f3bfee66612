package sso

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/oauth2-proxy/mockoidc"
)

const (
	workTenant  = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	otherTenant = "11111111-2222-3333-4444-555555555555"
)

// TestMicrosoftTenants plays Entra with mockoidc: the discovery document
// of an alias announces a "{tenantid}" issuer template, and each id_token
// carries its tenant's issuer and "tid".
func TestMicrosoftTenants(t *testing.T) {
	tests := []struct {
		name      string
		tenant    string
		tid       string // the token's tid claim
		issTenant string // the tenant in the token's iss; "" keeps mockoidc's issuer
		want      error
	}{
		{"common admits a work account", "common", workTenant, workTenant, nil},
		{"organizations admits a work account", "organizations", workTenant, workTenant, nil},
		{"issuer of another tenant", "common", workTenant, otherTenant, ErrInvalidResponse},
		{"no tenant id", "common", "", workTenant, ErrInvalidResponse},
		{"organizations refuses personal accounts", "organizations",
			consumersTenant, consumersTenant, ErrInvalidResponse},
		{"consumers refuses work accounts", "consumers", workTenant, workTenant, ErrInvalidResponse},
		{"consumers admits personal accounts", "consumers", consumersTenant, consumersTenant, nil},
		{"one tenant id", workTenant, workTenant, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mw []func(http.Handler) http.Handler
			if multiTenant(tt.tenant) {
				mw = append(mw, rewrite(mockoidc.DiscoveryEndpoint, func(b map[string]any) {
					b["issuer"] = strings.Replace(b["issuer"].(string), "/oidc", "/{tenantid}/v2.0", 1)
				}))
			}
			m := newMockOIDC(t, mw...)
			cfg := mockConfig(m)
			cfg.Name, cfg.Tenant = Microsoft, tt.tenant
			cfg.Claims = ClaimNames{UserID: "oid", Email: "preferred_username", Name: "name", Groups: "groups"}
			p := newTestProvider(t, cfg, nil)

			issuer := m.Issuer()
			if tt.issTenant != "" {
				issuer = strings.Replace(issuer, "/oidc", "/"+tt.issTenant+"/v2.0", 1)
			}
			m.QueueUser(testUser{
				MockUser: mockoidc.DefaultUser(),
				edit:     func(c *jwt.RegisteredClaims) { c.Issuer = issuer },
				extra:    map[string]any{"tid": tt.tid, "oid": "oid-1", "preferred_username": "jane@contoso.com"},
			})
			st, code := login(t, p, time.Now())
			id, err := finish(t, p, st, code)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Finish: %v, want %v", err, tt.want)
			}
			if err != nil {
				t.Log(err)
				return
			}
			want := &Identity{Provider: Microsoft, Issuer: issuer, Subject: "1234567890", UserID: "oid-1",
				Email: "jane@contoso.com", EmailVerified: true, Groups: []string{"engineering", "design"}}
			if diff := cmp.Diff(want, id); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMicrosoftIssuer(t *testing.T) {
	const login = microsoftLogin
	const work = login + "/" + workTenant + "/v2.0"
	tests := []struct {
		name, tenant, discovered string
		want                     string
		wantErr                  bool
	}{
		{"alias", "common", login + "/{tenantid}/v2.0", "", false},
		{"alias without template", "organizations", login + "/" + workTenant + "/v2.0", "", true},
		{"tenant id", workTenant, work, work, false},
		{"tenant id, other announced", workTenant, login + "/" + otherTenant + "/v2.0", "", true},
		{"domain name", "contoso.com", work, work, false},
		{"domain name, other host", "contoso.com", "https://evil.example/" + workTenant + "/v2.0", "", true},
		{"domain name, other path", "contoso.com", login + "/" + workTenant + "/v1.0", "", true},
		{"domain name, no tenant id", "contoso.com", login + "/contoso.com/v2.0", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			configured := login + "/" + tt.tenant + "/v2.0"
			got, err := microsoftIssuer(configured, tt.discovered, tt.tenant)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("microsoftIssuer = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrMisconfigured) {
				t.Errorf("error %v does not wrap ErrMisconfigured", err)
			}
		})
	}
}

func TestValidTenant(t *testing.T) {
	for tenant, want := range map[string]bool{
		"common": true, "organizations": true, "consumers": true,
		workTenant: true, "contoso.onmicrosoft.com": true, "contoso.com": true,
		"contoso": false, "72f988bf-86f1-41af-91ab": false, "a/b.com": false,
		"contoso..com": false, "https://contoso.com": false,
	} {
		if got := validTenant(tenant); got != want {
			t.Errorf("validTenant(%q) = %v, want %v", tenant, got, want)
		}
	}
}

func TestMicrosoftEmail(t *testing.T) {
	tests := []struct {
		name   string
		claims claims
		email  string
		ok     bool
	}{
		{"sign-in name", claims{"preferred_username": "a@contoso.com", "email": "x@evil.example"},
			"a@contoso.com", true},
		{"upn of a v1.0 token", claims{"upn": "a@contoso.com"}, "a@contoso.com", true},
		{"phone number as sign-in name", claims{"preferred_username": "+15550100", "email": "a@contoso.com"},
			"a@contoso.com", false},
		{"email with domain verified", claims{"email": "a@contoso.com", "xms_edov": true},
			"a@contoso.com", true},
		{"nothing", claims{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email, ok := microsoftEmail(tt.claims, "preferred_username")
			if email != tt.email || ok != tt.ok {
				t.Errorf("microsoftEmail = %q, %v; want %q, %v", email, ok, tt.email, tt.ok)
			}
		})
	}
}
