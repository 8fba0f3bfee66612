package policy_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

const racers = 64

// race runs fn in racers goroutines released at once.
func race(fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

func TestConcurrentRPM(t *testing.T) {
	tests := []struct {
		name string
		p    *auth.Principal
		want int64
	}{
		{"key", principal(&store.Limits{RPMLimit: ptr[int64](10)}, nil, nil), 10},
		{"tightest of three", principal(&store.Limits{RPMLimit: ptr[int64](40)},
			&store.Limits{RPMLimit: ptr[int64](17)}, &store.Limits{RPMLimit: ptr[int64](30)}), 17},
		{"more than racers", principal(nil, nil, &store.Limits{RPMLimit: ptr[int64](100)}), racers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := policy.NewLimiter(newClock().Now)
			var admitted atomic.Int64
			race(func(int) {
				if tk, err := l.Admit(tt.p, 0, t0); err == nil {
					admitted.Add(1)
					tk.Done(0, 0)
				}
			})
			if got := admitted.Load(); got != tt.want {
				t.Errorf("admitted %d of %d, want %d", got, racers, tt.want)
			}
		})
	}
}

// TestConcurrentBudget checks that racing requests whose cost is within
// their estimate never take a budget past its limit.
func TestConcurrentBudget(t *testing.T) {
	const limit, estimate = 1.0, 0.125
	for _, exact := range []bool{true, false} {
		t.Run(fmt.Sprintf("costs equal estimates %t", exact), func(t *testing.T) {
			l := policy.NewLimiter(newClock().Now)
			p := principal(&store.Limits{MaxBudget: ptr(limit)}, &store.Limits{MaxBudget: ptr(50.0)}, nil)
			var mu sync.Mutex
			var spent float64
			var admitted int
			race(func(int) {
				for {
					tk, err := l.Admit(p, estimate, t0)
					if err != nil {
						return
					}
					cost := estimate
					if !exact {
						cost = estimate * rand.Float64()
					}
					mu.Lock()
					spent += cost
					admitted++
					mu.Unlock()
					tk.Done(0, cost)
				}
			})
			if spent > limit {
				t.Errorf("spent %v of a budget of %v", spent, limit)
			}
			if exact && admitted != 8 {
				t.Errorf("admitted %d requests of %v each, want 8", admitted, estimate)
			}
		})
	}
}

// TestConcurrentEvict races admissions of many owners against eviction,
// and checks that no settled spend is lost.
func TestConcurrentEvict(t *testing.T) {
	const cost = 0.125
	c := newClock()
	l := policy.NewLimiter(c.Now)
	team := &store.Limits{MaxBudget: ptr(racers * cost)}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
				// Owners are idle from their creation to their first
				// admission: this races eviction against lookups.
				l.Evict(t0.Add(30 * time.Second))
			}
		}
	}()
	race(func(i int) {
		tk, err := l.Admit(principal(nil, nil, team), 0, t0)
		if err != nil {
			t.Errorf("team request %d: %v", i, err)
			return
		}
		tk.Done(1, cost*float64(i%2)) // half of them cost nothing

		p := principal(&store.Limits{RPMLimit: ptr[int64](1)}, nil, team)
		p.Key.Hash = fmt.Sprint("hash-", i%8)
		if tk, err = l.Admit(p, 0, t0); err == nil {
			tk.Done(1, cost)
		}
	})
	close(done)

	// 64 team requests, half at 0.125, and 8 keys admitting one request
	// each at 0.125: 40 × 0.125 = 5 of the team's 8.
	p := principal(nil, nil, team)
	if _, err := l.Admit(p, 3, t0); err != nil {
		t.Errorf("request fitting the budget left: %v", err)
	}
	_, err := l.Admit(p, 0.125, t0)
	if got, want := httpError(t, err).Message, "Budget has been exceeded! Team=eng Current cost: 5, "+
		"Max budget: 8. Requests in progress may cost up to 3 more."; got != want {
		t.Errorf("refusal %q, want %q", got, want)
	}
}

func TestEvict(t *testing.T) {
	c := newClock()
	l := policy.NewLimiter(c.Now)
	rate := principal(&store.Limits{RPMLimit: ptr[int64](1)}, nil, nil)
	spender := principal(nil, &store.Limits{MaxBudget: ptr(1.0)}, nil)
	if err := admitAt(l, c, rate, 0, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := admitAt(l, c, spender, 0, 0, 0, 1); err != nil {
		t.Fatal(err)
	}
	busy, err := l.Admit(principal(nil, nil, &store.Limits{TPMLimit: ptr[int64](5)}), 0, t0)
	if err != nil {
		t.Fatal(err)
	}

	if n := l.Evict(t0.Add(59 * time.Second)); n != 0 {
		t.Errorf("Evict after 59s = %d, want 0", n)
	}
	if n := l.Evict(t0.Add(time.Minute)); n != 1 {
		t.Errorf("Evict after 60s = %d, want 1: the key; the user has spend, the team a request", n)
	}
	busy.Done(0, 0)
	if err := admitAt(l, c, spender, time.Minute, 0, 0, 0); err == nil {
		t.Error("evicting forgot the user's spend")
	}
	if err := admitAt(l, c, rate, time.Minute, 0, 0, 0); err != nil {
		t.Errorf("evicted key: %v", err)
	}
}
