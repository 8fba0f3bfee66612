package sqlstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/testenv"
)

// benchBackends lists the databases the benchmarks run on; each url
// function returns a new, empty database.
var benchBackends = []struct {
	name string
	url  func(b *testing.B) string
}{
	{"sqlite", func(b *testing.B) string { return b.TempDir() + "/gateway.db" }},
	{"postgres", func(b *testing.B) string { return testenv.PostgresURL(b) }},
}

// BenchmarkGetKey reads keys from many goroutines, as the gateway does
// when its key cache is cold.
func BenchmarkGetKey(b *testing.B) {
	for _, bk := range benchBackends {
		b.Run(bk.name, func(b *testing.B) {
			const keys = 1000
			s := openTest(b, bk.url(b))
			for i := range keys {
				k := &store.Key{Hash: fmt.Sprintf("%064x", i), Models: []string{"gpt-4o"}}
				if err := s.CreateKey(b.Context(), k); err != nil {
					b.Fatal(err)
				}
			}

			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					if _, err := s.GetKey(b.Context(), fmt.Sprintf("%064x", i%keys)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkAddSpend records batches of 100 requests, as the gateway's
// spend batcher does, spread over the keys of several users and teams.
func BenchmarkAddSpend(b *testing.B) {
	const batch = 100
	for _, bk := range benchBackends {
		b.Run(bk.name, func(b *testing.B) {
			s := openTest(b, bk.url(b))
			keys := createSpendOwners(b, s)

			b.ReportAllocs()
			for n := 0; b.Loop(); n++ {
				b.StopTimer()
				records := spendBatch(keys, n, batch)
				b.StartTimer()
				must(b, s.AddSpend(b.Context(), records))
			}
			perRecord := float64(b.Elapsed().Microseconds()) / float64(b.N*batch)
			b.ReportMetric(perRecord, "µs/record")
		})
	}
}

// createSpendOwners creates 20 keys of 10 users in 4 teams and returns the
// keys.
func createSpendOwners(b *testing.B, s *Store) []*store.Key {
	const keys, users, teams = 20, 10, 4
	ctx := b.Context()
	for i := range users {
		must(b, s.CreateUser(ctx, &store.User{ID: fmt.Sprint("u", i)}))
	}
	for i := range teams {
		must(b, s.CreateTeam(ctx, &store.Team{ID: fmt.Sprint("t", i)}))
	}
	var out []*store.Key
	for i := range keys {
		k := &store.Key{Hash: fmt.Sprintf("%064x", i),
			UserID: fmt.Sprint("u", i%users), TeamID: fmt.Sprint("t", i%teams)}
		must(b, s.CreateKey(ctx, k))
		out = append(out, k)
	}
	return out
}

// spendBatch returns the size records of batch n, which take turns among
// keys.
func spendBatch(keys []*store.Key, n, size int) []store.SpendRecord {
	records := make([]store.SpendRecord, size)
	for i := range records {
		k := keys[(n+i)%len(keys)]
		records[i] = store.SpendRecord{
			RequestID: fmt.Sprintf("req-%d-%d", n, i),
			KeyHash:   k.Hash, UserID: k.UserID, TeamID: k.TeamID,
			Model: "gpt-4o", PromptTokens: 1000, CompletionTokens: 200,
			Cost: 0.0042, Status: 200, StartedAt: time.Now(), Duration: time.Second,
		}
	}
	return records
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
