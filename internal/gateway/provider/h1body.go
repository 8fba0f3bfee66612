package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// h1Body is the body of an answer from h1Transport. Reading it to its end
// gives the connection back to the pool; closing it before then closes
// the connection, which is how a caller aborts a stream it no longer
// wants: draining could take as long as the stream lasts.
type h1Body struct {
	t     *h1Transport
	c     *h1Conn
	src   io.ReadCloser // net/http's reader of the framing, from c.br
	ctx   context.Context
	stop  func() bool // stops the context's abort; nil without one
	reuse bool        // the connection may serve another request

	// done is set once by whichever of Read and Close ends the body
	// first, possibly in different goroutines; the winner alone releases
	// the connection.
	done atomic.Bool
	err  error // what Read returns after the end; only Read uses it
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.done.Load() {
		if b.err == nil {
			return 0, http.ErrBodyReadAfterClose
		}
		return 0, b.err
	}
	n, err := b.src.Read(p)
	if err == nil {
		return n, nil
	}
	if err != io.EOF && b.ctx.Err() != nil {
		err = fmt.Errorf("read response body: %w", b.ctx.Err())
	}
	b.err = err
	b.end(err == io.EOF && b.reuse)
	return n, err
}

// Close closes the connection unless the body was read to its end. It
// does not wait for a Read under way in another goroutine, which the
// closed connection ends.
func (b *h1Body) Close() error {
	b.end(false)
	return nil
}

func (b *h1Body) end(reuse bool) {
	if b.done.CompareAndSwap(false, true) {
		b.t.release(b.c, b.stop, reuse)
	}
}
