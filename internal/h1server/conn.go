package h1server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Connection states. The janitor reads them with the time each began to
// enforce the timeouts and start watches; Shutdown closes new and idle
// connections, which only a state change from outside may do.
const (
	stateNew    int32 = iota // accepted, no request yet
	stateIdle                // between requests
	stateHeader              // reading a request's line and headers
	stateActive              // a handler runs
	stateClosed
)

// maxDrainBytes is how much of a request body the handler left unread is
// read and discarded to keep the connection; a longer rest closes it.
const maxDrainBytes = 256 << 10

// errClientGone is the cause of a request context cancelled because the
// client closed its connection.
var errClientGone = errors.New("client closed the connection")

// aLongTimeAgo is a deadline in the past: setting it makes a read that
// is blocked return at once.
var aLongTimeAgo = time.Unix(1, 0)

// conn is one client connection, served by one goroutine.
type conn struct {
	s          *Server
	nc         net.Conn
	remoteAddr string
	// state and since, the server's clock when the state began, are
	// stored in this order and read in the other.
	state atomic.Int32
	since atomic.Int64

	r    connReader
	br   *bufio.Reader
	bw   *bufio.Writer
	body requestBody
	w    response
	hdr  []byte // scratch for the status line and headers
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{s: s, nc: nc, remoteAddr: nc.RemoteAddr().String()}
	c.state.Store(stateNew)
	c.r.c = c
	c.r.cond.L = &c.r.mu
	c.br = bufio.NewReaderSize(&c.r, 4<<10)
	c.bw = bufio.NewWriterSize(nc, 8<<10)
	c.w.c = c
	c.w.header = http.Header{}
	c.body.c = c
	return c
}

// serve reads and answers requests until the connection ends.
func (c *conn) serve() {
	defer c.s.removeConn(c)
	defer c.nc.Close()
	defer c.state.Store(stateClosed)
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			c.s.logger().Error("panic serving a request", "remote", c.remoteAddr,
				"err", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()

	for {
		if !c.awaitRequest() {
			return
		}
		req, err := c.readRequest()
		if err != nil {
			c.refuse(err)
			return
		}
		if !c.serveRequest(req) || c.s.shuttingDown.Load() {
			return
		}
		c.setState(stateIdle)
	}
}

// setState moves the connection to state, as of now.
func (c *conn) setState(state int32) {
	c.since.Store(c.s.clock.Load())
	c.state.Store(state)
}

// awaitRequest waits for the first byte of the next request and marks the
// connection as reading it. It reports false when the connection is over:
// closed by the client, by Shutdown, or by the janitor once the wait
// outlasted the idle timeout (the header timeout on a new connection).
func (c *conn) awaitRequest() bool {
	// bufio's own buffer may read past the headers: allow for it.
	c.r.limit = int64(orDefault(c.s.MaxHeaderBytes, http.DefaultMaxHeaderBytes)) + 4096
	if c.br.Buffered() == 0 && !c.r.hasByte {
		if _, err := c.br.Peek(1); err != nil {
			return false
		}
	}
	// Shutdown may have closed the connection while it waited; a closed
	// connection stays closed.
	c.since.Store(c.s.clock.Load())
	return c.state.CompareAndSwap(stateIdle, stateHeader) ||
		c.state.CompareAndSwap(stateNew, stateHeader)
}

// closeIfIdle closes the connection if no request is in flight on it.
func (c *conn) closeIfIdle() {
	if c.state.CompareAndSwap(stateIdle, stateClosed) || c.state.CompareAndSwap(stateNew, stateClosed) {
		c.nc.Close()
	}
}

// expire closes the connection when it has been waiting for a request,
// or reading one's headers, for longer than allowed; and it starts the
// watch of a request that has run for WatchAfter. The janitor calls it
// every tick with the server's clock.
func (c *conn) expire(now int64) {
	state := c.state.Load()
	age := time.Duration(now - c.since.Load())
	var limit time.Duration
	switch state {
	case stateActive:
		if age > orDefault(c.s.WatchAfter, DefaultWatchAfter) {
			c.startWatch()
		}
		return
	case stateIdle:
		limit = orDefault(c.s.IdleTimeout, DefaultIdleTimeout)
	case stateNew, stateHeader:
		limit = orDefault(c.s.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	default:
		return
	}
	if age > limit && c.state.CompareAndSwap(state, stateClosed) {
		c.nc.Close()
	}
}

// readRequest reads a request's line and headers, within the size limit,
// and checks what net/http's server checks beyond http.ReadRequest.
func (c *conn) readRequest() (*http.Request, error) {
	req, err := http.ReadRequest(c.br)
	if c.r.limit <= 0 {
		return nil, errHeaderTooLarge
	}
	c.r.limit = math.MaxInt64
	if err != nil {
		return nil, err
	}
	// The janitor may have closed the connection as the headers came.
	c.since.Store(c.s.clock.Load())
	if !c.state.CompareAndSwap(stateHeader, stateActive) {
		return nil, net.ErrClosed
	}
	if req.ProtoMajor != 1 {
		return nil, errUnsupportedVersion
	}
	// http.ReadRequest has moved the Host header to req.Host.
	if !validHost(req.Host) ||
		(req.Host == "" && req.ProtoMinor >= 1 && req.Method != http.MethodConnect) {
		return nil, errBadHost
	}
	if !validHeader(req.Header) {
		return nil, errBadHeader
	}
	return req, nil
}

// Request errors answered before a handler runs.
var (
	errHeaderTooLarge     = errors.New("request header too large")
	errUnsupportedVersion = errors.New("unsupported protocol version")
	errBadHost            = errors.New("missing, repeated or malformed Host header")
	errBadHeader          = errors.New("invalid header field")
	errBadExpect          = errors.New("unsupported Expect header")
)

// refuse answers a request that could not be read, when the client is
// still there to read the answer, and ends the connection.
func (c *conn) refuse(err error) {
	var ne net.Error
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || (errors.As(err, &ne) && ne.Timeout()) {
		return
	}
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, errHeaderTooLarge):
		status = http.StatusRequestHeaderFieldsTooLarge
	case errors.Is(err, errUnsupportedVersion):
		status = http.StatusHTTPVersionNotSupported
	case errors.Is(err, errBadExpect):
		status = http.StatusExpectationFailed
	case strings.Contains(err.Error(), "unsupported transfer encoding"):
		status = http.StatusNotImplemented
	}
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c.nc, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n%s", text, len(text), text)
	c.closeWriteAndWait()
}

// closeWriteAndWait ends the connection's sending side, then reads what
// the client still sends for a moment before the connection is closed:
// closing a socket with unread data makes the kernel reset it, and the
// client could lose the answer it has not read yet.
func (c *conn) closeWriteAndWait() {
	if tc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.CopyN(io.Discard, c.nc, maxDrainBytes)
}

// serveRequest runs the handler on req and finishes its response. It
// reports whether the connection can carry another request.
func (c *conn) serveRequest(req *http.Request) (keep bool) {
	expect := req.Header.Get("Expect")
	if expect != "" && !strings.EqualFold(expect, "100-continue") {
		c.refuse(errBadExpect)
		return false
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(context.Canceled)
	c.body.reset(req.Body, expect != "" && req.ProtoAtLeast(1, 1), cancel)
	req.Body = &c.body
	req.RemoteAddr = c.remoteAddr
	req = req.WithContext(ctx)
	c.w.reset(req, cancel)

	c.armWatch()
	defer func() {
		if v := recover(); v != nil {
			c.stopWatch()
			panic(v) // serve logs it and closes the connection
		}
	}()
	c.s.Handler.ServeHTTP(&c.w, req)
	c.stopWatch()
	if c.r.gone {
		return false
	}
	c.w.finish()
	return c.w.keepAlive() && c.body.drain()
}

// connReader is what the connection's bufio.Reader reads: the client
// connection, bounded while headers are read, plus the byte a watch may
// have read ahead of the next request.
type connReader struct {
	c     *conn
	limit int64 // bytes the reader may still return

	mu       sync.Mutex
	cond     sync.Cond
	armed    bool // a request runs: a watch may start
	watching bool // a watch is reading the connection
	aborting bool // the request ended: the watch must stop
	gone     bool // the watch found the client gone
	hasByte  bool // byte was read by a watch, for the next request
	byte     [1]byte
}

// Read is called by the connection's goroutine only, never while a watch
// reads.
func (r *connReader) Read(p []byte) (int, error) {
	if r.limit <= 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > r.limit {
		p = p[:r.limit]
	}
	if r.hasByte {
		p[0] = r.byte[0]
		r.hasByte = false
		r.limit--
		return 1, nil
	}
	n, err := r.c.nc.Read(p)
	r.limit -= int64(n)
	return n, err
}

// armWatch lets the janitor start a watch for the request that starts
// now.
func (c *conn) armWatch() {
	c.r.mu.Lock()
	c.r.armed = true
	c.r.mu.Unlock()
}

// startWatch starts reading the connection of a request that has run for
// WatchAfter, once the handler has read the whole request body.
func (c *conn) startWatch() {
	r := &c.r
	r.mu.Lock()
	start := r.armed && c.body.done.Load()
	if start {
		r.armed = false
		r.watching = true
	}
	r.mu.Unlock()
	if start {
		go c.watchClient()
	}
}

// watchClient reads the connection until the request ends: an end of
// file or an error means the client left, and cancels the request. A byte
// read is the start of the client's next request and is kept for it.
func (c *conn) watchClient() {
	r := &c.r
	n, err := c.nc.Read(r.byte[:])

	r.mu.Lock()
	defer r.mu.Unlock()
	r.watching = false
	r.hasByte = n == 1
	if err != nil && !r.aborting {
		r.gone = true
		c.w.cancel(errClientGone)
	}
	r.cond.Broadcast()
}

// stopWatch ends the watch of the request that just ended, waiting for a
// read in progress to return.
func (c *conn) stopWatch() {
	r := &c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	if !r.watching {
		return
	}
	r.aborting = true
	c.nc.SetReadDeadline(aLongTimeAgo)
	for r.watching {
		r.cond.Wait()
	}
	r.aborting = false
	c.nc.SetReadDeadline(time.Time{})
}

// requestBody is the handler's Request.Body: it notes when the body has
// been read to its end (a watch may then read the connection), and sends
// "100 Continue" before the first read when the client waits for it.
type requestBody struct {
	c              *conn
	rc             io.ReadCloser
	done           atomic.Bool
	closed         bool
	expectContinue bool
	cancel         context.CancelCauseFunc
}

func (b *requestBody) reset(rc io.ReadCloser, expectContinue bool, cancel context.CancelCauseFunc) {
	b.rc = rc
	b.closed = false
	b.expectContinue = expectContinue
	b.cancel = cancel
	b.done.Store(rc == http.NoBody)
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.expectContinue {
		b.expectContinue = false
		if err := b.c.w.writeContinue(); err != nil {
			return 0, err
		}
	}
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.done.Store(true)
	}
	return n, err
}

// Close stops the handler's reads; what is left of the body is drained
// or the connection closed once the response is sent.
func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// unread reports whether the handler left part of the body unread, and
// whether draining it could keep the connection.
func (b *requestBody) unread() (left, drainable bool) {
	if b.done.Load() {
		return false, true
	}
	// A client that waits for "100 Continue" before it sends the body
	// may never send it: the connection can't be kept.
	if b.expectContinue {
		return true, false
	}
	req := b.c.w.req
	return true, req.ContentLength >= 0 && req.ContentLength <= maxDrainBytes
}

// drain reads and discards what the handler left of the body, so that the
// connection can carry the next request. It reports whether it could.
func (b *requestBody) drain() bool {
	left, drainable := b.unread()
	if !left {
		return true
	}
	if !drainable {
		return false
	}
	n, err := io.CopyN(io.Discard, b.rc, maxDrainBytes+1)
	return err == io.EOF && n <= maxDrainBytes
}

// validHeader reports whether every field name of h is a token and no
// value holds a control character other than tab, as RFC 9110 requires.
func validHeader(h http.Header) bool {
	for k, vv := range h {
		if !isToken(k) {
			return false
		}
		for _, v := range vv {
			for i := 0; i < len(v); i++ {
				if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
					return false
				}
			}
		}
	}
	return true
}

// validHost reports whether a Host header holds only the bytes a host,
// a port or an IPv6 literal can.
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		b := h[i]
		if !tokenByte[b] && !strings.ContainsRune("[]:", rune(b)) {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return true
}

// tokenByte marks the bytes of RFC 9110's tchar.
var tokenByte = func() (t [256]bool) {
	for b := '0'; b <= '9'; b++ {
		t[b] = true
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b] = true
		t[b-'a'+'A'] = true
	}
	for _, b := range "!#$%&'*+-.^_`|~" {
		t[b] = true
	}
	return t
}()
