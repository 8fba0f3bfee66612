package policy

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	type event struct {
		at time.Duration // after t0
		n  int64
	}
	tests := []struct {
		name      string
		events    []event
		at        time.Duration
		wantTotal int64
		limit     int64
		wantWait  time.Duration
	}{
		{"empty", nil, 0, 0, 1, 0},
		{"same second", []event{{0, 2}, {999 * time.Millisecond, 1}}, time.Second - 1, 3, 3,
			60*time.Second - (time.Second - 1)},
		{"59 seconds later still counts", []event{{0, 1}}, 59 * time.Second, 1, 1, time.Second},
		{"60 seconds later it is gone", []event{{0, 1}}, 60 * time.Second, 0, 1, 0},
		{"oldest expire first", []event{{0, 1}, {10 * time.Second, 1}, {20 * time.Second, 1}},
			30 * time.Second, 3, 3, 30 * time.Second},
		{"enough must expire", []event{{0, 1}, {10 * time.Second, 1}, {20 * time.Second, 1}},
			30 * time.Second, 3, 2, 40 * time.Second},
		{"long gap clears", []event{{0, 5}, {30 * time.Second, 5}}, 10 * time.Minute, 0, 1, 0},
		{"partial expiry", []event{{0, 5}, {30 * time.Second, 5}}, 75 * time.Second, 5, 5,
			15 * time.Second},
		{"clock steps back", []event{{10 * time.Second, 1}, {5 * time.Second, 1}},
			10 * time.Second, 2, 2, 60 * time.Second},
		{"zero limit never frees", []event{{0, 1}}, 0, 1, 0, 60 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w window
			for _, e := range tt.events {
				w.add(t0.Add(e.at).Unix(), e.n)
			}
			now := t0.Add(tt.at)
			w.advance(now.Unix())
			if w.total != tt.wantTotal {
				t.Errorf("total = %d, want %d", w.total, tt.wantTotal)
			}
			if w.total < tt.limit {
				return
			}
			if got := w.wait(tt.limit, now); got != tt.wantWait {
				t.Errorf("wait(%d) = %v, want %v", tt.limit, got, tt.wantWait)
			}
		})
	}
}
