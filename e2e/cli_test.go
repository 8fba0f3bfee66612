package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runDeadline bounds one run of a binary that is expected to exit.
const runDeadline = 30 * time.Second

// result is what one run of a binary printed, and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// String describes r for failure messages.
func (r result) String() string {
	return fmt.Sprintf("exit code %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs the binary at path with args in a minimal environment plus env,
// in a directory of its own, and returns what it printed.
func run(t *testing.T, env map[string]string, path string, args ...string) result {
	t.Helper()
	return runIn(t, t.TempDir(), env, path, args...)
}

// runIn is run with home as the home and working directory, so that
// several runs share what the binary keeps there, such as a stored login.
func runIn(t testing.TB, home string, env map[string]string, path string,
	args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runDeadline)
	defer cancel()
	var stdout, stderr strings.Builder
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = home
	cmd.Env = environ(home, env)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s %q did not exit within %v; stderr:\n%s", path, args, runDeadline, &stderr)
	case err != nil && !errors.As(err, &exit):
		t.Fatalf("run %s %q: %v", path, args, err)
	}
	code := cmd.ProcessState.ExitCode()
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// proxy runs litellm-proxy against one gateway with one key, both given
// through the environment, as a user's shell would.
type proxy struct {
	baseURL string // LITELLM_PROXY_URL
	apiKey  string // LITELLM_PROXY_API_KEY; unset when empty
}

// proxy returns a CLI for g that authenticates with key.
func (g *gateway) proxy(key string) proxy {
	return proxy{baseURL: g.url, apiKey: key}
}

func (p proxy) run(t *testing.T, args ...string) result {
	t.Helper()
	env := map[string]string{"LITELLM_PROXY_URL": p.baseURL}
	if p.apiKey != "" {
		env["LITELLM_PROXY_API_KEY"] = p.apiKey
	}
	return run(t, env, bin.proxy, args...)
}

// runJSON runs a command that must succeed and decodes its stdout, all of
// it, into v: a script must be able to parse stdout without filtering it.
func (p proxy) runJSON(t *testing.T, v any, args ...string) result {
	t.Helper()
	r := p.run(t, args...)
	if r.code != 0 {
		t.Fatalf("litellm-proxy %s: %v", strings.Join(args, " "), r)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("litellm-proxy %s: stdout is not one JSON document: %v\n%v",
			strings.Join(args, " "), err, r)
	}
	return r
}
