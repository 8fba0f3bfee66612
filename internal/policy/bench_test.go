package policy_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// BenchmarkAdmitDone measures what admission and settlement add to every
// request: nothing to speak of for a caller without limits, a few hundred
// nanoseconds and the ticket's allocation with rpm limits and budgets on
// key, user and team. Shared with other replicas, admission also counts
// what is to be pushed to Redis, requests and spend, and adds the others'
// counts: memory only, since a Syncer exchanges counts in the background
// (none runs here).
func BenchmarkAdmitDone(b *testing.B) {
	limits := func() *store.Limits {
		return &store.Limits{RPMLimit: ptr[int64](1 << 40), TPMLimit: ptr[int64](1 << 40),
			MaxBudget: ptr(1e12)}
	}
	// An address nothing listens on: a client connects only when used.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	cases := []struct {
		name   string
		limits func() *store.Limits
		shared bool
	}{
		{"no limits", func() *store.Limits { return &store.Limits{} }, false},
		{"rpm tpm budget on key user team", limits, false},
		{"rpm tpm budget on key user team shared", limits, true},
	}
	for _, c := range cases {
		p := principal(c.limits(), c.limits(), c.limits())
		newLimiter := func() *policy.Limiter {
			l := policy.NewLimiter(func() time.Time { return t0 })
			if c.shared {
				policy.NewSyncer(l, rdb, policy.SyncOptions{})
			}
			return l
		}
		b.Run(c.name, func(b *testing.B) {
			l := newLimiter()
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
			l := newLimiter()
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
