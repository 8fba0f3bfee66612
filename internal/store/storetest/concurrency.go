package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/litellm-go/gateway/internal/store"
)

var concurrencyTests = []test{
	{"concurrent writes", testConcurrentWrites},
	{"concurrent spend loses nothing", testConcurrentSpend},
}

// testConcurrentWrites has several goroutines create users and add to one
// key's spend with a read-modify-write in InTx, while others read. Every
// call must succeed (no "database is locked") and no update may be lost.
func testConcurrentWrites(t *testing.T, s store.Store) {
	const workers, each = 6, 10
	ctx := t.Context()
	must(t, s.CreateKey(ctx, &store.Key{Hash: "shared"}))
	rev := revision(t, s)

	var wg sync.WaitGroup
	errs := make(chan error, 3*workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				errs <- s.CreateUser(ctx, &store.User{ID: fmt.Sprintf("w%d-%d", w, i)})
				errs <- s.InTx(ctx, addSpend(ctx))
				_, err := s.GetKey(ctx, "shared")
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	_, total, err := s.ListUsers(ctx, store.Page{Limit: 1})
	must(t, err)
	if total != workers*each {
		t.Errorf("%d users, want %d", total, workers*each)
	}
	k, err := s.GetKey(ctx, "shared")
	must(t, err)
	if k.Spend != workers*each {
		t.Errorf("spend = %v, want %d: updates were lost", k.Spend, workers*each)
	}
	if got := revision(t, s); got < rev+2*workers*each {
		t.Errorf("revision = %d, want at least %d", got, rev+2*workers*each)
	}
}

// addSpend returns an InTx function that adds 1 to the shared key's spend.
func addSpend(ctx context.Context) func(tx store.Tx) error {
	return func(tx store.Tx) error {
		k, err := tx.GetKey(ctx, "shared")
		if err != nil {
			return err
		}
		k.Spend++
		return tx.UpdateKey(ctx, k)
	}
}

// testConcurrentSpend has several goroutines add batches of spend to one
// key, its user and its team, and between batches add to the key's spend
// with a read-modify-write in InTx: no update may be lost on either side.
func testConcurrentSpend(t *testing.T, s store.Store) {
	const workers, batches, size = 6, 8, 5
	ctx := t.Context()
	must(t, s.CreateUser(ctx, &store.User{ID: "u1"}))
	must(t, s.CreateTeam(ctx, &store.Team{ID: "t1"}))
	must(t, s.CreateKey(ctx, &store.Key{Hash: "shared", UserID: "u1", TeamID: "t1"}))

	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*batches)
	for w := range workers {
		wg.Go(func() {
			for b := range batches {
				var batch []store.SpendRecord
				for i := range size {
					id := fmt.Sprintf("w%d-b%d-%d", w, b, i)
					batch = append(batch, newSpend(id, "shared", "u1", "t1", 0.25))
				}
				errs <- s.AddSpend(ctx, batch)
				errs <- s.InTx(ctx, addSpend(ctx))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	const added = workers * batches * size * 0.25
	k, err := s.GetKey(ctx, "shared")
	must(t, err)
	if want := added + workers*batches; k.Spend != want {
		t.Errorf("key spend = %v, want %v: updates were lost", k.Spend, want)
	}
	u, err := s.GetUser(ctx, "u1")
	must(t, err)
	tm, err := s.GetTeam(ctx, "t1")
	must(t, err)
	if u.Spend != added || tm.Spend != added {
		t.Errorf("user, team spend = %v, %v; want %v each", u.Spend, tm.Spend, added)
	}
	_, total := listRequests(t, s, store.SpendFilter{Page: store.Page{Limit: 1}})
	if total != workers*batches*size {
		t.Errorf("%d spend records, want %d", total, workers*batches*size)
	}
}
