package h1server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
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
	// lastMethod is the method of the connection's last request, ""
	// before the first.
	lastMethod string
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

// awaitRequest waits for the start of the next request and marks the
// connection as reading it. It reports false when the connection is over:
// closed by the client, by Shutdown, or by the janitor once the wait
// outlasted the idle timeout (the header timeout on a new connection).
//
// As net/http's server, it waits for the first byte of a connection's
// first request, and the first 4 of the next ones: a client that closes
// the connection after a stray line break gets no answer. The size limit
// of the headers counts the bytes read from the start of the first
// request, and from the end of the wait for the next ones.
func (c *conn) awaitRequest() bool {
	start := 4
	if c.lastMethod == "" {
		c.r.limit = c.headerLimit()
		start = 1
	}
	if c.br.Buffered() < start {
		if _, err := c.br.Peek(start); err != nil {
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

// refuse answers a request that could not be read and ends the
// connection. As net/http's server, it answers nothing when the
// connection failed, timed out, or ended before a whole request line; a
// request cut short later (io.ErrUnexpectedEOF) is answered, as its
// client may have closed only its sending side.
func (c *conn) refuse(err error) {
	var ne net.Error
	var oe *net.OpError
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &oe) && oe.Op == "read" || errors.As(err, &ne) && ne.Timeout() {
		return
	}
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, errHeaderTooLarge):
		status = http.StatusRequestHeaderFieldsTooLarge
	case errors.Is(err, errUnsupportedVersion):
		status = http.StatusHTTPVersionNotSupported
	case isUnsupportedTE(err):
		status = http.StatusNotImplemented
	}
	c.answerAndClose(status, false)
}

// answerAndClose sends a plain-text answer of status, its body left out
// for a HEAD request, and ends the connection.
func (c *conn) answerAndClose(status int, head bool) {
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	body := text
	if head {
		body = ""
	}
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c.nc, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n%s", text, len(text), body)
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
	if expect != "" && !expectsContinue(expect) {
		c.answerAndClose(http.StatusExpectationFailed, req.Method == http.MethodHead)
		return false
	}
	h := c.s.Handler
	if req.RequestURI == "*" && req.Method == http.MethodOptions {
		h = http.HandlerFunc(answerOptions)
	}
	// A chunked body stores the trailers it reads in the Trailer map of
	// the request http.ReadRequest returned, not in the handler's copy
	// of it, with its context: they must share the map.
	if req.Trailer == nil && len(req.TransferEncoding) > 0 {
		req.Trailer = http.Header{}
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(context.Canceled)
	// As net/http, send "100 Continue" to HTTP/1.1 clients only, and
	// only for a body.
	continues := expect != "" && req.ProtoAtLeast(1, 1) && req.Body != http.NoBody
	c.body.reset(req.Body, continues)
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
	h.ServeHTTP(&c.w, req)
	c.stopWatch()
	// A client gone may have closed only its sending side, and still
	// read the answer.
	c.w.finish()
	if !c.body.done.Load() && !c.body.expectContinue {
		// The client may still be sending the body: closing now would
		// reset the connection, and the answer could be lost.
		c.closeWriteAndWait()
		return false
	}
	return c.w.keepAlive() && !c.r.gone
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

	// head holds what was read of a request's line and headers, while
	// recording, for the Host header fields http.ReadRequest drops.
	head      []byte
	recording bool
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
	n := 0
	var err error
	if r.hasByte {
		p[0] = r.byte[0]
		r.hasByte = false
		n = 1
	} else {
		n, err = r.c.nc.Read(p)
	}
	r.limit -= int64(n)
	if r.recording {
		r.head = append(r.head, p[:n]...)
	}
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
	read           int64 // bytes the handler read
	done           atomic.Bool
	closed         bool
	expectContinue bool
}

func (b *requestBody) reset(rc io.ReadCloser, expectContinue bool) {
	b.rc = rc
	b.read = 0
	b.closed = false
	b.expectContinue = expectContinue
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
	b.read += int64(n)
	if err == io.EOF {
		b.done.Store(true)
	}
	return n, err
}

// Close stops the handler's reads; what is left of the body is drained,
// or the connection closed, when the response's headers are sent.
func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// drain reads and discards what the handler left of the body, so that
// the connection can carry the next request, and reports whether it
// could. Like net/http's server, it gives up on maxDrainBytes or more,
// and on a body the client waits for "100 Continue" to send: it may
// never send it.
func (b *requestBody) drain() bool {
	if b.done.Load() {
		return true
	}
	if b.expectContinue {
		return false
	}
	if size := b.c.w.req.ContentLength; size >= 0 && size-b.read >= maxDrainBytes {
		return false
	}
	if _, err := io.CopyN(io.Discard, b.rc, maxDrainBytes+1); err != io.EOF {
		return false
	}
	b.done.Store(true)
	return true
}
