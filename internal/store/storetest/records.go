package storetest

import (
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var recordTests = []test{
	{"nil and empty collections", testEmptyCollections},
	{"nil limits", testNilLimits},
	{"times in UTC", testTimesUTC},
}

// testEmptyCollections checks that nil and empty Models, Metadata and
// Members both come back empty and non-nil.
func testEmptyCollections(t *testing.T, s store.Store) {
	tests := []struct {
		name   string
		models []string
		meta   map[string]any
	}{
		{"nil", nil, nil},
		{"empty", []string{}, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			id := "rec-" + tc.name
			must(t, s.CreateUser(ctx, &store.User{ID: id, Models: tc.models, Metadata: tc.meta}))
			must(t, s.CreateTeam(ctx, &store.Team{ID: id, Models: tc.models, Metadata: tc.meta}))
			must(t, s.CreateKey(ctx, &store.Key{Hash: id, Models: tc.models, Metadata: tc.meta}))

			u, err := s.GetUser(ctx, id)
			must(t, err)
			wantEmpty(t, "user", u.Models, u.Metadata)
			tm, err := s.GetTeam(ctx, id)
			must(t, err)
			wantEmpty(t, "team", tm.Models, tm.Metadata)
			if tm.Members == nil || len(tm.Members) != 0 {
				t.Errorf("team Members = %#v, want empty and non-nil", tm.Members)
			}
			k, err := s.GetKey(ctx, id)
			must(t, err)
			wantEmpty(t, "key", k.Models, k.Metadata)
		})
	}
}

func wantEmpty(t *testing.T, what string, models []string, meta map[string]any) {
	t.Helper()
	if models == nil || len(models) != 0 {
		t.Errorf("%s Models = %#v, want empty and non-nil", what, models)
	}
	if meta == nil || len(meta) != 0 {
		t.Errorf("%s Metadata = %#v, want empty and non-nil", what, meta)
	}
}

func testNilLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	must(t, s.CreateUser(ctx, &store.User{ID: "u1"}))
	must(t, s.CreateTeam(ctx, &store.Team{ID: "t1"}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k1"}))

	u, err := s.GetUser(ctx, "u1")
	must(t, err)
	wantDiff(t, "user limits", store.Limits{}, u.Limits)
	tm, err := s.GetTeam(ctx, "t1")
	must(t, err)
	wantDiff(t, "team limits", store.Limits{}, tm.Limits)
	k, err := s.GetKey(ctx, "k1")
	must(t, err)
	wantDiff(t, "key limits", store.Limits{}, k.Limits)
	if k.ExpiresAt != nil {
		t.Errorf("ExpiresAt = %v, want nil", k.ExpiresAt)
	}
}

// testTimesUTC stores times with nanoseconds in another zone and wants
// them back in UTC, exact to the microsecond at least.
func testTimesUTC(t *testing.T, s store.Store) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	in := time.Date(2025, 6, 7, 8, 9, 10, 123456789, zone)
	ctx := t.Context()
	must(t, s.CreateUser(ctx, &store.User{ID: "u1", CreatedAt: in, UpdatedAt: in,
		Limits: store.Limits{BudgetResetAt: &in}}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "k1", ExpiresAt: &in, CreatedAt: in}))

	u, err := s.GetUser(ctx, "u1")
	must(t, err)
	k, err := s.GetKey(ctx, "k1")
	must(t, err)
	for name, got := range map[string]time.Time{
		"user CreatedAt":     u.CreatedAt,
		"user UpdatedAt":     u.UpdatedAt,
		"user BudgetResetAt": *u.BudgetResetAt,
		"key ExpiresAt":      *k.ExpiresAt,
		"key CreatedAt":      k.CreatedAt,
	} {
		if got.Location() != time.UTC {
			t.Errorf("%s = %v, want UTC", name, got)
		}
		if d := in.Sub(got); d < 0 || d >= time.Microsecond {
			t.Errorf("%s = %v, want %v to the microsecond", name, got, in)
		}
	}
}
