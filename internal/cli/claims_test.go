package cli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

func TestNewCredential(t *testing.T) {
	now := t0.Add(time.Minute)
	tests := []struct {
		name string
		poll apitype.CLILoginPoll
		want credstore.Credential
	}{{
		name: "the token's claims win",
		poll: apitype.CLILoginPoll{Key: testToken("t2"), UserID: "other", TeamID: ptr("t9"),
			ExpiresIn: 60},
		want: credstore.Credential{BaseURL: exampleGateway, Key: testToken("t2"), UserID: "u1",
			UserEmail: "ada@example.com", UserRole: "internal_user", TeamID: "t2",
			Timestamp: t0.Unix(), ExpiresAt: t0.Add(24 * time.Hour).Unix()},
	}, {
		name: "a token that is not a JWT keeps the answer's fields",
		poll: apitype.CLILoginPoll{Key: "sk-opaque", UserID: "u1", TeamID: ptr("t1"),
			ExpiresIn: 3600},
		want: credstore.Credential{BaseURL: exampleGateway, Key: "sk-opaque", UserID: "u1",
			TeamID: "t1", Timestamp: now.Unix(), ExpiresAt: now.Unix() + 3600},
	}, {
		name: "fractional and missing dates",
		poll: apitype.CLILoginPoll{Key: makeJWT(map[string]any{"sub": "u2", "iat": 1.5e9 + 0.25})},
		want: credstore.Credential{BaseURL: exampleGateway, Key: makeJWT(map[string]any{
			"sub": "u2", "iat": 1.5e9 + 0.25}), UserID: "u2", Timestamp: 1.5e9},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newCredential(exampleGateway, &tt.poll, now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseClaimsRejects(t *testing.T) {
	for _, tok := range []string{"", "a.b", "a.!!.c", "a." + "bm90IGpzb24" + ".c", "a.b.c.d"} {
		if _, err := parseClaims(tok); err == nil {
			t.Errorf("parseClaims(%q) succeeded", tok)
		}
	}
}

func TestDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:              "under a minute",
		14 * time.Minute:              "14m",
		21*time.Hour + 14*time.Minute: "21h 14m",
		50*time.Hour + 59*time.Minute: "2d 2h",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%s) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		30 * time.Second: "moments", 3*time.Hour + 59*time.Minute: "3h", 72 * time.Hour: "3d",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%s) = %q, want %q", d, got, want)
		}
	}
}
