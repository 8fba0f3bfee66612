// Package credstore keeps the CLI's login on the developer's machine.
//
// The token and refresh token go to the OS keychain (service "litellm-cli",
// account "credential") when it answers within Options.Timeout, else to
// ~/.litellm/token.json (mode 0600 in a 0700 directory). The file is written
// in both cases: with the keychain it holds the credential without "key"
// and "refresh_token", so whoami works offline and without unlocking the
// keychain, while the keychain entry holds the whole credential.
// LITELLM_CLI_DISABLE_KEYRING forces the file.
//
// A token file that other users can read is refused, not repaired: its
// token may already have leaked. Saving always rewrites the file 0600 and
// tightens the directory to 0700.
//
// A credential is bound to the gateway URL it was issued for; callers check
// it with Credential.Check before sending the token anywhere.
package credstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Credential is a stored login. Field names are those of LiteLLM's
// ~/.litellm/token.json.
type Credential struct {
	BaseURL      string `json:"base_url"`
	Key          string `json:"key,omitempty"`
	UserID       string `json:"user_id"`
	UserEmail    string `json:"user_email"`
	UserRole     string `json:"user_role"`
	TeamID       string `json:"team_id,omitempty"`
	Timestamp    int64  `json:"timestamp"`            // unix seconds of issue
	ExpiresAt    int64  `json:"expires_at,omitempty"` // unix seconds; 0 if unknown
	RefreshToken string `json:"refresh_token,omitempty"`
}

// ErrOtherGateway is wrapped by every OtherGatewayError.
var ErrOtherGateway = errors.New("credential is for another gateway")

// OtherGatewayError says the stored credential was issued by another
// gateway than the one the CLI is about to call, so it must not be sent.
type OtherGatewayError struct {
	Stored    string // the credential's base URL
	Requested string // the gateway the CLI was asked to use
}

func (e *OtherGatewayError) Error() string {
	return fmt.Sprintf("stored login is for gateway %s, not %s", e.Stored, e.Requested)
}

// Unwrap lets errors.Is(err, ErrOtherGateway) match.
func (e *OtherGatewayError) Unwrap() error { return ErrOtherGateway }

// For reports whether c was issued for the gateway at baseURL. URLs are
// compared after normalization: scheme and host are case-insensitive
// (RFC 3986 §6.2.2.1), a default port equals no port and a trailing slash
// does not matter (RFC 3986 §6.2.3). An unparsable URL matches nothing.
func (c *Credential) For(baseURL string) bool {
	a, errA := normalizeURL(c.BaseURL)
	b, errB := normalizeURL(baseURL)
	return errA == nil && errB == nil && a == b
}

// Check returns an *OtherGatewayError unless c.For(baseURL).
func (c *Credential) Check(baseURL string) error {
	if c.For(baseURL) {
		return nil
	}
	return &OtherGatewayError{Stored: c.BaseURL, Requested: baseURL}
}

// normalizeURL returns scheme://host:port/path of an http or https URL,
// lower-cased where case does not matter and with the port made explicit.
// Query, fragment and user information are not part of a gateway's
// identity and make the URL invalid rather than being silently dropped.
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("gateway url %q: scheme must be http or https", raw)
	case u.Hostname() == "":
		return "", fmt.Errorf("gateway url %q: no host", raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("gateway url %q: only scheme, host, port and path allowed", raw)
	case port == "" && scheme == "http":
		port = "80"
	case port == "" && scheme == "https":
		port = "443"
	}
	host := net.JoinHostPort(strings.ToLower(u.Hostname()), port)
	return scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/"), nil
}
