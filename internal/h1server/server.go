// Package h1server serves an http.Handler over HTTP/1.1 on plain TCP,
// with less work per request than net/http's server.
//
// net/http's server starts, for every request, a read of the client
// connection in the background, so that it can cancel the request's
// context as soon as the client leaves. That read parks a goroutine and
// wakes a second thread on every request; on loopback it costs more than
// the gateway's own work. A Server here starts that watch only once a
// request has run for WatchAfter (100 ms by default): quick answers never
// pay for it, while a client that leaves a slow call or a stream is still
// noticed within about twice that time, and its request's context
// cancelled. A stream notices sooner, when a write fails. Nor does it set
// a timer per request: one janitor per server enforces the timeouts.
//
// Requests are parsed by http.ReadRequest, so a Server reads exactly what
// net/http reads; this package adds the connection loop and the response
// writer. It speaks HTTP/1.0 and 1.1: keep-alive, pipelining, chunked
// request and response bodies, trailers, Expect: 100-continue. It has no
// TLS, no HTTP/2 and no Hijack; a gateway that needs them sits behind a
// proxy that terminates them.
package h1server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/rawio"
)

// Defaults of the Server's fields.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultWatchAfter        = 100 * time.Millisecond
)

// Server serves HTTP/1.x requests to Handler. Set its fields before Serve;
// zero values take the defaults.
//
// Timeouts are enforced, and watches started, by a janitor that wakes
// every half of the shortest of ReadHeaderTimeout, IdleTimeout and
// WatchAfter, and only while there are connections: no timer is set per
// request.
type Server struct {
	Handler http.Handler
	// ReadHeaderTimeout bounds the reading of a request's line and
	// headers, from its first byte.
	ReadHeaderTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a kept-alive
	// connection.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's line and headers together;
	// http.DefaultMaxHeaderBytes (1 MB) by default. Larger requests are
	// answered 431.
	MaxHeaderBytes int
	// WatchAfter is how long a request runs before the server watches
	// its connection for the client leaving.
	WatchAfter time.Duration
	// Log receives errors the handler cannot see: panics, failed
	// accepts. Nil discards them.
	Log *slog.Logger

	shuttingDown atomic.Bool
	mu           sync.Mutex
	listeners    map[net.Listener]struct{}
	conns        map[*conn]struct{}
	done         sync.WaitGroup // one per connection
	janitorOn    bool           // a janitor runs; under mu
	// clock is the janitor's last reading of the time, in Unix
	// nanoseconds: the connections date their states with it.
	clock atomic.Int64
}

// Serve accepts connections on ln and serves each on a goroutine of its
// own, until ln fails or Shutdown is called; it then returns
// http.ErrServerClosed. It closes ln.
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln) {
		ln.Close()
		return http.ErrServerClosed
	}
	defer s.untrack(ln)
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.shuttingDown.Load() {
				return http.ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors, or a connection reset before it
			// was accepted: wait a little and go on, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.logger().Warn("accept failed; retrying", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		c := newConn(s, rawio.Wrap(nc))
		if !s.addConn(c) {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

// Shutdown stops the server: it closes the listeners and the idle
// connections at once, lets every request in flight finish, then closes
// its connection. It returns when no connection is left, or with ctx's
// error when ctx ends first; connections still open then are left to
// finish.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shuttingDown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()

	idle := make(chan struct{})
	go func() {
		s.done.Wait()
		close(idle)
	}()
	poll := time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		s.closeIdle()
		select {
		case <-idle:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			poll = min(2*poll, 100*time.Millisecond)
			timer.Reset(poll)
		}
	}
}

// Close closes the listeners and every connection at once, requests in
// flight included.
func (s *Server) Close() error {
	s.shuttingDown.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		c.nc.Close()
	}
	return nil
}

func (s *Server) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.closeIfIdle()
	}
}

func (s *Server) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrack(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, ln)
}

func (s *Server) addConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	s.done.Add(1)
	if !s.janitorOn {
		s.janitorOn = true
		s.clock.Store(time.Now().UnixNano())
		go s.janitor()
	}
	c.since.Store(s.clock.Load())
	return true
}

// janitor runs while the server has connections. Every tick it reads the
// time for the connections to date their states with, closes those past
// their idle or header timeout, and starts watching the clients of
// requests that have run for WatchAfter.
func (s *Server) janitor() {
	tick := min(orDefault(s.WatchAfter, DefaultWatchAfter),
		orDefault(s.IdleTimeout, DefaultIdleTimeout),
		orDefault(s.ReadHeaderTimeout, DefaultReadHeaderTimeout)) / 2
	t := time.NewTicker(max(tick, 100*time.Microsecond))
	defer t.Stop()
	for range t.C {
		now := time.Now().UnixNano()
		s.clock.Store(now)
		s.mu.Lock()
		if len(s.conns) == 0 {
			s.janitorOn = false
			s.mu.Unlock()
			return
		}
		for c := range s.conns {
			c.expire(now)
		}
		s.mu.Unlock()
	}
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.done.Done()
}

func (s *Server) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
