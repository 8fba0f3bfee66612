// Package server is the gateway's composition root: it reads the config,
// opens the store, builds the authenticator, the catalog and the APIs,
// mounts them on one mux with logging, metrics and body limits, and serves
// until it is told to stop, finishing the requests in flight.
//
// Routes of its own:
//
//	GET /health/liveliness   the process answers
//	GET /health/readiness    the database answers; the version
//	GET /metrics             Prometheus metrics
package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/version"
)

// Exit codes of Main.
const (
	exitOK     = 0
	exitError  = 1 // the config is invalid or the gateway failed
	exitUsage  = 2 // bad command line
	defaultTCP = 4000
)

// flags are the command line of the litellm binary, named as LiteLLM's.
type flags struct {
	config        string
	host          string
	port          int
	detailedDebug bool
	checkConfig   bool
	version       bool
}

func parseFlags(args []string, env config.LookupFunc, stderr io.Writer) (*flags, error) {
	f := &flags{host: "0.0.0.0", port: defaultTCP}
	if h, ok := env("HOST"); ok && h != "" {
		f.host = h
	}
	if p, ok := env("PORT"); ok && p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("PORT=%q is not a port number", p)
		}
		f.port = n
	}
	fs := flag.NewFlagSet("litellm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "path to config.yaml")
	fs.StringVar(&f.host, "host", f.host, "address to listen on (env HOST)")
	fs.IntVar(&f.port, "port", f.port, "port to listen on (env PORT)")
	fs.BoolVar(&f.detailedDebug, "detailed_debug", false, "log every request at debug level")
	fs.BoolVar(&f.checkConfig, "check_config", false, "validate the config and exit: 0 if valid, 1 if not")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

// Main runs the litellm command and returns its exit code. env looks up
// environment variables (os.LookupEnv in production).
func Main(args []string, env config.LookupFunc, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, env, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "litellm: %v\n", err)
		return exitUsage
	}
	if f.version {
		fmt.Fprintf(stdout, "litellm %s\n", version.String())
		return exitOK
	}
	if f.config == "" {
		fmt.Fprintln(stderr, "litellm: --config is required, such as: litellm --config config.yaml")
		return exitUsage
	}
	cfg, err := config.Load(f.config, env)
	if err != nil {
		fmt.Fprintf(stderr, "litellm: %s is not valid:\n%v\n", f.config, err)
		return exitError
	}
	if f.checkConfig {
		fmt.Fprintf(stdout, "%s is valid: %d deployments\n", f.config, len(cfg.ModelList))
		return exitOK
	}

	level := slog.LevelInfo
	if f.detailedDebug {
		level = slog.LevelDebug
	}
	log := NewLogger(stderr, level, cfg.LitellmSettings.JSONLogs)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, env, log, net.JoinHostPort(f.host, strconv.Itoa(f.port))); err != nil {
		log.Error("gateway stopped", "err", err)
		return exitError
	}
	return exitOK
}

func run(ctx context.Context, cfg *config.Config, env config.LookupFunc, log *slog.Logger, addr string) error {
	srv, err := New(ctx, cfg, Options{Env: env, Log: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("gateway ready", "addr", ln.Addr().String(), "models", len(cfg.ModelList),
		"version", version.String())
	return srv.Serve(ctx, ln)
}
