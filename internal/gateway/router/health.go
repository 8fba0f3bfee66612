package router

import (
	"sync"
	"sync/atomic"
	"time"
)

// latencyWeight is the weight of a new sample in the moving average of a
// deployment's latency.
const latencyWeight = 0.3

// health is what the router knows of one deployment: its load, latency,
// recent failures and use of the current minute.
type health struct {
	inflight atomic.Int64

	mu        sync.Mutex
	latency   time.Duration // moving average, when measured
	measured  bool
	failMin   int64 // the minute fails counts in (Unix minutes)
	fails     int
	coolUntil time.Time
	minute    int64 // the minute requests and tokens count in
	requests  int64
	tokens    int64
}

// state says why a deployment may not be picked now, if it may not.
type state int

const (
	ready state = iota
	cooling
	overLimit
)

// check reports whether the deployment may take a request at now under
// its rpm and tpm, and when a cooling one comes back.
func (h *health) check(now time.Time, rpm, tpm int64) (state, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Before(h.coolUntil) {
		return cooling, h.coolUntil
	}
	h.roll(now)
	if rpm > 0 && h.requests >= rpm || tpm > 0 && h.tokens >= tpm {
		return overLimit, time.Time{}
	}
	return ready, time.Time{}
}

// coolingAt reports whether the deployment is cooling down at now.
func (h *health) coolingAt(now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return now.Before(h.coolUntil)
}

// reserve counts a request against the deployment's rpm, unless it would
// go over it since check.
func (h *health) reserve(now time.Time, rpm int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.roll(now)
	if rpm > 0 && h.requests >= rpm {
		return false
	}
	h.requests++
	return true
}

// roll starts a new minute of counting when now is past the last one.
// Minutes are fixed windows, as LiteLLM's per-minute limits are.
func (h *health) roll(now time.Time) {
	if m := now.Unix() / 60; m != h.minute {
		h.minute, h.requests, h.tokens = m, 0, 0
	}
}

// used adds the tokens of an answer to the minute's count.
func (h *health) used(now time.Time, tokens int) {
	h.mu.Lock()
	h.roll(now)
	h.tokens += int64(tokens)
	h.mu.Unlock()
}

// tokensThisMinute is the deployment's token count of the current minute.
func (h *health) tokensThisMinute(now time.Time) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.roll(now)
	return h.tokens
}

// failed records a failed attempt. A rate-limited deployment cools down
// at once; any other cools down once it has failed more than allowed
// times within one minute. It reports whether a cooldown started.
func (h *health) failed(now time.Time, rateLimited bool, allowed int, cool time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := now.Unix() / 60; m != h.failMin {
		h.failMin, h.fails = m, 0
	}
	h.fails++
	if !rateLimited && h.fails <= allowed {
		return false
	}
	h.fails = 0
	h.coolUntil = now.Add(cool)
	return true
}

// observe adds a latency sample to the moving average.
func (h *health) observe(d time.Duration) {
	h.mu.Lock()
	if !h.measured {
		h.latency, h.measured = d, true
	} else {
		h.latency += time.Duration(latencyWeight * float64(d-h.latency))
	}
	h.mu.Unlock()
}

// averageLatency returns the moving average, and false before any sample.
func (h *health) averageLatency() (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.latency, h.measured
}
