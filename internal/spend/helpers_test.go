package spend_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/sqlstore"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openStore returns a real store on a new SQLite file.
func openStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "spend.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// record returns a spend record with the given id and cost.
func record(id string, cost float64) store.SpendRecord {
	return store.SpendRecord{RequestID: id, UserID: "alice", Model: "gpt-4o",
		PromptTokens: 10, CompletionTokens: 5, Cost: cost, Status: 200, StartedAt: t0}
}

// fakeWriter is a store's AddSpend: it keeps records by request id,
// refuses a batch holding an id it has (store.ErrExists), and fails the
// calls listed in fail (numbered from 1).
type fakeWriter struct {
	mu      sync.Mutex
	calls   int
	fail    map[int]error
	batches []int // sizes of the batches written
	stored  map[string]store.SpendRecord
	gate    chan struct{} // when set, each call waits for it
}

func (f *fakeWriter) AddSpend(ctx context.Context, records []store.SpendRecord) error {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := f.fail[f.calls]; err != nil {
		return err
	}
	for _, r := range records {
		if _, ok := f.stored[r.RequestID]; ok {
			return fmt.Errorf("add spend: %w", store.ErrExists)
		}
	}
	if f.stored == nil {
		f.stored = make(map[string]store.SpendRecord)
	}
	for _, r := range records {
		f.stored[r.RequestID] = r
	}
	f.batches = append(f.batches, len(records))
	return nil
}

// state returns the batch sizes written and the number of records
// stored.
func (f *fakeWriter) state() ([]int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.batches...), len(f.stored)
}

// eventually waits up to 5 seconds for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
