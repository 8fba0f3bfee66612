package signer_test

import (
	"context"
	"crypto/ed25519"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
	"github.com/litellm-go/gateway/internal/secret"
)

const (
	testIssuer   = "http://gateway.test"
	testAudience = "litellm-cli"
	testSalt     = "sk-test-salt"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	// Nanoseconds on purpose: tokens must truncate to whole seconds.
	return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSealer(t testing.TB, salt string) *secret.Sealer {
	t.Helper()
	s, err := secret.NewSealer(salt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestSigner returns a Signer on ks with the test issuer and audience.
func newTestSigner(t testing.TB, ks signer.KeyStore, clk *clock) *signer.Signer {
	t.Helper()
	s, err := signer.New(context.Background(), ks, newSealer(t, testSalt), signer.Options{
		Issuer: testIssuer, Audience: testAudience, Now: clk.Now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// testClaims returns claims for a 24-hour token issued at clk's time.
func testClaims(clk *clock) signer.Claims {
	now := clk.Now()
	return signer.Claims{
		Subject:   "user-1",
		SessionID: "sess-1",
		Email:     "alice@example.com",
		Role:      "internal_user",
		TeamID:    "team-a",
		IssuedAt:  now,
		ExpiresAt: now.Add(24 * time.Hour),
	}
}

func issue(t testing.TB, s *signer.Signer, c signer.Claims) string {
	t.Helper()
	tok, err := s.Issue(c)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return tok
}

// storedKey opens the newest key in ks, so tests can sign tokens with
// payloads that Issue would never produce.
func storedKey(t testing.TB, ks signer.KeyStore) (string, ed25519.PrivateKey) {
	t.Helper()
	recs, err := ks.SigningKeys(context.Background())
	if err != nil || len(recs) == 0 {
		t.Fatalf("SigningKeys = %d keys, %v", len(recs), err)
	}
	r := recs[len(recs)-1]
	seed, err := newSealer(t, testSalt).Open(r.Private, []byte(r.ID))
	if err != nil {
		t.Fatal(err)
	}
	return r.ID, ed25519.NewKeyFromSeed(seed)
}

// signWith signs claims with method and key under the given kid.
func signWith(t testing.TB, m jwt.SigningMethod, key any, kid string, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// countingStore counts reads and can hide the stored keys from the next
// read, to replay two replicas starting at once on an empty store.
type countingStore struct {
	signertest.KeyStore
	reads    atomic.Int32
	hideNext atomic.Bool
}

func (c *countingStore) SigningKeys(ctx context.Context) ([]signer.KeyRecord, error) {
	c.reads.Add(1)
	if c.hideNext.CompareAndSwap(true, false) {
		return nil, nil
	}
	return c.KeyStore.SigningKeys(ctx)
}

func kidOf(t testing.TB, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}
