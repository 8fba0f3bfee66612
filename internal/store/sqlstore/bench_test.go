package sqlstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/secret"
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

// BenchmarkAddSpend records batches of requests, as the gateway's spend
// recorder does, spread over the keys of a few users and teams or of
// many. Request ids are random, like those the gateway gives requests.
//
// Besides the time per record, which counts the wait for the commit's
// fsync, it reports the CPU time per record where the system tells it
// (see cpuTime): that is what the recorder takes from the gateway.
func BenchmarkAddSpend(b *testing.B) {
	owners := []spendOwners{
		{keys: 20, users: 10, teams: 4},
		{keys: 500, users: 300, teams: 20},
		{keys: 20}, // keys of no user or team, as the gateway benchmark's
	}
	for _, bk := range benchBackends {
		for _, batch := range []int{100, 500} {
			for _, o := range owners {
				name := fmt.Sprintf("%s/batch=%d/keys=%d", bk.name, batch, o.keys)
				if o.users == 0 {
					name += "/keys-only"
				}
				b.Run(name, func(b *testing.B) {
					benchAddSpend(b, openTest(b, bk.url(b)), o, batch)
				})
			}
		}
	}
}

func benchAddSpend(b *testing.B, s *Store, o spendOwners, batch int) {
	keys := o.create(b, s)
	b.ReportAllocs()
	cpu := cpuTime()
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		records := spendBatch(keys, n, batch)
		b.StartTimer()
		must(b, s.AddSpend(b.Context(), records))
	}
	records := float64(b.N * batch)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/records, "µs/record")
	if cpu >= 0 {
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/records, "cpu-µs/record")
	}
}

// spendOwners is how many keys, users and teams spend records name.
type spendOwners struct{ keys, users, teams int }

// create creates the keys, users and teams of o, each key of one user and
// one team when there are any, and returns the keys.
func (o spendOwners) create(b *testing.B, s *Store) []*store.Key {
	ctx := b.Context()
	for i := range o.users {
		must(b, s.CreateUser(ctx, &store.User{ID: fmt.Sprint("u", i)}))
	}
	for i := range o.teams {
		must(b, s.CreateTeam(ctx, &store.Team{ID: fmt.Sprint("t", i)}))
	}
	var out []*store.Key
	for i := range o.keys {
		k := &store.Key{Hash: secret.HashKey(fmt.Sprint("sk-", i))}
		if o.users > 0 && o.teams > 0 {
			k.UserID, k.TeamID = fmt.Sprint("u", i%o.users), fmt.Sprint("t", i%o.teams)
		}
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
		k := keys[(n*size+i)%len(keys)]
		records[i] = store.SpendRecord{
			RequestID: secret.Random(12),
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

// BenchmarkListSpend reads a page of a spend log of 100,000 records, as
// GET /spend/logs does, with each filter it offers. A filter that an index
// serves reads the page and counts the matches without reading the rest.
func BenchmarkListSpend(b *testing.B) {
	const size = 100_000
	for _, bk := range benchBackends {
		b.Run(bk.name, func(b *testing.B) {
			s := openTest(b, bk.url(b))
			keys := spendOwners{keys: 500, users: 300, teams: 20}.create(b, s)
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for n := range size / 1000 {
				records := spendBatch(keys, n, 1000)
				for i := range records {
					records[i].StartedAt = start.Add(time.Duration(n*1000+i) * time.Second)
				}
				must(b, s.AddSpend(b.Context(), records))
			}

			day := 24 * time.Hour
			page := store.Page{Limit: 100}
			for _, f := range []struct {
				name   string
				filter store.SpendFilter
			}{
				{"all", store.SpendFilter{Page: page}},
				{"all/last page", store.SpendFilter{Page: store.Page{Offset: size - 100,
					Limit: 100}}},
				{"user", store.SpendFilter{UserID: "u7", Page: page}},
				{"team", store.SpendFilter{TeamID: "t7", Page: page}},
				{"key", store.SpendFilter{KeyHash: keys[7].Hash, Page: page}},
				{"day", store.SpendFilter{Start: start.Add(day), End: start.Add(2 * day),
					Page: page}},
				{"user and day", store.SpendFilter{UserID: "u7",
					Start: start.Add(day), End: start.Add(2 * day), Page: page}},
			} {
				b.Run(f.name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := s.ListSpend(b.Context(), f.filter); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
