package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var keyTests = []test{
	{"create and get", testKeyCreateGet},
	{"create errors", testKeyCreateErrors},
	{"list filters and pages", testKeyList},
	{"update", testKeyUpdate},
	{"delete", testKeyDelete},
}

func newKey(hash, userID, teamID string) *store.Key {
	return &store.Key{
		Hash:      hash,
		Name:      "sk-...wxyz",
		Alias:     "ci key",
		UserID:    userID,
		TeamID:    teamID,
		Models:    []string{"gpt-4o-mini"},
		Limits:    fullLimits(),
		Metadata:  metadata(),
		Blocked:   true,
		ExpiresAt: ptr(t0.Add(24 * time.Hour)),
		CreatedBy: "admin",
		CreatedAt: t0,
		UpdatedAt: t0.Add(time.Hour),
	}
}

func testKeyCreateGet(t *testing.T, s store.Store) {
	createUsers(t, s, "u1")
	must(t, s.CreateTeam(t.Context(), newTeam("t1")))
	k := newKey("k1", "u1", "t1")
	must(t, s.CreateKey(t.Context(), k))

	got, err := s.GetKey(t.Context(), "k1")
	must(t, err)
	wantDiff(t, "GetKey", k, got)
	_, err = s.GetKey(t.Context(), "nobody")
	wantErr(t, err, store.ErrNotFound)
}

func testKeyCreateErrors(t *testing.T, s store.Store) {
	createUsers(t, s, "u1")
	must(t, s.CreateKey(t.Context(), newKey("k1", "u1", "")))

	tests := []struct {
		name string
		key  *store.Key
		want error
	}{
		{"same hash", newKey("k1", "", ""), store.ErrExists},
		{"missing user", newKey("k2", "ghost", ""), store.ErrNotFound},
		{"missing team", newKey("k3", "u1", "ghost"), store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.CreateKey(t.Context(), tc.key), tc.want)
		})
	}
}

func testKeyList(t *testing.T, s store.Store) {
	createUsers(t, s, "u1", "u2")
	must(t, s.CreateTeam(t.Context(), newTeam("ta")))
	must(t, s.CreateTeam(t.Context(), newTeam("tb")))
	owners := [][2]string{{"u1", "ta"}, {"u1", ""}, {"u2", "ta"}, {"u2", "tb"}, {"", ""}}
	for i, o := range owners {
		k := &store.Key{Hash: fmt.Sprintf("k%d", i+1), UserID: o[0], TeamID: o[1],
			CreatedAt: t0.Add(time.Duration(len(owners)-i) * -time.Minute)}
		must(t, s.CreateKey(t.Context(), k))
	}

	tests := []struct {
		filter store.KeyFilter
		want   []string
		total  int
	}{
		{store.KeyFilter{}, []string{"k1", "k2", "k3", "k4", "k5"}, 5},
		{store.KeyFilter{UserID: "u1"}, []string{"k1", "k2"}, 2},
		{store.KeyFilter{TeamID: "ta"}, []string{"k1", "k3"}, 2},
		{store.KeyFilter{UserID: "u2", TeamID: "ta"}, []string{"k3"}, 1},
		{store.KeyFilter{Page: store.Page{Offset: 1, Limit: 2}}, []string{"k2", "k3"}, 5},
		{store.KeyFilter{UserID: "u2", Page: store.Page{Limit: 1}}, []string{"k3"}, 2},
		{store.KeyFilter{UserID: "u2", Page: store.Page{Offset: 5}}, nil, 2},
		{store.KeyFilter{UserID: "nobody"}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%+v", tc.filter), func(t *testing.T) {
			keys, total, err := s.ListKeys(t.Context(), tc.filter)
			must(t, err)
			var got []string
			for _, k := range keys {
				got = append(got, k.Hash)
			}
			wantDiff(t, "hashes", tc.want, got)
			if total != tc.total {
				t.Errorf("total = %d, want %d", total, tc.total)
			}
		})
	}
}

func testKeyUpdate(t *testing.T, s store.Store) {
	createUsers(t, s, "u1", "u2")
	k := newKey("k1", "u1", "")
	must(t, s.CreateKey(t.Context(), k))
	created := k.CreatedAt

	before := time.Now().Truncate(time.Microsecond)
	k = &store.Key{Hash: "k1", Alias: "moved", UserID: "u2", Limits: store.Limits{Spend: 9.5}}
	must(t, s.UpdateKey(t.Context(), k))

	if !k.CreatedAt.Equal(created) {
		t.Errorf("CreatedAt = %v, want it kept: %v", k.CreatedAt, created)
	}
	if k.UpdatedAt.Before(before) {
		t.Errorf("UpdatedAt = %v, want after %v", k.UpdatedAt, before)
	}
	got, err := s.GetKey(t.Context(), "k1")
	must(t, err)
	wantDiff(t, "GetKey", k, got, equateEmpty)

	wantErr(t, s.UpdateKey(t.Context(), &store.Key{Hash: "nobody"}), store.ErrNotFound)
	wantErr(t, s.UpdateKey(t.Context(), &store.Key{Hash: "k1", UserID: "ghost"}),
		store.ErrNotFound)
}

func testKeyDelete(t *testing.T, s store.Store) {
	must(t, s.CreateKey(t.Context(), newKey("k1", "", "")))
	must(t, s.CreateKey(t.Context(), newKey("k2", "", "")))

	must(t, s.DeleteKey(t.Context(), "k1"))

	_, err := s.GetKey(t.Context(), "k1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetKey(t.Context(), "k2")
	must(t, err)
	wantErr(t, s.DeleteKey(t.Context(), "k1"), store.ErrNotFound)
}
