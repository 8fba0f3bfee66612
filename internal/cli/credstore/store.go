package credstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// DisableKeyringEnv names the variable that, set to 1, true, yes or on (in
// any case), keeps the credential in the file and never calls the keychain.
const DisableKeyringEnv = "LITELLM_CLI_DISABLE_KEYRING"

var (
	// ErrNotLoggedIn means no credential is stored.
	ErrNotLoggedIn = errors.New("not logged in")
	// ErrKeychainUnavailable means the credential file says the token is
	// in the OS keychain, but the keychain cannot be read now. The file's
	// metadata is still available through Info.
	ErrKeychainUnavailable = errors.New("os keychain unavailable")
)

// Options configure a Store. Zero fields take the defaults of a real CLI.
type Options struct {
	// Home returns the home directory; nil means os.UserHomeDir.
	Home func() (string, error)
	// LookupEnv reads the environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Keyring is the OS keychain; nil means SystemKeyring.
	Keyring Keyring
	// Timeout bounds each keychain call; zero means DefaultTimeout.
	Timeout time.Duration
}

// Store saves, loads and deletes the CLI's credential. A Store is meant for
// one CLI run: after the keychain times out once, it is not asked again.
type Store struct {
	home      func() (string, error)
	lookupEnv func(string) (string, bool)
	keyring   Keyring
	timeout   time.Duration
	service   string // keychainService; tests use another

	keychainDown atomic.Bool
}

// New returns a Store configured by opts.
func New(opts Options) *Store {
	s := &Store{
		home:      opts.Home,
		lookupEnv: opts.LookupEnv,
		keyring:   opts.Keyring,
		timeout:   opts.Timeout,
		service:   keychainService,
	}
	if s.home == nil {
		s.home = os.UserHomeDir
	}
	if s.lookupEnv == nil {
		s.lookupEnv = os.LookupEnv
	}
	if s.keyring == nil {
		s.keyring = SystemKeyring{}
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	return s
}

// Location says where a credential is kept.
type Location struct {
	// Keychain is true when the token is in the OS keychain.
	Keychain bool
	// Path is the credential file, which exists in both cases.
	Path string
}

// String names the place for a user, as in "Credential saved to ...".
func (l Location) String() string {
	if l.Keychain {
		return fmt.Sprintf("the OS keychain (service %s, account %s)",
			keychainService, keychainAccount)
	}
	return l.Path
}

// Save stores c, replacing any earlier credential. The token goes to the
// keychain if it answers in time, else into the file with the rest.
func (s *Store) Save(ctx context.Context, c Credential) (Location, error) {
	if c.Key == "" {
		return Location{}, errors.New("save credential: no key")
	}
	if _, err := normalizeURL(c.BaseURL); err != nil {
		return Location{}, fmt.Errorf("save credential: %w", err)
	}
	path, err := s.path()
	if err != nil {
		return Location{}, fmt.Errorf("save credential: %w", err)
	}

	if s.keychainEnabled() {
		full, err := json.Marshal(c)
		if err != nil {
			return Location{}, fmt.Errorf("save credential: %w", err)
		}
		if s.keychainSet(ctx, string(full)) == nil {
			meta := c
			meta.Key, meta.RefreshToken = "", ""
			if err := writeFile(path, &meta); err != nil {
				return Location{}, err
			}
			return Location{Keychain: true, Path: path}, nil
		}
		if err := ctx.Err(); err != nil {
			return Location{}, fmt.Errorf("save credential: %w", err)
		}
		// The file will hold the token; drop any older one left in the
		// keychain. Best effort: the keychain just failed.
		s.keychainDelete(ctx)
	}
	if err := writeFile(path, &c); err != nil {
		return Location{}, err
	}
	return Location{Path: path}, nil
}

// Info returns the stored credential from the file alone, without asking
// the keychain, for "whoami" and other offline uses. When the token is in
// the keychain, the returned Key and RefreshToken are empty.
func (s *Store) Info(ctx context.Context) (*Credential, Location, error) {
	path, err := s.path()
	if err != nil {
		return nil, Location{}, fmt.Errorf("load credential: %w", err)
	}
	c, err := readFile(path)
	if err != nil {
		return nil, Location{}, err
	}
	return c, Location{Keychain: c.Key == "", Path: path}, nil
}

// Load returns the stored credential with its token, from the file or the
// keychain. ErrNotLoggedIn if none is stored; ErrKeychainUnavailable if
// the token is in a keychain that cannot be read now.
func (s *Store) Load(ctx context.Context) (*Credential, Location, error) {
	meta, loc, err := s.Info(ctx)
	if err != nil || !loc.Keychain {
		return meta, loc, err
	}
	if !s.keychainEnabled() {
		return nil, loc, fmt.Errorf("load credential: %w: %s is set", ErrKeychainUnavailable,
			DisableKeyringEnv)
	}
	v, err := s.keychainGet(ctx)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, loc, fmt.Errorf("load credential: token missing from os keychain: %w",
			ErrNotLoggedIn)
	}
	if err != nil {
		return nil, loc, fmt.Errorf("load credential: %w: %w", ErrKeychainUnavailable, err)
	}

	// The keychain holds the whole credential, written in one call, so it
	// is self-consistent even if the file was left from an older login.
	// An entry that is not JSON is taken as a bare token with the file's
	// metadata.
	var c Credential
	if json.Unmarshal([]byte(v), &c) != nil || c.Key == "" {
		c = *meta
		c.Key = v
	}
	return &c, loc, nil
}

// Credential returns the token stored for the gateway at baseURL, so a
// Store can serve as the CLI's source of stored keys. It returns "" and
// nil when nobody is logged in, and an *OtherGatewayError when the login
// is for another gateway: the token is never handed out for a URL it was
// not issued for, and the CLI can say why instead of calling anonymously.
func (s *Store) Credential(ctx context.Context, baseURL string) (string, error) {
	c, _, err := s.Load(ctx)
	if errors.Is(err, ErrNotLoggedIn) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if err := c.Check(baseURL); err != nil {
		return "", err
	}
	return c.Key, nil
}

// Delete removes the credential from the file and the keychain. A keychain
// failure is reported only when the file said the token was there; without
// a keychain on this machine, logging out must still succeed.
func (s *Store) Delete(ctx context.Context) error {
	path, err := s.path()
	if err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	_, loc, infoErr := s.Info(ctx)
	inKeychain := infoErr == nil && loc.Keychain

	var kcErr error
	if s.keychainEnabled() {
		if err := s.keychainDelete(ctx); err != nil && inKeychain {
			kcErr = fmt.Errorf("delete credential from os keychain: %w", err)
		}
	}
	return errors.Join(kcErr, removeFile(path))
}

func (s *Store) path() (string, error) {
	home, err := s.home()
	if err != nil {
		return "", fmt.Errorf("find home directory: %w", err)
	}
	if home == "" {
		return "", errors.New("find home directory: empty path")
	}
	return filepath.Join(home, dirName, fileName), nil
}

// keychainEnabled reports whether DisableKeyringEnv leaves the keychain on.
func (s *Store) keychainEnabled() bool {
	v, _ := s.lookupEnv(DisableKeyringEnv)
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return false
	}
	return true
}
