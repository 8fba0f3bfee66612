package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var revisionTests = []test{
	{"management writes advance it, other calls do not", testRevision},
}

// revisionStep is one call of testRevision, which expects the revision to
// grow after it if it advances and to stay put otherwise: after reads, and
// after writes that no cache holds (sessions but for their revocation,
// logins, signing keys, spend).
type revisionStep struct {
	name     string
	advances bool
	fn       func(ctx context.Context, s store.Store) error
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
	{"CreateSession", false, func(ctx context.Context, s store.Store) error {
		return s.CreateSession(ctx, newSession("s1", "u1", "t1"))
	}},
	{"GetSession", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetSession(ctx, "s1"))
	}},
	{"ListSessions", false, func(ctx context.Context, s store.Store) error {
		return second(s.ListSessions(ctx, store.SessionFilter{}))
	}},
	{"TouchSessions", false, func(ctx context.Context, s store.Store) error {
		return s.TouchSessions(ctx, map[string]time.Time{"s1": t0.Add(time.Hour)})
	}},
	{"RevokeSession", true, func(ctx context.Context, s store.Store) error {
		return s.RevokeSession(ctx, "s1", t0.Add(time.Hour))
	}},
	{"DeleteExpiredSessions", false, func(ctx context.Context, s store.Store) error {
		return second(s.DeleteExpiredSessions(ctx, t0.Add(48*time.Hour)))
	}},
	{"AddSigningKey", false, func(ctx context.Context, s store.Store) error {
		return s.AddSigningKey(ctx, store.SigningKey{ID: "kid", Private: []byte("p")})
	}},
	{"SigningKeys", false, func(ctx context.Context, s store.Store) error {
		return second(s.SigningKeys(ctx))
	}},
	{"CreatePendingLogin", false, func(ctx context.Context, s store.Store) error {
		return s.CreatePendingLogin(ctx, newLogin("cli-1"))
	}},
	{"GetPendingLogin", false, func(ctx context.Context, s store.Store) error {
		return second(s.GetPendingLogin(ctx, "cli-1"))
	}},
	{"UpdatePendingLogin", false, func(ctx context.Context, s store.Store) error {
		return s.UpdatePendingLogin(ctx, newLogin("cli-1"))
	}},
	{"DeletePendingLogin", false, func(ctx context.Context, s store.Store) error {
		return s.DeletePendingLogin(ctx, "cli-1")
	}},
	{"CreateAuthState", false, func(ctx context.Context, s store.Store) error {
		return s.CreateAuthState(ctx, newAuthState("st-1"))
	}},
	{"TakeAuthState", false, func(ctx context.Context, s store.Store) error {
		return second(s.TakeAuthState(ctx, "st-1"))
	}},
	{"DeleteExpiredLogins", false, func(ctx context.Context, s store.Store) error {
		return second(s.DeleteExpiredLogins(ctx, t0.Add(time.Hour)))
	}},
	{"AddSpend", false, func(ctx context.Context, s store.Store) error {
		return s.AddSpend(ctx, []store.SpendRecord{newSpend("r1", "k1", "u1", "t1", 1)})
	}},
	{"ListSpend", false, func(ctx context.Context, s store.Store) error {
		return third(s.ListSpend(ctx, store.SpendFilter{}))
	}},
	{"DueBudgets", false, func(ctx context.Context, s store.Store) error {
		return second(s.DueBudgets(ctx, t0.Add(365*24*time.Hour)))
	}},
	{"ResetBudget", false, func(ctx context.Context, s store.Store) error {
		ref := store.BudgetRef{Kind: store.BudgetKey, ID: "k1"}
		return s.ResetBudget(ctx, ref, t0.Add(24*time.Hour))
	}},
	{"InTx spending", false, func(ctx context.Context, s store.Store) error {
		return s.InTx(ctx, func(tx store.Tx) error {
			return tx.AddSpend(ctx, []store.SpendRecord{newSpend("r2", "k1", "u1", "t1", 1)})
		})
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
		case st.advances && after <= before:
			t.Errorf("%s: revision %d -> %d, want it to grow", st.name, before, after)
		case !st.advances && after != before:
			t.Errorf("%s: revision %d -> %d, want it unchanged", st.name, before, after)
		}
	}
}

// second and third keep the error of a call with two or three results.
func second(_ any, err error) error       { return err }
func third(_ any, _ int, err error) error { return err }
