package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// masterKey is the admin key of every gateway the tests start.
const masterKey = "sk-e2e-master-key-0123456789"

// Deadlines of the waits below. They bound how long a broken gateway can
// hang a test; they are not performance assertions.
const (
	readyDeadline = 10 * time.Second
	stopDeadline  = 10 * time.Second
	pollInterval  = 5 * time.Millisecond
)

// gateway is a litellm process serving on a loopback port.
type gateway struct {
	url    string
	dir    string // holds config.yaml and litellm.db
	cmd    *exec.Cmd
	stderr *syncBuffer

	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed

	stopOnce sync.Once
	stopErr  error
}

// gatewayOptions describe a gateway to start. The zero value runs the
// example config in a new directory.
type gatewayOptions struct {
	dir  string            // config directory, shared to share the SQLite file
	env  map[string]string // added to, or replacing, the default environment
	port int               // port to listen on; a free one when zero
}

// startGateway starts a gateway, waits until it is ready and stops it
// when the test ends, failing the test unless it exits cleanly with 0.
func startGateway(t testing.TB, opts gatewayOptions) *gateway {
	t.Helper()
	if opts.dir == "" {
		opts.dir = exampleConfigDir(t)
	}
	g, err := launchGateway(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := g.stop(); err != nil {
			t.Errorf("stop gateway: %v", err)
		}
		if t.Failed() {
			t.Logf("stderr of the gateway at %s:\n%s", g.url, g.stderr)
		}
	})
	if err := g.waitReady(readyDeadline); err != nil {
		t.Fatal(err)
	}
	return g
}

// exampleConfigDir returns a new directory holding a copy of the
// repository's config.example.yaml as config.yaml.
func exampleConfigDir(tb testing.TB) string {
	tb.Helper()
	example, err := os.ReadFile(filepath.Join(moduleRoot, "config.example.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return configDir(tb, string(example))
}

// configDir returns a new directory holding text as config.yaml.
func configDir(tb testing.TB, text string) string {
	tb.Helper()
	dir := tb.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// launchGateway starts litellm on opts.port, or a free port, without waiting
// for it.
func launchGateway(opts gatewayOptions) (*gateway, error) {
	port := opts.port
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	env := map[string]string{"LITELLM_MASTER_KEY": masterKey}
	for k, v := range opts.env {
		env[k] = v
	}
	g := &gateway{
		url:    "http://127.0.0.1:" + strconv.Itoa(port),
		dir:    opts.dir,
		stderr: &syncBuffer{},
		done:   make(chan struct{}),
	}
	g.cmd = exec.Command(bin.litellm, "--config", filepath.Join(opts.dir, "config.yaml"),
		"--host", "127.0.0.1", "--port", strconv.Itoa(port))
	g.cmd.Dir = opts.dir
	g.cmd.Env = environ(opts.dir, env)
	g.cmd.Stdout = g.stderr // the gateway logs on stderr; keep any stray output too
	g.cmd.Stderr = g.stderr
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start litellm: %w", err)
	}
	go func() {
		g.waitErr = g.cmd.Wait()
		close(g.done)
	}()
	return g, nil
}

// environ returns a minimal environment: no DATABASE_URL, no OS keychain,
// and a home of its own, plus vars.
func environ(home string, vars map[string]string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LITELLM_CLI_DISABLE_KEYRING=1",
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls GET /health/readiness until it answers 200, the
// process exits, or the deadline passes.
func (g *gateway) waitReady(deadline time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	url := g.url + "/health/readiness"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-g.done:
			return fmt.Errorf("litellm exited before it was ready (%v); stderr:\n%s",
				g.waitErr, g.stderr)
		case <-ctx.Done():
			return fmt.Errorf("litellm not ready at %s after %v; stderr:\n%s",
				g.url, deadline, g.stderr)
		case <-time.After(pollInterval):
		}
	}
}

// stop sends SIGTERM and waits for the process to exit. It returns an
// error unless the exit code is 0 within stopDeadline; the process is
// killed if it does not exit. Calls after the first return the same.
func (g *gateway) stop() error {
	g.stopOnce.Do(func() { g.stopErr = g.terminate() })
	return g.stopErr
}

func (g *gateway) terminate() error {
	select {
	case <-g.done:
		return fmt.Errorf("litellm had already exited: %v", g.waitErr)
	default:
	}
	if err := g.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("send SIGTERM: %w", err)
	}
	select {
	case <-g.done:
	case <-time.After(stopDeadline):
		g.cmd.Process.Kill()
		<-g.done
		return fmt.Errorf("litellm still running %v after SIGTERM; killed", stopDeadline)
	}
	if code := g.cmd.ProcessState.ExitCode(); code != 0 {
		return fmt.Errorf("litellm exited with code %d after SIGTERM, want 0", code)
	}
	return nil
}

// get sends GET path with key as bearer (none when empty) and returns the
// status and body.
func (g *gateway) get(t testing.TB, path, key string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, g.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, body.Bytes()
}

// syncBuffer is a bytes.Buffer that a process can write while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
