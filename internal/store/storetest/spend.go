package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// The costs below are sums of powers of two, which binary floating point
// adds exactly in any order: spend can then be compared with ==.

var spendTests = []test{
	{"add sums into owners", testSpendAdd},
	{"unlogged records count, unlisted", testSpendUnlogged},
	{"duplicate request id", testSpendDuplicate},
	{"request id reused later", testSpendReusedID},
	{"missing owners are skipped", testSpendMissingOwners},
	{"failed add in InTx", testSpendInTx},
	{"list filters and pages", testSpendList},
	{"due budgets and reset", testBudgetReset},
	{"reset errors", testBudgetResetErrors},
}

func newSpend(id, keyHash, userID, teamID string, cost float64) store.SpendRecord {
	return store.SpendRecord{
		RequestID:        id,
		KeyHash:          keyHash,
		UserID:           userID,
		TeamID:           teamID,
		Model:            "gpt-4o",
		DeploymentID:     "dep-" + id,
		Provider:         "openai",
		PromptTokens:     1200,
		CompletionTokens: 345,
		Cost:             cost,
		Status:           200,
		StartedAt:        t0,
		Duration:         1234567 * time.Microsecond,
	}
}

// spendOwners creates users u1 and u2, team t1 and keys k1 (of u1 and t1)
// and k2 (of u2), each with a Spend of 1.25.
func spendOwners(t *testing.T, s store.Store) {
	t.Helper()
	createUsers(t, s, "u1", "u2")
	must(t, s.CreateTeam(t.Context(), newTeam("t1", member("u1"))))
	must(t, s.CreateKey(t.Context(), newKey("k1", "u1", "t1")))
	must(t, s.CreateKey(t.Context(), newKey("k2", "u2", "")))
}

// wantSpend checks the Spend of keys, users and teams named "key k1",
// "user u1" or "team t1", and that their UpdatedAt is still the fixture's:
// spend is not a management change.
func wantSpend(t *testing.T, s store.Store, want map[string]float64) {
	t.Helper()
	for owner, spend := range want {
		l, updated := limitsOf(t, s, owner)
		if l.Spend != spend {
			t.Errorf("%s spend = %v, want %v", owner, l.Spend, spend)
		}
		if fixture := t0.Add(time.Hour); !updated.Equal(fixture) {
			t.Errorf("%s UpdatedAt = %v, want it kept: %v", owner, updated, fixture)
		}
	}
}

// limitsOf returns the Limits and UpdatedAt of a key, user or team named
// "key k1", "user u1" or "team t1".
func limitsOf(t *testing.T, s store.Store, owner string) (store.Limits, time.Time) {
	t.Helper()
	ctx := t.Context()
	kind, id, _ := strings.Cut(owner, " ")
	switch kind {
	case store.BudgetKey:
		k, err := s.GetKey(ctx, id)
		must(t, err)
		return k.Limits, k.UpdatedAt
	case store.BudgetUser:
		u, err := s.GetUser(ctx, id)
		must(t, err)
		return u.Limits, u.UpdatedAt
	case store.BudgetTeam:
		tm, err := s.GetTeam(ctx, id)
		must(t, err)
		return tm.Limits, tm.UpdatedAt
	}
	t.Fatalf("unknown owner %q", owner)
	return store.Limits{}, time.Time{}
}

func testSpendAdd(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	records := []store.SpendRecord{
		newSpend("r1", "k1", "u1", "t1", 0.5),
		newSpend("r2", "k1", "u1", "t1", 0.25),
		newSpend("r3", "k2", "u2", "", 2),
		newSpend("r4", "", "u1", "", 0.125), // a session token
		newSpend("r5", "", "", "", 1),       // the master key
	}
	records[3].SessionID = "sess-1"
	must(t, s.AddSpend(ctx, records))
	must(t, s.AddSpend(ctx, nil))

	wantSpend(t, s, map[string]float64{
		"key k1": 2, "key k2": 3.25, "user u1": 2.125, "user u2": 3.25, "team t1": 2,
	})
	got, total, err := s.ListSpend(ctx, store.SpendFilter{})
	must(t, err)
	wantDiff(t, "ListSpend", ptrs(records), got)
	if total != len(records) {
		t.Errorf("total = %d, want %d", total, len(records))
	}
}

// testSpendUnlogged adds records of which some are unlogged: all add to
// their owners' spend, only the others are listed.
func testSpendUnlogged(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	records := []store.SpendRecord{
		newSpend("r1", "k1", "u1", "t1", 0.5),
		newSpend("r2", "k1", "u1", "t1", 0.25),
		newSpend("r3", "k2", "u2", "", 2),
	}
	records[1].Unlogged = true
	records[2].Unlogged = true
	must(t, s.AddSpend(ctx, records))
	must(t, s.AddSpend(ctx, []store.SpendRecord{{RequestID: "r4", KeyHash: "k2", UserID: "u2",
		Cost: 0.5, StartedAt: t0, Unlogged: true}}))

	wantSpend(t, s, map[string]float64{
		"key k1": 2, "key k2": 3.75, "user u1": 2, "user u2": 3.75, "team t1": 2,
	})
	got, total, err := s.ListSpend(ctx, store.SpendFilter{})
	must(t, err)
	wantDiff(t, "ListSpend", ptrs(records[:1]), got)
	if total != 1 {
		t.Errorf("total = %d, want 1", total)
	}
}

// testSpendDuplicate adds batches that repeat a recorded request (the same
// id and start), or one of their own: nothing of them may be written.
func testSpendDuplicate(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	must(t, s.AddSpend(ctx, []store.SpendRecord{newSpend("r1", "k1", "u1", "t1", 1)}))

	tests := []struct {
		name  string
		batch []store.SpendRecord
	}{
		{"recorded before", []store.SpendRecord{
			newSpend("r2", "k1", "u1", "t1", 2), newSpend("r1", "k1", "u1", "t1", 4),
		}},
		{"twice in the batch", []store.SpendRecord{
			newSpend("r3", "k1", "u1", "t1", 2), newSpend("r3", "k2", "u2", "", 4),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, s.AddSpend(t.Context(), tc.batch), store.ErrExists)
		})
	}

	wantSpend(t, s, map[string]float64{
		"key k1": 2.25, "key k2": 1.25, "user u1": 2.25, "user u2": 1.25, "team t1": 2.25,
	})
	wantRequests(t, s, store.SpendFilter{}, "r1")
}

// testSpendReusedID records two requests that share an id, as a caller
// that sends the same x-request-id twice makes: both are kept and charged.
func testSpendReusedID(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	first := newSpend("r1", "k1", "u1", "t1", 1)
	again := newSpend("r1", "k1", "u1", "t1", 2)
	again.StartedAt = first.StartedAt.Add(time.Microsecond)
	must(t, s.AddSpend(ctx, []store.SpendRecord{first}))
	must(t, s.AddSpend(ctx, []store.SpendRecord{again}))

	wantSpend(t, s, map[string]float64{"key k1": 4.25, "user u1": 4.25, "team t1": 4.25})
	wantRequests(t, s, store.SpendFilter{}, "r1", "r1")
}

// testSpendMissingOwners records spend that names a deleted key, a user
// and a team that never existed: the records are kept, the owners that
// exist are charged.
func testSpendMissingOwners(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	must(t, s.CreateKey(ctx, &store.Key{Hash: "gone", UserID: "u1"}))
	must(t, s.DeleteKey(ctx, "gone"))

	must(t, s.AddSpend(ctx, []store.SpendRecord{
		newSpend("r1", "gone", "u1", "ghost-team", 1),
		newSpend("r2", "k2", "ghost-user", "t1", 2),
	}))

	wantSpend(t, s, map[string]float64{
		"key k2": 3.25, "user u1": 2.25, "team t1": 3.25,
	})
	wantRequests(t, s, store.SpendFilter{KeyHash: "gone"}, "r1")
	_, err := s.GetUser(ctx, "ghost-user")
	wantErr(t, err, store.ErrNotFound)
}

// testSpendInTx checks that a failed AddSpend in InTx undoes its own
// inserts and updates and leaves the transaction usable.
func testSpendInTx(t *testing.T, s store.Store) {
	ctx := t.Context()
	spendOwners(t, s)
	must(t, s.AddSpend(ctx, []store.SpendRecord{newSpend("r1", "k1", "u1", "t1", 1)}))

	err := s.InTx(ctx, func(tx store.Tx) error {
		dup := []store.SpendRecord{
			newSpend("r2", "k1", "u1", "t1", 2), newSpend("r1", "k1", "u1", "t1", 4),
		}
		wantErr(t, tx.AddSpend(ctx, dup), store.ErrExists)
		return tx.AddSpend(ctx, []store.SpendRecord{newSpend("r3", "k1", "u1", "t1", 0.5)})
	})
	must(t, err)

	wantSpend(t, s, map[string]float64{"key k1": 2.75, "user u1": 2.75, "team t1": 2.75})
	wantRequests(t, s, store.SpendFilter{}, "r1", "r3")
}

func testSpendList(t *testing.T, s store.Store) {
	// Inserted out of order; r2 and r3 tie on time and sort by id.
	var records []store.SpendRecord
	for _, c := range []struct {
		id, key, user, team, model string
		min                        int
	}{
		{"r4", "k2", "u2", "t2", "gpt-4o", 3},
		{"r3", "k1", "u1", "t1", "claude", 1},
		{"r1", "k1", "u1", "t1", "gpt-4o", 0},
		{"r2", "k2", "u2", "t1", "gpt-4o", 1},
		{"r5", "", "u1", "", "claude", 4},
		{"r6", "", "", "", "gpt-4o", 5},
	} {
		r := newSpend(c.id, c.key, c.user, c.team, 1)
		r.Model, r.StartedAt = c.model, t0.Add(time.Duration(c.min)*time.Minute)
		records = append(records, r)
	}
	must(t, s.AddSpend(t.Context(), records))
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

	tests := []struct {
		name   string
		filter store.SpendFilter
		want   []string
		total  int
	}{
		{"all", store.SpendFilter{}, []string{"r1", "r2", "r3", "r4", "r5", "r6"}, 6},
		{"user", store.SpendFilter{UserID: "u1"}, []string{"r1", "r3", "r5"}, 3},
		{"team", store.SpendFilter{TeamID: "t1"}, []string{"r1", "r2", "r3"}, 3},
		{"key", store.SpendFilter{KeyHash: "k2"}, []string{"r2", "r4"}, 2},
		{"model", store.SpendFilter{Model: "claude"}, []string{"r3", "r5"}, 2},
		{"start", store.SpendFilter{Start: at(1)}, []string{"r2", "r3", "r4", "r5", "r6"}, 5},
		{"end", store.SpendFilter{End: at(3)}, []string{"r1", "r2", "r3"}, 3},
		{"start and end", store.SpendFilter{Start: at(1), End: at(4)},
			[]string{"r2", "r3", "r4"}, 3},
		{"user, team and model", store.SpendFilter{UserID: "u2", TeamID: "t1", Model: "gpt-4o"},
			[]string{"r2"}, 1},
		{"page", store.SpendFilter{Page: store.Page{Offset: 1, Limit: 2}},
			[]string{"r2", "r3"}, 6},
		{"user page", store.SpendFilter{UserID: "u1", Page: store.Page{Limit: 1}},
			[]string{"r1"}, 3},
		{"past the end", store.SpendFilter{TeamID: "t1", Page: store.Page{Offset: 5}}, nil, 3},
		{"nobody", store.SpendFilter{UserID: "nobody"}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total := listRequests(t, s, tc.filter)
			wantDiff(t, "request ids", tc.want, got)
			if total != tc.total {
				t.Errorf("total = %d, want %d", total, tc.total)
			}
		})
	}
}

// testBudgetReset finds the budgets due at t0, those whose reset time is
// at or before it, and resets them.
func testBudgetReset(t *testing.T, s store.Store) {
	ctx := t.Context()
	resets := map[string]*time.Time{
		"due":     ptr(t0.Add(-time.Hour)),
		"exact":   ptr(t0),
		"future":  ptr(t0.Add(time.Microsecond)),
		"no-date": nil,
	}
	for name, at := range resets {
		l := store.Limits{BudgetDuration: "1d", BudgetResetAt: at, Spend: 3}
		must(t, s.CreateKey(ctx, &store.Key{Hash: "k-" + name, Limits: l}))
		must(t, s.CreateUser(ctx, &store.User{ID: "u-" + name, Limits: l}))
		must(t, s.CreateTeam(ctx, &store.Team{ID: "t-" + name, Limits: l}))
	}
	var want []store.BudgetRef
	for _, id := range []string{"due", "exact"} {
		at := *resets[id]
		want = append(want,
			store.BudgetRef{Kind: store.BudgetKey, ID: "k-" + id, Duration: "1d", ResetAt: at},
			store.BudgetRef{Kind: store.BudgetUser, ID: "u-" + id, Duration: "1d", ResetAt: at},
			store.BudgetRef{Kind: store.BudgetTeam, ID: "t-" + id, Duration: "1d", ResetAt: at})
	}

	due0, err := s.DueBudgets(ctx, t0)
	must(t, err)
	wantDiff(t, "DueBudgets", sortRefs(want), sortRefs(due0))

	next := t0.Add(24 * time.Hour)
	for _, ref := range due0 {
		must(t, s.ResetBudget(ctx, ref, next))
	}
	due, err := s.DueBudgets(ctx, t0)
	must(t, err)
	wantDiff(t, "DueBudgets after reset", []store.BudgetRef(nil), due, equateEmpty)

	reset := store.Limits{BudgetDuration: "1d", BudgetResetAt: &next}
	for _, owner := range []string{"key k-due", "user u-exact", "team t-due"} {
		l, _ := limitsOf(t, s, owner)
		wantDiff(t, owner+" limits", reset, l)
	}
	if l, _ := limitsOf(t, s, "key k-future"); l.Spend != 3 {
		t.Errorf("k-future spend = %v after resetting others, want 3", l.Spend)
	}

	// Another replica that listed the same budgets before they were reset
	// resets none of them again: the spend recorded since stays.
	must(t, s.AddSpend(ctx, []store.SpendRecord{newSpend("r-after", "k-due", "", "", 1)}))
	for _, ref := range due0 {
		wantErr(t, s.ResetBudget(ctx, ref, next.Add(time.Hour)), store.ErrNotFound)
	}
	if l, _ := limitsOf(t, s, "key k-due"); l.Spend != 1 || !l.BudgetResetAt.Equal(next) {
		t.Errorf("k-due after a second reset: spend %v, reset at %v; want 1, %v",
			l.Spend, l.BudgetResetAt, next)
	}
}

func testBudgetResetErrors(t *testing.T, s store.Store) {
	for _, kind := range []string{store.BudgetKey, store.BudgetUser, store.BudgetTeam} {
		t.Run(kind, func(t *testing.T) {
			ref := store.BudgetRef{Kind: kind, ID: "nobody"}
			wantErr(t, s.ResetBudget(t.Context(), ref, t0), store.ErrNotFound)
		})
	}
	t.Run("unknown kind", func(t *testing.T) {
		must(t, s.CreateKey(t.Context(), &store.Key{Hash: "k1"}))
		ref := store.BudgetRef{Kind: "org", ID: "k1"}
		if err := s.ResetBudget(t.Context(), ref, t0); err == nil {
			t.Error("ResetBudget of an unknown kind succeeded")
		}
	})
}

// listRequests returns the request ids that ListSpend lists for f, and
// its total.
func listRequests(t *testing.T, s store.Tx, f store.SpendFilter) ([]string, int) {
	t.Helper()
	records, total, err := s.ListSpend(t.Context(), f)
	must(t, err)
	var ids []string
	for _, r := range records {
		ids = append(ids, r.RequestID)
	}
	return ids, total
}

// wantRequests checks the request ids that ListSpend lists for f.
func wantRequests(t *testing.T, s store.Tx, f store.SpendFilter, ids ...string) {
	t.Helper()
	got, _ := listRequests(t, s, f)
	wantDiff(t, "request ids", ids, got, equateEmpty)
}

func ptrs[T any](vs []T) []*T {
	out := make([]*T, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// sortRefs sorts refs by kind, then id: DueBudgets promises no order.
func sortRefs(refs []store.BudgetRef) []store.BudgetRef {
	slices.SortFunc(refs, func(a, b store.BudgetRef) int {
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return refs
}
