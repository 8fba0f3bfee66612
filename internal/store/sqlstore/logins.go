package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// None of these writes advances the revision: logins in progress and auth
// states are read from the store at each step, never cached.

// loginData are the columns of a pending login that UpdatePendingLogin
// replaces, in the order of loginData's values.
const loginData = "poll_secret_hash, user_code_hash, browser_token_hash, status," +
	" user_id, team_id, failed_attempts, address, expires_at"

const authStateCols = "state_hash, login_id, nonce, verifier, created_at, expires_at"

var (
	selectLogin = "SELECT id, " + loginData + ", created_at FROM pending_logins WHERE id = ?"
	insertLogin = insertSQL("pending_logins", "id, "+loginData+", created_at")
	updateLogin = "UPDATE pending_logins SET " + setSQL(loginData) +
		" WHERE id = ? RETURNING created_at"

	insertAuthState = insertSQL("auth_states", authStateCols)
	takeAuthState   = "DELETE FROM auth_states WHERE state_hash = ? RETURNING " + authStateCols
)

// CreatePendingLogin inserts l and sets its creation time as stored.
func (t *tx) CreatePendingLogin(ctx context.Context, l *store.PendingLogin) error {
	return wrap("create pending login", t.writeQuiet(ctx, func() error {
		created, _ := stamps(l.CreatedAt, l.CreatedAt, t.now())
		args := append([]any{l.ID}, t.loginData(l)...)
		if _, err := t.exec(ctx, insertLogin, append(args, t.d.timeArg(created))...); err != nil {
			return err
		}
		l.CreatedAt = created
		return nil
	}))
}

// GetPendingLogin returns the login with the given id, expired or not.
func (t *tx) GetPendingLogin(ctx context.Context, id string) (*store.PendingLogin, error) {
	var l store.PendingLogin
	err := t.queryRow(ctx, selectLogin, id).Scan(&l.ID, &l.PollSecretHash,
		&l.UserCodeHash, &l.BrowserTokenHash, &l.Status, &l.UserID, &l.TeamID,
		&l.FailedAttempts, &l.Address, timeCol{&l.ExpiresAt}, timeCol{&l.CreatedAt})
	if err != nil {
		return nil, fmt.Errorf("get pending login: %w", t.rowErr(err))
	}
	return &l, nil
}

// UpdatePendingLogin replaces the login that has l.ID, keeping its
// creation time, which it copies into l.
func (t *tx) UpdatePendingLogin(ctx context.Context, l *store.PendingLogin) error {
	return wrap("update pending login", t.writeQuiet(ctx, func() error {
		row := t.queryRow(ctx, updateLogin, append(t.loginData(l), l.ID)...)
		if err := row.Scan(timeCol{&l.CreatedAt}); err != nil {
			return t.rowErr(err)
		}
		return nil
	}))
}

// DeletePendingLogin removes the login with the given id.
func (t *tx) DeletePendingLogin(ctx context.Context, id string) error {
	return wrap("delete pending login", t.writeQuiet(ctx, func() error {
		res, err := t.exec(ctx, "DELETE FROM pending_logins WHERE id = ?", id)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

// DeleteExpiredLogins removes the pending logins and auth states that
// expired before the given time and returns how many of both.
func (t *tx) DeleteExpiredLogins(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := t.writeQuiet(ctx, func() error {
		at := t.d.timeArg(before)
		logins, err := t.deleteCount(ctx, "DELETE FROM pending_logins WHERE expires_at < ?", at)
		if err != nil {
			return err
		}
		states, err := t.deleteCount(ctx, "DELETE FROM auth_states WHERE expires_at < ?", at)
		n = logins + states
		return err
	})
	return n, wrap("delete expired logins", err)
}

// CreateAuthState inserts a and sets its creation time as stored.
func (t *tx) CreateAuthState(ctx context.Context, a *store.AuthState) error {
	return wrap("create auth state", t.writeQuiet(ctx, func() error {
		created, _ := stamps(a.CreatedAt, a.CreatedAt, t.now())
		_, err := t.exec(ctx, insertAuthState, a.StateHash, a.LoginID, a.Nonce, a.Verifier,
			t.d.timeArg(created), t.d.timeArg(a.ExpiresAt))
		if err != nil {
			return err
		}
		a.CreatedAt = created
		return nil
	}))
}

// TakeAuthState deletes the state with the given hash and returns it,
// expired or not. A single statement does both, so that of two concurrent
// callers only one gets the row: the other finds it deleted.
func (t *tx) TakeAuthState(ctx context.Context, stateHash string) (*store.AuthState, error) {
	var a store.AuthState
	err := t.writeQuiet(ctx, func() error {
		err := t.queryRow(ctx, takeAuthState, stateHash).Scan(&a.StateHash, &a.LoginID,
			&a.Nonce, &a.Verifier, timeCol{&a.CreatedAt}, timeCol{&a.ExpiresAt})
		return t.rowErr(err)
	})
	if err != nil {
		return nil, fmt.Errorf("take auth state: %w", err)
	}
	return &a, nil
}

// loginData returns the values of the loginData columns of l.
func (t *tx) loginData(l *store.PendingLogin) []any {
	return []any{l.PollSecretHash, l.UserCodeHash, l.BrowserTokenHash, l.Status,
		l.UserID, l.TeamID, l.FailedAttempts, l.Address, t.d.timeArg(l.ExpiresAt)}
}
