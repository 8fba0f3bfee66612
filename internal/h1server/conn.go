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

// Connection states, for Shutdown: only an idle connection may be closed
// from outside its goroutine.
const (
	stateIdle int32 = iota // between requests
	stateActive
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
	state      atomic.Int32

	r    connReader
	br   *bufio.Reader
	bw   *bufio.Writer
	body requestBody
	w    response
	hdr  []byte // scratch for the status line and headers

	// watch starts watching the connection once a request has run for
	// WatchAfter; created with the first request.
	watch *time.Timer
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{s: s, nc: nc, remoteAddr: nc.RemoteAddr().String()}
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

	first := true
	for {
		if !c.awaitRequest(first) {
			return
		}
		first = false
		req, err := c.readRequest()
		if err != nil {
			c.refuse(err)
			return
		}
		if !c.serveRequest(req) || c.s.shuttingDown.Load() {
			return
		}
		c.state.Store(stateIdle)
	}
}

// awaitRequest waits for the first byte of the next request, for the idle
// timeout (the header timeout on a new connection), and marks the
// connection active. It reports false when the connection is over.
func (c *conn) awaitRequest(first bool) bool {
	wait := orDefault(c.s.IdleTimeout, DefaultIdleTimeout)
	if first {
		wait = orDefault(c.s.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	}
	// bufio's own buffer may read past the headers: allow for it.
	c.r.limit = int64(orDefault(c.s.MaxHeaderBytes, http.DefaultMaxHeaderBytes)) + 4096
	if c.br.Buffered() == 0 && !c.r.hasByte {
		c.nc.SetReadDeadline(time.Now().Add(wait))
		if _, err := c.br.Peek(1); err != nil {
			return false
		}
	}
	// Shutdown may have closed the connection while it waited; a closed
	// connection stays closed.
	return c.state.CompareAndSwap(stateIdle, stateActive)
}

// closeIfIdle closes the connection if no request is in flight on it.
func (c *conn) closeIfIdle() {
	if c.state.CompareAndSwap(stateIdle, stateClosed) {
		c.nc.Close()
	}
}

// readRequest reads a request's line and headers, within the header
// timeout and size limit, and checks what net/http's server checks
// beyond http.ReadRequest.
func (c *conn) readRequest() (*http.Request, error) {
	c.nc.SetReadDeadline(time.Now().Add(orDefault(c.s.ReadHeaderTimeout, DefaultReadHeaderTimeout)))
	req, err := http.ReadRequest(c.br)
	if c.r.limit <= 0 {
		return nil, errHeaderTooLarge
	}
	c.r.limit = math.MaxInt64
	if err != nil {
		return nil, err
	}
	c.nc.SetReadDeadline(time.Time{})
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

// armWatch schedules the watch of the connection for a request that
// starts now.
func (c *conn) armWatch() {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	c.r.armed = true
	after := orDefault(c.s.WatchAfter, DefaultWatchAfter)
	if c.watch == nil {
		c.watch = time.AfterFunc(after, c.watchClient)
	} else {
		c.watch.Reset(after)
	}
}

// watchClient runs on a timer's goroutine once a request has run for
// WatchAfter. When the handler has read the whole request body, it reads
// the connection until the request ends: an end of file or an error means
// the client left, and cancels the request. A byte read is the start of
// the client's next request and is kept for it.
func (c *conn) watchClient() {
	r := &c.r
	r.mu.Lock()
	if !r.armed {
		r.mu.Unlock()
		return
	}
	if !c.body.done.Load() {
		// The handler still reads the body from the connection: look
		// again later.
		c.watch.Reset(orDefault(c.s.WatchAfter, DefaultWatchAfter))
		r.mu.Unlock()
		return
	}
	r.armed = false
	r.watching = true
	r.mu.Unlock()

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
	c.watch.Stop()
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
