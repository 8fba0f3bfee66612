package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// None of these writes advances the revision: spend changes with every
// request, and the gateway keeps live spend counters of its own (package
// policy) rather than drop its caches for each batch. ResetBudget leaves
// it alone too: those counters roll over on the budget's schedule by
// themselves, and a cached Spend or BudgetResetAt shown by an info route
// may lag until the next management write. None of them touches
// updated_at, which tracks management changes.

// spendCols are the columns of a spend record, in the order of
// appendSpendArgs, spendArrays and scanSpend.
const spendCols = "request_id, key_hash, session_id, user_id, team_id, model," +
	" deployment_id, provider, prompt_tokens, completion_tokens, cost, status," +
	" started_at, duration_us"

// owner is a table whose rows hold a budget and a spend.
type owner struct {
	kind  string // the Kind of its BudgetRef
	table string
	id    string                            // its key column
	of    func(r *store.SpendRecord) string // the row a record names, or ""
}

var owners = []owner{
	{store.BudgetKey, "keys", "hash", func(r *store.SpendRecord) string { return r.KeyHash }},
	{store.BudgetUser, "users", "id", func(r *store.SpendRecord) string { return r.UserID }},
	{store.BudgetTeam, "teams", "id", func(r *store.SpendRecord) string { return r.TeamID }},
}

// dueBudgets selects the budgets of every owner whose reset is due.
var dueBudgets = func() string {
	var parts []string
	for _, o := range owners {
		parts = append(parts, "SELECT '"+o.kind+"', "+o.id+", budget_duration, budget_reset_at"+
			" FROM "+o.table+" WHERE budget_reset_at <= ?")
	}
	return strings.Join(parts, " UNION ALL ") + " ORDER BY 1, 2"
}()

// ListSpend returns a page of the records that match f, in order of start,
// and the number that match.
//
// Unlike the management lists, it counts in a query of its own: the spend
// log grows without bound, and a COUNT(*) OVER () column would make every
// page read and sort all the matching records, where the page alone walks
// an index (see 0003_spend_log_indexes.sql) and stops at its end. Outside a
// transaction the two queries may see different snapshots: the total may
// then count records added after the page was read.
func (t *tx) ListSpend(
	ctx context.Context, f store.SpendFilter,
) ([]*store.SpendRecord, int, error) {
	where, args := t.spendFilter(f)
	total, err := t.count(ctx, "SELECT COUNT(*) FROM spend_logs"+where, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list spend: %w", err)
	}
	q := "SELECT " + spendCols + " FROM spend_logs" + where +
		" ORDER BY started_at, request_id LIMIT ? OFFSET ?"
	recs, err := t.querySpend(ctx, q, append(args, t.d.pageArgs(f.Page)...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list spend: %w", err)
	}
	return recs, total, nil
}

func (t *tx) querySpend(ctx context.Context, q string, args ...any) ([]*store.SpendRecord, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var recs []*store.SpendRecord
	for rows.Next() {
		r, err := scanSpend(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, rows.Err()
}

func (t *tx) spendFilter(f store.SpendFilter) (string, []any) {
	var conds []string
	var args []any
	for _, c := range []struct {
		cond string
		val  string
	}{
		// "<> ''" lets the partial owner indexes serve the filter (see
		// 0004_spend_log_owner_indexes.sql); the value is never empty here.
		{"user_id = ? AND user_id <> ''", f.UserID},
		{"team_id = ? AND team_id <> ''", f.TeamID},
		{"key_hash = ? AND key_hash <> ''", f.KeyHash},
		{"model = ?", f.Model},
	} {
		if c.val != "" {
			conds = append(conds, c.cond)
			args = append(args, c.val)
		}
	}
	if !f.Start.IsZero() {
		conds = append(conds, "started_at >= ?")
		args = append(args, t.d.timeArg(f.Start))
	}
	if !f.End.IsZero() {
		conds = append(conds, "started_at < ?")
		args = append(args, t.d.timeArg(f.End))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// DueBudgets returns the budgets whose reset time is at or before now,
// ordered by kind, then id.
func (t *tx) DueBudgets(ctx context.Context, now time.Time) ([]store.BudgetRef, error) {
	at := t.d.timeArg(now)
	rows, err := t.query(ctx, dueBudgets, at, at, at)
	if err != nil {
		return nil, fmt.Errorf("due budgets: %w", err)
	}
	defer rows.Close()

	var refs []store.BudgetRef
	for rows.Next() {
		var r store.BudgetRef
		if err := rows.Scan(&r.Kind, &r.ID, &r.Duration, timeCol{&r.ResetAt}); err != nil {
			return nil, fmt.Errorf("due budgets: %w", err)
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due budgets: %w", err)
	}
	return refs, nil
}

// ResetBudget zeroes the spend of the budget's owner and sets its next
// reset, if the reset it had is still ref.ResetAt (when set).
func (t *tx) ResetBudget(ctx context.Context, ref store.BudgetRef, next time.Time) error {
	i := slices.IndexFunc(owners, func(o owner) bool { return o.kind == ref.Kind })
	if i < 0 {
		return fmt.Errorf("reset budget: unknown budget kind %q", ref.Kind)
	}
	q := "UPDATE " + owners[i].table + " SET spend = 0, budget_reset_at = ? WHERE " +
		owners[i].id + " = ?"
	args := []any{t.d.timeArg(next), ref.ID}
	if !ref.ResetAt.IsZero() {
		// Times are stored truncated to the microsecond in one layout, so
		// the value DueBudgets read compares equal.
		q += " AND budget_reset_at = ?"
		args = append(args, t.d.timeArg(ref.ResetAt))
	}
	return wrap("reset budget", t.writeQuiet(ctx, func() error {
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

func scanSpend(sc scanner) (*store.SpendRecord, error) {
	var r store.SpendRecord
	var us int64
	dest := []any{&r.RequestID, &r.KeyHash, &r.SessionID, &r.UserID, &r.TeamID, &r.Model,
		&r.DeploymentID, &r.Provider, &r.PromptTokens, &r.CompletionTokens, &r.Cost,
		&r.Status, timeCol{&r.StartedAt}, &us}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.Duration = time.Duration(us) * time.Microsecond
	return &r, nil
}
