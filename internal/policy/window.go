package policy

import "time"

// windowSeconds is the length of a rate-limit window: limits are per
// minute.
const windowSeconds = 60

// window counts events (requests or tokens) over the last minute, as a
// ring of one-second buckets.
//
// A ring is exact at one-second resolution: an event counts for the
// second it happened in and the 59 seconds after, and leaves the window at
// the start of the 60th. So any 60 consecutive whole seconds hold at most
// the limit, the request that would cross it is refused, and a refused
// caller can be told to the second when room frees up. The common
// alternative, two fixed buckets with the previous one weighted by
// overlap, approximates the count and so cannot pin the exact request that
// crosses a limit. The cost of a ring is 240 bytes per limited owner, held
// only while the owner is active.
type window struct {
	buckets [windowSeconds]uint32
	head    int64 // unix second of the newest bucket
	total   int64 // sum of the buckets
}

// advance moves the window to the second sec, emptying the buckets of the
// seconds that left it. A clock that steps back leaves the window where it
// is, so events are never counted twice.
func (w *window) advance(sec int64) {
	if sec <= w.head {
		return
	}
	if sec-w.head >= windowSeconds {
		w.buckets = [windowSeconds]uint32{}
		w.total = 0
	} else {
		for s := w.head + 1; s <= sec; s++ {
			i := slot(s)
			w.total -= int64(w.buckets[i])
			w.buckets[i] = 0
		}
	}
	w.head = sec
}

// add counts n events at the second sec.
func (w *window) add(sec, n int64) {
	w.advance(sec)
	w.buckets[slot(w.head)] += uint32(n)
	w.total += n
}

// at returns the events counted at the second sec, 0 when sec is outside
// the window.
func (w *window) at(sec int64) int64 {
	if sec > w.head || sec <= w.head-windowSeconds {
		return 0
	}
	return int64(w.buckets[slot(sec)])
}

// merge adds to w the events of x at the seconds of w's window.
func (w *window) merge(x *window) {
	for sec := w.head - windowSeconds + 1; sec <= w.head; sec++ {
		if n := x.at(sec); n > 0 {
			w.buckets[slot(sec)] += uint32(n)
			w.total += n
		}
	}
}

// wait returns how long after now the window will hold less than limit,
// which is when the oldest buckets that hold the excess expire. The window
// must have been advanced to now.
func (w *window) wait(limit int64, now time.Time) time.Duration {
	excess := w.total - limit + 1
	var freed int64
	for s := w.head - windowSeconds + 1; s <= w.head; s++ {
		freed += int64(w.buckets[slot(s)])
		if freed >= excess {
			return time.Unix(s+windowSeconds, 0).Sub(now)
		}
	}
	return windowSeconds * time.Second // a limit of zero never frees up
}

func slot(sec int64) int {
	i := sec % windowSeconds
	if i < 0 {
		i += windowSeconds
	}
	return int(i)
}
