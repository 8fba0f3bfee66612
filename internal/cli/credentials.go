package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// credentialSource finds a credential stored on this machine for a
// gateway, such as the token a browser login left in the OS keychain or in
// ~/.litellm/token.json. It is asked only when neither --api-key nor
// LITELLM_PROXY_API_KEY gives a key, so an explicit key always wins, and
// only for the gateway the credential was issued for.
type credentialSource interface {
	// Credential returns the token stored for baseURL, or "" and a nil
	// error when there is none.
	Credential(ctx context.Context, baseURL string) (string, error)
}

// noStoredCredential is the source of a CLI without a credential store:
// it never has one.
type noStoredCredential struct{}

func (noStoredCredential) Credential(context.Context, string) (string, error) {
	return "", nil
}

// keySource says where the key sent to the gateway came from.
type keySource int

const (
	keyNone   keySource = iota // no key: requests are anonymous
	keyFlag                    // --api-key
	keyEnv                     // LITELLM_PROXY_API_KEY
	keyStored                  // a credentialSource
)

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
	tok, err := a.creds.Credential(cmd.Context(), baseURL)
	if err != nil {
		return "", keyNone, fmt.Errorf("read the stored credential: %w", err)
	}
	if tok == "" {
		return "", keyNone, nil
	}
	return tok, keyStored, nil
}
