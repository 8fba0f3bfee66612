package sqlstore

import (
	"context"

	"github.com/litellm-go/gateway/internal/store"
)

// The Store's record methods: reads run on the read pool, each write in a
// transaction of its own (the write and the revision make two rows).

// writeTx runs fn in a transaction of its own.
func (s *Store) writeTx(ctx context.Context, fn func(t *tx) error) error {
	return s.inTx(ctx, false, fn)
}

// CreateUser implements store.Tx.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	return s.writeTx(ctx, func(t *tx) error { return t.CreateUser(ctx, u) })
}

// GetUser implements store.Tx.
func (s *Store) GetUser(ctx context.Context, id string) (*store.User, error) {
	return s.ro.GetUser(ctx, id)
}

// GetUserByEmail implements store.Tx.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (*store.User, error) {
	return s.ro.GetUserByEmail(ctx, email)
}

// ListUsers implements store.Tx.
func (s *Store) ListUsers(ctx context.Context, p store.Page) ([]*store.User, int, error) {
	return s.ro.ListUsers(ctx, p)
}

// UpdateUser implements store.Tx.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	return s.writeTx(ctx, func(t *tx) error { return t.UpdateUser(ctx, u) })
}

// DeleteUser implements store.Tx.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return s.writeTx(ctx, func(t *tx) error { return t.DeleteUser(ctx, id) })
}

// CreateTeam implements store.Tx.
func (s *Store) CreateTeam(ctx context.Context, tm *store.Team) error {
	return s.writeTx(ctx, func(t *tx) error { return t.CreateTeam(ctx, tm) })
}

// GetTeam implements store.Tx.
func (s *Store) GetTeam(ctx context.Context, id string) (*store.Team, error) {
	return s.ro.GetTeam(ctx, id)
}

// ListTeams implements store.Tx.
func (s *Store) ListTeams(ctx context.Context, f store.TeamFilter) ([]*store.Team, error) {
	return s.ro.ListTeams(ctx, f)
}

// UpdateTeam implements store.Tx.
func (s *Store) UpdateTeam(ctx context.Context, tm *store.Team) error {
	return s.writeTx(ctx, func(t *tx) error { return t.UpdateTeam(ctx, tm) })
}

// DeleteTeam implements store.Tx.
func (s *Store) DeleteTeam(ctx context.Context, id string) error {
	return s.writeTx(ctx, func(t *tx) error { return t.DeleteTeam(ctx, id) })
}

// CreateKey implements store.Tx.
func (s *Store) CreateKey(ctx context.Context, k *store.Key) error {
	return s.writeTx(ctx, func(t *tx) error { return t.CreateKey(ctx, k) })
}

// GetKey implements store.Tx.
func (s *Store) GetKey(ctx context.Context, hash string) (*store.Key, error) {
	return s.ro.GetKey(ctx, hash)
}

// ListKeys implements store.Tx.
func (s *Store) ListKeys(ctx context.Context, f store.KeyFilter) ([]*store.Key, int, error) {
	return s.ro.ListKeys(ctx, f)
}

// UpdateKey implements store.Tx.
func (s *Store) UpdateKey(ctx context.Context, k *store.Key) error {
	return s.writeTx(ctx, func(t *tx) error { return t.UpdateKey(ctx, k) })
}

// DeleteKey implements store.Tx.
func (s *Store) DeleteKey(ctx context.Context, hash string) error {
	return s.writeTx(ctx, func(t *tx) error { return t.DeleteKey(ctx, hash) })
}

// CreateModel implements store.Tx.
func (s *Store) CreateModel(ctx context.Context, m *store.Model) error {
	return s.writeTx(ctx, func(t *tx) error { return t.CreateModel(ctx, m) })
}

// ListModels implements store.Tx.
func (s *Store) ListModels(ctx context.Context) ([]*store.Model, error) {
	return s.ro.ListModels(ctx)
}

// DeleteModel implements store.Tx.
func (s *Store) DeleteModel(ctx context.Context, id string) error {
	return s.writeTx(ctx, func(t *tx) error { return t.DeleteModel(ctx, id) })
}

// Revision implements store.Tx.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return s.ro.Revision(ctx)
}
