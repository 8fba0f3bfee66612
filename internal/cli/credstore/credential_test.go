package credstore

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCredentialFor(t *testing.T) {
	tests := []struct {
		stored, requested string
		want              bool
	}{
		{"http://localhost:4000", "http://localhost:4000", true},
		{"http://localhost:4000", "http://localhost:4000/", true},
		{"http://localhost:4000", "http://LOCALHOST:4000", true},
		{"http://localhost:4000", "HTTP://localhost:4000", true},
		{"http://localhost:4000", " http://localhost:4000 ", true},
		{"http://gw.example.com", "http://gw.example.com:80", true},
		{"https://gw.example.com/", "https://GW.example.com:443", true},
		{"https://gw.example.com/litellm/", "https://gw.example.com/litellm", true},
		{"http://[::1]:4000", "http://[::1]:4000/", true},
		{"http://localhost:4000", "http://localhost:4001", false},
		{"http://localhost:4000", "https://localhost:4000", false},
		{"http://gw.example.com", "https://gw.example.com", false},
		{"http://gw.example.com:443", "https://gw.example.com", false},
		{"http://localhost:4000", "http://127.0.0.1:4000", false},
		{"https://gw.example.com/a", "https://gw.example.com/b", false},
		{"https://gw.example.com/A", "https://gw.example.com/a", false},
		{"https://gw.example.com", "https://gw.example.com.evil.test", false},
		{"http://localhost:4000", "http://user@localhost:4000", false},
		{"http://localhost:4000", "http://localhost:4000/?x=1", false},
		{"http://localhost:4000", "localhost:4000", false},
		{"http://localhost:4000", "ftp://localhost:4000", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.stored+" vs "+tt.requested, func(t *testing.T) {
			c := &Credential{BaseURL: tt.stored}
			if got := c.For(tt.requested); got != tt.want {
				t.Errorf("For = %v, want %v", got, tt.want)
			}
			if got := (&Credential{BaseURL: tt.requested}).For(tt.stored); got != tt.want {
				t.Errorf("For is not symmetric")
			}
			err := c.Check(tt.requested)
			if (err == nil) != tt.want {
				t.Fatalf("Check = %v, want error %v", err, !tt.want)
			}
			var other *OtherGatewayError
			if err != nil && (!errors.Is(err, ErrOtherGateway) || !errors.As(err, &other)) {
				t.Fatalf("Check error %v is not an OtherGatewayError", err)
			}
			if other != nil && (other.Stored != tt.stored || other.Requested != tt.requested) {
				t.Errorf("OtherGatewayError = %+v, want both URLs", other)
			}
		})
	}
}

// TestCredentialJSON pins the field names of LiteLLM's token.json.
func TestCredentialJSON(t *testing.T) {
	tests := []struct {
		name string
		c    Credential
		want map[string]any
	}{
		{"full", testCredential(), map[string]any{
			"base_url": "http://localhost:4000", "key": "eyJhbGciOiJFZERTQSJ9.payload.signature",
			"user_id": "user-1", "user_email": "alice@example.com", "user_role": "internal_user",
			"team_id": "team-a", "timestamp": 1772366400.0, "expires_at": 1772452800.0,
			"refresh_token": "llm_srefresh_abc",
		}},
		{"keychain metadata", Credential{BaseURL: "http://gw", UserID: "u", Timestamp: 1},
			map[string]any{
				"base_url": "http://gw", "user_id": "u", "user_email": "", "user_role": "",
				"timestamp": 1.0,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}
