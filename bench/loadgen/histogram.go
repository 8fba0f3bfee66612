package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// A Histogram counts durations in log-linear buckets, as HdrHistogram
// does: durations below 256 ns are exact, and every power of two above is
// cut into 128 buckets, so a recorded value is known to within 1/256 of
// itself (0.4 %) wherever it falls. Its memory is fixed, 32 KiB, however
// many values it records. The zero value is not usable; call
// NewHistogram.
type Histogram struct {
	counts []uint64
	n      uint64
	sum    time.Duration
	min    time.Duration
	max    time.Duration
}

const (
	subBits    = 7
	subBuckets = 1 << subBits // buckets per power of two
	// maxValue bounds what a histogram holds (137 s); longer durations
	// are counted as maxValue. No request of a benchmark takes that long.
	maxValue   = time.Duration(1)<<37 - 1
	numBuckets = 2*subBuckets + (37-subBits-1)*subBuckets
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]uint64, numBuckets)}
}

// bucket returns the index of the bucket that holds v (0 <= v <= maxValue).
func bucket(v uint64) int {
	if v < 2*subBuckets {
		return int(v)
	}
	// Shift v so that its top 8 bits remain: they pick one of the 128
	// buckets of its power of two.
	shift := bits.Len64(v) - subBits - 1
	return 2*subBuckets + (shift-1)*subBuckets + int(v>>shift) - subBuckets
}

// bucketRange returns the lowest and highest value of bucket i.
func bucketRange(i int) (lo, hi uint64) {
	if i < 2*subBuckets {
		return uint64(i), uint64(i)
	}
	shift := (i-2*subBuckets)/subBuckets + 1
	top := uint64((i-2*subBuckets)%subBuckets + subBuckets)
	lo = top << shift
	return lo, lo + 1<<shift - 1
}

// Record counts one duration; negative ones count as zero.
func (h *Histogram) Record(d time.Duration) {
	d = min(max(d, 0), maxValue)
	h.counts[bucket(uint64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	h.max = max(h.max, d)
	h.n++
	h.sum += d
}

// Merge adds the counts of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count returns how many durations were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min and Max return the exact extremes; zero when empty.
func (h *Histogram) Min() time.Duration { return h.min }

// Max returns the longest duration recorded; zero when empty.
func (h *Histogram) Max() time.Duration { return h.max }

// Mean returns the exact mean; zero when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Quantile returns the duration below or at which a fraction q (0 to 1)
// of the recorded durations fall: the value of rank ceil(q*n), as the
// midpoint of its bucket, clamped to the exact minimum and maximum, which
// it returns for the first and last ranks. It returns zero when the
// histogram is empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	switch rank = min(max(rank, 1), h.n); rank {
	case 1:
		return h.min
	case h.n:
		return h.max
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			v := time.Duration(lo + (hi-lo)/2)
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}
