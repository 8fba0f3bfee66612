package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// TestMain points HOME at an empty directory, so that no test reads or
// writes the login of whoever runs the tests.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "litellm-cli-home-")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// machine runs commands as one user on one machine: a home directory of
// its own with the OS keychain off, a clock that stands still and a
// browser that records what it is asked to open.
type machine struct {
	t       *testing.T
	home    string
	env     map[string]string
	now     time.Time
	openErr error // what the browser returns

	mu     sync.Mutex
	opened []string
}

func newMachine(t *testing.T) *machine {
	return &machine{t: t, home: t.TempDir(), now: t0,
		env: map[string]string{credstore.DisableKeyringEnv: "1"}}
}

// app returns the app Run would build, with the machine's parts.
func (m *machine) app(stdin string, stdout, stderr *bytes.Buffer) *app {
	a := newApp(Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
		Getenv: func(k string) string { return m.env[k] },
		Now:    func() time.Time { return m.now },
		OpenBrowser: func(_ context.Context, url string) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.opened = append(m.opened, url)
			return m.openErr
		},
		Home: func() (string, error) { return m.home, nil },
	})
	a.pollInterval = time.Millisecond
	return a
}

func (m *machine) run(args ...string) result {
	m.t.Helper()
	return m.runWith(m.t.Context(), "", args...)
}

func (m *machine) runWith(ctx context.Context, stdin string, args ...string) result {
	m.t.Helper()
	var stdout, stderr bytes.Buffer
	code := m.app(stdin, &stdout, &stderr).run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

// store is the machine's credential store.
func (m *machine) store() *credstore.Store {
	return credstore.New(credstore.Options{
		Home:      func() (string, error) { return m.home, nil },
		LookupEnv: func(k string) (string, bool) { v, ok := m.env[k]; return v, ok },
	})
}

// login stores a login to base as the gateway's token would describe it.
func (m *machine) login(base string) credstore.Credential {
	m.t.Helper()
	c := credstore.Credential{BaseURL: base, Key: testToken("t1"), UserID: "u1",
		UserEmail: "ada@example.com", UserRole: "internal_user", TeamID: "t1",
		Timestamp: t0.Unix(), ExpiresAt: t0.Add(24 * time.Hour).Unix()}
	if _, err := m.store().Save(m.t.Context(), c); err != nil {
		m.t.Fatal(err)
	}
	return c
}

func (m *machine) tokenPath() string {
	return filepath.Join(m.home, ".litellm", "token.json")
}

// tokenFile returns the credential file as JSON values.
func (m *machine) tokenFile() map[string]any {
	m.t.Helper()
	b, err := os.ReadFile(m.tokenPath())
	if err != nil {
		m.t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		m.t.Fatalf("token.json: %v\n%s", err, b)
	}
	return v
}

func (m *machine) openedURLs() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.opened...)
}
