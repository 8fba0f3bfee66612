package storetest

import (
	"context"
	"testing"

	"github.com/litellm-go/gateway/internal/store"
)

var revisionTests = []test{
	{"writes advance it, reads do not", testRevision},
}

// revisionStep is one call of testRevision, which expects the revision to
// grow after it if it writes and to stay put if it only reads.
type revisionStep struct {
	name  string
	write bool
	fn    func(ctx context.Context, s store.Store) error
}

// revisionSteps call every method, each step relying on those before.
var revisionSteps = []revisionStep{
	{"CreateUser", true, func(ctx context.Context, s store.Store) error {
		return s.CreateUser(ctx, newUser("u1"))
	}},
	{"GetUser", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetUser(ctx, "u1"))
	}},
	{"GetUserByEmail", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetUserByEmail(ctx, "u1@example.com"))
	}},
	{"ListUsers", false, func(ctx context.Context, s store.Store) error {
		return third(s.ListUsers(ctx, store.Page{}))
	}},
	{"UpdateUser", true, func(ctx context.Context, s store.Store) error {
		return s.UpdateUser(ctx, newUser("u1"))
	}},
	{"CreateTeam", true, func(ctx context.Context, s store.Store) error {
		return s.CreateTeam(ctx, newTeam("t1", member("u1")))
	}},
	{"GetTeam", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetTeam(ctx, "t1"))
	}},
	{"ListTeams", false, func(ctx context.Context, s store.Store) error {
		return second(s.ListTeams(ctx, store.TeamFilter{}))
	}},
	{"UpdateTeam", true, func(ctx context.Context, s store.Store) error {
		return s.UpdateTeam(ctx, newTeam("t1"))
	}},
	{"CreateKey", true, func(ctx context.Context, s store.Store) error {
		return s.CreateKey(ctx, newKey("k1", "u1", "t1"))
	}},
	{"GetKey", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetKey(ctx, "k1"))
	}},
	{"ListKeys", false, func(ctx context.Context, s store.Store) error {
		return third(s.ListKeys(ctx, store.KeyFilter{}))
	}},
	{"UpdateKey", true, func(ctx context.Context, s store.Store) error {
		return s.UpdateKey(ctx, newKey("k1", "u1", ""))
	}},
	{"CreateModel", true, func(ctx context.Context, s store.Store) error {
		return s.CreateModel(ctx, newModel("m1", t0))
	}},
	{"ListModels", false, func(ctx context.Context, s store.Store) error {
		return second(s.ListModels(ctx))
	}},
	{"DeleteModel", true, func(ctx context.Context, s store.Store) error {
		return s.DeleteModel(ctx, "m1")
	}},
	{"InTx reading", false, func(ctx context.Context, s store.Store) error {
		return s.InTx(ctx, func(tx store.Tx) error { return second(tx.GetUser(ctx, "u1")) })
	}},
	{"InTx writing", true, func(ctx context.Context, s store.Store) error {
		return s.InTx(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, newUser("u2")) })
	}},
	{"DeleteKey", true, func(ctx context.Context, s store.Store) error {
		return s.DeleteKey(ctx, "k1")
	}},
	{"DeleteTeam", true, func(ctx context.Context, s store.Store) error {
		return s.DeleteTeam(ctx, "t1")
	}},
	{"DeleteUser", true, func(ctx context.Context, s store.Store) error {
		return s.DeleteUser(ctx, "u1")
	}},
}

func testRevision(t *testing.T, s store.Store) {
	for _, st := range revisionSteps {
		before := revision(t, s)
		if err := st.fn(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		after := revision(t, s)
		switch {
		case st.write && after <= before:
			t.Errorf("%s: revision %d -> %d, want it to grow", st.name, before, after)
		case !st.write && after != before:
			t.Errorf("%s: revision %d -> %d, want it unchanged", st.name, before, after)
		}
	}
}

// second and third keep the error of a call with two or three results.
func second(_ any, err error) error       { return err }
func third(_ any, _ int, err error) error { return err }
