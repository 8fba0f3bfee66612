package signer_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
	"github.com/litellm-go/gateway/internal/secret"
)

func TestPrivateKeyIsSealed(t *testing.T) {
	ks := &signertest.KeyStore{}
	newTestSigner(t, ks, newClock())
	recs, _ := ks.SigningKeys(context.Background())
	if len(recs) != 1 {
		t.Fatalf("store holds %d keys, want 1", len(recs))
	}
	_, priv := storedKey(t, ks)
	r := recs[0]
	if bytes.Contains(r.Private, priv.Seed()) || bytes.Contains(r.Private, priv) {
		t.Error("stored private key contains the raw key")
	}
	if r.Alg != signer.AlgEdDSA || !bytes.Equal(r.Public, priv.Public().(ed25519.PublicKey)) {
		t.Errorf("record alg %q, public %x; want EdDSA and the key's public half", r.Alg, r.Public)
	}

	_, err := signer.New(context.Background(), ks, newSealer(t, "sk-other-salt"), signer.Options{
		Issuer: testIssuer, Audience: testAudience,
	})
	if !errors.Is(err, secret.ErrOpen) || !strings.Contains(err.Error(), "LITELLM_SALT_KEY") {
		t.Errorf("New with another salt: err = %v, want ErrOpen naming LITELLM_SALT_KEY", err)
	}
}

func TestNewErrors(t *testing.T) {
	ctx := context.Background()
	sealer := newSealer(t, testSalt)
	opts := signer.Options{Issuer: testIssuer, Audience: testAudience}
	failing := signer.Options{Issuer: testIssuer, Audience: testAudience,
		Rand: strings.NewReader("too short")}
	tests := []struct {
		name   string
		ks     signer.KeyStore
		sealer *secret.Sealer
		opts   signer.Options
	}{
		{"nil store", nil, sealer, opts},
		{"nil sealer", &signertest.KeyStore{}, nil, opts},
		{"no issuer", &signertest.KeyStore{}, sealer, signer.Options{Audience: testAudience}},
		{"no audience", &signertest.KeyStore{}, sealer, signer.Options{Issuer: testIssuer}},
		{"rand fails", &signertest.KeyStore{}, sealer, failing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := signer.New(ctx, tt.ks, tt.sealer, tt.opts); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

type jwkSet struct {
	Keys []struct {
		Kty, Crv, X, Kid, Use, Alg string
	}
}

func TestJWKSVerifiesTokens(t *testing.T) {
	clk := newClock()
	s := newTestSigner(t, &signertest.KeyStore{}, clk)
	tok := issue(t, s, testClaims(clk))

	var set jwkSet
	if err := json.Unmarshal(s.JWKS(), &set); err != nil {
		t.Fatalf("JWKS is not JSON: %v\n%s", err, s.JWKS())
	}
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	want := []string{"OKP", "Ed25519", kidOf(t, tok), "sig", "EdDSA"}
	if diff := cmp.Diff(want, []string{k.Kty, k.Crv, k.Kid, k.Use, k.Alg}); diff != "" {
		t.Errorf("jwk members (-want +got):\n%s", diff)
	}

	pub, err := base64.RawURLEncoding.DecodeString(k.X)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		t.Fatalf("x = %q: %d bytes, %v", k.X, len(pub), err)
	}
	i := strings.LastIndexByte(tok, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if !ed25519.Verify(pub, []byte(tok[:i]), sig) {
		t.Error("the JWKS key does not verify an issued token")
	}
}

func TestReplicasShareKeys(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	ks := &countingStore{}
	a := newTestSigner(t, ks, clk)

	// b starts while a's key is not yet visible to it, as when two
	// replicas start at once: b generates a second key, which is newer.
	clk.Add(time.Second)
	ks.hideNext.Store(true)
	b := newTestSigner(t, ks, clk)
	fromA, fromB := issue(t, a, testClaims(clk)), issue(t, b, testClaims(clk))
	if kidOf(t, fromA) == kidOf(t, fromB) {
		t.Fatal("replay of a concurrent start made only one key")
	}

	if _, err := a.Verify(ctx, fromB); err != nil {
		t.Errorf("a rejects a token of b: %v", err)
	}
	if _, err := b.Verify(ctx, fromA); err != nil {
		t.Errorf("b rejects a token of a: %v", err)
	}
	// After reloading, a signs with the newest key too.
	if got, want := kidOf(t, issue(t, a, testClaims(clk))), kidOf(t, fromB); got != want {
		t.Errorf("a signs with %s after reload, want %s", got, want)
	}
}

func TestConcurrentStart(t *testing.T) {
	clk := newClock()
	ks := &signertest.KeyStore{}
	signers := make([]*signer.Signer, 4)
	var wg sync.WaitGroup
	for i := range signers {
		wg.Go(func() { signers[i] = newTestSigner(t, ks, clk) })
	}
	wg.Wait()

	for i, from := range signers {
		tok := issue(t, from, testClaims(clk))
		for j, to := range signers {
			if _, err := to.Verify(context.Background(), tok); err != nil {
				t.Errorf("signer %d rejects a token of signer %d: %v", j, i, err)
			}
		}
	}
}

func TestUnknownKidReloadIsRateLimited(t *testing.T) {
	clk := newClock()
	ks := &countingStore{}
	s := newTestSigner(t, ks, clk)
	foreign := issue(t, newTestSigner(t, &signertest.KeyStore{}, clk), testClaims(clk))

	before := ks.reads.Load()
	for range 3 {
		s.Verify(context.Background(), foreign)
	}
	if got := ks.reads.Load() - before; got != 1 {
		t.Errorf("3 unknown kids within the interval read the store %d times, want 1", got)
	}
	clk.Add(time.Minute)
	s.Verify(context.Background(), foreign)
	if got := ks.reads.Load() - before; got != 2 {
		t.Errorf("after the interval: %d store reads, want 2", got)
	}
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	clk := newClock() // never advanced: Rotate must still order keys
	ks := &signertest.KeyStore{}
	s := newTestSigner(t, ks, clk)
	replica := newTestSigner(t, ks, clk)
	old := issue(t, s, testClaims(clk))

	if err := s.Rotate(ctx); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	rotated := issue(t, s, testClaims(clk))
	if kidOf(t, old) == kidOf(t, rotated) {
		t.Fatal("Rotate did not change the signing key")
	}
	for _, v := range []*signer.Signer{s, replica} {
		for name, tok := range map[string]string{"old": old, "rotated": rotated} {
			if _, err := v.Verify(ctx, tok); err != nil {
				t.Errorf("%s token: %v", name, err)
			}
		}
	}
	var set jwkSet
	if err := json.Unmarshal(s.JWKS(), &set); err != nil || len(set.Keys) != 2 {
		t.Errorf("JWKS after rotation: %d keys, %v; want 2", len(set.Keys), err)
	}

	// Retiring the old key in the store ends its tokens.
	recs, _ := ks.SigningKeys(ctx)
	for r := range withID(recs, kidOf(t, old)) {
		r.RetireAt = clk.Now()
	}
	ks.Set(recs)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, old); !errors.Is(err, signer.ErrInvalid) {
		t.Errorf("token of a retired key: err = %v, want ErrInvalid", err)
	}
	if _, err := s.Verify(ctx, rotated); err != nil {
		t.Errorf("token of the active key after retiring the old one: %v", err)
	}
}

func withID(recs []signer.KeyRecord, id string) iter.Seq[*signer.KeyRecord] {
	return func(yield func(*signer.KeyRecord) bool) {
		for i := range recs {
			if recs[i].ID == id && !yield(&recs[i]) {
				return
			}
		}
	}
}
