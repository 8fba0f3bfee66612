package signer

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// AlgEdDSA is the JOSE algorithm name of Ed25519 signatures (RFC 8037 §3.1),
// the only algorithm this package signs and accepts.
const AlgEdDSA = "EdDSA"

// KeyRecord is a signing key as the store keeps it.
type KeyRecord struct {
	// ID is the key's "kid": its RFC 7638 JWK thumbprint.
	ID string
	// Alg is the JOSE algorithm, AlgEdDSA. Records of other algorithms
	// are ignored, so that a key type added later does not stop older
	// replicas during a rolling upgrade.
	Alg string
	// Private is the Ed25519 seed sealed with secret.Sealer, with ID as
	// the additional data. It never reaches the store in clear.
	Private []byte
	// Public is the raw 32-byte Ed25519 public key.
	Public []byte
	// CreatedAt orders keys: the newest active key signs.
	CreatedAt time.Time
	// RetireAt, when set and past, takes the key out of use: it neither
	// signs nor verifies nor appears in the JWKS. Zero means never.
	RetireAt time.Time
}

// active reports whether r can be used at now.
func (r *KeyRecord) active(now time.Time) bool {
	return r.RetireAt.IsZero() || now.Before(r.RetireAt)
}

// KeyStore persists signing keys. Replicas sharing a database share one
// KeyStore, so every replica verifies tokens signed by any other.
type KeyStore interface {
	// SigningKeys returns every stored key, in any order.
	SigningKeys(ctx context.Context) ([]KeyRecord, error)
	// AddSigningKey stores a new key.
	AddSigningKey(ctx context.Context, k KeyRecord) error
}

// jwk is one Ed25519 public key in JWK form (RFC 8037 §2).
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
}

// thumbprint returns the RFC 7638 thumbprint of an Ed25519 public key. The
// hash input holds only the required members in lexicographic order, with
// no whitespace (RFC 7638 §3.2; for OKP keys they are crv, kty and x, as
// RFC 8037 §2 lists them). A thumbprint as kid means two replicas can never
// give one key two names, or two keys one name.
func thumbprint(pub ed25519.PublicKey) string {
	x := base64.RawURLEncoding.EncodeToString(pub)
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// newKey makes a key pair from s.rand and seals its private half.
func (s *Signer) newKey(created time.Time) (KeyRecord, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(s.rand, seed); err != nil {
		return KeyRecord{}, fmt.Errorf("generate signing key: %w", err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	id := thumbprint(pub)
	return KeyRecord{
		ID:        id,
		Alg:       AlgEdDSA,
		Private:   s.sealer.Seal(seed, []byte(id)),
		Public:    pub,
		CreatedAt: created,
	}, nil
}

// keySet is an immutable view of the stored keys, swapped whole on reload
// so that Verify reads it without locks.
type keySet struct {
	signID    string
	signKey   ed25519.PrivateKey // nil when no active key is stored
	signSince time.Time          // CreatedAt of the signing key
	verify    map[string]ed25519.PublicKey
	jwks      []byte
}

// buildKeySet picks the newest active key for signing (ties broken by the
// larger id, so every replica picks the same one), opens only that key's
// private half, and publishes every active key.
func (s *Signer) buildKeySet(recs []KeyRecord) (*keySet, error) {
	now := s.now()
	set := &keySet{verify: make(map[string]ed25519.PublicKey, len(recs))}
	var usable []*KeyRecord
	for i := range recs {
		r := &recs[i]
		if r.Alg != AlgEdDSA || len(r.Public) != ed25519.PublicKeySize || !r.active(now) {
			continue
		}
		set.verify[r.ID] = ed25519.PublicKey(r.Public)
		usable = append(usable, r)
	}
	slices.SortFunc(usable, func(a, b *KeyRecord) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})

	keys := make([]jwk, 0, len(usable))
	for _, r := range usable {
		keys = append(keys, jwk{
			Kty: "OKP", Crv: "Ed25519", Use: "sig", Alg: AlgEdDSA, Kid: r.ID,
			X: base64.RawURLEncoding.EncodeToString(r.Public),
		})
	}
	jwks, err := json.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{keys})
	if err != nil {
		return nil, fmt.Errorf("encode jwks: %w", err)
	}
	set.jwks = jwks

	if len(usable) == 0 {
		return set, nil
	}
	newest := usable[len(usable)-1]
	priv, err := s.open(newest)
	if err != nil {
		return nil, err
	}
	set.signID, set.signKey, set.signSince = newest.ID, priv, newest.CreatedAt
	return set, nil
}

// open unseals r's private key and checks that it matches r.Public, so a
// record whose halves were swapped in the store is refused.
func (s *Signer) open(r *KeyRecord) (ed25519.PrivateKey, error) {
	seed, err := s.sealer.Open(r.Private, []byte(r.ID))
	if err != nil {
		return nil, fmt.Errorf("open signing key %s (is LITELLM_SALT_KEY the one "+
			"the key was sealed with?): %w", r.ID, err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("open signing key %s: bad seed length %d", r.ID, len(seed))
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if !priv.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(r.Public)) {
		return nil, fmt.Errorf("open signing key %s: private key does not match public key", r.ID)
	}
	return priv, nil
}
