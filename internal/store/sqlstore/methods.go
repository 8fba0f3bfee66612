package sqlstore

import (
	"context"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// The Store's record methods: reads run on the read pool, each write in a
// transaction of its own (a management write and the revision make two
// rows; a batch of spend makes many).

// writeTx runs fn, a management write, in a transaction of its own.
func (s *Store) writeTx(ctx context.Context, fn func(t *tx) error) error {
	return s.inTx(ctx, txManage, fn)
}

// quietTx runs fn, a write that leaves the revision alone, in a
// transaction of its own.
func (s *Store) quietTx(ctx context.Context, fn func(t *tx) error) error {
	return s.inTx(ctx, txQuiet, fn)
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

// CreateSession implements store.Tx.
func (s *Store) CreateSession(ctx context.Context, se *store.Session) error {
	return s.quietTx(ctx, func(t *tx) error { return t.CreateSession(ctx, se) })
}

// GetSession implements store.Tx.
func (s *Store) GetSession(ctx context.Context, id string) (*store.Session, error) {
	return s.ro.GetSession(ctx, id)
}

// ListSessions implements store.Tx.
func (s *Store) ListSessions(ctx context.Context, f store.SessionFilter) ([]*store.Session, error) {
	return s.ro.ListSessions(ctx, f)
}

// RevokeSession implements store.Tx.
func (s *Store) RevokeSession(ctx context.Context, id string, at time.Time) error {
	return s.writeTx(ctx, func(t *tx) error { return t.RevokeSession(ctx, id, at) })
}

// TouchSessions implements store.Tx.
func (s *Store) TouchSessions(ctx context.Context, lastUsed map[string]time.Time) error {
	if len(lastUsed) == 0 {
		return nil
	}
	return s.quietTx(ctx, func(t *tx) error { return t.TouchSessions(ctx, lastUsed) })
}

// DeleteExpiredSessions implements store.Tx.
func (s *Store) DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := s.quietTx(ctx, func(t *tx) (err error) {
		n, err = t.DeleteExpiredSessions(ctx, before)
		return err
	})
	return n, err
}

// SigningKeys implements store.Tx.
func (s *Store) SigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	return s.ro.SigningKeys(ctx)
}

// AddSigningKey implements store.Tx.
func (s *Store) AddSigningKey(ctx context.Context, k store.SigningKey) error {
	return s.quietTx(ctx, func(t *tx) error { return t.AddSigningKey(ctx, k) })
}

// CreatePendingLogin implements store.Tx.
func (s *Store) CreatePendingLogin(ctx context.Context, l *store.PendingLogin) error {
	return s.quietTx(ctx, func(t *tx) error { return t.CreatePendingLogin(ctx, l) })
}

// GetPendingLogin implements store.Tx.
func (s *Store) GetPendingLogin(ctx context.Context, id string) (*store.PendingLogin, error) {
	return s.ro.GetPendingLogin(ctx, id)
}

// UpdatePendingLogin implements store.Tx.
func (s *Store) UpdatePendingLogin(ctx context.Context, l *store.PendingLogin) error {
	return s.quietTx(ctx, func(t *tx) error { return t.UpdatePendingLogin(ctx, l) })
}

// DeletePendingLogin implements store.Tx.
func (s *Store) DeletePendingLogin(ctx context.Context, id string) error {
	return s.quietTx(ctx, func(t *tx) error { return t.DeletePendingLogin(ctx, id) })
}

// DeleteExpiredLogins implements store.Tx.
func (s *Store) DeleteExpiredLogins(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := s.quietTx(ctx, func(t *tx) (err error) {
		n, err = t.DeleteExpiredLogins(ctx, before)
		return err
	})
	return n, err
}

// CreateAuthState implements store.Tx.
func (s *Store) CreateAuthState(ctx context.Context, a *store.AuthState) error {
	return s.quietTx(ctx, func(t *tx) error { return t.CreateAuthState(ctx, a) })
}

// TakeAuthState implements store.Tx.
func (s *Store) TakeAuthState(ctx context.Context, stateHash string) (*store.AuthState, error) {
	var a *store.AuthState
	err := s.quietTx(ctx, func(t *tx) (err error) {
		a, err = t.TakeAuthState(ctx, stateHash)
		return err
	})
	return a, err
}

// AddSpend implements store.Tx.
func (s *Store) AddSpend(ctx context.Context, records []store.SpendRecord) error {
	if len(records) == 0 {
		return nil
	}
	return s.quietTx(ctx, func(t *tx) error { return t.AddSpend(ctx, records) })
}

// ListSpend implements store.Tx.
func (s *Store) ListSpend(
	ctx context.Context, f store.SpendFilter,
) ([]*store.SpendRecord, int, error) {
	return s.ro.ListSpend(ctx, f)
}

// DueBudgets implements store.Tx.
func (s *Store) DueBudgets(ctx context.Context, now time.Time) ([]store.BudgetRef, error) {
	return s.ro.DueBudgets(ctx, now)
}

// ResetBudget implements store.Tx.
func (s *Store) ResetBudget(ctx context.Context, ref store.BudgetRef, next time.Time) error {
	return s.quietTx(ctx, func(t *tx) error { return t.ResetBudget(ctx, ref, next) })
}

// Revision implements store.Tx.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return s.ro.Revision(ctx)
}
