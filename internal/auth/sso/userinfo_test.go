package sso

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeOAuth is a plain OAuth 2.0 provider without OpenID Connect, in the
// manner of GitHub: one client ("client", "secret"), PKCE S256 checked,
// identity at /userinfo.
type fakeOAuth struct {
	*httptest.Server
	mu        sync.Mutex
	challenge string
	tokenForm url.Values
	basicAuth bool
}

func newFakeOAuth(t *testing.T, userinfo http.HandlerFunc) *fakeOAuth {
	f := &fakeOAuth{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		f.challenge = q.Get("code_challenge")
		f.mu.Unlock()
		cb := url.Values{"code": {"code-1"}, "state": {q.Get("state")}}
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+cb.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, secret, basic := r.BasicAuth()
		if !basic {
			id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
		}
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		f.mu.Lock()
		defer f.mu.Unlock()
		f.tokenForm, f.basicAuth = r.Form, basic
		w.Header().Set("Content-Type", "application/json")
		switch {
		case id != "client" || secret != "secret":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
		case r.Form.Get("code") != "code-1" || base64.RawURLEncoding.EncodeToString(sum[:]) != f.challenge:
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
		default:
			w.Write([]byte(`{"access_token":"at-1","token_type":"bearer","expires_in":3600}`))
		}
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer at-1" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		userinfo(w, r)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeOAuth) config() *Config {
	return &Config{
		Name:         Generic,
		ClientID:     "client",
		ClientSecret: "secret",
		RedirectURL:  testRedirect,
		Scopes:       []string{"read:user"},
		AuthURL:      f.URL + "/authorize",
		TokenURL:     f.URL + "/token",
		UserInfoURL:  f.URL + "/userinfo",
		Claims:       ClaimNames{UserID: "id", Email: "email", Name: "name", Groups: "org.teams"},
	}
}

func jsonReply(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
}

func TestUserInfoLogin(t *testing.T) {
	tests := []struct {
		name     string
		userinfo http.HandlerFunc
		want     *Identity // Provider and Issuer are filled in
		err      error
	}{{
		name: "github-like profile",
		userinfo: jsonReply(`{"id": 12345678901234567, "login": "jane", "name": "Jane Doe",
			"email": "jane@example.com", "org": {"teams": ["ml", "infra"]}}`),
		want: &Identity{Subject: "12345678901234567", UserID: "12345678901234567",
			Email: "jane@example.com", Name: "Jane Doe", Groups: []string{"ml", "infra"}},
	}, {
		name:     "email_verified as a string",
		userinfo: jsonReply(`{"id": "u1", "email": "jane@example.com", "email_verified": "true"}`),
		want:     &Identity{Subject: "u1", UserID: "u1", Email: "jane@example.com", EmailVerified: true},
	}, {
		name:     "no user id",
		userinfo: jsonReply(`{"login": "jane"}`),
		err:      ErrMisconfigured,
	}, {
		name:     "not JSON",
		userinfo: jsonReply(`<html>`),
		err:      ErrInvalidResponse,
	}, {
		name: "signed userinfo",
		userinfo: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/jwt")
			w.Write([]byte("e30.e30.sig"))
		},
		err: ErrMisconfigured,
	}, {
		name: "token refused",
		userinfo: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "revoked", http.StatusUnauthorized)
		},
		err: ErrDenied,
	}, {
		name: "provider down",
		userinfo: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "down", http.StatusBadGateway)
		},
		err: ErrUnavailable,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOAuth(t, tt.userinfo)
			p := newTestProvider(t, f.config(), nil)
			authURL, st, err := p.Start(time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if u, _ := url.Parse(authURL); u.Query().Has("nonce") {
				t.Errorf("nonce sent to a plain OAuth 2.0 provider: %s", authURL)
			}
			cb := browse(t, authURL)
			id, err := finish(t, p, st, cb.Get("code"))
			if !errors.Is(err, tt.err) {
				t.Fatalf("Finish: %v, want %v", err, tt.err)
			}
			if tt.want != nil {
				tt.want.Provider, tt.want.Issuer = Generic, f.URL
			}
			if diff := cmp.Diff(tt.want, id); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIncludeClientID(t *testing.T) {
	for _, include := range []bool{false, true} {
		f := newFakeOAuth(t, jsonReply(`{"id": "u1"}`))
		cfg := f.config()
		cfg.IncludeClientID = include
		p := newTestProvider(t, cfg, nil)
		st, code := login(t, p, time.Now())
		if _, err := finish(t, p, st, code); err != nil {
			t.Fatalf("include=%v: Finish: %v", include, err)
		}
		f.mu.Lock()
		got, basic := f.tokenForm.Get("client_id"), f.basicAuth
		f.mu.Unlock()
		if want := map[bool]string{true: "client"}[include]; got != want || !basic {
			t.Errorf("include=%v: client_id in body %q, basic auth %v; want %q and basic auth",
				include, got, basic, want)
		}
	}
}

func TestClaims(t *testing.T) {
	var c claims
	raw := `{"s": " x ", "f": 1e3, "list": ["a", 2, "b"], "one": "g", "t": true, "ts": "true",
		"a.b": "flat", "nested": {"deep": {"v": "d"}}}`
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	got := []any{
		c.str("s"), c.str("f"), c.str("list"), c.str("missing"),
		c.str("a.b"), c.str("nested.deep.v"), c.str("nested.nope.v"),
		c.strs("list"), c.strs("one"), c.strs("t"),
		c.boolean("t"), c.boolean("ts"), c.boolean("s"),
	}
	want := []any{
		"x", "1000", "", "",
		"flat", "d", "",
		[]string{"a", "b"}, []string{"g"}, []string(nil),
		true, true, false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}
