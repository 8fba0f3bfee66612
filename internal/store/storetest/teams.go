package storetest

import (
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var teamTests = []test{
	{"create and get", testTeamCreateGet},
	{"create errors", testTeamCreateErrors},
	{"list and filter", testTeamList},
	{"update replaces members", testTeamUpdate},
	{"update errors", testTeamUpdateErrors},
	{"delete cascades", testTeamDelete},
}

func newTeam(id string, members ...store.Member) *store.Team {
	return &store.Team{
		ID:        id,
		Alias:     "Team " + id,
		Models:    []string{"gpt-4o"},
		Limits:    fullLimits(),
		Metadata:  metadata(),
		Blocked:   true,
		Members:   members,
		CreatedAt: t0,
		UpdatedAt: t0.Add(time.Hour),
	}
}

func admin(id string) store.Member  { return store.Member{UserID: id, Role: "admin"} }
func member(id string) store.Member { return store.Member{UserID: id, Role: "user"} }

func testTeamCreateGet(t *testing.T, s store.Store) {
	createUsers(t, s, "a", "b", "c")
	tm := newTeam("t1", admin("c"), member("a"), member("b"))
	must(t, s.CreateTeam(t.Context(), tm))

	got, err := s.GetTeam(t.Context(), "t1")
	must(t, err)
	wantDiff(t, "GetTeam", tm, got)
	_, err = s.GetTeam(t.Context(), "nobody")
	wantErr(t, err, store.ErrNotFound)
}

func testTeamCreateErrors(t *testing.T, s store.Store) {
	createUsers(t, s, "a")
	must(t, s.CreateTeam(t.Context(), newTeam("t1", member("a"))))

	tests := []struct {
		name string
		team *store.Team
		want error
	}{
		{"same id", newTeam("t1"), store.ErrExists},
		{"missing member", newTeam("t2", member("a"), member("ghost")), store.ErrNotFound},
		{"member twice", newTeam("t3", member("a"), admin("a")), store.ErrExists},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.CreateTeam(t.Context(), tc.team), tc.want)
		})
	}
	for _, id := range []string{"t2", "t3"} {
		_, err := s.GetTeam(t.Context(), id)
		wantErr(t, err, store.ErrNotFound)
	}
}

func testTeamList(t *testing.T, s store.Store) {
	createUsers(t, s, "a", "b", "loner")
	teams := []*store.Team{
		{ID: "t3", CreatedAt: t0.Add(time.Minute)},
		{ID: "t2", CreatedAt: t0, Members: []store.Member{member("b"), admin("a")}},
		{ID: "t1", CreatedAt: t0, Members: []store.Member{member("a")}},
	}
	for _, tm := range teams {
		must(t, s.CreateTeam(t.Context(), tm))
	}
	t1, t2, t3 := teams[2], teams[1], teams[0]

	tests := []struct {
		user string
		want []*store.Team
	}{
		{"", []*store.Team{t1, t2, t3}},
		{"a", []*store.Team{t1, t2}},
		{"b", []*store.Team{t2}}, // with all its members, not just b
		{"loner", nil},
		{"nobody", nil},
	}
	for _, tc := range tests {
		t.Run("user="+tc.user, func(t *testing.T) {
			got, err := s.ListTeams(t.Context(), store.TeamFilter{UserID: tc.user})
			must(t, err)
			wantDiff(t, "ListTeams", tc.want, got, equateEmpty)
		})
	}
}

func testTeamUpdate(t *testing.T, s store.Store) {
	createUsers(t, s, "a", "b", "c")
	tm := newTeam("t1", member("a"), member("b"))
	must(t, s.CreateTeam(t.Context(), tm))
	created := tm.CreatedAt

	tm = &store.Team{ID: "t1", Alias: "renamed", Members: []store.Member{admin("c"), member("a")}}
	must(t, s.UpdateTeam(t.Context(), tm))

	if !tm.CreatedAt.Equal(created) {
		t.Errorf("CreatedAt = %v, want it kept: %v", tm.CreatedAt, created)
	}
	got, err := s.GetTeam(t.Context(), "t1")
	must(t, err)
	wantDiff(t, "GetTeam", tm, got, equateEmpty)
	teams, err := s.ListTeams(t.Context(), store.TeamFilter{UserID: "b"})
	must(t, err)
	if len(teams) != 0 {
		t.Errorf("b is still in %d teams, want none", len(teams))
	}
}

func testTeamUpdateErrors(t *testing.T, s store.Store) {
	createUsers(t, s, "a")
	tm := newTeam("t1", member("a"))
	must(t, s.CreateTeam(t.Context(), tm))

	tests := []struct {
		name string
		team *store.Team
		want error
	}{
		{"missing team", newTeam("nobody"), store.ErrNotFound},
		{"missing member", &store.Team{ID: "t1", Members: []store.Member{member("ghost")}},
			store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.UpdateTeam(t.Context(), tc.team), tc.want)
		})
	}
	got, err := s.GetTeam(t.Context(), "t1")
	must(t, err)
	wantDiff(t, "team after failed updates", tm, got)
}

func testTeamDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "a", "b")
	must(t, s.CreateTeam(ctx, newTeam("t1", member("a"), member("b"))))
	must(t, s.CreateTeam(ctx, newTeam("t2", member("a"))))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k1", UserID: "a", TeamID: "t1"}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k2", TeamID: "t2"}))

	must(t, s.DeleteTeam(ctx, "t1"))

	_, err := s.GetTeam(ctx, "t1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetKey(ctx, "k1")
	wantErr(t, err, store.ErrNotFound)
	for _, id := range []string{"a", "b"} {
		_, err := s.GetUser(ctx, id)
		must(t, err)
	}
	teams, err := s.ListTeams(ctx, store.TeamFilter{UserID: "b"})
	must(t, err)
	if len(teams) != 0 {
		t.Errorf("b is still in %d teams, want none", len(teams))
	}
	_, err = s.GetKey(ctx, "k2")
	must(t, err)
	wantErr(t, s.DeleteTeam(ctx, "t1"), store.ErrNotFound)
}
