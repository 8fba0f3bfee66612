// Package signertest provides an in-memory signer.KeyStore for tests.
package signertest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/litellm-go/gateway/internal/auth/signer"
)

// KeyStore is an in-memory signer.KeyStore, safe for concurrent use. Its
// zero value is empty and ready. Several Signers sharing one KeyStore
// behave like gateway replicas sharing one database.
type KeyStore struct {
	mu   sync.Mutex
	keys []signer.KeyRecord
}

// SigningKeys returns copies of the stored keys in insertion order.
func (m *KeyStore) SigningKeys(ctx context.Context) ([]signer.KeyRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]signer.KeyRecord, len(m.keys))
	for i, k := range m.keys {
		out[i] = clone(k)
	}
	return out, nil
}

// AddSigningKey stores a copy of k. A key whose ID is taken is an error.
func (m *KeyStore) AddSigningKey(ctx context.Context, k signer.KeyRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if slices.ContainsFunc(m.keys, func(r signer.KeyRecord) bool { return r.ID == k.ID }) {
		return fmt.Errorf("add signing key %s: already exists", k.ID)
	}
	m.keys = append(m.keys, clone(k))
	return nil
}

// Set replaces every stored key, for tests that tamper with the store.
func (m *KeyStore) Set(keys []signer.KeyRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys = m.keys[:0]
	for _, k := range keys {
		m.keys = append(m.keys, clone(k))
	}
}

func clone(k signer.KeyRecord) signer.KeyRecord {
	k.Private = slices.Clone(k.Private)
	k.Public = slices.Clone(k.Public)
	return k
}
