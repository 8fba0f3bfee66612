package spend_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/spend"
	"github.com/litellm-go/gateway/internal/store"
)

// countWriter counts the records written.
type countWriter struct{ n atomic.Int64 }

func (w *countWriter) AddSpend(_ context.Context, records []store.SpendRecord) error {
	w.n.Add(int64(len(records)))
	return nil
}

// BenchmarkRecord measures what recording a request's spend costs the
// request. It pauses every 2048 records (four batches) for the writer to
// catch up: with nothing else to do, the benchmark records far faster
// than any gateway serves requests, whose writer takes the records every
// batch.
func BenchmarkRecord(b *testing.B) {
	const chunk = 2048
	w := &countWriter{}
	r := spend.NewRecorder(w, discard(), spend.Options{})
	defer r.Close(b.Context())
	rec := record("req-1", 0.001)
	b.ReportAllocs()
	for i := range b.N {
		if i%chunk == chunk-1 {
			b.StopTimer()
			for w.n.Load() < int64(i-200) {
				time.Sleep(10 * time.Microsecond)
			}
			b.StartTimer()
		}
		r.Record(rec)
	}
	b.StopTimer()
	if r.Dropped() != 0 {
		b.Fatalf("%d of %d dropped", r.Dropped(), b.N)
	}
}

func BenchmarkCost(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		spend.Cost(config.ModelInfo{}, "openai/gpt-4o-mini-2024-07-18", 1000, 200)
	}
}
