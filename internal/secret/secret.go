// Package secret generates, hashes and seals the gateway's secrets.
//
// Virtual keys are random and high-entropy, so a plain SHA-256 is the right
// hash for them: it can be looked up directly and cannot be reversed. Values
// that must be read back (provider keys in models added at run time, signing
// keys) are sealed with AES-256-GCM under a key derived from LITELLM_SALT_KEY
// (or the master key when no salt key is set).
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeyPrefix starts every virtual key and the master key.
const KeyPrefix = "sk-"

// NewKey returns a new virtual key: "sk-" and 32 random bytes in URL-safe
// base64 (256 bits of entropy).
func NewKey() string {
	return KeyPrefix + Random(32)
}

// Random returns n random bytes from crypto/rand, URL-safe base64 encoded
// without padding.
func Random(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error (crypto/rand documents this)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashKey returns the hex SHA-256 of a key, the form in which keys are
// stored and looked up.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets in constant time. Both are hashed first so
// that their lengths leak nothing either.
func Equal(a, b string) bool {
	ha := sha256.Sum256([]byte(a))
	hb := sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// Abbreviate returns the display form of a key: its prefix and last four
// characters, such as "sk-...wxyz".
func Abbreviate(key string) string {
	if len(key) < 12 {
		return KeyPrefix + "..."
	}
	return KeyPrefix + "..." + key[len(key)-4:]
}

// ErrOpen means a sealed value could not be opened: it was sealed with
// another key or was changed.
var ErrOpen = errors.New("cannot open sealed value: wrong salt key or corrupt data")

// Sealer seals and opens values with AES-256-GCM.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives an AES-256 key from saltKey with HKDF-SHA256.
func NewSealer(saltKey string) (*Sealer, error) {
	if saltKey == "" {
		return nil, errors.New("new sealer: empty salt key")
	}
	key, err := hkdf.Key(sha256.New, []byte(saltKey), nil, "litellm-gateway seal v1", 32)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext; the result holds a random nonce and the
// ciphertext. additional binds the value to its context (such as a record
// id) so a sealed value cannot be moved to another record.
func (s *Sealer) Seal(plaintext, additional []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, additional)
}

// Open decrypts a value made by Seal with the same additional data.
func (s *Sealer) Open(sealed, additional []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], additional)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}
