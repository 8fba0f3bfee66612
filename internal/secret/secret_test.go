package secret

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestNewKeyIsUniqueAndPrefixed(t *testing.T) {
	a, b := NewKey(), NewKey()
	if a == b {
		t.Fatalf("two keys are equal: %q", a)
	}
	for _, k := range []string{a, b} {
		if !strings.HasPrefix(k, KeyPrefix) || len(k) < 40 {
			t.Errorf("key %q: want prefix %q and at least 40 characters", k, KeyPrefix)
		}
	}
}

func TestHashKey(t *testing.T) {
	// SHA-256 of "sk-1234", computed with sha256sum.
	const want = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"
	if got := HashKey("sk-1234"); got != want {
		t.Errorf("HashKey = %s, want %s", got, want)
	}
	if HashKey("sk-1235") == want {
		t.Error("HashKey ignores its input")
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sk-abc", "sk-abc", true},
		{"sk-abc", "sk-abd", false},
		{"sk-abc", "sk-abcd", false},
		{"", "", true},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAbbreviate(t *testing.T) {
	if got := Abbreviate("sk-abcdefghijklmnop"); got != "sk-...mnop" {
		t.Errorf("Abbreviate = %q", got)
	}
	if got := Abbreviate("sk-short"); strings.Contains(got, "short") {
		t.Errorf("Abbreviate of a short key leaks it: %q", got)
	}
}

func TestSealRoundTripAndTamper(t *testing.T) {
	s, err := NewSealer("sk-salt")
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"api_key":"sk-provider"}`)
	sealed := s.Seal(plain, []byte("model-1"))
	if bytes.Contains(sealed, []byte("sk-provider")) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := s.Open(sealed, []byte("model-1"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v; want %q", got, err, plain)
	}

	if _, err := s.Open(sealed, []byte("model-2")); !errors.Is(err, ErrOpen) {
		t.Errorf("Open with other additional data: err = %v, want ErrOpen", err)
	}
	other, _ := NewSealer("sk-other")
	if _, err := other.Open(sealed, []byte("model-1")); !errors.Is(err, ErrOpen) {
		t.Errorf("Open with another salt: err = %v, want ErrOpen", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, []byte("model-1")); !errors.Is(err, ErrOpen) {
		t.Errorf("Open of a changed value: err = %v, want ErrOpen", err)
	}
	if _, err := s.Open([]byte("x"), nil); !errors.Is(err, ErrOpen) {
		t.Errorf("Open of a short value: err = %v, want ErrOpen", err)
	}
	if _, err := NewSealer(""); err == nil {
		t.Error("NewSealer(\"\") succeeded")
	}
}
