package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// loginStore keeps the login a browser login left on this machine, in the
// OS keychain or in ~/.litellm/token.json; credstore.Store in production.
type loginStore interface {
	Save(ctx context.Context, c credstore.Credential) (credstore.Location, error)
	// Info reads the login without its token where the token is in the
	// keychain, so it never prompts to unlock one.
	Info(ctx context.Context) (*credstore.Credential, credstore.Location, error)
	Load(ctx context.Context) (*credstore.Credential, credstore.Location, error)
	Delete(ctx context.Context) error
}

// keySource says where the key sent to the gateway came from.
type keySource int

const (
	keyNone   keySource = iota // no key: requests are anonymous
	keyFlag                    // --api-key
	keyEnv                     // LITELLM_PROXY_API_KEY
	keyStored                  // the stored login
)

// explicitKey reports whether --api-key or LITELLM_PROXY_API_KEY names the
// key, so the stored login is not consulted.
func (a *app) explicitKey(cmd *cobra.Command) bool {
	return cmd.Flags().Changed("api-key") || a.getenv(envAPIKey) != ""
}

// resolveKey returns the key to send to baseURL and where it came from.
// An --api-key given as "" explicitly sends no key.
func (a *app) resolveKey(cmd *cobra.Command, baseURL string) (string, keySource, error) {
	if cmd.Flags().Changed("api-key") {
		if a.apiKey == "" {
			return "", keyNone, nil
		}
		return a.apiKey, keyFlag, nil
	}
	if v := a.getenv(envAPIKey); v != "" {
		return v, keyEnv, nil
	}
	tok, err := a.storedToken(cmd.Context(), baseURL)
	if errors.Is(err, credstore.ErrNotLoggedIn) {
		return "", keyNone, nil
	}
	if err != nil {
		return "", keyNone, err
	}
	return tok, keyStored, nil
}

// storedToken returns the stored login's token for the gateway at
// baseURL. The gateway and the expiry are checked from the file before the
// keychain is asked for the token, so a token is never read, let alone
// sent, for a gateway it was not issued by, and an expired one is not
// sent at all.
func (a *app) storedToken(ctx context.Context, baseURL string) (string, error) {
	info, _, err := a.store.Info(ctx)
	if err != nil {
		return "", err
	}
	if err := a.usable(info, baseURL); err != nil {
		return "", err
	}
	c, _, err := a.store.Load(ctx)
	if err != nil {
		return "", err
	}
	// The keychain entry is written in one piece and may be newer than
	// the file; check it as well.
	if err := a.usable(c, baseURL); err != nil {
		return "", err
	}
	return c.Key, nil
}

// usable returns an error unless c was issued by the gateway at baseURL
// and has not expired.
func (a *app) usable(c *credstore.Credential, baseURL string) error {
	if err := c.Check(baseURL); err != nil {
		return err
	}
	if exp := expiresAt(c); !exp.IsZero() && !a.now().Before(exp) {
		return &expiredError{at: exp, now: a.now()}
	}
	return nil
}

// expiresAt is the login's expiry; zero when unknown.
func expiresAt(c *credstore.Credential) time.Time {
	if c.ExpiresAt == 0 {
		return time.Time{}
	}
	return time.Unix(c.ExpiresAt, 0)
}

// expiredError is a stored login past its expiry.
type expiredError struct{ at, now time.Time }

func (e *expiredError) Error() string {
	return fmt.Sprintf("your login expired %s ago (%s)", ago(e.now.Sub(e.at)), when(e.at))
}

// loginCommand is the command that logs in to the gateway this command
// line talks to, for hints.
func (a *app) loginCommand() string {
	if a.baseFlag != "" {
		return "litellm-proxy login --base-url " + a.baseFlag
	}
	return "litellm-proxy login"
}
