package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// sessionCols are the columns of a session, in the order of scanSession.
const sessionCols = "id, user_id, team_id, created_at, expires_at, last_used_at," +
	" user_agent, address, revoked_at"

const signingKeyCols = "id, alg, private, public, created_at, retire_at"

var (
	selectSession    = "SELECT " + sessionCols + " FROM sessions"
	insertSession    = insertSQL("sessions", sessionCols)
	selectSigningKey = "SELECT " + signingKeyCols + " FROM signing_keys ORDER BY created_at, id"
	insertSigningKey = insertSQL("signing_keys", signingKeyCols)
)

// Of the session writes, only RevokeSession advances the revision. A token
// names its session only once it is created, so no cache can hold a stale
// copy of a new one; the last use is shown, never enforced, so a cached
// copy may lag; and a session past its expiry is refused on its own
// ExpiresAt, whatever a cache holds, before it is deleted.

// CreateSession inserts sess and sets its creation time as stored.
func (t *tx) CreateSession(ctx context.Context, sess *store.Session) error {
	return wrap("create session", t.writeQuiet(ctx, func() error {
		created, _ := stamps(sess.CreatedAt, sess.CreatedAt, t.now())
		_, err := t.exec(ctx, insertSession, sess.ID, sess.UserID, nullString(sess.TeamID),
			t.d.timeArg(created), t.d.timeArg(sess.ExpiresAt), t.d.nullTimeArg(sess.LastUsedAt),
			sess.UserAgent, sess.Address, t.d.nullTimeArg(sess.RevokedAt))
		if err != nil {
			return err
		}
		sess.CreatedAt = created
		return nil
	}))
}

// GetSession returns the session with the given id.
func (t *tx) GetSession(ctx context.Context, id string) (*store.Session, error) {
	sess, err := scanSession(t.queryRow(ctx, selectSession+" WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("get session: %w", t.rowErr(err))
	}
	return sess, nil
}

// ListSessions returns the sessions, or those of f.UserID, in creation
// order.
func (t *tx) ListSessions(ctx context.Context, f store.SessionFilter) ([]*store.Session, error) {
	q, args := selectSession, []any(nil)
	if f.UserID != "" {
		q += " WHERE user_id = ?"
		args = append(args, f.UserID)
	}
	rows, err := t.query(ctx, q+" ORDER BY created_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()

	var out []*store.Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// RevokeSession sets the session's revocation time unless it has one. It
// advances the revision, so that every replica drops its cached copy.
func (t *tx) RevokeSession(ctx context.Context, id string, at time.Time) error {
	const q = "UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"
	return wrap("revoke session", t.write(ctx, func() error {
		res, err := t.exec(ctx, q, t.d.timeArg(at), id)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

// TouchSessions sets the last use of the sessions that exist, one update
// each, in the order of their ids. It never moves a last use back: the
// replicas' batches may arrive in any order.
func (t *tx) TouchSessions(ctx context.Context, lastUsed map[string]time.Time) error {
	const q = "UPDATE sessions SET last_used_at = ?" +
		" WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)"
	return wrap("touch sessions", t.writeQuiet(ctx, func() error {
		for _, id := range slices.Sorted(maps.Keys(lastUsed)) {
			at := t.d.timeArg(lastUsed[id])
			if _, err := t.exec(ctx, q, at, id, at); err != nil {
				return err
			}
		}
		return nil
	}))
}

// DeleteExpiredSessions removes the sessions that expired before the given
// time.
func (t *tx) DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := t.writeQuiet(ctx, func() (err error) {
		n, err = t.deleteCount(ctx, "DELETE FROM sessions WHERE expires_at < ?",
			t.d.timeArg(before))
		return err
	})
	return n, wrap("delete expired sessions", err)
}

// SigningKeys returns every signing key, oldest first.
func (t *tx) SigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	rows, err := t.query(ctx, selectSigningKey)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	defer rows.Close()

	var keys []store.SigningKey
	for rows.Next() {
		var k store.SigningKey
		err := rows.Scan(&k.ID, &k.Alg, &k.Private, &k.Public,
			timeCol{&k.CreatedAt}, nullTimeCol{&k.RetireAt})
		if err != nil {
			return nil, fmt.Errorf("list signing keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	return keys, nil
}

// AddSigningKey inserts k; a zero CreatedAt is stored as now. It leaves
// the revision alone: a replica that meets a token signed by a key it does
// not know reloads the keys (see package signer).
func (t *tx) AddSigningKey(ctx context.Context, k store.SigningKey) error {
	return wrap("add signing key", t.writeQuiet(ctx, func() error {
		created, _ := stamps(k.CreatedAt, k.CreatedAt, t.now())
		_, err := t.exec(ctx, insertSigningKey, k.ID, k.Alg, blobArg(k.Private),
			blobArg(k.Public), t.d.timeArg(created), t.d.nullTimeArg(k.RetireAt))
		return err
	}))
}

func scanSession(sc scanner) (*store.Session, error) {
	var sess store.Session
	var teamID sql.NullString
	err := sc.Scan(&sess.ID, &sess.UserID, &teamID, timeCol{&sess.CreatedAt},
		timeCol{&sess.ExpiresAt}, nullTimeCol{&sess.LastUsedAt}, &sess.UserAgent,
		&sess.Address, nullTimeCol{&sess.RevokedAt})
	if err != nil {
		return nil, err
	}
	sess.TeamID = teamID.String
	return &sess, nil
}
