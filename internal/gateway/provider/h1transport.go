package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/litellm-go/gateway/internal/rawio"
)

// h1Transport sends plain-HTTP requests over pooled HTTP/1.1 connections,
// doing the whole exchange in the caller's goroutine. net/http's Transport
// hands every request to two goroutines per connection, and on a small
// machine those hops and their wakeups cost more than the exchange itself.
//
// It serves only what it can send exactly: scheme http, no proxy, and a
// body that is absent or can be read again. Everything else, TLS and
// HTTP/2 included, goes to fallback. As with net/http's Transport, the
// caller must read the body to its end or close it; only a body read to
// its end gives its connection back to the pool. It reports nothing to
// httptrace hooks.
type h1Transport struct {
	fallback http.RoundTripper
	// proxy reports the proxy of a request, like http.Transport.Proxy;
	// proxied requests go to fallback.
	proxy  func(*http.Request) (*url.URL, error)
	dialer net.Dialer
	now    func() time.Time // when connections go idle and are taken
	pool   h1Pool
	// sweepEvery is how long after a connection goes idle the pool is
	// swept of expired connections; sweeping marks a sweep scheduled.
	sweepEvery time.Duration
	sweeping   atomic.Bool
}

// Limits of h1Transport, the same as netTransport's.
const (
	h1MaxIdlePerHost = 256
	h1IdleTimeout    = 90 * time.Second
	h1MaxHeadBytes   = 10 << 20 // status line and headers of one answer
)

// newH1Transport returns a transport that sends through fallback what it
// does not send itself, and follows the proxy environment variables.
func newH1Transport(fallback http.RoundTripper) *h1Transport {
	return &h1Transport{
		fallback:   fallback,
		proxy:      http.ProxyFromEnvironment,
		dialer:     net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second},
		now:        time.Now,
		sweepEvery: h1IdleTimeout,
	}
}

// RoundTrip sends req and returns the answer's head; its body reads from
// the connection. Redirects are not followed and 1xx answers are skipped.
func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.sends(req) {
		return t.fallback.RoundTrip(req)
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		closeBody(req.Body)
		return nil, err
	}
	key := hostPort(req.URL)
	c := t.pool.get(key, t.now())
	if c == nil {
		var err error
		if c, err = t.dial(ctx, key); err != nil {
			closeBody(req.Body)
			return nil, err
		}
	}
	resp, stale, err := t.exchange(ctx, c, req, req.Body)
	if !stale {
		return resp, err
	}

	// Not one byte of an answer: the server most likely closed the
	// connection while it was idle, as RFC 9112 section 9.6 lets it, and
	// never saw the request. Connections idle longer are as likely closed.
	// One more try on a fresh connection risks no more than the router's
	// own retry of a failed connection would.
	t.pool.dropIdleBefore(key, c.idleAt)
	body, gerr := rewind(req)
	if gerr != nil {
		return nil, fmt.Errorf("%w; rewind request body: %w", err, gerr)
	}
	if c, err = t.dial(ctx, key); err != nil {
		closeBody(body)
		return nil, err
	}
	resp, _, err = t.exchange(ctx, c, req, body)
	return resp, err
}

// sends reports whether t sends req itself rather than through fallback.
func (t *h1Transport) sends(req *http.Request) bool {
	u := req.URL
	if u == nil || u.Scheme != "http" || u.Host == "" || u.Opaque != "" ||
		req.Method == http.MethodConnect {
		return false
	}
	// A body must be replayable, for the retry on a stale connection, and
	// of known length, as chunked requests are rare and servers vary.
	if hasBody(req) {
		if req.GetBody == nil || req.ContentLength <= 0 {
			return false
		}
	} else if req.ContentLength != 0 {
		return false
	}
	if len(req.TransferEncoding) > 0 || req.Trailer != nil || !validHead(req) {
		return false
	}
	if t.proxy != nil {
		if p, err := t.proxy(req); err != nil || p != nil {
			return false
		}
	}
	return true
}

// exchange sends req on c with body, which it closes, and reads the head
// of the answer. stale reports a failure on a reused connection before
// any byte of the answer arrived, which a retry may fix.
func (t *h1Transport) exchange(ctx context.Context, c *h1Conn, req *http.Request,
	body io.ReadCloser) (resp *http.Response, stale bool, err error) {
	var stop func() bool
	if ctx.Done() != nil {
		// The deadline unblocks whatever I/O is under way when the
		// caller gives up; the body stops this when it is done.
		stop = context.AfterFunc(ctx, c.abort)
	}
	werr := writeRequest(c.bw, req, body)
	closeBody(body)
	if werr != nil {
		if c.reused || ctx.Err() != nil {
			t.release(c, stop, false)
			return nil, c.reused && ctx.Err() == nil, ctxError(ctx, "write request", werr)
		}
		// A server may answer and close before it has read a body that
		// it rejects, as net/http's does past 256 KiB: its answer says
		// more than the broken pipe. net/http waits as long for it.
		c.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	}

	c.budget = h1MaxHeadBytes
	var silent bool
	resp, silent, err = readHead(c, req)
	if err != nil {
		t.release(c, stop, false)
		if werr != nil {
			return nil, false, ctxError(ctx, "write request", werr)
		}
		return nil, silent && c.reused && ctx.Err() == nil, ctxError(ctx, "read response", err)
	}
	c.budget = math.MaxInt64

	reuse := werr == nil && !resp.Close && !req.Close
	if resp.Body == http.NoBody {
		t.release(c, stop, reuse)
		return resp, false, nil
	}
	resp.Body = &h1Body{t: t, c: c, src: resp.Body, ctx: ctx, stop: stop, reuse: reuse}
	return resp, false, nil
}

// readHead reads the head of the final answer to req, after any 1xx
// interim answers such as 100 Continue or 103 Early Hints (RFC 9110
// section 15.2); c's budget bounds them all together. silent reports that
// the server closed the connection before the first byte.
func readHead(c *h1Conn, req *http.Request) (resp *http.Response, silent bool, err error) {
	if _, err := c.br.Peek(1); err != nil {
		return nil, closedByPeer(err), err
	}
	for {
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			return nil, false, err
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			return nil, false, errors.New("unexpected 101 Switching Protocols")
		}
		if resp.StatusCode >= 200 {
			return resp, false, nil
		}
	}
}

// release ends a round trip's use of c: back to the pool when reuse says
// so and the caller's context did not fire, else closed.
func (t *h1Transport) release(c *h1Conn, stop func() bool, reuse bool) {
	if stop != nil && !stop() {
		reuse = false // the deadline is or will be set on c
	}
	// Bytes beyond the answer are not an answer to anything.
	if reuse && c.br.Buffered() == 0 {
		t.pool.put(c, t.now())
		t.scheduleSweep()
		return
	}
	c.nc.Close()
}

// scheduleSweep makes sure that a sweep of the pool is due, so that the
// idle connections of a host that gets no more requests are closed once
// they expire rather than left open, half-closed by their server.
func (t *h1Transport) scheduleSweep() {
	if !t.sweeping.Load() && t.sweeping.CompareAndSwap(false, true) {
		time.AfterFunc(t.sweepEvery, t.sweep)
	}
}

// sweep closes the expired idle connections, and schedules the next sweep
// while any connection stays idle.
func (t *h1Transport) sweep() {
	t.sweeping.Store(false) // a put from now on schedules a sweep of its own
	if t.pool.sweep(t.now()) > 0 {
		t.scheduleSweep()
	}
}

// dial opens a connection to key, a host:port.
func (t *h1Transport) dial(ctx context.Context, key string) (*h1Conn, error) {
	nc, err := t.dialer.DialContext(ctx, "tcp", key)
	if err != nil {
		return nil, ctxError(ctx, "dial", err)
	}
	return newH1Conn(rawio.Wrap(nc), key), nil
}

// CloseIdleConnections closes the idle connections of t and of fallback.
func (t *h1Transport) CloseIdleConnections() {
	t.pool.closeAll()
	if ci, ok := t.fallback.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// ctxError describes a failed operation, as caused by the context when it
// is done: the I/O error is then only the deadline that t set to stop it.
func ctxError(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s: %w", op, cerr)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// closedByPeer reports an error that a server closing the connection
// causes: io.EOF on a clean close, a reset otherwise.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET)
}

func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody
}

// rewind returns a new copy of req's body, nil when it has none.
func rewind(req *http.Request) (io.ReadCloser, error) {
	if !hasBody(req) {
		return nil, nil
	}
	return req.GetBody()
}

func closeBody(body io.ReadCloser) {
	if body != nil {
		body.Close()
	}
}

// hostPort returns the host:port to dial for u, whose scheme is http.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}
