package credstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// Keychain entry that holds the credential, as in LiteLLM's CLI.
const (
	keychainService = "litellm-cli"
	keychainAccount = "credential"
)

// DefaultTimeout bounds each OS keychain call. A keychain that has not
// answered by then (a D-Bus session with no secret service, a locked
// keychain waiting for a prompt nobody sees) is treated as absent.
const DefaultTimeout = 2500 * time.Millisecond

// Keyring is an OS keychain. Get and Delete return an error wrapping
// keyring.ErrNotFound when the entry does not exist.
type Keyring interface {
	Set(service, account, secret string) error
	Get(service, account string) (string, error)
	Delete(service, account string) error
}

// SystemKeyring is the OS keychain through github.com/zalando/go-keyring:
// the Secret Service over D-Bus on Linux, Keychain on macOS, Credential
// Manager on Windows.
type SystemKeyring struct{}

// Set stores secret under service and account.
func (SystemKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

// Get returns the secret stored under service and account.
func (SystemKeyring) Get(service, account string) (string, error) {
	return keyring.Get(service, account)
}

// Delete removes the secret stored under service and account.
func (SystemKeyring) Delete(service, account string) error {
	return keyring.Delete(service, account)
}

// errKeychainDown is returned without calling the keychain once it has
// timed out in this process, so that a hung D-Bus costs one wait, not one
// per call.
var errKeychainDown = errors.New("os keychain did not answer earlier")

// keychainCall runs op on s's keychain with a deadline. The call runs in
// its own goroutine because go-keyring takes no context; if it hangs, the
// goroutine is abandoned, which a short-lived CLI process can afford.
func keychainCall[T any](ctx context.Context, s *Store, op func(Keyring) (T, error)) (T, error) {
	var zero T
	if s.keychainDown.Load() {
		return zero, errKeychainDown
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned call must not block
	go func() {
		v, err := op(s.keyring)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		s.keychainDown.Store(true)
		return zero, fmt.Errorf("os keychain did not answer: %w", ctx.Err())
	}
}

func (s *Store) keychainSet(ctx context.Context, secret string) error {
	_, err := keychainCall(ctx, s, func(k Keyring) (struct{}, error) {
		return struct{}{}, k.Set(s.service, keychainAccount, secret)
	})
	return err
}

func (s *Store) keychainGet(ctx context.Context) (string, error) {
	return keychainCall(ctx, s, func(k Keyring) (string, error) {
		return k.Get(s.service, keychainAccount)
	})
}

// keychainDelete removes the entry; a missing entry is no error.
func (s *Store) keychainDelete(ctx context.Context) error {
	_, err := keychainCall(ctx, s, func(k Keyring) (struct{}, error) {
		return struct{}{}, k.Delete(s.service, keychainAccount)
	})
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}
