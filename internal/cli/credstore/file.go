package credstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Where the credential file lives, relative to the home directory.
const (
	dirName  = ".litellm"
	fileName = "token.json"
)

// ErrInsecureFile means the credential file can be read by other users.
// Such a file is not read at all: its token may already have leaked, so
// the user should log in again (which rewrites it with mode 0600), or
// restore the mode with chmod if they know nobody read it.
var ErrInsecureFile = errors.New("credential file is readable by other users")

// maxFileSize bounds what is read; a real credential is under 4 KiB.
const maxFileSize = 1 << 20

// readFile reads the credential at path. ErrNotLoggedIn if there is none.
func readFile(path string) (*Credential, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	defer f.Close()

	// Stat the open file, not the path, so the mode checked is the mode
	// of what is read.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read credential: %s is not a regular file", path)
	}
	// Windows has no mode bits; the file lives in the user's profile,
	// which only its owner can read.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, want 0600; log in again, "+
			"or run chmod 600 on it if nobody else could have read it",
			ErrInsecureFile, path, perm)
	}

	data, err := io.ReadAll(io.LimitReader(f, maxFileSize))
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	var c Credential
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("read credential %s: %w", path, err)
	}
	return &c, nil
}

// writeFile replaces the credential at path atomically: the new content
// goes to a 0600 temporary file in the same directory, is synced, and is
// renamed over the old file, so a crash leaves either the old credential
// or the new one, never a mix. The directory is created with mode 0700,
// and tightened to 0700 if it already exists with a looser mode.
func writeFile(path string, c *Credential) (err error) {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	dir := filepath.Dir(path)
	if err := ensurePrivateDir(dir); err != nil {
		return fmt.Errorf("write credential: %w", err)
	}

	tmp, err := os.CreateTemp(dir, ".token-*.tmp") // created with mode 0600
	if err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write credential: %w", err)
	}
	syncDir(dir)
	return nil
}

// ensurePrivateDir creates dir with mode 0700 or tightens an existing one.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// syncDir makes the rename durable. Errors are ignored: some file systems
// cannot sync a directory, and the rename itself already succeeded.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// removeFile removes path; a missing file is no error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove credential file: %w", err)
	}
	return nil
}
