package sqlstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// Spend records come in batches of hundreds, at the rate of the gateway's
// requests, and the cheapest way to write them differs between backends.
// SQLite runs in this process, where a statement costs its parsing but no
// round trip: a short statement is prepared once and run for each row. On
// PostgreSQL each statement is a round trip: each runs once for the whole
// batch, with a column of values in each of its array arguments.

// AddSpend inserts the records but the unlogged ones, then adds the cost
// of all to their owners: one update per owner, with the sum of its
// records, skipping owners that no longer exist.
//
// TODO(#4): with many owners active at once (500 keys of 300 users, say),
// a record still costs about 60 µs of CPU on SQLite: the user, team and
// key indexes each dirty a page per owner in every batch, which the commit
// and then the checkpoint write out. In an experiment, a page cache of
// 32 MiB for the writer and a checkpoint every 10,000 pages cut that by a
// third, at the cost of memory and a longer WAL.
func (t *tx) AddSpend(ctx context.Context, records []store.SpendRecord) error {
	return wrap("add spend", t.writeQuiet(ctx, func() error {
		if t.d.arrays {
			return t.addSpendArrays(ctx, records)
		}
		return t.addSpendRows(ctx, records)
	}))
}

func (t *tx) addSpendRows(ctx context.Context, records []store.SpendRecord) error {
	st, err := t.prepareRows(ctx, insertSQL("spend_logs", spendCols))
	if err != nil {
		return err
	}
	defer st.close()
	var args []any // reused for each row
	for i := range records {
		if records[i].Unlogged {
			continue
		}
		args = t.appendSpendArgs(args[:0], &records[i])
		if err := st.exec(args...); err != nil {
			return err
		}
	}

	for _, o := range owners {
		if err := t.addToOwnerRows(ctx, o, records); err != nil {
			return err
		}
	}
	return nil
}

// appendSpendArgs appends the values of the spendCols columns of r to args.
func (t *tx) appendSpendArgs(args []any, r *store.SpendRecord) []any {
	return append(args, r.RequestID, r.KeyHash, r.SessionID, r.UserID, r.TeamID, r.Model,
		r.DeploymentID, r.Provider, r.PromptTokens, r.CompletionTokens, r.Cost,
		r.Status, t.d.timeArg(r.StartedAt), r.Duration.Microseconds())
}

func (t *tx) addToOwnerRows(ctx context.Context, o owner, records []store.SpendRecord) error {
	ids, costs := ownerCosts(o, records)
	if len(ids) == 0 {
		return nil
	}
	st, err := t.prepareRows(ctx, "UPDATE "+o.table+" SET spend = spend + ? WHERE "+o.id+" = ?")
	if err != nil {
		return err
	}
	defer st.close()
	for i, id := range ids {
		if err := st.exec(costs[i], id); err != nil {
			return fmt.Errorf("add to %s %q: %w", o.kind, id, err)
		}
	}
	return nil
}

func (t *tx) addSpendArrays(ctx context.Context, records []store.SpendRecord) error {
	logged := records
	if slices.ContainsFunc(records, func(r store.SpendRecord) bool { return r.Unlogged }) {
		logged = slices.DeleteFunc(slices.Clone(records), func(r store.SpendRecord) bool { return r.Unlogged })
	}
	if len(logged) > 0 {
		if _, err := t.exec(ctx, insertSpendArrays, spendArrays(logged)...); err != nil {
			return err
		}
	}
	for _, o := range owners {
		ids, costs := ownerCosts(o, records)
		if len(ids) == 0 {
			continue
		}
		q := "UPDATE " + o.table + " AS o SET spend = o.spend + v.cost" +
			" FROM unnest(?::text[], ?::double precision[]) AS v (id, cost)" +
			" WHERE o." + o.id + " = v.id"
		if _, err := t.exec(ctx, q, ids, costs); err != nil {
			return fmt.Errorf("add to %s: %w", o.kind, err)
		}
	}
	return nil
}

// insertSpendArrays inserts the rows whose columns spendArrays returns.
const insertSpendArrays = "INSERT INTO spend_logs (" + spendCols + ")" +
	" SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]," +
	" ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[]," +
	" ?::double precision[], ?::integer[], ?::timestamptz[], ?::bigint[])"

// spendArrays returns the spendCols columns of records, each as a slice.
func spendArrays(records []store.SpendRecord) []any {
	n := len(records)
	var (
		texts    = make([][]string, 8) // request_id to provider
		prompt   = make([]int64, n)
		complete = make([]int64, n)
		cost     = make([]float64, n)
		status   = make([]int32, n)
		started  = make([]time.Time, n)
		duration = make([]int64, n)
	)
	for c := range texts {
		texts[c] = make([]string, n)
	}
	for i := range records {
		r := &records[i]
		for c, v := range [...]string{r.RequestID, r.KeyHash, r.SessionID, r.UserID,
			r.TeamID, r.Model, r.DeploymentID, r.Provider} {
			texts[c][i] = v
		}
		prompt[i], complete[i], cost[i] = r.PromptTokens, r.CompletionTokens, r.Cost
		status[i], started[i] = int32(r.Status), storedTime(r.StartedAt)
		duration[i] = r.Duration.Microseconds()
	}
	return []any{texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], texts[6],
		texts[7], prompt, complete, cost, status, started, duration}
}

// ownerCosts returns the ids of the rows of o that records name, sorted,
// and what their records cost. Rows whose records cost nothing are left
// out.
func ownerCosts(o owner, records []store.SpendRecord) ([]string, []float64) {
	sums := map[string]float64{}
	for i := range records {
		if id := o.of(&records[i]); id != "" && records[i].Cost != 0 {
			sums[id] += records[i].Cost
		}
	}
	ids := slices.Sorted(maps.Keys(sums))
	costs := make([]float64, len(ids))
	for i, id := range ids {
		costs[i] = sums[id]
	}
	return ids, costs
}
