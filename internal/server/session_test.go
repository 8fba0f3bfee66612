package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// clock is a gateway clock the test can move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// loginGateway starts a gateway with CLI login on, a team "eng" that may
// use demo-fast, and a user ada in it with a password.
func loginGateway(t *testing.T, c *clock) *servertest.Gateway {
	t.Helper()
	g := servertest.Start(t, servertest.Options{Now: c.Now,
		Env: map[string]string{"EXPERIMENTAL_UI_LOGIN": "True", "LITELLM_CLI_JWT_EXPIRATION_HOURS": "48"}})
	g.MustDo(t, 200, "POST", "/team/new", g.MasterKey, map[string]any{"team_id": "eng", "models": []string{"demo-fast"}})
	g.MustDo(t, 200, "POST", "/user/new", g.MasterKey, map[string]any{"user_id": "ada",
		"user_email": "ada@example.com", "password": "ada-password", "teams": []string{"eng"}, "auto_create_key": false})
	return g
}

func modelIDs(t *testing.T, g *servertest.Gateway, token string) []string {
	t.Helper()
	var list apitype.ModelList
	g.MustDo(t, 200, "GET", "/v1/models", token, nil).JSON(t, &list)
	var ids []string
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestSessionTokenOnAPIRoutes(t *testing.T) {
	c := &clock{}
	g := loginGateway(t, c)
	token := g.Login(t, "ada@example.com", "ada-password", "")

	if diff := cmp.Diff([]string{"demo-fast"}, modelIDs(t, g, token)); diff != "" {
		t.Errorf("models of the session (-want +got):\n%s", diff)
	}
	var info apitype.UserInfoResponse
	g.MustDo(t, 200, "GET", "/user/info", token, nil).JSON(t, &info)
	if info.UserID != "ada" {
		t.Errorf("user info of the session = %q", info.UserID)
	}
	g.MustDo(t, 403, "GET", "/user/list", token, nil)

	// The claims say who, which team and for how long.
	claims := payload(t, token)
	if claims["sub"] != "ada" || claims["team_id"] != "eng" || claims["email"] != "ada@example.com" ||
		!cmp.Equal(claims["aud"], []any{clilogin.Audience}) {
		t.Errorf("claims = %v", claims)
	}
	if life := claims["exp"].(float64) - claims["iat"].(float64); life != 48*3600 {
		t.Errorf("token lifetime = %vs, want 48h", life)
	}

	// An admin sees the session.
	var list struct{ Sessions []map[string]any }
	g.MustDo(t, 200, "GET", "/session/list?user_id=ada", g.MasterKey, nil).JSON(t, &list)
	if len(list.Sessions) != 1 || list.Sessions[0]["session_id"] != claims["jti"] {
		t.Fatalf("sessions = %v", list.Sessions)
	}

	// Logout revokes at once.
	g.MustDo(t, 200, "POST", "/sso/cli/logout", token, nil)
	if d := g.MustDo(t, 401, "GET", "/key/list", token, nil).Detail(t); d != "Invalid or revoked token." {
		t.Errorf("revoked token detail = %q", d)
	}
}

func TestSessionTokenRefused(t *testing.T) {
	c := &clock{}
	g := loginGateway(t, c)
	token := g.Login(t, "ada@example.com", "ada-password", "")
	parts := strings.Split(token, ".")

	foreign := func(audience string) string {
		sealer, _ := secret.NewSealer("sk-other-salt")
		s, err := signer.New(context.Background(), &signertest.KeyStore{}, sealer,
			signer.Options{Issuer: "litellm-gateway", Audience: audience})
		if err != nil {
			t.Fatal(err)
		}
		claims := payload(t, token)
		tok, err := s.Issue(signer.Claims{Subject: "ada", SessionID: claims["jti"].(string), TeamID: "eng",
			Email: "ada@example.com", Role: "proxy_admin", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	none := b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + "."
	tampered := parts[0] + "." + b64(strings.Replace(decode(t, parts[1]), `"eng"`, `"ops"`, 1)) + "." + parts[2]

	tests := []struct{ name, token string }{
		{"tampered payload", tampered},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2])},
		{"alg none", none},
		{"signed by another key", foreign(clilogin.Audience)},
		{"wrong audience", foreign("another-audience")},
		{"garbage", "a.b.c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env apitype.ErrorEnvelope
			g.MustDo(t, 401, "GET", "/v1/models", tt.token, nil).JSON(t, &env)
			if env.Error.Message != "Invalid or revoked token." {
				t.Errorf("message = %q: a refused token must get no detail", env.Error.Message)
			}
		})
	}
	// The real token still works: nothing above revoked it.
	modelIDs(t, g, token)

	// Removing ada from the team ends the token before it expires.
	g.MustDo(t, 200, "POST", "/team/member_delete", g.MasterKey, map[string]any{"team_id": "eng", "user_id": "ada"})
	if d := g.MustDo(t, 401, "GET", "/key/list", token, nil).Detail(t); !strings.Contains(d, "no longer a member") {
		t.Errorf("removed member detail = %q", d)
	}
}

func TestSessionTokenExpires(t *testing.T) {
	c := &clock{}
	g := loginGateway(t, c)
	token := g.Login(t, "ada@example.com", "ada-password", "")
	modelIDs(t, g, token)
	c.Advance(48*time.Hour + time.Minute)
	var env apitype.ErrorEnvelope
	g.MustDo(t, 401, "GET", "/v1/models", token, nil).JSON(t, &env)
	if !strings.Contains(env.Error.Message, "litellm-proxy login") || !strings.Contains(env.Error.Message, "expired") {
		t.Errorf("expired token message = %q", env.Error.Message)
	}
}

func TestAdminRevokesSession(t *testing.T) {
	g := loginGateway(t, &clock{})
	token := g.Login(t, "ada@example.com", "ada-password", "")
	modelIDs(t, g, token)
	g.MustDo(t, 200, "POST", "/session/revoke", g.MasterKey, map[string]any{"session_id": payload(t, token)["jti"]})
	g.MustDo(t, 401, "GET", "/v1/models", token, nil)

	var jwks struct{ Keys []map[string]any }
	g.MustDo(t, 200, "GET", "/.well-known/jwks.json", "", nil).JSON(t, &jwks)
	if len(jwks.Keys) == 0 || jwks.Keys[0]["alg"] != "EdDSA" || jwks.Keys[0]["d"] != nil {
		t.Errorf("jwks = %v", jwks)
	}
}

func TestLoginDisabled(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	d := g.MustDo(t, 403, "POST", "/sso/cli/start", "", nil).Detail(t)
	if !strings.Contains(d, "EXPERIMENTAL_UI_LOGIN") {
		t.Errorf("disabled detail = %q", d)
	}
}

func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(decode(t, strings.Split(token, ".")[1])), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// flip changes the first character of a base64url string.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}
