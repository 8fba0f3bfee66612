package provider

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"time"
)

// h1Conn is one HTTP/1.1 connection to an upstream. One owner uses it at
// a time: the pool, a round trip, then the answer's body.
type h1Conn struct {
	nc     net.Conn
	br     *bufio.Reader // reads from the h1Conn itself, within budget
	bw     *bufio.Writer
	key    string    // host:port, the pool it goes back to
	idleAt time.Time // when it last went back to the pool
	reused bool      // it went back to the pool at least once
	// budget is how many more bytes may be read, so that an answer's head
	// cannot grow without bound.
	budget int64
	// abort unblocks any I/O on the connection; it is a field so that
	// each request does not allocate it anew for context.AfterFunc.
	abort func()
}

// aLongTimeAgo is a deadline that has passed, to stop I/O at once.
var aLongTimeAgo = time.Unix(1, 0)

func newH1Conn(nc net.Conn, key string) *h1Conn {
	c := &h1Conn{nc: nc, key: key, bw: bufio.NewWriterSize(nc, 4<<10)}
	c.br = bufio.NewReaderSize(c, 4<<10)
	c.abort = func() { nc.SetDeadline(aLongTimeAgo) }
	return c
}

func (c *h1Conn) Read(p []byte) (int, error) {
	if c.budget <= 0 {
		return 0, fmt.Errorf("answer head exceeds %d bytes", h1MaxHeadBytes)
	}
	if int64(len(p)) > c.budget {
		p = p[:c.budget]
	}
	n, err := c.nc.Read(p)
	c.budget -= int64(n)
	return n, err
}

// h1Pool holds the idle connections of each host:port, oldest first, so
// that the newest is taken: it is the least likely to have been closed by
// its server, and the oldest are left to expire when load drops. Expired
// connections are closed when their host is used again, and by sweep for
// hosts that went quiet.
type h1Pool struct {
	mu   sync.Mutex
	idle map[string]*[]*h1Conn
}

// get takes the newest idle connection to key, or returns nil.
func (p *h1Pool) get(key string, now time.Time) *h1Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	conns := p.idle[key]
	if conns == nil || len(*conns) == 0 {
		return nil
	}
	s := *conns
	c := s[len(s)-1]
	if now.Sub(c.idleAt) > h1IdleTimeout {
		closeConns(s) // the others are older still
		*conns = s[:0]
		return nil
	}
	s[len(s)-1] = nil
	*conns = s[:len(s)-1]
	return c
}

// put makes c idle, unless key has enough idle connections, and closes
// those that expired.
func (p *h1Pool) put(c *h1Conn, now time.Time) {
	c.idleAt, c.reused = now, true
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle == nil {
		p.idle = make(map[string]*[]*h1Conn)
	}
	conns := p.idle[c.key]
	if conns == nil {
		conns = new([]*h1Conn)
		p.idle[c.key] = conns
	}
	expire(conns, now)
	if len(*conns) >= h1MaxIdlePerHost {
		c.nc.Close()
		return
	}
	*conns = append(*conns, c)
}

// sweep closes the connections of every host that have been idle longer
// than h1IdleTimeout at now, and returns how many stay idle.
func (p *h1Pool) sweep(now time.Time) (left int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, conns := range p.idle {
		expire(conns, now)
		if len(*conns) == 0 {
			delete(p.idle, key)
		}
		left += len(*conns)
	}
	return left
}

// expire closes and removes the connections of a list, oldest first, that
// have been idle longer than h1IdleTimeout at now.
func expire(conns *[]*h1Conn, now time.Time) {
	n := 0
	for n < len(*conns) && now.Sub((*conns)[n].idleAt) > h1IdleTimeout {
		n++
	}
	closeFirst(conns, n)
}

// dropIdleBefore closes the connections to key that went idle at or
// before t.
func (p *h1Pool) dropIdleBefore(key string, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	conns := p.idle[key]
	if conns == nil {
		return
	}
	n := 0
	for n < len(*conns) && !(*conns)[n].idleAt.After(t) {
		n++
	}
	closeFirst(conns, n)
}

// closeAll closes every idle connection.
func (p *h1Pool) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, conns := range p.idle {
		closeConns(*conns)
		delete(p.idle, key)
	}
}

// closeFirst closes the first n connections of a list and removes them.
func closeFirst(conns *[]*h1Conn, n int) {
	if n == 0 {
		return
	}
	s := *conns
	closeConns(s[:n])
	*conns = append(s[:0], s[n:]...)
	clear(s[len(s)-n:]) // the moved pointers' old places
}

func closeConns(s []*h1Conn) {
	for i, c := range s {
		c.nc.Close()
		s[i] = nil
	}
}
