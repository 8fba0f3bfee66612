package spend_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/spend"
	"github.com/litellm-go/gateway/internal/store"
)

// TestRecorderCloseWritesEverything records from 8 goroutines into a real
// store and checks that Close leaves nothing unwritten.
func TestRecorderCloseWritesEverything(t *testing.T) {
	const goroutines, each, cost = 8, 1250, 0.25
	st := openStore(t)
	ctx := t.Context()
	if err := st.CreateUser(ctx, &store.User{ID: "alice", Role: "internal_user"}); err != nil {
		t.Fatal(err)
	}
	r := spend.NewRecorder(st, discard(), spend.Options{})

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				r.Record(record(fmt.Sprintf("req-%d-%d", g, i), cost))
			}
		})
	}
	wg.Wait()
	closeCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := r.Close(closeCtx); err != nil {
		t.Fatal(err)
	}

	_, total, err := st.ListSpend(ctx, store.SpendFilter{Page: store.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.GetUser(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if total != goroutines*each || u.Spend != goroutines*each*cost || r.Dropped() != 0 {
		t.Errorf("stored %d records, user spend %v, %d dropped; want %d, %v, 0",
			total, u.Spend, r.Dropped(), goroutines*each, goroutines*each*cost)
	}
}

func TestRecorderBatches(t *testing.T) {
	w := &fakeWriter{}
	r := spend.NewRecorder(w, discard(), spend.Options{BatchSize: 200, Interval: time.Hour})
	for i := range 200 {
		r.Record(record(fmt.Sprint("req-", i), 0))
	}
	eventually(t, "a full batch written", func() bool { b, _ := w.state(); return len(b) == 1 })
	for i := range 199 {
		r.Record(record(fmt.Sprint("more-", i), 0))
	}
	if err := r.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.state(); !cmp.Equal(got, []int{200, 199}) {
		t.Errorf("batches %v, want [200 199]", got)
	}
	if err := r.Close(t.Context()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRecorderInterval(t *testing.T) {
	w := &fakeWriter{}
	r := spend.NewRecorder(w, discard(), spend.Options{Interval: 10 * time.Millisecond})
	defer r.Close(t.Context())
	for i := range 3 {
		r.Record(record(fmt.Sprint("req-", i), 0))
	}
	eventually(t, "a partial batch", func() bool { _, n := w.state(); return n == 3 })
}

func TestRecorderRetries(t *testing.T) {
	down := errors.New("database is down")
	tests := []struct {
		name        string
		fail        map[int]error // by call, from 1
		stored      []string      // request ids already stored
		wantBatches []int
	}{
		{"retried within a write", map[int]error{1: down, 2: down}, nil, []int{5}},
		{"kept for the next write", map[int]error{1: down, 2: down, 3: down, 4: down}, nil, []int{5}},
		{
			// As after a write that succeeded but reported an error: the
			// batch is split in halves, then single records.
			"records already stored are skipped", nil, []string{"req-2"}, []int{2, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fakeWriter{fail: tt.fail, stored: map[string]store.SpendRecord{}}
			for _, id := range tt.stored {
				w.stored[id] = record(id, 0)
			}
			// One batch of 5, written when full; Close writes what was kept.
			r := spend.NewRecorder(w, discard(), spend.Options{BatchSize: 5, Interval: time.Hour,
				Attempts: 3, Backoff: time.Millisecond})
			for i := range 5 {
				r.Record(record(fmt.Sprint("req-", i), 0))
			}
			if err := r.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			got, stored := w.state()
			if !cmp.Equal(got, tt.wantBatches) || stored != 5 || r.Dropped() != 0 {
				t.Errorf("batches %v, %d stored, %d dropped; want %v, 5, 0",
					got, stored, r.Dropped(), tt.wantBatches)
			}
		})
	}
}

// TestRecorderKeepsFailedRecords checks that records whose writes failed
// are written by a later tick.
func TestRecorderKeepsFailedRecords(t *testing.T) {
	down := errors.New("database is down")
	w := &fakeWriter{fail: map[int]error{1: down, 2: down, 3: down}}
	r := spend.NewRecorder(w, discard(), spend.Options{Interval: 5 * time.Millisecond, Attempts: 1})
	defer r.Close(t.Context())
	r.Record(record("req-1", 0))
	eventually(t, "the record stored", func() bool { _, n := w.state(); return n == 1 })
}

// TestRecorderDrops checks that Record never blocks: records beyond the
// buffer, and records after Close, are dropped and counted.
func TestRecorderDrops(t *testing.T) {
	w := &fakeWriter{gate: make(chan struct{})}
	r := spend.NewRecorder(w, discard(), spend.Options{Buffer: 4, BatchSize: 1})
	for i := range 20 {
		r.Record(record(fmt.Sprint("req-", i), 0)) // would hang the test if it blocked
	}
	if r.Dropped() == 0 {
		t.Error("nothing dropped from a full buffer")
	}
	close(w.gate)
	if err := r.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, stored := w.state()
	if int64(stored)+r.Dropped() != 20 {
		t.Errorf("%d stored + %d dropped, want 20", stored, r.Dropped())
	}
	r.Record(record("late", 0))
	if int64(stored)+r.Dropped() != 21 {
		t.Errorf("a record after Close was not counted as dropped")
	}
}

func TestRecorderCloseDeadline(t *testing.T) {
	w := &fakeWriter{fail: map[int]error{}}
	for i := 1; i < 1000; i++ {
		w.fail[i] = errors.New("database is down")
	}
	r := spend.NewRecorder(w, discard(), spend.Options{Interval: time.Hour, Backoff: time.Millisecond})
	r.Record(record("req-1", 0))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := r.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "close spend recorder") {
		t.Errorf("Close = %v, want an error", err)
	}
}

// TestRecorderDisableLogs: with the spend log turned off, or off for
// errors, the records kept out still reach the store unlogged when they
// cost something, and not at all when they cost nothing.
func TestRecorderDisableLogs(t *testing.T) {
	failed := func(id string, cost float64) store.SpendRecord {
		r := record(id, cost)
		r.Status = 502
		return r
	}
	cases := []struct {
		name string
		opts spend.Options
		want map[string]bool // request id: written unlogged
	}{
		{"defaults", spend.Options{},
			map[string]bool{"ok": false, "free": false, "failed": false, "failed-free": false}},
		{"disable_spend_logs", spend.Options{DisableLogs: true},
			map[string]bool{"ok": true, "failed": true}},
		{"disable_error_logs", spend.Options{DisableErrorLogs: true},
			map[string]bool{"ok": false, "free": false, "failed": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := &fakeWriter{}
			r := spend.NewRecorder(w, discard(), tc.opts)
			r.Record(record("ok", 0.5))
			r.Record(record("free", 0))
			r.Record(failed("failed", 0.25))
			r.Record(failed("failed-free", 0))
			if err := r.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for id, rec := range w.stored {
				got[id] = rec.Unlogged
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("written (id: unlogged) %v, want %v", got, tc.want)
			}
		})
	}
}
