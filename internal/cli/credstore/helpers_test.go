package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// testTimeout keeps tests of a hung keychain short.
const testTimeout = 100 * time.Millisecond

// fakeKeyring is an in-memory Keyring that can fail or hang.
type fakeKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	err     error         // when set, every call fails with it
	hang    chan struct{} // when set, every call blocks until it is closed
	calls   int
}

func newFakeKeyring() *fakeKeyring {
	return &fakeKeyring{entries: map[string]string{}}
}

// hangUntilCleanup makes every call block until the test ends.
func (f *fakeKeyring) hangUntilCleanup(t *testing.T) {
	f.hang = make(chan struct{})
	t.Cleanup(func() { close(f.hang) })
}

func (f *fakeKeyring) enter() error {
	f.mu.Lock()
	f.calls++
	hang, err := f.hang, f.err
	f.mu.Unlock()
	if hang != nil {
		<-hang
	}
	return err
}

func (f *fakeKeyring) Set(service, account, secret string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[service+"/"+account] = secret
	return nil
}

func (f *fakeKeyring) Get(service, account string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.entries[service+"/"+account]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Delete(service, account string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entries[service+"/"+account]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.entries, service+"/"+account)
	return nil
}

func (f *fakeKeyring) entry() (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.entries[keychainService+"/"+keychainAccount]
	return v, ok
}

func (f *fakeKeyring) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeKeyring) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

var errDBus = errors.New("dbus: no session bus")

// newTestStore returns a Store on a fresh home directory with env as its
// whole environment, and the path of its credential file.
func newTestStore(t *testing.T, kr Keyring, env map[string]string) (*Store, string) {
	t.Helper()
	home := t.TempDir()
	s := New(Options{
		Home:      func() (string, error) { return home, nil },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Keyring:   kr,
		Timeout:   testTimeout,
	})
	return s, filepath.Join(home, dirName, fileName)
}

func testCredential() Credential {
	return Credential{
		BaseURL:      "http://localhost:4000",
		Key:          "eyJhbGciOiJFZERTQSJ9.payload.signature",
		UserID:       "user-1",
		UserEmail:    "alice@example.com",
		UserRole:     "internal_user",
		TeamID:       "team-a",
		Timestamp:    1772366400,
		ExpiresAt:    1772452800,
		RefreshToken: "llm_srefresh_abc",
	}
}

func readRaw(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %04o, want %04o", path, got, want)
	}
}
