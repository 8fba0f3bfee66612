// Package signer issues and verifies the gateway's session tokens: JWTs
// signed with Ed25519 (JOSE "EdDSA", RFC 8037) whose "kid" header names the
// key. It also publishes the public keys as a JWKS for
// /.well-known/jwks.json.
//
// Keys live in a KeyStore shared by every gateway replica, with the private
// half sealed by secret.Sealer. The newest active key signs; every active
// stored key verifies. A token naming a key this replica has not seen yet
// (another replica generated or rotated one) makes the Signer reload the
// store, at most once per missReloadInterval, so forged kids cannot turn
// into a flood of store reads.
package signer

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/litellm-go/gateway/internal/secret"
)

// missReloadInterval bounds how often a token with an unknown kid may
// trigger a reload of the KeyStore.
const missReloadInterval = 5 * time.Second

// Options configure a Signer.
type Options struct {
	// Issuer is the "iss" of issued tokens and the only one accepted,
	// usually the gateway's public URL. Required.
	Issuer string
	// Audience is the "aud" of issued tokens and the only one accepted.
	// Required.
	Audience string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Rand is the entropy for new keys; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Signer issues and verifies session tokens. It is safe for concurrent use.
type Signer struct {
	ks       KeyStore
	sealer   *secret.Sealer
	issuer   string
	audience string
	now      func() time.Time
	rand     io.Reader
	parser   *jwt.Parser
	keyfunc  jwt.Keyfunc

	keys atomic.Pointer[keySet]

	mu       sync.Mutex // serialises reloads and key generation
	lastMiss time.Time  // last reload caused by an unknown kid
}

// New returns a Signer using the keys in ks. When ks holds no active key, it
// generates one, stores it and reads the store again, so that replicas
// starting together on an empty store all end up with stored keys (each
// verifies the others' keys, reloading on first sight of an unknown kid).
// A stored key that the sealer cannot open is an error: most likely
// LITELLM_SALT_KEY changed.
func New(ctx context.Context, ks KeyStore, sealer *secret.Sealer, opts Options) (*Signer, error) {
	switch {
	case ks == nil || sealer == nil:
		return nil, errors.New("new signer: nil key store or sealer")
	case opts.Issuer == "" || opts.Audience == "":
		return nil, errors.New("new signer: issuer and audience are required")
	}
	s := &Signer{
		ks:       ks,
		sealer:   sealer,
		issuer:   opts.Issuer,
		audience: opts.Audience,
		now:      opts.Now,
		rand:     opts.Rand,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	// Only EdDSA passes: "none", HS256 keyed with our public key and every
	// other algorithm are refused before any key is looked up (the attacks
	// of RFC 8725 §2.1 and §3.1). Claims are checked by checkClaims, which
	// tells expiry apart from every other failure.
	s.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{AlgEdDSA}),
		jwt.WithStrictDecoding(),
		jwt.WithoutClaimsValidation(),
	)
	s.keyfunc = s.keyFor

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncLocked(ctx); err != nil {
		return nil, fmt.Errorf("new signer: %w", err)
	}
	return s, nil
}

// Refresh reloads the keys from the store. The server may call it
// periodically so that keys added by other replicas are picked up before
// their first token arrives.
func (s *Signer) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncLocked(ctx)
}

// Rotate stores a new key, which signs from now on in this replica (and in
// others once they reload). Older keys keep verifying until they are
// retired, so tokens already issued stay valid.
func (s *Signer) Rotate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	created := s.now()
	// Keep the new key strictly newest even if the clock stands still or
	// the store keeps whole seconds, so that it is the one chosen to sign.
	if cur := s.keys.Load(); cur != nil && !created.After(cur.signSince) {
		created = cur.signSince.Add(time.Second)
	}
	if err := s.addLocked(ctx, created); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if err := s.syncLocked(ctx); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	return nil
}

// JWKS returns the JSON Web Key Set of the active public keys (RFC 7517
// §5, members per RFC 8037 §2). The bytes are built on reload and shared:
// callers must not modify them.
func (s *Signer) JWKS() []byte {
	return s.keys.Load().jwks
}

// syncLocked loads the store and, when it holds no active key, adds one
// and loads again. The caller holds s.mu.
func (s *Signer) syncLocked(ctx context.Context) error {
	set, err := s.load(ctx)
	if err != nil {
		return err
	}
	if set.signKey == nil {
		if err := s.addLocked(ctx, s.now()); err != nil {
			return err
		}
		// Read back rather than use the key just made: another replica
		// may have added one at the same moment, and the store decides.
		if set, err = s.load(ctx); err != nil {
			return err
		}
		if set.signKey == nil {
			return errors.New("no active signing key after adding one")
		}
	}
	s.keys.Store(set)
	return nil
}

func (s *Signer) load(ctx context.Context) (*keySet, error) {
	recs, err := s.ks.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load signing keys: %w", err)
	}
	return s.buildKeySet(recs)
}

func (s *Signer) addLocked(ctx context.Context, created time.Time) error {
	rec, err := s.newKey(created)
	if err != nil {
		return err
	}
	if err := s.ks.AddSigningKey(ctx, rec); err != nil {
		return fmt.Errorf("store signing key: %w", err)
	}
	return nil
}

// reloadOnMiss reloads the store after a token named an unknown kid,
// unless such a reload happened within missReloadInterval. It reports
// whether the key set changed, by this call or a concurrent one.
func (s *Signer) reloadOnMiss(ctx context.Context, seen *keySet) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys.Load() != seen {
		return true
	}
	now := s.now()
	// A clock that went back (d < 0) must not block reloads for good.
	if d := now.Sub(s.lastMiss); !s.lastMiss.IsZero() && d >= 0 && d < missReloadInterval {
		return false
	}
	s.lastMiss = now
	return s.syncLocked(ctx) == nil
}
