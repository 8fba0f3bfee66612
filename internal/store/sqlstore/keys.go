package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/litellm-go/gateway/internal/store"
)

// keyData are the columns of a key that UpdateKey replaces, in the order
// of keyData's values.
const keyData = "name, alias, user_id, team_id, models, " + limitCols +
	", metadata, blocked, expires_at, created_by"

var (
	selectKey = "SELECT hash, " + keyData + ", created_at, updated_at FROM keys"
	insertKey = insertSQL("keys", "hash, "+keyData+", created_at, updated_at")
	updateKey = "UPDATE keys SET " + setSQL(keyData+", updated_at") +
		" WHERE hash = ? RETURNING created_at"
)

// CreateKey inserts k and sets its timestamps as stored.
func (t *tx) CreateKey(ctx context.Context, k *store.Key) error {
	return wrap("create key", t.write(ctx, func() error {
		data, err := t.keyData(k)
		if err != nil {
			return err
		}
		created, updated := stamps(k.CreatedAt, k.UpdatedAt, t.now())
		args := append([]any{k.Hash}, data...)
		args = append(args, t.d.timeArg(created), t.d.timeArg(updated))
		if _, err := t.exec(ctx, insertKey, args...); err != nil {
			return err
		}
		k.CreatedAt, k.UpdatedAt = created, updated
		return nil
	}))
}

// GetKey returns the key with the given hash.
func (t *tx) GetKey(ctx context.Context, hash string) (*store.Key, error) {
	k, err := scanKey(t.queryRow(ctx, selectKey+" WHERE hash = ?", hash))
	if err != nil {
		return nil, fmt.Errorf("get key: %w", t.rowErr(err))
	}
	return k, nil
}

// ListKeys returns a page of the keys that match f, in creation order, and
// the number that match.
func (t *tx) ListKeys(ctx context.Context, f store.KeyFilter) ([]*store.Key, int, error) {
	where, args := keyFilter(f)
	q := strings.Replace(selectKey, " FROM", ", COUNT(*) OVER () FROM", 1) + where +
		" ORDER BY created_at, hash LIMIT ? OFFSET ?"
	keys, total, err := listPage(ctx, t, q, append(args, t.d.pageArgs(f.Page)...), scanKey)
	if err == nil && len(keys) == 0 && f.Offset > 0 {
		total, err = t.count(ctx, "SELECT COUNT(*) FROM keys"+where, args...)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("list keys: %w", err)
	}
	return keys, total, nil
}

func keyFilter(f store.KeyFilter) (string, []any) {
	var conds []string
	var args []any
	if f.UserID != "" {
		conds = append(conds, "user_id = ?")
		args = append(args, f.UserID)
	}
	if f.TeamID != "" {
		conds = append(conds, "team_id = ?")
		args = append(args, f.TeamID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// UpdateKey replaces the key that has k.Hash, keeping its creation time,
// which it copies into k.
func (t *tx) UpdateKey(ctx context.Context, k *store.Key) error {
	return wrap("update key", t.write(ctx, func() error {
		data, err := t.keyData(k)
		if err != nil {
			return err
		}
		updated := storedTime(t.now())
		row := t.queryRow(ctx, updateKey, append(data, t.d.timeArg(updated), k.Hash)...)
		if err := row.Scan(timeCol{&k.CreatedAt}); err != nil {
			return t.rowErr(err)
		}
		k.UpdatedAt = updated
		return nil
	}))
}

// DeleteKey removes the key with the given hash.
func (t *tx) DeleteKey(ctx context.Context, hash string) error {
	return wrap("delete key", t.write(ctx, func() error {
		res, err := t.exec(ctx, "DELETE FROM keys WHERE hash = ?", hash)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

// keyData returns the values of the keyData columns of k. An empty user or
// team is NULL, which the foreign keys let through.
func (t *tx) keyData(k *store.Key) ([]any, error) {
	models, meta, err := jsonArgs(k.Models, k.Metadata)
	if err != nil {
		return nil, err
	}
	args := []any{k.Name, k.Alias, nullString(k.UserID), nullString(k.TeamID), models}
	args = append(args, t.d.limitArgs(&k.Limits)...)
	return append(args, meta, k.Blocked, t.d.nullTimeArg(k.ExpiresAt), k.CreatedBy), nil
}

func scanKey(sc scanner, extra ...any) (*store.Key, error) {
	var k store.Key
	var userID, teamID sql.NullString
	dest := []any{&k.Hash, &k.Name, &k.Alias, &userID, &teamID, jsonCol{&k.Models}}
	dest = append(dest, limitDest(&k.Limits)...)
	dest = append(dest, jsonCol{&k.Metadata}, &k.Blocked, nullTimeCol{&k.ExpiresAt},
		&k.CreatedBy, timeCol{&k.CreatedAt}, timeCol{&k.UpdatedAt})
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	k.UserID, k.TeamID = userID.String, teamID.String
	notNil(&k.Models, &k.Metadata)
	return &k, nil
}
