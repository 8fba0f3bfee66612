package credstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSaveLoad(t *testing.T) {
	tests := []struct {
		name         string
		keyring      func(t *testing.T) *fakeKeyring
		env          map[string]string
		wantKeychain bool
	}{
		{"keychain answers", working, nil, true},
		{"keychain fails", failing, nil, false},
		{"keychain hangs", hanging, nil, false},
		{"disabled by 1", working, disabled("1"), false},
		{"disabled by TRUE", working, disabled("TRUE"), false},
		{"disabled by Yes", working, disabled(" Yes "), false},
		{"disabled by on", working, disabled("on"), false},
		{"not disabled by 0", working, disabled("0"), true},
		{"not disabled by false", working, disabled("false"), true},
		{"not disabled by empty", working, disabled(""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			kr := tt.keyring(t)
			s, path := newTestStore(t, kr, tt.env)
			want := testCredential()

			start := time.Now()
			loc, err := s.Save(ctx, want)
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if d := time.Since(start); d > 10*testTimeout {
				t.Errorf("Save took %v with a %v keychain timeout", d, testTimeout)
			}
			if diff := cmp.Diff(Location{Keychain: tt.wantKeychain, Path: path}, loc); diff != "" {
				t.Errorf("Save location (-want +got):\n%s", diff)
			}

			got, loc2, err := s.Load(ctx)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
			if loc2 != loc {
				t.Errorf("Load location = %v, want %v", loc2, loc)
			}

			// The file holds the secrets only without the keychain.
			raw := readRaw(t, path)
			for _, secret := range []string{want.Key, want.RefreshToken} {
				if strings.Contains(raw, secret) == tt.wantKeychain {
					t.Errorf("file holds %q: %v, want %v", secret, !tt.wantKeychain, !tt.wantKeychain)
				}
			}
			entry, ok := kr.entry()
			if ok != tt.wantKeychain || (ok && !strings.Contains(entry, want.Key)) {
				t.Errorf("keychain entry %q, present %v; want present %v", entry, ok, tt.wantKeychain)
			}
		})
	}
}

func working(*testing.T) *fakeKeyring { return newFakeKeyring() }

func failing(*testing.T) *fakeKeyring {
	kr := newFakeKeyring()
	kr.err = errDBus
	return kr
}

func hanging(t *testing.T) *fakeKeyring {
	kr := newFakeKeyring()
	kr.hangUntilCleanup(t)
	return kr
}

func disabled(v string) map[string]string { return map[string]string{DisableKeyringEnv: v} }

func TestDisabledNeverCallsKeychain(t *testing.T) {
	ctx := context.Background()
	kr := newFakeKeyring()
	s, _ := newTestStore(t, kr, disabled("yes"))
	if _, err := s.Save(ctx, testCredential()); err != nil {
		t.Fatal(err)
	}
	s.Load(ctx)
	s.Delete(ctx)
	if kr.callCount() != 0 {
		t.Errorf("keychain called %d times with %s set", kr.callCount(), DisableKeyringEnv)
	}
}

func TestHungKeychainIsAskedOnce(t *testing.T) {
	ctx := context.Background()
	kr := hanging(t)
	s, _ := newTestStore(t, kr, nil)
	start := time.Now()
	for range 3 {
		if _, err := s.Save(ctx, testCredential()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx); err != nil {
		t.Errorf("Delete: %v", err)
	}
	if kr.callCount() != 1 {
		t.Errorf("hung keychain called %d times, want 1", kr.callCount())
	}
	if d := time.Since(start); d > 10*testTimeout {
		t.Errorf("took %v; a hung keychain should cost one timeout (%v)", d, testTimeout)
	}
}

func TestNotLoggedIn(t *testing.T) {
	s, _ := newTestStore(t, newFakeKeyring(), nil)
	if _, _, err := s.Load(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("Load: err = %v, want ErrNotLoggedIn", err)
	}
	if _, _, err := s.Info(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("Info: err = %v, want ErrNotLoggedIn", err)
	}
}

func TestLoadWhenKeychainChanged(t *testing.T) {
	tests := []struct {
		name   string
		change func(kr *fakeKeyring)
		env    map[string]string
		want   error
	}{
		{"entry removed", func(kr *fakeKeyring) { clear(kr.entries) }, nil, ErrNotLoggedIn},
		{"keychain fails", func(kr *fakeKeyring) { kr.setErr(errDBus) }, nil, ErrKeychainUnavailable},
		{"keychain disabled", func(*fakeKeyring) {}, disabled("1"), ErrKeychainUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			kr := newFakeKeyring()
			s, _ := newTestStore(t, kr, nil)
			if _, err := s.Save(ctx, testCredential()); err != nil {
				t.Fatal(err)
			}
			tt.change(kr)
			s.lookupEnv = func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }

			if _, _, err := s.Load(ctx); !errors.Is(err, tt.want) {
				t.Errorf("Load: err = %v, want %v", err, tt.want)
			}
			// whoami still works from the file alone.
			info, loc, err := s.Info(ctx)
			if err != nil || !loc.Keychain || info.UserEmail != "alice@example.com" || info.Key != "" {
				t.Errorf("Info = %+v, %v, %v; want metadata without key", info, loc, err)
			}
		})
	}
}

func TestBareTokenInKeychain(t *testing.T) {
	ctx := context.Background()
	kr := newFakeKeyring()
	s, _ := newTestStore(t, kr, nil)
	if _, err := s.Save(ctx, testCredential()); err != nil {
		t.Fatal(err)
	}
	kr.entries[keychainService+"/"+keychainAccount] = "bare-token"
	got, _, err := s.Load(ctx)
	if err != nil || got.Key != "bare-token" || got.UserID != "user-1" {
		t.Errorf("Load = %+v, %v; want the file's metadata with the bare token", got, err)
	}
}

func TestSaveSwitchesPlace(t *testing.T) {
	ctx := context.Background()
	kr := newFakeKeyring()
	s, _ := newTestStore(t, kr, nil)
	if _, err := s.Save(ctx, testCredential()); err != nil {
		t.Fatal(err)
	}

	// The keychain now refuses writes but still deletes: the new login
	// goes to the file and the old token leaves the keychain.
	second := testCredential()
	second.Key = "second-token"
	s.keyring = failingSet{kr}
	loc, err := s.Save(ctx, second)
	if err != nil || loc.Keychain {
		t.Fatalf("Save = %v, %v; want the file", loc, err)
	}
	if _, ok := kr.entry(); ok {
		t.Error("old token left in the keychain")
	}
	got, _, err := s.Load(ctx)
	if err != nil || got.Key != "second-token" {
		t.Errorf("Load = %+v, %v; want the second login", got, err)
	}
}

// failingSet is a keychain that refuses writes.
type failingSet struct{ *fakeKeyring }

func (failingSet) Set(string, string, string) error { return errDBus }

func TestCredentialForGateway(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestStore(t, newFakeKeyring(), nil)
	if tok, err := s.Credential(ctx, "http://localhost:4000"); tok != "" || err != nil {
		t.Errorf("Credential before login = %q, %v; want none", tok, err)
	}
	if _, err := s.Save(ctx, testCredential()); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		baseURL string
		want    string
		wantErr error
	}{
		{"http://LOCALHOST:4000/", testCredential().Key, nil},
		{"http://localhost:4001", "", ErrOtherGateway},
		{"https://localhost:4000", "", ErrOtherGateway},
	}
	for _, tt := range tests {
		tok, err := s.Credential(ctx, tt.baseURL)
		if tok != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("Credential(%q) = %q, %v; want %q, %v", tt.baseURL, tok, err, tt.want, tt.wantErr)
		}
	}
}
