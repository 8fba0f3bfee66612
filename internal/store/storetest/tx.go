package storetest

import (
	"errors"
	"testing"

	"github.com/litellm-go/gateway/internal/store"
)

var txTests = []test{
	{"commit", testTxCommit},
	{"rollback", testTxRollback},
	{"reads its own writes", testTxReadsOwnWrites},
	{"failed write leaves the tx usable", testTxFailedWrite},
}

var errBoom = errors.New("boom")

func testTxCommit(t *testing.T, s store.Store) {
	ctx := t.Context()
	err := s.InTx(ctx, func(tx store.Tx) error {
		createUsers(t, tx, "u1")
		must(t, tx.CreateTeam(ctx, newTeam("t1", member("u1"))))
		return tx.CreateKey(ctx, newKey("k1", "u1", "t1"))
	})
	must(t, err)

	_, err = s.GetUser(ctx, "u1")
	must(t, err)
	_, err = s.GetTeam(ctx, "t1")
	must(t, err)
	_, err = s.GetKey(ctx, "k1")
	must(t, err)
}

func testTxRollback(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "keep")
	rev := revision(t, s)

	err := s.InTx(ctx, func(tx store.Tx) error {
		createUsers(t, tx, "u1")
		must(t, tx.CreateTeam(ctx, newTeam("t1", member("u1"), member("keep"))))
		must(t, tx.DeleteUser(ctx, "keep"))
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("InTx returned %v, want fn's error as is", err)
	}

	_, err = s.GetUser(ctx, "u1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetTeam(ctx, "t1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetUser(ctx, "keep")
	must(t, err)
	if got := revision(t, s); got != rev {
		t.Errorf("revision = %d after a rollback, want %d", got, rev)
	}
}

func testTxReadsOwnWrites(t *testing.T, s store.Store) {
	ctx := t.Context()
	rev := revision(t, s)
	err := s.InTx(ctx, func(tx store.Tx) error {
		createUsers(t, tx, "u1")
		if _, err := tx.GetUserByEmail(ctx, "U1@example.com"); err != nil {
			return err
		}
		users, total, err := tx.ListUsers(ctx, store.Page{})
		if err != nil {
			return err
		}
		if len(users) != 1 || total != 1 {
			t.Errorf("ListUsers in tx = %d users, total %d; want 1, 1", len(users), total)
		}
		if got := revision(t, tx); got <= rev {
			t.Errorf("revision in tx = %d after a write, want > %d", got, rev)
		}
		return nil
	})
	must(t, err)
}

// testTxFailedWrite checks that a write failing inside InTx undoes its own
// partial changes and lets the transaction go on to commit.
func testTxFailedWrite(t *testing.T, s store.Store) {
	ctx := t.Context()
	createUsers(t, s, "a", "b")
	team := newTeam("t1", member("a"), member("b"))
	must(t, s.CreateTeam(ctx, team))

	err := s.InTx(ctx, func(tx store.Tx) error {
		bad := &store.Team{ID: "t1", Members: []store.Member{member("b"), member("ghost")}}
		wantErr(t, tx.UpdateTeam(ctx, bad), store.ErrNotFound)
		wantErr(t, tx.CreateTeam(ctx, newTeam("t2", member("ghost"))), store.ErrNotFound)
		wantErr(t, tx.CreateUser(ctx, newUser("a")), store.ErrExists)
		createUsers(t, tx, "c")
		return nil
	})
	must(t, err)

	got, err := s.GetTeam(ctx, "t1")
	must(t, err)
	wantDiff(t, "t1 after a failed update", team, got)
	_, err = s.GetTeam(ctx, "t2")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetUser(ctx, "c")
	must(t, err)
}
