package policy_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// BenchmarkAdmitDone measures what admission and settlement add to every
// request: nothing to speak of for a caller without limits, a few hundred
// nanoseconds and the ticket's allocation with rpm limits and budgets on
// key, user and team.
func BenchmarkAdmitDone(b *testing.B) {
	limits := func() *store.Limits {
		return &store.Limits{RPMLimit: ptr[int64](1 << 40), TPMLimit: ptr[int64](1 << 40),
			MaxBudget: ptr(1e12)}
	}
	cases := []struct {
		name   string
		limits func() *store.Limits
	}{
		{"no limits", func() *store.Limits { return &store.Limits{} }},
		{"rpm tpm budget on key user team", limits},
	}
	for _, c := range cases {
		p := principal(c.limits(), c.limits(), c.limits())
		b.Run(c.name, func(b *testing.B) {
			l := policy.NewLimiter(func() time.Time { return t0 })
			b.ReportAllocs()
			for b.Loop() {
				tk, err := l.Admit(p, 1e-4, t0)
				if err != nil {
					b.Fatal(err)
				}
				tk.Done(100, 1e-4)
			}
		})
		b.Run(c.name+" parallel distinct keys", func(b *testing.B) {
			l := policy.NewLimiter(func() time.Time { return t0 })
			var next atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				// The same user and team, a key of its own.
				p := principal(c.limits(), c.limits(), c.limits())
				p.Key.Hash = fmt.Sprint("hash-", next.Add(1))
				for pb.Next() {
					tk, err := l.Admit(p, 1e-4, t0)
					if err != nil {
						b.Fatal(err)
					}
					tk.Done(100, 1e-4)
				}
			})
		})
	}
}
