package policy_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// fakeBudgets is the budget part of a store.
type fakeBudgets struct {
	mu      sync.Mutex
	due     []store.BudgetRef
	dueErr  error
	failing map[string]error // by id
	resets  []string         // "kind id next"
}

func (f *fakeBudgets) DueBudgets(_ context.Context, now time.Time) ([]store.BudgetRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	due := f.due
	f.due = nil
	return due, f.dueErr
}

func (f *fakeBudgets) ResetBudget(_ context.Context, ref store.BudgetRef, next time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failing[ref.ID]; err != nil {
		return err
	}
	f.resets = append(f.resets, ref.Kind+" "+ref.ID+" "+next.Format(time.RFC3339))
	return nil
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestResetDue(t *testing.T) {
	c := newClock()
	now := t0.Add(time.Hour + 30*time.Second)
	c.Set(now)
	l := policy.NewLimiter(c.Now)
	p := principal(&store.Limits{MaxBudget: ptr(1.0), BudgetDuration: "1h",
		BudgetResetAt: ptr(t0.Add(time.Hour))}, nil, nil)
	// Spend the budget of the period that began at the local roll-over.
	if err := admitAt(l, c, p, time.Hour+time.Second, 0, 0, 1); err != nil {
		t.Fatal(err)
	}
	c.Set(now)

	st := &fakeBudgets{
		due: []store.BudgetRef{
			{Kind: store.BudgetKey, ID: "hash-1", Duration: "1h"},
			{Kind: store.BudgetUser, ID: "bob", Duration: "30d"},
			// Due for two hours: the next reset stays on its schedule.
			{Kind: store.BudgetUser, ID: "carol", Duration: "1h",
				ResetAt: t0.Add(-time.Hour)},
			{Kind: store.BudgetTeam, ID: "odd", Duration: "fortnight"},
			{Kind: store.BudgetTeam, ID: "gone", Duration: "1d"},
			{Kind: store.BudgetTeam, ID: "down", Duration: "1d"},
		},
		failing: map[string]error{"gone": store.ErrNotFound, "down": errors.New("database is down")},
	}
	r := policy.NewResetter(st, l, discard(), c.Now)
	err := r.ResetDue(context.Background())

	want := []string{"key hash-1 2026-05-01T14:00:30Z", "user bob 2026-05-31T13:00:30Z",
		"user carol 2026-05-01T14:00:00Z"}
	if diff := cmp.Diff(want, st.resets); diff != "" {
		t.Errorf("resets (-want +got):\n%s", diff)
	}
	for _, part := range []string{
		`team odd: invalid duration "fortnight"`,
		"team down: database is down",
	} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("ResetDue error = %v, want it to mention %q", err, part)
		}
	}
	if err := admitAt(l, c, p, time.Hour+31*time.Second, 0, 0, 0); err != nil {
		t.Errorf("key after its reset: %v", err)
	}

	st.dueErr = errors.New("database is down")
	if err := r.ResetDue(context.Background()); err == nil {
		t.Error("ResetDue with a failing store: no error")
	}
}

func TestResetterRun(t *testing.T) {
	st := &fakeBudgets{due: []store.BudgetRef{{Kind: store.BudgetUser, ID: "bob", Duration: "1d"}}}
	r := policy.NewResetter(st, policy.NewLimiter(nil), discard(), func() time.Time { return t0 })
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(stopped)
	}()

	deadline := time.Now().Add(5 * time.Second)
	for {
		st.mu.Lock()
		n := len(st.resets)
		st.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run made no pass at start")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}
