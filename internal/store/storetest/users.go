package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var userTests = []test{
	{"create and get", testUserCreateGet},
	{"create sets timestamps", testUserTimestamps},
	{"create conflicts", testUserConflicts},
	{"get missing", testUserMissing},
	{"email is case-insensitive", testUserEmailCase},
	{"list order and pages", testUserList},
	{"update", testUserUpdate},
	{"update errors", testUserUpdateErrors},
	{"delete cascades", testUserDelete},
}

func newUser(id string) *store.User {
	return &store.User{
		ID:           id,
		Email:        id + "@example.com",
		Alias:        "Alias of " + id,
		Role:         "internal_user",
		Models:       []string{"gpt-4o", "claude"},
		Limits:       fullLimits(),
		Metadata:     metadata(),
		PasswordHash: "$2a$10$abcdefghijklmnopqrstuv",
		CreatedAt:    t0,
		UpdatedAt:    t0.Add(time.Hour),
	}
}

func createUsers(t *testing.T, s store.Tx, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, s.CreateUser(t.Context(), newUser(id)))
	}
}

func testUserCreateGet(t *testing.T, s store.Store) {
	u := newUser("u1")
	must(t, s.CreateUser(t.Context(), u))

	got, err := s.GetUser(t.Context(), "u1")
	must(t, err)
	wantDiff(t, "GetUser", u, got)
	got, err = s.GetUserByEmail(t.Context(), u.Email)
	must(t, err)
	wantDiff(t, "GetUserByEmail", u, got)
}

func testUserTimestamps(t *testing.T, s store.Store) {
	before := time.Now().Truncate(time.Microsecond)
	u := &store.User{ID: "u1"}
	must(t, s.CreateUser(t.Context(), u))
	after := time.Now()

	if u.CreatedAt.Before(before) || u.CreatedAt.After(after) {
		t.Errorf("CreatedAt = %v, want between %v and %v", u.CreatedAt, before, after)
	}
	if !u.UpdatedAt.Equal(u.CreatedAt) {
		t.Errorf("UpdatedAt = %v, want CreatedAt %v", u.UpdatedAt, u.CreatedAt)
	}
	got, err := s.GetUser(t.Context(), "u1")
	must(t, err)
	wantDiff(t, "GetUser", u, got, equateEmpty)
}

func testUserConflicts(t *testing.T, s store.Store) {
	createUsers(t, s, "u1")
	must(t, s.CreateUser(t.Context(), &store.User{ID: "no-email-1"}))
	must(t, s.CreateUser(t.Context(), &store.User{ID: "no-email-2"}))

	tests := []struct {
		name string
		user *store.User
	}{
		{"same id", &store.User{ID: "u1", Email: "other@example.com"}},
		{"same email", &store.User{ID: "u2", Email: "u1@example.com"}},
		{"same email in other case", &store.User{ID: "u3", Email: "U1@Example.COM"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.CreateUser(t.Context(), tc.user), store.ErrExists)
		})
	}
}

func testUserMissing(t *testing.T, s store.Store) {
	createUsers(t, s, "u1")
	_, err := s.GetUser(t.Context(), "nobody")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetUserByEmail(t.Context(), "nobody@example.com")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetUserByEmail(t.Context(), "")
	wantErr(t, err, store.ErrNotFound)
}

func testUserEmailCase(t *testing.T, s store.Store) {
	u := &store.User{ID: "alice", Email: "Alice@Example.COM"}
	must(t, s.CreateUser(t.Context(), u))

	for _, email := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.COM"} {
		t.Run(email, func(t *testing.T) {
			got, err := s.GetUserByEmail(t.Context(), email)
			must(t, err)
			if got.ID != "alice" || got.Email != "Alice@Example.COM" {
				t.Errorf("got user %q with email %q, want alice with Alice@Example.COM",
					got.ID, got.Email)
			}
		})
	}
}

func testUserList(t *testing.T, s store.Store) {
	// Inserted out of order; b and a tie on time and sort by id.
	for _, c := range []struct {
		id  string
		min int
	}{{"e", 2}, {"b", 1}, {"c", 0}, {"a", 1}, {"d", -1}} {
		u := &store.User{ID: c.id, CreatedAt: t0.Add(time.Duration(c.min) * time.Minute)}
		must(t, s.CreateUser(t.Context(), u))
	}

	tests := []struct {
		page store.Page
		want []string
	}{
		{store.Page{}, []string{"d", "c", "a", "b", "e"}},
		{store.Page{Limit: 2}, []string{"d", "c"}},
		{store.Page{Offset: 2, Limit: 2}, []string{"a", "b"}},
		{store.Page{Offset: 4, Limit: 10}, []string{"e"}},
		{store.Page{Offset: 3}, []string{"b", "e"}},
		{store.Page{Offset: 10, Limit: 5}, nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%+v", tc.page), func(t *testing.T) {
			users, total, err := s.ListUsers(t.Context(), tc.page)
			must(t, err)
			var got []string
			for _, u := range users {
				got = append(got, u.ID)
			}
			wantDiff(t, "ids", tc.want, got)
			if total != 5 {
				t.Errorf("total = %d, want 5", total)
			}
		})
	}
}

func testUserUpdate(t *testing.T, s store.Store) {
	u := newUser("u1")
	must(t, s.CreateUser(t.Context(), u))
	created := u.CreatedAt

	before := time.Now().Truncate(time.Microsecond)
	u = &store.User{
		ID:       "u1",
		Email:    "New@Example.com",
		Alias:    "renamed",
		Role:     "proxy_admin",
		Models:   []string{"o3"},
		Limits:   store.Limits{Spend: 2}, // limits removed
		Metadata: map[string]any{"k": "v"},
	}
	must(t, s.UpdateUser(t.Context(), u))

	if !u.CreatedAt.Equal(created) {
		t.Errorf("CreatedAt = %v, want it kept: %v", u.CreatedAt, created)
	}
	if u.UpdatedAt.Before(before) {
		t.Errorf("UpdatedAt = %v, want after %v", u.UpdatedAt, before)
	}
	got, err := s.GetUser(t.Context(), "u1")
	must(t, err)
	wantDiff(t, "GetUser", u, got, equateEmpty)
	_, err = s.GetUserByEmail(t.Context(), "u1@example.com")
	wantErr(t, err, store.ErrNotFound)
}

func testUserUpdateErrors(t *testing.T, s store.Store) {
	createUsers(t, s, "u1", "u2")

	tests := []struct {
		name string
		user *store.User
		want error
	}{
		{"missing", &store.User{ID: "nobody"}, store.ErrNotFound},
		{"email of another", &store.User{ID: "u2", Email: "U1@example.com"}, store.ErrExists},
		{"own email in other case", &store.User{ID: "u1", Email: "U1@EXAMPLE.com"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.UpdateUser(t.Context(), tc.user), tc.want)
		})
	}
	got, err := s.GetUser(t.Context(), "u2")
	must(t, err)
	if got.Email != "u2@example.com" {
		t.Errorf("u2 email = %q after a failed update, want u2@example.com", got.Email)
	}
}

func testUserDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "u1", "u2")
	must(t, s.CreateTeam(ctx, &store.Team{ID: "t1", Members: []store.Member{
		{UserID: "u1", Role: "admin"}, {UserID: "u2", Role: "user"},
	}}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k1", UserID: "u1", TeamID: "t1"}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k2", UserID: "u2"}))

	must(t, s.DeleteUser(ctx, "u1"))

	_, err := s.GetUser(ctx, "u1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetKey(ctx, "k1")
	wantErr(t, err, store.ErrNotFound)
	team, err := s.GetTeam(ctx, "t1")
	must(t, err)
	wantDiff(t, "members", []store.Member{{UserID: "u2", Role: "user"}}, team.Members)
	teams, err := s.ListTeams(ctx, store.TeamFilter{UserID: "u1"})
	must(t, err)
	if len(teams) != 0 {
		t.Errorf("ListTeams(u1) returned %d teams, want none", len(teams))
	}
	_, err = s.GetKey(ctx, "k2")
	must(t, err)
	wantErr(t, s.DeleteUser(ctx, "u1"), store.ErrNotFound)
}
