// Package tcprelay is the benchmark's reference proxy: it copies bytes
// between a client and the mock upstream and understands nothing of
// HTTP. What it adds to the mock's latency is what any proxy on the
// machine pays for the extra hop (two more loopback transfers and two
// more wake-ups of a process), before doing any work of its own; the
// harness reports it beside the gateway's figures as their floor.
package tcprelay

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Main runs the relay command: it listens on a loopback address, prints
// "listening on http://ADDR" and relays each connection to -to until
// SIGINT or SIGTERM.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tcprelay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	to := fs.String("to", "", "host:port to relay connections to")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *to == "" {
		fmt.Fprintln(stderr, "tcprelay: -to is required")
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "tcprelay: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if err := Serve(ctx, ln, *to); err != nil {
		fmt.Fprintf(stderr, "tcprelay: %v\n", err)
		return 1
	}
	return 0
}

// Serve relays every connection accepted on ln to the address to, until
// ctx ends; it then closes ln and every connection.
func Serve(ctx context.Context, ln net.Listener, to string) error {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
		wg    sync.WaitGroup
	)
	track := func(c net.Conn, add bool) {
		mu.Lock()
		defer mu.Unlock()
		if add {
			conns[c] = struct{}{}
		} else {
			delete(conns, c)
		}
	}
	go func() {
		<-ctx.Done()
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	for {
		client, err := ln.Accept()
		if err != nil {
			wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		wg.Go(func() {
			upstream, err := net.Dial("tcp", to)
			if err != nil {
				client.Close()
				return
			}
			track(client, true)
			track(upstream, true)
			relay(client, upstream)
			track(client, false)
			track(upstream, false)
		})
	}
}

// relay copies both ways until either side closes, then closes both.
func relay(a, b net.Conn) {
	done := make(chan struct{})
	go func() {
		io.Copy(b, a)
		b.Close()
		close(done)
	}()
	io.Copy(a, b)
	a.Close()
	<-done
}
