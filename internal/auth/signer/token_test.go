package signer_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
)

func TestIssueVerifyRoundTrip(t *testing.T) {
	clk := newClock()
	s := newTestSigner(t, &signertest.KeyStore{}, clk)
	in := testClaims(clk)

	got, err := s.Verify(context.Background(), issue(t, s, in))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	want := in
	want.IssuedAt = in.IssuedAt.Truncate(time.Second)
	want.ExpiresAt = in.ExpiresAt.Truncate(time.Second)
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestIssueRejectsIncompleteClaims(t *testing.T) {
	clk := newClock()
	s := newTestSigner(t, &signertest.KeyStore{}, clk)
	tests := map[string]func(c *signer.Claims){
		"no subject":        func(c *signer.Claims) { c.Subject = "" },
		"no session id":     func(c *signer.Claims) { c.SessionID = "" },
		"no expiry":         func(c *signer.Claims) { c.ExpiresAt = time.Time{} },
		"expiry before iat": func(c *signer.Claims) { c.ExpiresAt = c.IssuedAt.Add(-time.Hour) },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			c := testClaims(clk)
			change(&c)
			if tok, err := s.Issue(c); err == nil {
				t.Errorf("Issue = %q, want an error", tok)
			}
		})
	}
}

func TestVerifyExpiry(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		want    error
	}{
		{"fresh", time.Hour, nil},
		{"within leeway", 24*time.Hour + signer.Leeway - time.Second, nil},
		{"past leeway", 24*time.Hour + signer.Leeway + time.Second, signer.ErrExpired},
		{"long expired", 30 * 24 * time.Hour, signer.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			s := newTestSigner(t, &signertest.KeyStore{}, clk)
			tok := issue(t, s, testClaims(clk))
			clk.Add(tt.advance)
			_, err := s.Verify(context.Background(), tok)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("Verify err = %v, want %v", err, tt.want)
			}
			if errors.Is(err, signer.ErrExpired) && errors.Is(err, signer.ErrInvalid) {
				t.Errorf("Verify err = %v is both expired and invalid", err)
			}
		})
	}
}

func TestVerifyRejectsForgeries(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	ks := &signertest.KeyStore{}
	s := newTestSigner(t, ks, clk)
	kid, priv := storedKey(t, ks)
	pub := priv.Public().(ed25519.PublicKey)
	good := issue(t, s, testClaims(clk))
	parts := strings.Split(good, ".")

	now := clk.Now()
	claims := func(change func(*jwt.RegisteredClaims)) jwt.Claims {
		rc := jwt.RegisteredClaims{
			Issuer: testIssuer, Audience: jwt.ClaimStrings{testAudience},
			Subject: "user-1", ID: "sess-1",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		}
		change(&rc)
		return rc
	}
	valid := claims(func(*jwt.RegisteredClaims) {})

	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	admin := strings.Replace(string(payload), "internal_user", "proxy_admin", 1)
	adminPart := base64.RawURLEncoding.EncodeToString([]byte(admin))
	flipped := []byte(parts[2])
	flipped[10] ^= 'A' ^ 'B'
	_, foreign, _ := ed25519.GenerateKey(rand.Reader)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other := newTestSigner(t, &signertest.KeyStore{}, clk)
	wrongAud, err := signer.New(ctx, ks, newSealer(t, testSalt), signer.Options{
		Issuer: testIssuer, Audience: "someone-else", Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	wrongIss, err := signer.New(ctx, ks, newSealer(t, testSalt), signer.Options{
		Issuer: "http://evil.test", Audience: testAudience, Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}

	tests := map[string]string{
		"empty":              "",
		"garbage":            "not-a-token",
		"tampered payload":   parts[0] + "." + adminPart + "." + parts[2],
		"tampered signature": parts[0] + "." + parts[1] + "." + string(flipped),
		"no signature":       parts[0] + "." + parts[1] + ".",
		"alg none": signWith(t, jwt.SigningMethodNone,
			jwt.UnsafeAllowNoneSignatureType, kid, valid),
		"hs256 with public key": signWith(t, jwt.SigningMethodHS256, []byte(pub), kid, valid),
		"hs256 with jwk x": signWith(t, jwt.SigningMethodHS256,
			[]byte(base64.RawURLEncoding.EncodeToString(pub)), kid, valid),
		"rs256":                signWith(t, jwt.SigningMethodRS256, rsaKey, kid, valid),
		"foreign key, our kid": signWith(t, jwt.SigningMethodEdDSA, foreign, kid, valid),
		"foreign key, no kid":  signWith(t, jwt.SigningMethodEdDSA, foreign, "", valid),
		"other signer":         issue(t, other, testClaims(clk)),
		"wrong audience":       issue(t, wrongAud, testClaims(clk)),
		"wrong issuer":         issue(t, wrongIss, testClaims(clk)),
		"missing exp": signWith(t, jwt.SigningMethodEdDSA, priv, kid,
			claims(func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil })),
		"missing aud": signWith(t, jwt.SigningMethodEdDSA, priv, kid,
			claims(func(c *jwt.RegisteredClaims) { c.Audience = nil })),
		"missing sub": signWith(t, jwt.SigningMethodEdDSA, priv, kid,
			claims(func(c *jwt.RegisteredClaims) { c.Subject = "" })),
		// Expired and for someone else: invalid, never "log in again".
		"expired wrong audience": signWith(t, jwt.SigningMethodEdDSA, priv, kid,
			claims(func(c *jwt.RegisteredClaims) {
				c.Audience = jwt.ClaimStrings{"other"}
				c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour))
			})),
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := s.Verify(ctx, tok)
			if !errors.Is(err, signer.ErrInvalid) || errors.Is(err, signer.ErrExpired) {
				t.Errorf("Verify = %+v, %v; want ErrInvalid", got, err)
			}
		})
	}
	if _, err := s.Verify(ctx, signWith(t, jwt.SigningMethodEdDSA, priv, kid, valid)); err != nil {
		t.Errorf("control token signed with the stored key: %v", err)
	}
}
