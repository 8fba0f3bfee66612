package clilogin

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// maxLimiterEntries bounds the addresses the start limiter remembers.
const maxLimiterEntries = 10000

// limiter is a token bucket per client address: each address may start
// perMinute logins at once and then one every 60/perMinute seconds.
// It lives in memory, so each replica counts on its own.
type limiter struct {
	perMinute float64
	mu        sync.Mutex
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute int) *limiter {
	if perMinute <= 0 {
		perMinute = 10
	}
	return &limiter{perMinute: float64(perMinute), buckets: make(map[string]*bucket)}
}

// allow takes a token for key at now, or reports how long until one is
// free.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxLimiterEntries {
			l.pruneLocked(now)
		}
		if len(l.buckets) >= maxLimiterEntries {
			// Full of active addresses: forget them all rather than grow.
			// A flood from that many addresses is not this limiter's to stop.
			clear(l.buckets)
		}
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	perToken := time.Duration(float64(time.Minute) / l.perMinute)
	return false, time.Duration((1 - b.tokens) * float64(perToken))
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.perMinute, b.tokens+d.Minutes()*l.perMinute)
		b.last = now
	}
}

// prune forgets addresses whose bucket has filled up again.
func (l *limiter) prune(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
}

func (l *limiter) pruneLocked(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.perMinute {
			delete(l.buckets, k)
		}
	}
}

// clientKey names the client of a request for rate limiting: its address,
// or the /64 of an IPv6 address, since one host commonly holds a whole
// /64. Forwarded headers are not trusted: any client could set them.
func clientKey(remoteAddr string) string {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// clientAddr is the address of a request's client, without its port.
func clientAddr(remoteAddr string) string {
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return h
	}
	return remoteAddr
}
