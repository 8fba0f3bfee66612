package credstore

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// requireKeychain skips the test unless a real OS keychain answers. Under
// CI=true a missing keychain fails the test instead, so that CI never
// passes by skipping: CI runs the tests inside dbus-run-session with an
// unlocked gnome-keyring (see HARNESS.md).
func requireKeychain(t *testing.T, s *Store) {
	t.Helper()
	why := ""
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		why = "DBUS_SESSION_BUS_ADDRESS is not set"
	} else {
		err := s.keychainSet(context.Background(), "probe")
		if err == nil {
			err = s.keychainDelete(context.Background())
		}
		if err != nil {
			why = "the secret service did not answer: " + err.Error()
		}
	}
	if why == "" {
		return
	}
	msg := "OS KEYCHAIN TEST NOT RUN: " + why + "; run it with: dbus-run-session -- sh -c " +
		"'printf pw | gnome-keyring-daemon --unlock --components=secrets; " +
		"go test ./internal/cli/credstore/'"
	if strings.EqualFold(os.Getenv("CI"), "true") {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func TestRealKeychain(t *testing.T) {
	ctx := context.Background()
	s, path := newTestStore(t, SystemKeyring{}, nil)
	s.timeout = DefaultTimeout
	// Another service name, so the test never touches a real login.
	s.service = "litellm-cli-test"
	requireKeychain(t, s)
	t.Cleanup(func() { keyring.Delete(s.service, keychainAccount) })

	want := testCredential()
	loc, err := s.Save(ctx, want)
	if err != nil || !loc.Keychain {
		t.Fatalf("Save = %v, %v; want the keychain", loc, err)
	}
	if raw := readRaw(t, path); strings.Contains(raw, want.Key) {
		t.Errorf("file holds the token although the keychain took it:\n%s", raw)
	}
	got, _, err := s.Load(ctx)
	if err != nil || *got != want {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}

	if err := s.Delete(ctx); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := keyring.Get(s.service, keychainAccount); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keychain entry after Delete: err = %v, want ErrNotFound", err)
	}
}
