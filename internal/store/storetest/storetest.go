// Package storetest is the conformance suite that every store.Store
// backend must pass, so that the gateway behaves the same on all of them.
//
// Beyond what package store documents, the suite pins down these choices:
//
//   - Models, Team.Members and Metadata come back non-nil: nil and empty
//     values are both stored, and returned, as empty ones.
//   - Model.Params and Model.Info come back nil when empty.
//   - Times come back in UTC, equal to what was stored to the microsecond
//     at least; nil Limits pointers and a nil ExpiresAt come back nil.
//   - Create and Update methods write the timestamps they store back into
//     the record they are given, so that it equals what Get returns.
//   - Delete methods report store.ErrNotFound when there is nothing to
//     delete, and writes that name a missing user or team (a member, a
//     key's owner) report store.ErrNotFound.
//   - Within InTx a failed write leaves nothing behind and the transaction
//     usable; concurrent InTx read-modify-writes lose no update, not even
//     to a concurrent AddSpend.
//   - Expired sessions, pending logins and auth states are returned until
//     the Delete methods remove them: callers compare ExpiresAt with their
//     own clock. A record that expires at the time given to a Delete
//     method is kept.
//   - TouchSessions never moves a LastUsedAt back.
//   - AddSpend and ResetBudget change Spend and BudgetResetAt only, not
//     UpdatedAt.
package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/litellm-go/gateway/internal/store"
)

// test is one conformance test, run on a fresh, empty store.
type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Run runs the conformance suite. open must return a new, empty store for
// each call and close it when t ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"users", userTests},
		{"teams", teamTests},
		{"keys", keyTests},
		{"models", modelTests},
		{"records", recordTests},
		{"tx", txTests},
		{"revision", revisionTests},
		{"concurrency", concurrencyTests},
		{"sessions", sessionTests},
		{"logins", loginTests},
		{"spend", spendTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.fn(t, open(t))
				})
			}
		})
	}
}

// t0 is the creation time of the fixtures: UTC and whole microseconds, so
// that it survives any backend unchanged.
var t0 = time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)

// equateEmpty compares records whose nil collections came back empty.
var equateEmpty = cmpopts.EquateEmpty()

func ptr[T any](v T) *T { return &v }

// fullLimits returns Limits with every field set.
func fullLimits() store.Limits {
	return store.Limits{
		MaxBudget:      ptr(12.5),
		BudgetDuration: "30d",
		BudgetResetAt:  ptr(t0.Add(30 * 24 * time.Hour)),
		Spend:          1.25,
		RPMLimit:       ptr(int64(60)),
		TPMLimit:       ptr(int64(100000)),
	}
}

// metadata returns a map of every JSON type, as decoding JSON makes them.
func metadata() map[string]any {
	return map[string]any{
		"team":   "ml",
		"n":      3.0,
		"tags":   []any{"a", "b"},
		"nested": map[string]any{"ok": true, "none": nil},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func wantDiff(t *testing.T, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

func revision(t *testing.T, s store.Tx) int64 {
	t.Helper()
	rev, err := s.Revision(t.Context())
	must(t, err)
	return rev
}
