package signer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Leeway is the clock skew allowed when checking "exp". RFC 7519 §4.1.4
// allows "some small leeway, usually no more than a few minutes"; replicas
// run NTP, so 30 seconds is enough and keeps revocation by expiry tight.
const Leeway = 30 * time.Second

// Errors returned by Verify. Callers test them with errors.Is.
var (
	// ErrExpired means the token was valid but its "exp" has passed: the
	// user should run "litellm-proxy login" again.
	ErrExpired = errors.New("token expired")
	// ErrInvalid means the token is not one of ours or was altered. The
	// wrapped detail is for logs only; clients get a generic message, so
	// that they learn nothing about why a forgery failed.
	ErrInvalid = errors.New("invalid token")
)

// Claims are the facts a session token carries.
type Claims struct {
	Subject   string    // user id ("sub")
	SessionID string    // session id ("jti"), one session row per token
	Email     string    // "email", may be empty
	Role      string    // "role", the user's gateway role
	TeamID    string    // "team_id", empty for a token without a team
	IssuedAt  time.Time // "iat"; zero in Issue means now
	ExpiresAt time.Time // "exp"; required
}

// tokenClaims is the JSON payload of a token.
type tokenClaims struct {
	Email  string `json:"email,omitempty"`
	Role   string `json:"role,omitempty"`
	TeamID string `json:"team_id,omitempty"`
	jwt.RegisteredClaims
}

// Issue signs a token for c with the current signing key. Times are
// truncated to whole seconds, as JWT NumericDates are (RFC 7519 §2).
func (s *Signer) Issue(c Claims) (string, error) {
	if c.IssuedAt.IsZero() {
		c.IssuedAt = s.now()
	}
	switch {
	case c.Subject == "" || c.SessionID == "":
		return "", errors.New("issue token: subject and session id are required")
	case !c.ExpiresAt.After(c.IssuedAt):
		return "", errors.New("issue token: expiry must be after issue time")
	}

	set := s.keys.Load()
	tc := &tokenClaims{
		Email:  c.Email,
		Role:   c.Role,
		TeamID: c.TeamID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Audience:  jwt.ClaimStrings{s.audience},
			Subject:   c.Subject,
			ID:        c.SessionID,
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
		},
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, tc)
	t.Header["kid"] = set.signID
	signed, err := t.SignedString(set.signKey)
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return signed, nil
}

// errUnknownKey is returned by keyFor when the kid is not in the key set.
var errUnknownKey = errors.New("unknown key id")

// Verify checks token's signature, algorithm, key, issuer, audience and
// expiry, and returns its claims. Errors wrap ErrExpired or ErrInvalid.
//
// Verify reads no store unless the token names a key this replica does not
// know; then it reloads the keys (rate-limited) with ctx and tries again.
func (s *Signer) Verify(ctx context.Context, token string) (*Claims, error) {
	set := s.keys.Load()
	tc, err := s.parse(token)
	if errors.Is(err, errUnknownKey) && s.reloadOnMiss(ctx, set) {
		tc, err = s.parse(token)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := s.checkClaims(tc); err != nil {
		return nil, err
	}

	c := &Claims{
		Subject:   tc.Subject,
		SessionID: tc.ID,
		Email:     tc.Email,
		Role:      tc.Role,
		TeamID:    tc.TeamID,
		ExpiresAt: tc.ExpiresAt.Time,
	}
	if tc.IssuedAt != nil {
		c.IssuedAt = tc.IssuedAt.Time
	}
	return c, nil
}

// parse checks the algorithm and signature and decodes the claims.
func (s *Signer) parse(token string) (*tokenClaims, error) {
	tc := new(tokenClaims)
	if _, err := s.parser.ParseWithClaims(token, tc, s.keyfunc); err != nil {
		return nil, err
	}
	return tc, nil
}

// keyFor returns the public key named by the token's kid. The algorithm
// was already checked by the parser.
func (s *Signer) keyFor(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if pub, ok := s.keys.Load().verify[kid]; ok {
		return pub, nil
	}
	return nil, errUnknownKey
}

// checkClaims checks the registered claims of a token whose signature is
// good. Only a token that passes every other check may be called expired.
func (s *Signer) checkClaims(tc *tokenClaims) error {
	switch {
	case tc.Issuer != s.issuer:
		return fmt.Errorf("%w: wrong issuer", ErrInvalid)
	// RFC 7519 §4.1.3: a recipient that does not find itself in "aud"
	// must reject the token. Ours always carry one, so it is required.
	case !slices.Contains(tc.Audience, s.audience):
		return fmt.Errorf("%w: wrong audience", ErrInvalid)
	case tc.ExpiresAt == nil:
		return fmt.Errorf("%w: no expiry", ErrInvalid)
	case tc.Subject == "" || tc.ID == "":
		return fmt.Errorf("%w: no subject or session id", ErrInvalid)
	}
	// RFC 7519 §4.1.4: now must be before "exp", give or take Leeway.
	if !s.now().Before(tc.ExpiresAt.Add(Leeway)) {
		return ErrExpired
	}
	return nil
}
