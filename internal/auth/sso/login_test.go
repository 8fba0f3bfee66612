package sso

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oauth2-proxy/mockoidc"
)

func TestRoundTrip(t *testing.T) {
	m := newMockOIDC(t)
	p := newTestProvider(t, mockConfig(m), nil)

	authURL, st, err := p.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	for param, want := range map[string]string{
		"state":                 st.State,
		"nonce":                 st.Nonce,
		"code_challenge_method": "S256",
		"client_id":             m.ClientID,
		"redirect_uri":          testRedirect,
		"response_type":         "code",
	} {
		if got := q.Get(param); got != want {
			t.Errorf("authorization URL %s = %q, want %q", param, got, want)
		}
	}
	if q.Get("code_challenge") == "" || strings.Contains(authURL, st.Verifier) {
		t.Errorf("authorization URL must carry the challenge, never the verifier: %s", authURL)
	}
	for name, v := range map[string]string{"state": st.State, "nonce": st.Nonce, "verifier": st.Verifier} {
		if b, err := base64.RawURLEncoding.DecodeString(v); err != nil || len(b) < 16 {
			t.Errorf("%s %q: want at least 128 random bits", name, v)
		}
	}

	cb := browse(t, authURL)
	id, err := finish(t, p, st, cb.Get("code"))
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	want := &Identity{
		Provider:      Generic,
		Issuer:        m.Issuer(),
		Subject:       "1234567890",
		UserID:        "1234567890",
		Email:         "jane.doe@example.com",
		EmailVerified: true,
		Groups:        []string{"engineering", "design"},
	}
	if diff := cmp.Diff(want, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
}

func TestStartIsRandom(t *testing.T) {
	m := newMockOIDC(t)
	p := newTestProvider(t, mockConfig(m), nil)
	_, a, _ := p.Start(time.Now())
	_, b, _ := p.Start(time.Now())
	if a.State == b.State || a.Nonce == b.Nonce || a.Verifier == b.Verifier || a.Nonce == a.Verifier {
		t.Errorf("two logins share random values: %+v %+v", a, b)
	}
}

func TestStatePrefix(t *testing.T) {
	m := newMockOIDC(t)
	p := newTestProvider(t, mockConfig(m), nil)
	const prefix = "litellm-session-token:cli-4f2a"

	st, code := login(t, p, time.Now(), WithStatePrefix(prefix))
	if !strings.HasPrefix(st.State, prefix) || len(st.State) < len(prefix)+43 {
		t.Errorf("state %q: want %q and 256 random bits", st.State, prefix)
	}
	if _, err := finish(t, p, st, code); err != nil {
		t.Errorf("Finish: %v", err)
	}

	for _, bad := range []string{"has space", "a&b=c", strings.Repeat("x", 129)} {
		if _, _, err := p.Start(time.Now(), WithStatePrefix(bad)); err == nil {
			t.Errorf("Start(WithStatePrefix(%q)): no error", bad)
		}
	}
}

func TestNewProviderDiscovery(t *testing.T) {
	tests := []struct {
		name   string
		mw     []func(http.Handler) http.Handler
		issuer func(m *mockoidc.MockOIDC) string
		want   error
	}{{
		name: "issuer mismatch",
		mw: []func(http.Handler) http.Handler{rewrite(mockoidc.DiscoveryEndpoint,
			func(b map[string]any) { b["issuer"] = "https://evil.example" })},
		want: ErrMisconfigured,
	}, {
		name:   "no discovery document",
		issuer: func(m *mockoidc.MockOIDC) string { return m.Issuer() + "/other" },
		want:   ErrMisconfigured,
	}, {
		name:   "unreachable",
		issuer: func(*mockoidc.MockOIDC) string { return "http://127.0.0.1:1/oidc" },
		want:   ErrUnavailable,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockOIDC(t, tt.mw...)
			cfg := mockConfig(m)
			if tt.issuer != nil {
				cfg.IssuerURL = tt.issuer(m)
			}
			if _, err := NewProvider(t.Context(), cfg, Options{}); !errors.Is(err, tt.want) {
				t.Errorf("NewProvider: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStartUsesInjectedRandomness(t *testing.T) {
	m := newMockOIDC(t)
	entropy := bytes.Repeat([]byte{7}, 3*randomBytes)
	p, err := NewProvider(t.Context(), mockConfig(m), Options{Rand: bytes.NewReader(entropy)})
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := p.Start(time.Now())
	want := base64.RawURLEncoding.EncodeToString(entropy[:randomBytes])
	if err != nil || st.State != want || st.Nonce != want || st.Verifier != want {
		t.Errorf("Start = %+v, %v; want every value made of the injected bytes", st, err)
	}
	if _, _, err := p.Start(time.Now()); err == nil {
		t.Error("Start with the entropy exhausted: no error")
	}
}
