package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// Budgets is the part of the store a Resetter uses.
type Budgets interface {
	DueBudgets(ctx context.Context, now time.Time) ([]store.BudgetRef, error)
	ResetBudget(ctx context.Context, ref store.BudgetRef, next time.Time) error
}

// resetEvery is how often a Resetter looks for due budgets. A budget is
// reset at most this late in the store; the Limiter rolls its own period
// over on time.
const resetEvery = time.Minute

// Resetter resets the budgets whose period has ended: in the store, where
// the spend is set to zero and the next reset to the end of the period
// that is under way, and in the Limiter. On each pass it also lets the
// Limiter forget idle owners.
//
// Periods follow each other on the schedule of the first: the next reset
// is the reset that was due plus whole durations, not the time of the
// pass plus one. It is thus the end to which every replica's Limiter has
// rolled the period over by itself, and the one under which replicas
// share the period's spend (see Syncer). Each replica runs a Resetter;
// the store resets a budget for the first of them only.
type Resetter struct {
	store   Budgets
	limiter *Limiter
	log     *slog.Logger
	now     func() time.Time
}

// NewResetter returns a Resetter of the budgets in st, held in memory by
// l, that reads the time from now (time.Now when nil).
func NewResetter(st Budgets, l *Limiter, log *slog.Logger, now func() time.Time) *Resetter {
	if now == nil {
		now = time.Now
	}
	return &Resetter{store: st, limiter: l, log: log, now: now}
}

// Run resets due budgets at once and then every minute, until ctx is done.
// Failures are logged and retried on the next pass.
func (r *Resetter) Run(ctx context.Context) {
	tick := time.NewTicker(resetEvery)
	defer tick.Stop()
	for {
		if err := r.ResetDue(ctx); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "reset budgets", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ResetDue makes one pass: it resets every budget due at the current time
// and evicts idle owners from the Limiter. A budget whose duration cannot
// be read is skipped and reported, as is one that fails to reset; the
// others are reset all the same.
func (r *Resetter) ResetDue(ctx context.Context) error {
	now := r.now()
	defer r.limiter.Evict(now)

	refs, err := r.store.DueBudgets(ctx, now)
	if err != nil {
		return fmt.Errorf("list due budgets: %w", err)
	}
	var errs []error
	for _, ref := range refs {
		if err := r.reset(ctx, ref, now); err != nil {
			errs = append(errs, fmt.Errorf("reset budget of %s %s: %w", ref.Kind, ref.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Resetter) reset(ctx context.Context, ref store.BudgetRef, now time.Time) error {
	d, err := ParseDuration(ref.Duration)
	if err != nil {
		return err
	}
	next := now.Add(d)
	if !ref.ResetAt.IsZero() {
		next = nextPeriod(ref.ResetAt, ref.Duration, now)
	}
	err = r.store.ResetBudget(ctx, ref, next)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted or reset by another replica since it was listed
	}
	if err != nil {
		return err
	}
	r.limiter.Reset(ref, next)
	r.log.InfoContext(ctx, "budget reset", "budget", ref.Kind, "id", ref.ID,
		"next_reset", next)
	return nil
}
