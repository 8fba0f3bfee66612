//go:build linux && !race

package rawio

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// Wrap returns a connection that reads and writes nc with raw system
// calls when nc is a TCP connection, else nc itself. Its other methods,
// deadlines and CloseWrite included, are nc's.
func Wrap(nc net.Conn) net.Conn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nc
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nc
	}
	c := &conn{TCPConn: tc, rc: rc}
	// Bound once: a closure made per call would be allocated per call.
	c.read.do, c.write.do = c.readOnce, c.writeOnce
	return c
}

type conn struct {
	*net.TCPConn
	rc syscall.RawConn
	// read and write hold the buffer and outcome of the call under way,
	// for the callbacks that RawConn runs; their mutexes let Read and
	// Write be called from several goroutines, as net.Conn allows.
	read, write op
}

// op is one direction's call under way.
type op struct {
	mu    sync.Mutex
	buf   []byte
	n     int
	errno syscall.Errno
	do    func(fd uintptr) bool
}

func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	o := &c.read
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf, o.n, o.errno = p, 0, 0
	err := c.rc.Read(o.do)
	n, errno := o.n, o.errno
	o.buf = nil
	switch {
	case err != nil:
		return 0, c.opError("read", err)
	case errno != 0:
		return 0, c.opError("read", os.NewSyscallError("read", errno))
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// readOnce reads once into c.read.buf; false asks RawConn to wait until
// the socket is readable and call it again.
func (c *conn) readOnce(fd uintptr) bool {
	o := &c.read
	for {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd,
			uintptr(unsafe.Pointer(&o.buf[0])), uintptr(len(o.buf)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		case 0:
			o.n = int(r)
		default:
			o.errno = e
		}
		return true
	}
}

func (c *conn) Write(p []byte) (int, error) {
	o := &c.write
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf, o.n, o.errno = p, 0, 0
	var err error
	if len(p) > 0 {
		err = c.rc.Write(o.do)
	}
	n, errno := o.n, o.errno
	o.buf = nil
	switch {
	case err != nil:
		return n, c.opError("write", err)
	case errno != 0:
		return n, c.opError("write", os.NewSyscallError("write", errno))
	}
	return n, nil
}

// writeOnce writes what is left of c.write.buf, as much as the socket
// takes; false asks RawConn to wait until it is writable and call it
// again.
func (c *conn) writeOnce(fd uintptr) bool {
	o := &c.write
	for o.n < len(o.buf) {
		r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd,
			uintptr(unsafe.Pointer(&o.buf[o.n])), uintptr(len(o.buf)-o.n))
		switch e {
		case 0:
			o.n += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			o.errno = e
			return true
		}
	}
	return true
}

// opError describes a failure as the net package's Read and Write do,
// since callers tell a closed connection, a deadline and a reset apart by
// it: RawConn names its operations "raw-read" and "raw-write".
func (c *conn) opError(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
