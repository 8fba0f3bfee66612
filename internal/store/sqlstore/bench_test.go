package sqlstore

import (
	"fmt"
	"testing"

	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/testenv"
)

// BenchmarkGetKey reads keys from many goroutines, as the gateway does
// when its key cache is cold.
func BenchmarkGetKey(b *testing.B) {
	for _, bk := range []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return b.TempDir() + "/gateway.db" }},
		{"postgres", func(b *testing.B) string { return testenv.PostgresURL(b) }},
	} {
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
