package sso

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// Identity is a person as the identity provider described them.
type Identity struct {
	Provider string // Generic, Google or Microsoft
	// Issuer is the id_token's "iss"; for a plain OAuth 2.0 provider, the
	// origin of its userinfo endpoint. Issuer and Subject together name
	// one account for good.
	Issuer  string
	Subject string // the "sub" claim, or UserID when there is none
	// UserID is the claim named by ClaimNames.UserID: the gateway's user
	// id for this person.
	UserID string
	Email  string
	// EmailVerified reports that the provider vouches for Email.
	EmailVerified bool
	Name          string
	Groups        []string
	// Role is the value of the ClaimNames.Role claim, unchecked; empty
	// when no role claim is configured.
	Role string
}

// maxUserInfo bounds the userinfo response the gateway reads.
const maxUserInfo = 1 << 20

// claims are the decoded claims of an id_token or a userinfo response.
type claims map[string]any

// lookup finds a top-level claim, else follows name as a dotted path
// through nested objects.
func (c claims) lookup(name string) (any, bool) {
	if v, ok := c[name]; ok || !strings.Contains(name, ".") {
		return v, ok
	}
	var cur any = map[string]any(c)
	for part := range strings.SplitSeq(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// str returns a string or numeric claim as a string, else "".
func (c claims) str(name string) string {
	v, _ := c.lookup(name)
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// strs returns the strings of an array claim, or a lone string as a list
// of one.
func (c claims) strs(name string) []string {
	v, _ := c.lookup(name)
	switch v := v.(type) {
	case string:
		if v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, item := range v {
			if s, ok := item.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// boolean reads true, or "true" as some providers (Amazon Cognito) send.
func (c claims) boolean(name string) bool {
	v, _ := c.lookup(name)
	return v == true || v == "true"
}

// identity maps claims to an Identity.
func (p *Provider) identity(c claims, issuer string) (*Identity, error) {
	n := p.cfg.Claims
	id := &Identity{
		Provider: p.cfg.Name,
		Issuer:   issuer,
		Subject:  c.str("sub"),
		UserID:   c.str(n.UserID),
		Name:     c.str(n.Name),
		Groups:   c.strs(n.Groups),
	}
	if n.Role != "" {
		id.Role = c.str(n.Role)
	}
	if p.cfg.Name == Microsoft {
		id.Email, id.EmailVerified = microsoftEmail(c, n.Email)
	} else {
		id.Email, id.EmailVerified = c.str(n.Email), c.boolean("email_verified")
	}
	if id.UserID == "" {
		return nil, fmt.Errorf("%w: the provider sent no %q claim for the user id",
			ErrMisconfigured, n.UserID)
	}
	if id.Subject == "" {
		id.Subject = id.UserID
	}
	return id, nil
}

// wantsUserInfo reports whether an id_token lacks a claim the identity
// needs, which the userinfo endpoint may hold. Groups count only when the
// policy reads them.
func (p *Provider) wantsUserInfo(c claims) bool {
	n := p.cfg.Claims
	names := []string{n.UserID, n.Email, n.Name, n.Role}
	if p.cfg.Policy.usesGroups() {
		names = append(names, n.Groups)
	}
	for _, name := range names {
		if _, ok := c.lookup(name); name != "" && !ok {
			return true
		}
	}
	return false
}

// userInfo fetches the claims of the userinfo endpoint with the access
// token (OpenID Connect Core §5.3; RFC 6750 §2.1).
func (p *Provider) userInfo(ctx context.Context, tok *oauth2.Token) (claims, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.userInfoURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: userinfo request: %w", ErrMisconfigured, err)
	}
	req.Header.Set("Accept", "application/json")
	tok.SetAuthHeader(req)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: userinfo: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxUserInfo))
	if err != nil {
		return nil, fmt.Errorf("%w: read userinfo: %w", ErrUnavailable, err)
	}

	switch {
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("%w: userinfo: %s", ErrUnavailable, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: userinfo: %s", ErrDenied, resp.Status)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "application/jwt" {
		return nil, fmt.Errorf("%w: signed userinfo responses are not supported", ErrMisconfigured)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // numeric user ids stay exact
	var c claims
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: decode userinfo: %w", ErrInvalidResponse, err)
	}
	return c, nil
}

// origin returns the scheme and host of u.
func origin(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return pu.Scheme + "://" + pu.Host
}
