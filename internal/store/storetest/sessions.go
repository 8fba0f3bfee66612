package storetest

import (
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var sessionTests = []test{
	{"create and get", testSessionCreateGet},
	{"create errors", testSessionCreateErrors},
	{"list order and filter", testSessionList},
	{"revoke keeps the first time", testSessionRevoke},
	{"touch", testSessionTouch},
	{"delete expired", testSessionDeleteExpired},
	{"delete user or team cascades", testSessionCascade},
	{"signing keys", testSigningKeys},
}

func newSession(id, userID, teamID string) *store.Session {
	return &store.Session{
		ID:        id,
		UserID:    userID,
		TeamID:    teamID,
		CreatedAt: t0,
		ExpiresAt: t0.Add(24 * time.Hour),
		UserAgent: "litellm-cli/1.0 (linux; amd64)",
		Address:   "203.0.113.7",
	}
}

// createSessions creates sessions of user u1 with the given ids.
func createSessions(t *testing.T, s store.Tx, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, s.CreateSession(t.Context(), newSession(id, "u1", "")))
	}
}

func testSessionCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "u1")
	must(t, s.CreateTeam(ctx, newTeam("t1")))
	full := newSession("s1", "u1", "t1")
	full.LastUsedAt = ptr(t0.Add(time.Minute))
	full.RevokedAt = ptr(t0.Add(time.Hour))
	must(t, s.CreateSession(ctx, full))

	got, err := s.GetSession(ctx, "s1")
	must(t, err)
	wantDiff(t, "GetSession", full, got)

	before := time.Now().Truncate(time.Microsecond)
	bare := &store.Session{ID: "s2", UserID: "u1", ExpiresAt: t0}
	must(t, s.CreateSession(ctx, bare))
	if bare.CreatedAt.Before(before) || bare.CreatedAt.After(time.Now()) {
		t.Errorf("CreatedAt = %v, want set by the store", bare.CreatedAt)
	}
	got, err = s.GetSession(ctx, "s2")
	must(t, err)
	wantDiff(t, "GetSession", bare, got)

	_, err = s.GetSession(ctx, "nobody")
	wantErr(t, err, store.ErrNotFound)
}

func testSessionCreateErrors(t *testing.T, s store.Store) {
	createUsers(t, s, "u1")
	createSessions(t, s, "s1")

	tests := []struct {
		name    string
		session *store.Session
		want    error
	}{
		{"same id", newSession("s1", "u1", ""), store.ErrExists},
		{"missing user", newSession("s2", "ghost", ""), store.ErrNotFound},
		{"missing team", newSession("s3", "u1", "ghost"), store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.CreateSession(t.Context(), tc.session), tc.want)
		})
	}
	for _, id := range []string{"s2", "s3"} {
		_, err := s.GetSession(t.Context(), id)
		wantErr(t, err, store.ErrNotFound)
	}
}

func testSessionList(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "a", "b")
	// Inserted out of order; s1 and s2 tie on time and sort by id. s0 is
	// revoked and, like every fixture, long expired: it is listed all the
	// same.
	for _, c := range []struct {
		id, user string
		min      int
	}{{"s3", "a", 1}, {"s2", "b", 0}, {"s1", "a", 0}, {"s0", "a", -1}} {
		sess := newSession(c.id, c.user, "")
		sess.CreatedAt = t0.Add(time.Duration(c.min) * time.Minute)
		must(t, s.CreateSession(ctx, sess))
	}
	must(t, s.RevokeSession(ctx, "s0", t0))

	tests := []struct {
		user string
		want []string
	}{
		{"", []string{"s0", "s1", "s2", "s3"}},
		{"a", []string{"s0", "s1", "s3"}},
		{"b", []string{"s2"}},
		{"nobody", nil},
	}
	for _, tc := range tests {
		t.Run("user="+tc.user, func(t *testing.T) {
			sessions, err := s.ListSessions(t.Context(), store.SessionFilter{UserID: tc.user})
			must(t, err)
			var got []string
			for _, sess := range sessions {
				got = append(got, sess.ID)
			}
			wantDiff(t, "ids", tc.want, got)
		})
	}
}

func testSessionRevoke(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "u1")
	createSessions(t, s, "s1", "s2")
	first := t0.Add(time.Hour)

	must(t, s.RevokeSession(ctx, "s1", first))
	must(t, s.RevokeSession(ctx, "s1", first.Add(time.Hour)))

	got, err := s.GetSession(ctx, "s1")
	must(t, err)
	wantDiff(t, "RevokedAt", &first, got.RevokedAt)
	got, err = s.GetSession(ctx, "s2")
	must(t, err)
	if got.RevokedAt != nil {
		t.Errorf("s2 RevokedAt = %v, want nil", got.RevokedAt)
	}
	wantErr(t, s.RevokeSession(ctx, "nobody", first), store.ErrNotFound)
}

// testSessionTouch records uses in a batch that names an unknown session
// and an older use than the one stored, which must not move back.
func testSessionTouch(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "u1")
	createSessions(t, s, "s1", "s2", "s3")
	later, earlier := t0.Add(2*time.Hour), t0.Add(time.Hour)
	must(t, s.TouchSessions(ctx, map[string]time.Time{"s2": later}))

	must(t, s.TouchSessions(ctx, map[string]time.Time{
		"s1": earlier, "s2": earlier, "ghost": earlier,
	}))
	must(t, s.TouchSessions(ctx, nil))

	want := map[string]*time.Time{"s1": &earlier, "s2": &later, "s3": nil}
	for id, at := range want {
		got, err := s.GetSession(ctx, id)
		must(t, err)
		wantDiff(t, id+" LastUsedAt", at, got.LastUsedAt)
	}
	_, err := s.GetSession(ctx, "ghost")
	wantErr(t, err, store.ErrNotFound)
}

func testSessionDeleteExpired(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "u1")
	for i, id := range []string{"s1", "s2", "s3"} {
		sess := newSession(id, "u1", "")
		sess.ExpiresAt = t0.Add(time.Duration(i+1) * time.Hour)
		must(t, s.CreateSession(ctx, sess))
	}

	// s2 expires at the very time given: it is not yet expired.
	n, err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
	must(t, err)
	if n != 1 {
		t.Errorf("DeleteExpiredSessions removed %d sessions, want 1", n)
	}
	wantSessions(t, s, store.SessionFilter{}, "s2", "s3")
	n, err = s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
	must(t, err)
	if n != 0 {
		t.Errorf("DeleteExpiredSessions again removed %d sessions, want 0", n)
	}
}

func testSessionCascade(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "a", "b")
	must(t, s.CreateTeam(ctx, newTeam("t1", member("a"), member("b"))))
	must(t, s.CreateTeam(ctx, newTeam("t2", member("b"))))
	for _, sess := range []*store.Session{
		newSession("a", "a", ""), newSession("a-t1", "a", "t1"),
		newSession("b-t1", "b", "t1"), newSession("b-t2", "b", "t2"),
	} {
		must(t, s.CreateSession(ctx, sess))
	}

	must(t, s.DeleteTeam(ctx, "t1"))
	wantSessions(t, s, store.SessionFilter{}, "a", "b-t2")
	must(t, s.DeleteUser(ctx, "b"))
	wantSessions(t, s, store.SessionFilter{}, "a")
	must(t, s.DeleteUser(ctx, "a"))
	wantSessions(t, s, store.SessionFilter{})
}

// wantSessions checks the ids of the sessions that f lists.
func wantSessions(t *testing.T, s store.Tx, f store.SessionFilter, ids ...string) {
	t.Helper()
	sessions, err := s.ListSessions(t.Context(), f)
	must(t, err)
	var got []string
	for _, sess := range sessions {
		got = append(got, sess.ID)
	}
	wantDiff(t, "sessions", ids, got, equateEmpty)
}

func testSigningKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	keys, err := s.SigningKeys(ctx)
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("SigningKeys on a new store = %d keys, want none", len(keys))
	}

	newer := store.SigningKey{ID: "kid-2", Alg: "EdDSA", Private: []byte("sealed\x00\xff2"),
		Public: []byte{2, 0, 255}, CreatedAt: t0.Add(time.Minute)}
	older := store.SigningKey{ID: "kid-1", Alg: "EdDSA", Private: []byte("sealed\x00\xff1"),
		Public: []byte{1, 0, 255}, CreatedAt: t0, RetireAt: ptr(t0.Add(48 * time.Hour))}
	unstamped := store.SigningKey{ID: "kid-3", Alg: "EdDSA", Private: []byte("p"),
		Public: []byte("q")}
	before := time.Now().Truncate(time.Microsecond)
	for _, k := range []store.SigningKey{newer, older, unstamped} {
		must(t, s.AddSigningKey(ctx, k))
	}
	wantErr(t, s.AddSigningKey(ctx, older), store.ErrExists)

	keys, err = s.SigningKeys(ctx)
	must(t, err)
	if len(keys) != 3 {
		t.Fatalf("SigningKeys = %d keys, want 3", len(keys))
	}
	if c := keys[2].CreatedAt; c.Before(before) || c.After(time.Now()) {
		t.Errorf("kid-3 CreatedAt = %v, want set by the store", c)
	}
	unstamped.CreatedAt = keys[2].CreatedAt
	wantDiff(t, "SigningKeys", []store.SigningKey{older, newer, unstamped}, keys)
}
