package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// claims are what the CLI shows of a session token's payload. The CLI
// reads them without checking the signature: it trusts the gateway it just
// logged in to, and only the gateway, which verifies every token it gets,
// needs to trust the token.
type claims struct {
	Subject   string   `json:"sub"`
	Email     string   `json:"email"`
	Role      string   `json:"role"`
	TeamID    string   `json:"team_id"`
	SessionID string   `json:"jti"`
	IssuedAt  *float64 `json:"iat"` // NumericDate, RFC 7519 §2: may have a fraction
	Expiry    *float64 `json:"exp"`
}

// parseClaims decodes the payload of a JWT in compact serialization
// (RFC 7515 §7.1): the second of three base64url parts.
func parseClaims(token string) (*claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("token is not a JWT")
	}
	// Unpadded per RFC 7515 §2, but padding costs nothing to accept.
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("token payload: %w", err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("token payload: %w", err)
	}
	return &c, nil
}

// unix converts a NumericDate to whole seconds; nil and nonsense are 0.
func unix(d *float64) int64 {
	if d == nil || *d <= 0 || *d > math.MaxInt32*4 {
		return 0
	}
	return int64(*d)
}

// newCredential is what login stores for the gateway at base: the token
// and what its payload says about it. A token that is not a JWT, as an
// older gateway may send, is kept with what the poll answer says, and
// issued now.
func newCredential(base string, r *apitype.CLILoginPoll, now time.Time) credstore.Credential {
	c := credstore.Credential{BaseURL: base, Key: r.Key, UserID: r.UserID, Timestamp: now.Unix()}
	if r.TeamID != nil {
		c.TeamID = *r.TeamID
	}
	if r.ExpiresIn > 0 {
		c.ExpiresAt = now.Unix() + r.ExpiresIn
	}
	cl, err := parseClaims(r.Key)
	if err != nil {
		return c
	}
	c.UserEmail, c.UserRole = cl.Email, cl.Role
	if cl.Subject != "" {
		c.UserID = cl.Subject
	}
	if cl.TeamID != "" {
		c.TeamID = cl.TeamID
	}
	if iat := unix(cl.IssuedAt); iat != 0 {
		c.Timestamp = iat
	}
	if exp := unix(cl.Expiry); exp != 0 {
		c.ExpiresAt = exp
	}
	return c
}

// span shows a duration to come, to the minute: "21h 14m", "3d 2h".
func span(d time.Duration) string {
	switch m := int64(d / time.Minute); {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%dm", m)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %dm", m/60, m%60)
	default:
		return fmt.Sprintf("%dd %dh", m/(24*60), m/60%24)
	}
}

// ago shows a past duration in its largest unit: "3h", "2d".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moments"
	case d < time.Hour:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	default:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
}

// expiryStatus says how long a login that expires at exp has left, or
// since when it is over; a zero exp is unknown.
func (a *app) expiryStatus(exp time.Time) string {
	now := a.now()
	switch {
	case exp.IsZero():
		return "unknown expiry"
	case now.Before(exp):
		return "expires in " + span(exp.Sub(now))
	}
	return fmt.Sprintf("expired %s ago; run %s", ago(now.Sub(exp)), a.loginCommand())
}
