package credstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilePermissions(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string) // runs before Save
	}{
		{"fresh home", func(*testing.T, string) {}},
		{"loose directory", func(t *testing.T, path string) {
			mustMkdir(t, filepath.Dir(path), 0o755)
		}},
		{"loose file", func(t *testing.T, path string) {
			mustMkdir(t, filepath.Dir(path), 0o777)
			mustWrite(t, path, `{"base_url":"http://old","key":"old"}`, 0o644)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := newTestStore(t, newFakeKeyring(), disabled("1"))
			tt.prepare(t, path)
			if _, err := s.Save(context.Background(), testCredential()); err != nil {
				t.Fatalf("Save: %v", err)
			}
			wantMode(t, path, 0o600)
			wantMode(t, filepath.Dir(path), 0o700)
		})
	}
}

func TestLooseFileIsRefused(t *testing.T) {
	ctx := context.Background()
	s, path := newTestStore(t, newFakeKeyring(), disabled("1"))
	if _, err := s.Save(ctx, testCredential()); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.Load(ctx)
		if !errors.Is(err, ErrInsecureFile) || !strings.Contains(err.Error(), path) {
			t.Errorf("Load of a %04o file: err = %v, want ErrInsecureFile naming the file", mode, err)
		}
	}

	// Delete still works, and so does a file restored to 0600.
	os.Chmod(path, 0o600)
	if _, _, err := s.Load(ctx); err != nil {
		t.Errorf("Load after chmod 600: %v", err)
	}
	os.Chmod(path, 0o644)
	if err := s.Delete(ctx); err != nil {
		t.Errorf("Delete of a loose file: %v", err)
	}
}

func TestWriteIsAtomic(t *testing.T) {
	ctx := context.Background()
	s, path := newTestStore(t, newFakeKeyring(), disabled("1"))
	for i := range 3 {
		c := testCredential()
		c.Timestamp += int64(i)
		if _, err := s.Save(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	wantOnly(t, filepath.Dir(path), fileName)

	// A rename that fails (the target is a non-empty directory) leaves
	// no temporary file behind.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mustMkdir(t, path, 0o700)
	mustWrite(t, filepath.Join(path, "x"), "", 0o600)
	if _, err := s.Save(ctx, testCredential()); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
	wantOnly(t, filepath.Dir(path), fileName)
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name     string
		keyring  func(t *testing.T) *fakeKeyring
		breakKC  bool // keychain fails after Save
		wantErr  bool
		inKCLeft bool
	}{
		{"from keychain and file", working, false, false, false},
		{"file only, no keychain here", failing, false, false, false},
		{"file only, keychain hangs", hanging, false, false, false},
		{"keychain breaks after save", working, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			kr := tt.keyring(t)
			s, path := newTestStore(t, kr, nil)
			if _, err := s.Save(ctx, testCredential()); err != nil {
				t.Fatal(err)
			}
			if tt.breakKC {
				kr.setErr(errDBus)
			}

			if err := s.Delete(ctx); (err != nil) != tt.wantErr {
				t.Errorf("Delete: err = %v, want error %v", err, tt.wantErr)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("file after Delete: %v", err)
			}
			if _, ok := kr.entry(); ok != tt.inKCLeft {
				t.Errorf("keychain entry left: %v, want %v", ok, tt.inKCLeft)
			}
			if _, _, err := s.Load(ctx); !errors.Is(err, ErrNotLoggedIn) {
				t.Errorf("Load after Delete: err = %v, want ErrNotLoggedIn", err)
			}
		})
	}
}

func wantOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v, want only %s", dir, names, name)
	}
}

func mustMkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // MkdirAll is subject to umask
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
