package rawio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pair returns a wrapped connection and the plain one at its other end.
func pair(t *testing.T) (wrapped net.Conn, peer *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p := <-accepted
	if p == nil {
		t.FailNow()
	}
	wrapped = Wrap(nc)
	t.Cleanup(func() { wrapped.Close(); p.Close() })
	return wrapped, p.(*net.TCPConn)
}

// pattern returns n bytes that tell their offsets apart.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// Sixteen megabytes each way fill the socket buffers many times over, so
// reads and writes wait for the poller between raw calls.
func TestLargeTransfers(t *testing.T) {
	w, p := pair(t)
	out := pattern(16<<20, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := w.Write(out)
		errc <- err
	}()
	got := make([]byte, len(out))
	if _, err := io.ReadFull(p, got); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil || !bytes.Equal(got, out) {
		t.Fatalf("write: err %v, data equal %v", err, bytes.Equal(got, out))
	}

	in := pattern(16<<20, 2)
	go func() {
		_, err := p.Write(in)
		p.CloseWrite()
		errc <- err
	}()
	got, err := io.ReadAll(w) // reads until the io.EOF of CloseWrite
	if err != nil || !bytes.Equal(got, in) || <-errc != nil {
		t.Fatalf("read: %d bytes, err %v, data equal %v", len(got), err, bytes.Equal(got, in))
	}
	if n, err := w.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("read after EOF = %d, %v", n, err)
	}
}

func TestDeadlines(t *testing.T) {
	w, _ := pair(t)
	w.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	start := time.Now()
	_, err := w.Read(make([]byte, 10))
	var ne net.Error
	var oe *net.OpError
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() ||
		!errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("read past the deadline: %v", err)
	}
	if waited := time.Since(start); waited < 15*time.Millisecond {
		t.Errorf("read gave up after %v, before its deadline", waited)
	}
	w.SetReadDeadline(time.Time{})

	w.SetWriteDeadline(time.Now().Add(-time.Second))
	if _, err := w.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) ||
		!errors.As(err, &oe) || oe.Op != "write" {
		t.Errorf("write past the deadline: %v", err)
	}
}

func TestClose(t *testing.T) {
	w, _ := pair(t)
	readErr := make(chan error, 1)
	go func() {
		_, err := w.Read(make([]byte, 10))
		readErr <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the read wait for data
	w.Close()
	var oe *net.OpError
	if err := <-readErr; !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Errorf("read waiting when closed: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, net.ErrClosed) ||
		!errors.As(err, &oe) || oe.Op != "write" {
		t.Errorf("write after close: %v", err)
	}
}

func TestReset(t *testing.T) {
	w, p := pair(t)
	p.SetLinger(0) // close with a reset
	p.Close()
	var oe *net.OpError
	_, err := w.Read(make([]byte, 10))
	if !errors.Is(err, syscall.ECONNRESET) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("read after a reset: %v", err)
	}
	if _, err := w.Write([]byte("x")); err == nil || !errors.As(err, &oe) || oe.Op != "write" {
		t.Errorf("write after a reset: %v", err)
	}
}

// Each Write lands whole, whatever other goroutines write, as on a
// net.TCPConn.
func TestConcurrentWrites(t *testing.T) {
	w, p := pair(t)
	const size, writers = 1 << 20, 4
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if _, err := w.Write(bytes.Repeat([]byte{byte('a' + i)}, size)); err != nil {
				t.Error(err)
			}
		})
	}
	got := make([]byte, size*writers)
	if _, err := io.ReadFull(p, got); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i := 0; i < len(got); i += size {
		if chunk := got[i : i+size]; !bytes.Equal(chunk, bytes.Repeat(chunk[:1], size)) {
			t.Fatalf("the writes at offset %d interleaved", i)
		}
	}
}

func TestWrapKeepsOtherConns(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if Wrap(a) != a {
		t.Error("a connection that is not TCP was wrapped")
	}
	w, _ := pair(t)
	if _, ok := w.(interface{ CloseWrite() error }); !ok {
		t.Error("the wrapped connection lost CloseWrite")
	}
}
