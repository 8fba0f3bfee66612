package sso

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

func TestFinishRefuses(t *testing.T) {
	const stateTTL = 20 * time.Minute // longer than mockoidc's id_tokens live
	aud := func(a ...string) func(*jwt.RegisteredClaims) {
		return func(c *jwt.RegisteredClaims) { c.Audience = a }
	}
	tests := []struct {
		name   string
		user   func(m *mockoidc.MockOIDC) mockoidc.User
		mw     []func(http.Handler) http.Handler
		config func(*Config)
		later  time.Duration // how far the gateway's clock moves before Finish
		bend   func(st *State, code *string, other State)
		want   error
	}{{
		name: "state of another login",
		bend: func(st *State, _ *string, other State) { *st = other },
		want: ErrDenied, // its verifier does not match the challenge
	}, {
		name: "wrong nonce",
		bend: func(st *State, _ *string, other State) { st.Nonce = other.Nonce },
		want: ErrInvalidResponse,
	}, {
		name: "wrong PKCE verifier",
		bend: func(st *State, _ *string, other State) { st.Verifier = other.Verifier },
		want: ErrDenied,
	}, {
		name: "unknown code",
		bend: func(_ *State, code *string, _ State) { *code = "forged" },
		want: ErrDenied,
	}, {
		name:  "expired id_token",
		later: 11 * time.Minute, // mockoidc tokens live 10 minutes
		want:  ErrInvalidResponse,
	}, {
		name:  "expired login",
		later: stateTTL + time.Second,
		want:  ErrExpired,
	}, {
		name: "id_token for another client",
		user: func(*mockoidc.MockOIDC) mockoidc.User {
			return testUser{MockUser: mockoidc.DefaultUser(), edit: aud("other-client")}
		},
		want: ErrInvalidResponse,
	}, {
		name: "id_token for several audiences without azp",
		user: func(m *mockoidc.MockOIDC) mockoidc.User {
			return testUser{MockUser: mockoidc.DefaultUser(), edit: aud(m.ClientID, "other-client")}
		},
		want: ErrInvalidResponse,
	}, {
		name: "id_token from another issuer",
		user: func(*mockoidc.MockOIDC) mockoidc.User {
			return testUser{MockUser: mockoidc.DefaultUser(),
				edit: func(c *jwt.RegisteredClaims) { c.Issuer = "https://evil.example" }}
		},
		want: ErrInvalidResponse,
	}, {
		name: "tampered id_token",
		mw:   []func(http.Handler) http.Handler{rewrite(mockoidc.TokenEndpoint, tamper)},
		want: ErrInvalidResponse,
	}, {
		name: "no id_token",
		mw: []func(http.Handler) http.Handler{rewrite(mockoidc.TokenEndpoint,
			func(b map[string]any) { delete(b, "id_token") })},
		want: ErrInvalidResponse,
	}, {
		name:   "wrong client secret",
		config: func(c *Config) { c.ClientSecret = "wrong" },
		want:   ErrMisconfigured,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockOIDC(t, tt.mw...)
			cfg := mockConfig(m)
			if tt.config != nil {
				tt.config(cfg)
			}
			clock := newFakeClock()
			clock.t = time.Now()
			p, err := NewProvider(t.Context(), cfg, Options{Now: clock.Now, StateTTL: stateTTL})
			if err != nil {
				t.Fatal(err)
			}
			if tt.user != nil {
				m.QueueUser(tt.user(m))
			}
			st, code := login(t, p, clock.Now())
			_, other, _ := p.Start(clock.Now())
			if tt.bend != nil {
				tt.bend(&st, &code, other)
			}
			clock.Advance(tt.later)

			id, err := finish(t, p, st, code)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Finish = %+v, %v; want %v", id, err, tt.want)
			}
			if strings.Contains(err.Error(), string(cfg.ClientSecret)) {
				t.Errorf("error shows the client secret: %v", err)
			}
			t.Log(err)
			if msg := Message(err); strings.Contains(msg, "oidc") || strings.Contains(msg, "oauth2") {
				t.Errorf("Message(%v) = %q leaks detail", err, msg)
			}
		})
	}
}

// tamper changes the id_token's payload and keeps its signature.
func tamper(body map[string]any) {
	raw, _ := body["id_token"].(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = []byte(strings.Replace(string(payload), `"sub":"1234567890"`, `"sub":"0000000001"`, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	body["id_token"] = strings.Join(parts, ".")
}

func TestFinishUsesCodeOnce(t *testing.T) {
	m := newMockOIDC(t)
	p := newTestProvider(t, mockConfig(m), nil)
	st, code := login(t, p, time.Now())
	if _, err := finish(t, p, st, code); err != nil {
		t.Fatalf("first Finish: %v", err)
	}
	if _, err := finish(t, p, st, code); !errors.Is(err, ErrDenied) {
		t.Errorf("second Finish: %v, want ErrDenied", err)
	}
}

func TestFinishProviderDown(t *testing.T) {
	m := newMockOIDC(t)
	p := newTestProvider(t, mockConfig(m), nil)
	st, code := login(t, p, time.Now())
	// x/oauth2 tries both ways of sending the client secret on its first
	// token request, so the failure must come twice.
	for range 2 {
		m.QueueError(&mockoidc.ServerError{
			Code: http.StatusServiceUnavailable, Error: "temporarily_unavailable"})
	}
	if _, err := finish(t, p, st, code); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Finish with the token endpoint failing: %v, want ErrUnavailable", err)
	}
	m.Shutdown()
	if _, err := finish(t, p, st, code); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Finish with the provider gone: %v, want ErrUnavailable", err)
	}
}

func TestFinishCompletesFromUserInfo(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want error
	}{
		{"adds missing claims", func(b map[string]any) { b["name"] = "Jane Doe" }, nil},
		{"other subject", func(b map[string]any) { b["sub"] = "someone-else" }, ErrInvalidResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockOIDC(t, rewrite(mockoidc.UserinfoEndpoint, tt.edit))
			p := newTestProvider(t, mockConfig(m), nil) // wants "name", absent from the id_token
			st, code := login(t, p, time.Now())
			id, err := finish(t, p, st, code)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Finish: %v, want %v", err, tt.want)
			}
			if err == nil && id.Name != "Jane Doe" {
				t.Errorf("Name = %q, want it from userinfo", id.Name)
			}
		})
	}
}
