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
