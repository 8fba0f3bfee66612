package mockupstream

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Main runs the mockupstream command and returns its exit code: it serves
// on -addr (a loopback address; port 0 picks a free one), prints
// "listening on http://HOST:PORT" on stdout once it accepts connections,
// and stops on SIGINT or SIGTERM.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mockupstream", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	var o Options
	fs.DurationVar(&o.Latency, "latency", 0, "wait before answering")
	fs.IntVar(&o.Chunks, "chunks", DefaultChunks, "tokens per answer: chunks of a stream")
	fs.DurationVar(&o.Interval, "interval", time.Millisecond, "wait between chunks of a stream")
	fs.StringVar(&o.Model, "model", DefaultModel, "model named in answers")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	ln, err := listen(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "mockupstream: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if err := Serve(ctx, ln, New(o)); err != nil {
		fmt.Fprintf(stderr, "mockupstream: %v\n", err)
		return 1
	}
	return 0
}

// listen listens on addr, which must be a loopback address: the mock is
// for benchmarks on one machine and must not be reachable from others.
func listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("listen: %s is not a loopback IP address", host)
	}
	return net.Listen("tcp", addr)
}

// Serve answers on ln with h until ctx is done.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}
