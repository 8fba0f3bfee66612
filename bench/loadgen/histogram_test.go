package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	for _, v := range []uint64{0, 1, 255, 256, 257, 511, 512, 1000, 123456789, uint64(maxValue)} {
		i := bucket(v)
		if i < 0 || i >= numBuckets {
			t.Fatalf("bucket(%d) = %d, outside [0, %d)", v, i, numBuckets)
		}
		lo, hi := bucketRange(i)
		if v < lo || v > hi {
			t.Errorf("bucket(%d) = %d covers [%d, %d]", v, i, lo, hi)
		}
		if v >= 256 && float64(hi-lo+1)/float64(lo) > 1.0/128 {
			t.Errorf("bucket of %d is [%d, %d]: wider than 1/128 of its value", v, lo, hi)
		}
	}
}

func TestBucketsContiguous(t *testing.T) {
	var next uint64
	for i := range numBuckets {
		lo, hi := bucketRange(i)
		if lo != next || hi < lo {
			t.Fatalf("bucket %d is [%d, %d], want it to start at %d", i, lo, hi, next)
		}
		next = hi + 1
	}
	if next != uint64(maxValue)+1 {
		t.Errorf("buckets end at %d, want %d", next-1, maxValue)
	}
}

// TestQuantileMatchesSorted compares quantiles with the exact ones of a
// sorted slice: within the bucket precision of 1/256 either way.
func TestQuantileMatchesSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() time.Duration
	}{
		{"uniform 0-100µs", func() time.Duration { return time.Duration(rng.Int64N(100_000)) }},
		{"log-normal around 50µs", func() time.Duration {
			return time.Duration(50_000 * math.Exp(rng.NormFloat64()))
		}},
		{"small exact values", func() time.Duration { return time.Duration(rng.Int64N(200)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHistogram()
			vals := make([]time.Duration, 10_000)
			var sum time.Duration
			for i := range vals {
				vals[i] = tt.gen()
				h.Record(vals[i])
				sum += vals[i]
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.99, 0.999, 1} {
				rank := max(int(math.Ceil(q*float64(len(vals)))), 1)
				want := vals[rank-1]
				got := h.Quantile(q)
				if diff := math.Abs(float64(got - want)); diff > float64(want)/256+1 {
					t.Errorf("Quantile(%v) = %v, want %v within 1/256", q, got, want)
				}
			}
			if h.Count() != uint64(len(vals)) || h.Min() != vals[0] || h.Max() != vals[len(vals)-1] {
				t.Errorf("count, min, max = %d, %v, %v; want %d, %v, %v",
					h.Count(), h.Min(), h.Max(), len(vals), vals[0], vals[len(vals)-1])
			}
			if want := sum / time.Duration(len(vals)); h.Mean() != want {
				t.Errorf("Mean() = %v, want %v", h.Mean(), want)
			}
		})
	}
}

func TestHistogramEdges(t *testing.T) {
	h := NewHistogram()
	if got := h.Quantile(0.5); got != 0 {
		t.Errorf("empty Quantile(0.5) = %v, want 0", got)
	}
	h.Record(-time.Second)
	h.Record(time.Hour)
	if h.Min() != 0 || h.Max() != maxValue {
		t.Errorf("min, max = %v, %v; want 0, %v (clamped)", h.Min(), h.Max(), maxValue)
	}
	if got := h.Quantile(1); got != maxValue {
		t.Errorf("Quantile(1) = %v, want %v", got, maxValue)
	}
}

func TestMerge(t *testing.T) {
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := range 1000 {
		d := time.Duration(i) * time.Microsecond
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	a.Merge(b)
	a.Merge(NewHistogram())
	for _, q := range []float64{0, 0.5, 0.99, 1} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged Quantile(%v) = %v, want %v", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != all.Count() || a.Min() != all.Min() || a.Max() != all.Max() ||
		a.Mean() != all.Mean() {
		t.Errorf("merged count, min, max, mean differ from recording all at once")
	}
}
