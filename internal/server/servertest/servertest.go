// Package servertest starts a real gateway on a loopback port for tests of
// the HTTP API and the CLI.
package servertest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/server"
)

// DefaultMasterKey is the master key of a gateway started with
// DefaultConfig.
const DefaultMasterKey = "sk-test-master-key"

// DefaultConfig is the config used when Options.Config is empty: the master
// key above and two models answering through mock_response.
const DefaultConfig = `
model_list:
  - model_name: demo-fast
    litellm_params:
      model: openai/demo-fast
      mock_response: "Hello from demo-fast"
  - model_name: demo-smart
    litellm_params:
      model: openai/demo-smart
      mock_response: "Hello from demo-smart"
general_settings:
  master_key: sk-test-master-key
`

// Options describe the gateway to start. Zero values give a gateway on a
// fresh SQLite file with DefaultConfig.
type Options struct {
	Config      string            // config.yaml text
	Env         map[string]string // environment seen by the gateway, instead of the process's
	DatabaseURL string            // postgres://... to use PostgreSQL
	Now         func() time.Time  // the gateway's clock; time.Now when nil
	Log         *slog.Logger      // the gateway's logger; discards when nil
	// ReplicaSync is how often the gateway exchanges rate-limit counts
	// and budget spend with Redis, when its config names one; see
	// server.Options.
	ReplicaSync time.Duration
}

// Gateway is a running gateway. It is stopped when the test ends.
type Gateway struct {
	URL       string // such as http://127.0.0.1:41234
	MasterKey string
	Dir       string // holds config.yaml and the SQLite file
	Server    *server.Server

	stop func() error // Stop's work, done once
}

// Start starts a gateway and waits until it is ready.
func Start(t testing.TB, opts Options) *Gateway {
	t.Helper()
	g := &Gateway{Dir: t.TempDir(), MasterKey: DefaultMasterKey}
	text := opts.Config
	if text == "" {
		text = DefaultConfig
	}
	path := filepath.Join(g.Dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(name string) (string, bool) {
		if name == "DATABASE_URL" && opts.DatabaseURL != "" {
			return opts.DatabaseURL, true
		}
		v, ok := opts.Env[name]
		return v, ok
	}
	cfg, err := config.Load(path, env)
	if err != nil {
		t.Fatalf("servertest: config: %v", err)
	}
	if cfg.GeneralSettings.MasterKey != "" {
		g.MasterKey = cfg.GeneralSettings.MasterKey
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, server.Options{Env: env, Now: opts.Now, Log: opts.Log,
		ReplicaSync: opts.ReplicaSync})
	if err != nil {
		cancel()
		t.Fatalf("servertest: start gateway: %v", err)
	}
	g.Server = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		srv.Close()
		t.Fatal(err)
	}
	g.URL = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	g.stop = sync.OnceValue(func() error {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("servertest: serve: %w", err)
		}
		return srv.Close()
	})
	t.Cleanup(func() {
		if err := g.stop(); err != nil {
			t.Error(err)
		}
	})
	return g
}

// Stop shuts the gateway down as the litellm command does: it stops
// accepting requests, waits for those in flight, then closes the server,
// which writes the spend records still buffered.
func (g *Gateway) Stop(t testing.TB) {
	t.Helper()
	if err := g.stop(); err != nil {
		t.Fatal(err)
	}
}
