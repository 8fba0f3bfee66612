package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// conn is one worker's keep-alive HTTP/1.1 connection. It writes a request
// prepared once as bytes and parses the answer with net/http's reader,
// which costs a fraction of what http.Transport spends per request (two
// goroutines and channels per connection, a pool lookup per request): on
// a machine shared with the system under test, every microsecond the load
// generator saves is one the gateway and the upstream can use.
type conn struct {
	addr string
	nc   net.Conn
	br   *bufio.Reader
	// lines reads a streamed body; reset for each response.
	lines *bufio.Reader
}

func newConn(addr string) *conn {
	return &conn{addr: addr, br: bufio.NewReaderSize(nil, 16<<10),
		lines: bufio.NewReaderSize(nil, 16<<10)}
}

// roundTrip sends req and returns the response with its headers read; the
// caller reads the body and calls finish. A connection the server closed
// while idle is redialled once, as a keep-alive client must.
func (c *conn) roundTrip(req []byte, deadline time.Time) (*http.Response, error) {
	fresh := c.nc == nil
	if fresh {
		if err := c.dial(deadline); err != nil {
			return nil, err
		}
	}
	resp, err := c.send(req, deadline)
	if err != nil && !fresh && isStale(err) {
		c.close()
		if err := c.dial(deadline); err != nil {
			return nil, err
		}
		resp, err = c.send(req, deadline)
	}
	if err != nil {
		c.close()
		return nil, err
	}
	return resp, nil
}

func (c *conn) dial(deadline time.Time) error {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.Dial("tcp", c.addr)
	if err != nil {
		return err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	c.nc = nc
	c.br.Reset(nc)
	return nil
}

func (c *conn) send(req []byte, deadline time.Time) (*http.Response, error) {
	if err := c.nc.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if _, err := c.nc.Write(req); err != nil {
		return nil, err
	}
	return http.ReadResponse(c.br, nil)
}

// isStale reports whether err is how a keep-alive connection that the
// server had closed fails on its next use.
func isStale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || isReset(err)
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

// finish ends a response whose body was read (or failed with readErr),
// closing the connection unless it can carry the next request.
func (c *conn) finish(resp *http.Response, readErr error) {
	resp.Body.Close()
	if readErr != nil || resp.Close {
		c.close()
	}
}

func (c *conn) close() {
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
}

// buildRequest returns the bytes of a POST of body to path, or a GET when
// body is nil.
func buildRequest(host, path string, header http.Header, body []byte) []byte {
	var b bytes.Buffer
	method := "POST"
	if body == nil {
		method = "GET"
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: litellm-go-bench\r\n", method, path, host)
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if body != nil {
		b.WriteString("Content-Type: application/json\r\nContent-Length: ")
		b.WriteString(strconv.Itoa(len(body)))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
