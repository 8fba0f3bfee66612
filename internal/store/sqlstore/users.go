package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/litellm-go/gateway/internal/store"
)

// userData are the columns of a user that UpdateUser replaces, in the
// order of userData's values.
const userData = "email, email_lower, alias, role, models, " + limitCols +
	", metadata, password_hash"

var (
	selectUser = "SELECT id, email, alias, role, models, " + limitCols +
		", metadata, password_hash, created_at, updated_at FROM users"
	insertUser = insertSQL("users", "id, "+userData+", created_at, updated_at")
	updateUser = "UPDATE users SET " + setSQL(userData+", updated_at") +
		" WHERE id = ? RETURNING created_at"
)

// CreateUser inserts u and sets its timestamps as stored.
func (t *tx) CreateUser(ctx context.Context, u *store.User) error {
	return wrap("create user", t.write(ctx, func() error {
		data, err := t.userData(u)
		if err != nil {
			return err
		}
		created, updated := stamps(u.CreatedAt, u.UpdatedAt, t.now())
		args := append([]any{u.ID}, data...)
		args = append(args, t.d.timeArg(created), t.d.timeArg(updated))
		if _, err := t.exec(ctx, insertUser, args...); err != nil {
			return err
		}
		u.CreatedAt, u.UpdatedAt = created, updated
		return nil
	}))
}

// GetUser returns the user with the given id.
func (t *tx) GetUser(ctx context.Context, id string) (*store.User, error) {
	u, err := scanUser(t.queryRow(ctx, selectUser+" WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("get user: %w", t.rowErr(err))
	}
	return u, nil
}

// GetUserByEmail returns the user with the given email, in any case.
func (t *tx) GetUserByEmail(ctx context.Context, email string) (*store.User, error) {
	row := t.queryRow(ctx, selectUser+" WHERE email_lower = ?", emailKey(email))
	u, err := scanUser(row)
	if err != nil {
		return nil, fmt.Errorf("get user by email: %w", t.rowErr(err))
	}
	return u, nil
}

// ListUsers returns a page of users in creation order and their number.
func (t *tx) ListUsers(ctx context.Context, p store.Page) ([]*store.User, int, error) {
	q := strings.Replace(selectUser, " FROM", ", COUNT(*) OVER () FROM", 1) +
		" ORDER BY created_at, id LIMIT ? OFFSET ?"
	users, total, err := listPage(ctx, t, q, t.d.pageArgs(p), scanUser)
	if err == nil && len(users) == 0 && p.Offset > 0 {
		total, err = t.count(ctx, "SELECT COUNT(*) FROM users")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return users, total, nil
}

// UpdateUser replaces the user that has u.ID, keeping its creation time,
// which it copies into u.
func (t *tx) UpdateUser(ctx context.Context, u *store.User) error {
	return wrap("update user", t.write(ctx, func() error {
		data, err := t.userData(u)
		if err != nil {
			return err
		}
		updated := storedTime(t.now())
		args := append(data, t.d.timeArg(updated), u.ID)
		row := t.queryRow(ctx, updateUser, args...)
		if err := row.Scan(timeCol{&u.CreatedAt}); err != nil {
			return t.rowErr(err)
		}
		u.UpdatedAt = updated
		return nil
	}))
}

// DeleteUser removes the user; the schema removes their memberships and
// keys.
func (t *tx) DeleteUser(ctx context.Context, id string) error {
	return wrap("delete user", t.write(ctx, func() error {
		res, err := t.exec(ctx, "DELETE FROM users WHERE id = ?", id)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

// userData returns the values of the userData columns of u.
func (t *tx) userData(u *store.User) ([]any, error) {
	models, meta, err := jsonArgs(u.Models, u.Metadata)
	if err != nil {
		return nil, err
	}
	args := []any{u.Email, emailKey(u.Email), u.Alias, u.Role, models}
	args = append(args, t.d.limitArgs(&u.Limits)...)
	return append(args, meta, u.PasswordHash), nil
}

func scanUser(sc scanner, extra ...any) (*store.User, error) {
	var u store.User
	dest := []any{&u.ID, &u.Email, &u.Alias, &u.Role, jsonCol{&u.Models}}
	dest = append(dest, limitDest(&u.Limits)...)
	dest = append(dest, jsonCol{&u.Metadata}, &u.PasswordHash,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	notNil(&u.Models, &u.Metadata)
	return &u, nil
}
