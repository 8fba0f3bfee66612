package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var loginTests = []test{
	{"create and get", testLoginCreateGet},
	{"update", testLoginUpdate},
	{"delete", testLoginDelete},
	{"collected once", testLoginCollectOnce},
	{"delete expired", testLoginDeleteExpired},
	{"auth state taken once", testAuthStateTake},
	{"auth state taken by one of many", testAuthStateRace},
}

// racers is how many goroutines race for something only one may get.
const racers = 8

func newLogin(id string) *store.PendingLogin {
	return &store.PendingLogin{
		ID:             id,
		PollSecretHash: "poll-hash-" + id,
		UserCodeHash:   "code-hash-" + id,
		Status:         store.LoginPending,
		Address:        "198.51.100.4",
		CreatedAt:      t0,
		ExpiresAt:      t0.Add(10 * time.Minute),
	}
}

func newAuthState(hash string) *store.AuthState {
	return &store.AuthState{
		StateHash: hash,
		LoginID:   "cli-1",
		Nonce:     "nonce-" + hash,
		Verifier:  "verifier-" + hash,
		CreatedAt: t0,
		ExpiresAt: t0.Add(10 * time.Minute),
	}
}

// testLoginCreateGet also gets logins long expired, as every fixture is:
// the store returns them, and callers compare ExpiresAt with their clock.
func testLoginCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := newLogin("cli-1")
	must(t, s.CreatePendingLogin(ctx, l))
	got, err := s.GetPendingLogin(ctx, "cli-1")
	must(t, err)
	wantDiff(t, "GetPendingLogin", l, got)

	before := time.Now().Truncate(time.Microsecond)
	bare := &store.PendingLogin{ID: "cli-2", ExpiresAt: t0}
	must(t, s.CreatePendingLogin(ctx, bare))
	if bare.CreatedAt.Before(before) || bare.CreatedAt.After(time.Now()) {
		t.Errorf("CreatedAt = %v, want set by the store", bare.CreatedAt)
	}
	got, err = s.GetPendingLogin(ctx, "cli-2")
	must(t, err)
	wantDiff(t, "GetPendingLogin", bare, got)

	wantErr(t, s.CreatePendingLogin(ctx, newLogin("cli-1")), store.ErrExists)
	_, err = s.GetPendingLogin(ctx, "nobody")
	wantErr(t, err, store.ErrNotFound)
}

func testLoginUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	must(t, s.CreatePendingLogin(ctx, newLogin("cli-1")))

	// The user and team need not exist: the session checks them.
	l := newLogin("cli-1")
	l.CreatedAt = time.Time{}
	l.BrowserTokenHash = "browser-hash"
	l.Status = store.LoginAuthenticated
	l.UserID, l.TeamID = "u1", "t1"
	l.FailedAttempts = 2
	l.ExpiresAt = t0.Add(15 * time.Minute)
	must(t, s.UpdatePendingLogin(ctx, l))

	if !l.CreatedAt.Equal(t0) {
		t.Errorf("CreatedAt = %v, want it kept: %v", l.CreatedAt, t0)
	}
	got, err := s.GetPendingLogin(ctx, "cli-1")
	must(t, err)
	wantDiff(t, "GetPendingLogin", l, got)
	wantErr(t, s.UpdatePendingLogin(ctx, newLogin("nobody")), store.ErrNotFound)
}

func testLoginDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	must(t, s.CreatePendingLogin(ctx, newLogin("cli-1")))
	must(t, s.CreatePendingLogin(ctx, newLogin("cli-2")))

	must(t, s.DeletePendingLogin(ctx, "cli-1"))

	_, err := s.GetPendingLogin(ctx, "cli-1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetPendingLogin(ctx, "cli-2")
	must(t, err)
	wantErr(t, s.DeletePendingLogin(ctx, "cli-1"), store.ErrNotFound)
}

// testLoginCollectOnce has several CLI polls collect one ready login at
// once, each reading and deleting it in InTx: exactly one may get it.
func testLoginCollectOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := newLogin("cli-1")
	l.Status = store.LoginReady
	must(t, s.CreatePendingLogin(ctx, l))

	collect := func(tx store.Tx) error {
		l, err := tx.GetPendingLogin(ctx, "cli-1")
		if err != nil {
			return err
		}
		if l.Status != store.LoginReady {
			return errors.New("login not ready")
		}
		return tx.DeletePendingLogin(ctx, "cli-1")
	}
	errs := race(func() error { return s.InTx(ctx, collect) })
	wantOneWinner(t, errs)
}

func testLoginDeleteExpired(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i, id := range []string{"cli-1", "cli-2", "cli-3"} {
		l := newLogin(id)
		l.ExpiresAt = t0.Add(time.Duration(i+1) * time.Minute)
		must(t, s.CreatePendingLogin(ctx, l))
	}
	for i, hash := range []string{"st-1", "st-2"} {
		a := newAuthState(hash)
		a.ExpiresAt = t0.Add(time.Duration(2*i+1) * time.Minute)
		must(t, s.CreateAuthState(ctx, a))
	}

	// cli-2 expires at the very time given: it is not yet expired.
	n, err := s.DeleteExpiredLogins(ctx, t0.Add(2*time.Minute))
	must(t, err)
	if n != 2 {
		t.Errorf("DeleteExpiredLogins removed %d, want 2 (cli-1 and st-1)", n)
	}
	_, err = s.GetPendingLogin(ctx, "cli-1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.TakeAuthState(ctx, "st-1")
	wantErr(t, err, store.ErrNotFound)
	for _, id := range []string{"cli-2", "cli-3"} {
		_, err := s.GetPendingLogin(ctx, id)
		must(t, err)
	}
	n, err = s.DeleteExpiredLogins(ctx, t0.Add(2*time.Minute))
	must(t, err)
	if n != 0 {
		t.Errorf("DeleteExpiredLogins again removed %d, want 0", n)
	}
	_, err = s.TakeAuthState(ctx, "st-2")
	must(t, err)
}

func testAuthStateTake(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newAuthState("st-1")
	must(t, s.CreateAuthState(ctx, a))
	bare := &store.AuthState{StateHash: "st-2", ExpiresAt: t0}
	before := time.Now().Truncate(time.Microsecond)
	must(t, s.CreateAuthState(ctx, bare))
	if bare.CreatedAt.Before(before) || bare.CreatedAt.After(time.Now()) {
		t.Errorf("CreatedAt = %v, want set by the store", bare.CreatedAt)
	}
	wantErr(t, s.CreateAuthState(ctx, newAuthState("st-1")), store.ErrExists)

	for _, want := range []*store.AuthState{a, bare} {
		got, err := s.TakeAuthState(ctx, want.StateHash)
		must(t, err)
		wantDiff(t, "TakeAuthState", want, got)
		_, err = s.TakeAuthState(ctx, want.StateHash)
		wantErr(t, err, store.ErrNotFound)
	}
	_, err := s.TakeAuthState(ctx, "nobody")
	wantErr(t, err, store.ErrNotFound)
}

// testAuthStateRace has several callbacks take one state at once.
func testAuthStateRace(t *testing.T, s store.Store) {
	ctx := t.Context()
	must(t, s.CreateAuthState(ctx, newAuthState("st-1")))

	errs := race(func() error {
		a, err := s.TakeAuthState(ctx, "st-1")
		if err == nil && a.Nonce != "nonce-st-1" {
			return errors.New("took the state with nonce " + a.Nonce)
		}
		return err
	})
	wantOneWinner(t, errs)
}

// race runs fn in racers goroutines released together and returns their
// errors.
func race(fn func() error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// wantOneWinner checks that one of errs is nil and the others are
// store.ErrNotFound.
func wantOneWinner(t *testing.T, errs []error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("racer failed: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d racers won, want exactly 1", wins, len(errs))
	}
}
