package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Deadlines of a login. They bound how long a broken gateway, CLI or
// browser can hang a test; they are not performance assertions.
const (
	// promptDeadline bounds the wait for login's URL and code on stderr.
	promptDeadline = 10 * time.Second
	// loginDeadline bounds a whole login, browser included. The CLI polls
	// every 2 s, so a finished login is collected within a few seconds.
	loginDeadline = 30 * time.Second
)

var (
	// loginURLRE matches the page login sends the browser to.
	loginURLRE = regexp.MustCompile(`https?://\S+/sso/key/generate\?\S+`)
	// userCodeRE matches the verification code on a line of its own,
	// bold or not (the CLI sets it bold on a terminal).
	userCodeRE = regexp.MustCompile(
		`(?m)^[ \t]*(?:\x1b\[[0-9;]*m)?([A-Z0-9]{4}-[A-Z0-9]{4})(?:\x1b\[[0-9;]*m)?[ \t]*$`)
)

// terminal is a developer's shell: a home of its own, where the CLI keeps
// its login, and the gateway in LITELLM_PROXY_URL (unset when empty).
type terminal struct {
	home    string
	baseURL string
}

func newTerminal(tb testing.TB, baseURL string) terminal {
	return terminal{home: tb.TempDir(), baseURL: baseURL}
}

func (tm terminal) env() map[string]string {
	if tm.baseURL == "" {
		return nil
	}
	return map[string]string{"LITELLM_PROXY_URL": tm.baseURL}
}

// run runs litellm-proxy with args in tm and returns what it printed.
func (tm terminal) run(tb testing.TB, args ...string) result {
	tb.Helper()
	return runIn(tb, tm.home, tm.env(), bin.proxy, args...)
}

// runJSON runs a command that must succeed and decodes all of its stdout
// into v.
func (tm terminal) runJSON(tb testing.TB, v any, args ...string) {
	tb.Helper()
	r := tm.run(tb, args...)
	if r.code != 0 {
		tb.Fatalf("litellm-proxy %s: %v", strings.Join(args, " "), r)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		tb.Fatalf("litellm-proxy %s: stdout is not one JSON document: %v\n%v",
			strings.Join(args, " "), err, r)
	}
}

// loginRun is a running litellm-proxy login --no-browser.
type loginRun struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *promptWatcher
	begin  time.Time

	done    chan struct{} // closed when the process has exited
	took    time.Duration // from start to exit; set before done is closed
	waitErr error
}

// startLogin starts litellm-proxy login --no-browser in tm, with args
// added, and waits until it has printed the URL and the code on stderr.
// The process is killed when the test ends, if it is still running.
func startLogin(tb testing.TB, tm terminal, args ...string) (lr *loginRun, url, code string) {
	tb.Helper()
	lr = &loginRun{
		stdout: &syncBuffer{},
		stderr: newPromptWatcher(),
		done:   make(chan struct{}),
	}
	args = append([]string{"login", "--no-browser"}, args...)
	lr.cmd = exec.Command(bin.proxy, args...)
	lr.cmd.Dir = tm.home
	lr.cmd.Env = environ(tm.home, tm.env())
	lr.cmd.Stdout = lr.stdout
	lr.cmd.Stderr = lr.stderr
	lr.begin = time.Now()
	if err := lr.cmd.Start(); err != nil {
		tb.Fatalf("start litellm-proxy login: %v", err)
	}
	go func() {
		lr.waitErr = lr.cmd.Wait()
		lr.took = time.Since(lr.begin)
		close(lr.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-lr.done:
		default:
			lr.cmd.Process.Kill()
			<-lr.done
		}
		if tb.Failed() {
			tb.Logf("litellm-proxy login: stdout:\n%s\nstderr:\n%s", lr.stdout, lr.stderr)
		}
	})

	select {
	case p := <-lr.stderr.prompt:
		return lr, p[0], p[1]
	case <-lr.done:
		tb.Fatalf("litellm-proxy login exited before printing a URL and a code: %v",
			lr.result())
	case <-time.After(promptDeadline):
		tb.Fatalf("litellm-proxy login printed no URL and code within %v; stderr:\n%s",
			promptDeadline, lr.stderr)
	}
	return nil, "", ""
}

// wait waits until login exits, or fails tb after loginDeadline.
func (lr *loginRun) wait(tb testing.TB) result {
	tb.Helper()
	select {
	case <-lr.done:
		return lr.result()
	case <-time.After(time.Until(lr.begin.Add(loginDeadline))):
		tb.Fatalf("litellm-proxy login still running %v after its start; stderr:\n%s",
			loginDeadline, lr.stderr)
		return result{}
	}
}

// running reports whether login has not exited yet.
func (lr *loginRun) running() bool {
	select {
	case <-lr.done:
		return false
	default:
		return true
	}
}

// result is what login printed; call it once done is closed.
func (lr *loginRun) result() result {
	return result{stdout: lr.stdout.String(), stderr: lr.stderr.String(),
		code: lr.cmd.ProcessState.ExitCode()}
}

// promptWatcher keeps what login writes on stderr and hands out the URL
// and the code on prompt as soon as both have been written.
type promptWatcher struct {
	prompt chan [2]string

	mu   sync.Mutex
	buf  bytes.Buffer
	sent bool
}

func newPromptWatcher() *promptWatcher {
	return &promptWatcher{prompt: make(chan [2]string, 1)}
}

func (w *promptWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if !w.sent {
		text := w.buf.String()
		url := loginURLRE.FindString(text)
		code := userCodeRE.FindStringSubmatch(text)
		if url != "" && code != nil {
			w.prompt <- [2]string{url, code[1]}
			w.sent = true
		}
	}
	return n, err
}

func (w *promptWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// mustPost sends POST path with the master key and a JSON body, fails tb
// unless the gateway answers 200, and decodes the answer into out unless
// it is nil.
func (g *gateway) mustPost(tb testing.TB, path string, body, out any) {
	tb.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url+path,
		bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+masterKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var answer bytes.Buffer
	if _, err := answer.ReadFrom(resp.Body); err != nil {
		tb.Fatalf("POST %s: read body: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("POST %s %s: status %d, want 200; body:\n%s", path, data,
			resp.StatusCode, answer.Bytes())
	}
	if out != nil {
		if err := json.Unmarshal(answer.Bytes(), out); err != nil {
			tb.Fatalf("POST %s: %v; body:\n%s", path, err, answer.Bytes())
		}
	}
}

// createTeam creates the team id with access to models only.
func (g *gateway) createTeam(tb testing.TB, id string, models ...string) {
	tb.Helper()
	g.mustPost(tb, "/team/new", map[string]any{"team_id": id, "team_alias": id,
		"models": models}, nil)
}

// modelsStatus returns the status of GET /v1/models with token.
func (g *gateway) modelsStatus(tb testing.TB, token string) int {
	tb.Helper()
	status, _ := g.get(tb, "/v1/models", token)
	return status
}
