package testenv

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/go-cmp/cmp"
)

// TestDex checks that Dex serves its discovery document for the issuer
// that DexServer names, with the endpoints the gateway's login uses.
func TestDex(t *testing.T) {
	d := Dex(t, DexOptions{RedirectURIs: []string{"http://127.0.0.1:4000/sso/callback"}})

	resp, err := http.Get(d.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer string   `json:"issuer"`
		Auth   string   `json:"authorization_endpoint"`
		Token  string   `json:"token_endpoint"`
		Device string   `json:"device_authorization_endpoint"`
		Scopes []string `json:"scopes_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}

	want := d.OAuth2Config("").Endpoint
	if doc.Issuer != d.Issuer || doc.Auth != want.AuthURL || doc.Token != want.TokenURL {
		t.Errorf("discovery names issuer %s, endpoints %s and %s; want %s, %s and %s",
			doc.Issuer, doc.Auth, doc.Token, d.Issuer, want.AuthURL, want.TokenURL)
	}
	if doc.Device == "" {
		t.Error("discovery has no device_authorization_endpoint")
	}
	if !slices.Contains(doc.Scopes, "groups") {
		t.Errorf("scopes_supported = %v, want groups among them", doc.Scopes)
	}
	if d.ClientID != "gateway" || d.ClientSecret != "gateway-secret" {
		t.Errorf("client = %s/%s, want gateway/gateway-secret", d.ClientID, d.ClientSecret)
	}
}

// TestDexUsers checks the users' passwords, subjects and groups without a
// browser, through the password grant of Dex's local connector.
func TestDexUsers(t *testing.T) {
	bob := DexUser{
		Email:    "bob@example.com",
		Password: "bob-password",
		Username: "bob",
		Groups:   []string{"team-b", "admins"},
	}
	d := Dex(t, DexOptions{Users: []DexUser{DefaultDexUser, bob}})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, d.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: d.ClientID})
	conf := d.OAuth2Config("")

	for _, u := range []DexUser{DefaultDexUser, bob} {
		t.Run(u.Username, func(t *testing.T) {
			tok, err := conf.PasswordCredentialsToken(ctx, u.Email, u.Password)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := tok.Extra("id_token").(string)
			idToken, err := verifier.Verify(ctx, raw)
			if err != nil {
				t.Fatalf("verify id_token: %v", err)
			}
			var claims struct {
				Email  string   `json:"email"`
				Name   string   `json:"name"`
				Groups []string `json:"groups"`
			}
			if err := idToken.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			want := []string{u.Email, u.Username}
			got := []string{claims.Email, claims.Name}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("email and name (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(u.Groups, claims.Groups); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
			if idToken.Subject == "" {
				t.Error("id_token has no subject")
			}
		})
	}

	if _, err := conf.PasswordCredentialsToken(ctx, bob.Email, "wrong"); err == nil {
		t.Error("a wrong password got a token")
	}
}

func TestDexMissing(t *testing.T) {
	t.Chdir(t.TempDir()) // out of the module, away from bin/dex
	t.Setenv(DexBinEnv, "")
	t.Setenv("PATH", "")
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recorder{TB: t}
			if d := Dex(r, DexOptions{}); d != nil {
				t.Fatalf("Dex = %+v without a binary", d)
			}
			msg := r.skipped + r.failed
			for _, want := range []string{"Dex not available", "run scripts/build-dex.sh"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message = %q, want it to say %q", msg, want)
				}
			}
			if (ci == "true") != (r.failed != "") {
				t.Errorf("failed = %q with CI=%s", r.failed, ci)
			}
		})
	}
}

func TestDexBinEnvMissing(t *testing.T) {
	t.Setenv(DexBinEnv, filepath.Join(t.TempDir(), "dex"))
	_, err := dexBinary()
	if err == nil || !strings.Contains(err.Error(), DexBinEnv) {
		t.Errorf("dexBinary() error = %v, want one that names %s", err, DexBinEnv)
	}
}

func TestFreePort(t *testing.T) {
	port := FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listen on the free port %d: %v", port, err)
	}
	l.Close()
}
