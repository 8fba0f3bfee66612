package clilogin

import (
	"context"

	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/store"
)

// KeyStore adapts st to signer.KeyStore, so that signing keys live with
// the gateway's other records and every replica shares them.
func KeyStore(st store.Store) signer.KeyStore { return keyStore{st} }

type keyStore struct{ st store.Store }

func (k keyStore) SigningKeys(ctx context.Context) ([]signer.KeyRecord, error) {
	keys, err := k.st.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]signer.KeyRecord, len(keys))
	for i, sk := range keys {
		out[i] = signer.KeyRecord{ID: sk.ID, Alg: sk.Alg, Private: sk.Private,
			Public: sk.Public, CreatedAt: sk.CreatedAt}
		if sk.RetireAt != nil {
			out[i].RetireAt = *sk.RetireAt
		}
	}
	return out, nil
}

func (k keyStore) AddSigningKey(ctx context.Context, r signer.KeyRecord) error {
	sk := store.SigningKey{ID: r.ID, Alg: r.Alg, Private: r.Private, Public: r.Public,
		CreatedAt: r.CreatedAt}
	if !r.RetireAt.IsZero() {
		sk.RetireAt = &r.RetireAt
	}
	return k.st.AddSigningKey(ctx, sk)
}
