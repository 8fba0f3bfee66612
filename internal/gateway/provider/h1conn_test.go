package provider

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// closeRecorder is a connection that only records whether it was closed.
type closeRecorder struct {
	net.Conn
	closed bool
}

func (c *closeRecorder) Close() error {
	c.closed = true
	return nil
}

func newIdleConn(key string) (*h1Conn, *closeRecorder) {
	nc := &closeRecorder{}
	return newH1Conn(nc, key), nc
}

func TestH1PoolTakesNewest(t *testing.T) {
	var p h1Pool
	start := time.Unix(1700000000, 0)
	old, _ := newIdleConn("a:80")
	newer, _ := newIdleConn("a:80")
	other, _ := newIdleConn("b:80")
	p.put(old, start)
	p.put(newer, start.Add(time.Second))
	p.put(other, start)
	at := start.Add(2 * time.Second)
	for i, want := range []*h1Conn{newer, old, nil} {
		if got := p.get("a:80", at); got != want {
			t.Errorf("get %d = %p, want %p", i, got, want)
		}
	}
	if got := p.get("b:80", at); got != other {
		t.Errorf("get b:80 = %p, want %p", got, other)
	}
}

func TestH1PoolExpires(t *testing.T) {
	var p h1Pool
	start := time.Unix(1700000000, 0)
	old, oldNC := newIdleConn("a:80")
	p.put(old, start)
	// A put closes what expired at the bottom of the list.
	fresh, freshNC := newIdleConn("a:80")
	p.put(fresh, start.Add(h1IdleTimeout+time.Second))
	if !oldNC.closed || freshNC.closed {
		t.Errorf("closed: old %v, fresh %v; want only old", oldNC.closed, freshNC.closed)
	}
	// A get closes all when the newest expired.
	later := start.Add(2*h1IdleTimeout + 2*time.Second)
	if got := p.get("a:80", later); got != nil || !freshNC.closed {
		t.Errorf("get = %p, fresh closed %v; want nil and closed", got, freshNC.closed)
	}
}

func TestH1PoolLimit(t *testing.T) {
	var p h1Pool
	now := time.Unix(1700000000, 0)
	var ncs []*closeRecorder
	for range h1MaxIdlePerHost + 1 {
		c, nc := newIdleConn("a:80")
		p.put(c, now)
		ncs = append(ncs, nc)
	}
	for i, nc := range ncs {
		if want := i == h1MaxIdlePerHost; nc.closed != want {
			t.Errorf("connection %d closed = %v, want %v", i, nc.closed, want)
		}
	}
}

func TestH1PoolDropIdleBefore(t *testing.T) {
	var p h1Pool
	start := time.Unix(1700000000, 0)
	var ncs []*closeRecorder
	for i := range 3 {
		c, nc := newIdleConn("a:80")
		p.put(c, start.Add(time.Duration(i)*time.Second))
		ncs = append(ncs, nc)
	}
	p.dropIdleBefore("a:80", start.Add(time.Second))
	if !ncs[0].closed || !ncs[1].closed || ncs[2].closed {
		t.Errorf("closed %v %v %v, want the two oldest",
			ncs[0].closed, ncs[1].closed, ncs[2].closed)
	}
	if c := p.get("a:80", start.Add(3*time.Second)); c == nil || c.nc != ncs[2] {
		t.Error("the newest connection is not left idle")
	}
}

// A host that gets no more requests has its idle connections closed once
// they expire, by the transport's sweep rather than by a later request.
func TestH1TransportSweepsQuietHosts(t *testing.T) {
	closed := make(chan struct{}, 1)
	up := httptest.NewUnstartedServer(http.HandlerFunc(echo))
	up.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateClosed {
			closed <- struct{}{}
		}
	}
	up.Start()
	t.Cleanup(up.Close)

	tr, _ := newTestH1(t)
	var mu sync.Mutex
	now := time.Now()
	tr.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	tr.sweepEvery = 10 * time.Millisecond
	if _, err := send(context.Background(), tr, up.URL, "hi"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
		t.Fatal("the idle connection was closed before it expired")
	case <-time.After(50 * time.Millisecond): // several sweeps
	}
	mu.Lock()
	now = now.Add(h1IdleTimeout + time.Second)
	mu.Unlock()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the expired idle connection is still open 5s later")
	}
	if left := tr.pool.sweep(tr.now()); left != 0 {
		t.Errorf("%d connections still idle after the sweep", left)
	}
}
