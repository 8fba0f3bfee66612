package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// memKeyring is an OS keychain in memory that counts reads.
type memKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	gets    int
}

func (k *memKeyring) Set(service, account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[service+"/"+account] = secret
	return nil
}

func (k *memKeyring) Get(service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gets++
	v, ok := k.entries[service+"/"+account]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Delete(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, service+"/"+account)
	return nil
}

// TestKeychain logs in with a keychain: the token goes there, whoami
// never reads it, and print-token does.
func TestKeychain(t *testing.T) {
	g := newLoginGateway(t)
	m := newMachine(t)
	delete(m.env, credstore.DisableKeyringEnv)
	kc := &memKeyring{entries: map[string]string{}}
	run := func(args ...string) result {
		var stdout, stderr bytes.Buffer
		a := m.app("", &stdout, &stderr)
		a.store = credstore.New(credstore.Options{
			Home:      func() (string, error) { return m.home, nil },
			LookupEnv: func(string) (string, bool) { return "", false },
			Keyring:   kc,
		})
		code := a.run(t.Context(), args)
		return result{code, stdout.String(), stderr.String()}
	}

	got := run("--base-url", g.URL, "login", "--no-browser")
	want := "Saved to the OS keychain (service litellm-cli, account credential)\n"
	if got.code != 0 || !strings.HasSuffix(got.stdout, want) {
		t.Fatalf("login: exit code %d, stdout:\n%s\nwant it to end with %q", got.code, got.stdout,
			want)
	}
	if _, ok := m.tokenFile()["key"]; ok {
		t.Error("the token is in the file as well as in the keychain")
	}

	got = run("whoami")
	if got.code != 0 || !strings.Contains(got.stdout, "Stored in:   the OS keychain") {
		t.Errorf("whoami: exit code %d, stdout:\n%s", got.code, got.stdout)
	}
	if kc.gets != 0 {
		t.Errorf("whoami read the keychain %d times, want 0", kc.gets)
	}
	if got = run("auth", "print-token"); got.stdout != testToken("")+"\n" || kc.gets != 1 {
		t.Errorf("print-token: stdout %q after %d keychain reads", got.stdout, kc.gets)
	}
}
