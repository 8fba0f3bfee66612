package sso

import "log/slog"

// Provider names, as they appear in Config.Name and Identity.Provider.
const (
	Generic   = "generic"
	Google    = "google"
	Microsoft = "microsoft"
)

// DefaultScope is the scope requested when GENERIC_SCOPE is unset, and
// always for Google and Microsoft.
const DefaultScope = "openid email profile"

// Secret is a string that never prints: fmt and log/slog show
// "[redacted]" in its place. Convert it with string(s) where the value is
// needed.
type Secret string

// String returns "[redacted]".
func (Secret) String() string { return "[redacted]" }

// GoString returns "[redacted]", so that %#v hides the value too.
func (Secret) GoString() string { return "[redacted]" }

// LogValue hides the value from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Config describes one identity provider and the gateway's login policy.
// [FromEnv] builds it from the environment; callers may also fill one in
// directly. A Config must not be modified once a Provider uses it.
type Config struct {
	// Name is Generic, Google or Microsoft.
	Name string

	ClientID     string
	ClientSecret Secret

	// RedirectURL is the gateway's callback URL, as registered at the
	// provider, such as "https://gateway.example.com/sso/callback".
	RedirectURL string

	// Scopes are requested at the authorization endpoint. They must
	// include "openid" when IssuerURL is set.
	Scopes []string

	// IssuerURL turns on OpenID Connect: the endpoints come from the
	// provider's discovery document and every id_token is verified
	// (signature, iss, aud, exp, nonce). Empty means plain OAuth 2.0: the
	// identity then comes from UserInfoURL alone, and nothing the provider
	// says can be checked beyond the TLS connection that carried it.
	IssuerURL string

	// AuthURL, TokenURL and UserInfoURL override the discovered
	// endpoints. Without an IssuerURL, all three are required.
	AuthURL     string
	TokenURL    string
	UserInfoURL string

	// IncludeClientID also sends client_id in the body of the token
	// request, for providers that want it there even when the client
	// authenticates with HTTP Basic (GENERIC_INCLUDE_CLIENT_ID).
	IncludeClientID bool

	// Tenant is the Microsoft Entra tenant: a tenant id, a verified domain
	// name, or "common", "organizations" or "consumers". Microsoft only.
	Tenant string

	Claims ClaimNames
	Policy Policy

	// Warnings lists settings that were accepted or ignored but deserve
	// the operator's attention. The caller logs them once at start.
	Warnings []string
}

// ClaimNames says which claims of the id_token or the userinfo response
// hold each part of an Identity. A name that is not a top-level claim is
// read as a dotted path into nested objects, such as "realm_access.roles".
type ClaimNames struct {
	UserID string // default "sub"
	Email  string // default "email"
	Name   string // default "name"
	Groups string // default "groups"
	// Role names a claim holding one of the gateway's role names. Empty
	// means that roles come from groups and the default role only.
	Role string
}

// Policy decides who may log in through the provider, with which role and
// in which teams. The zero Policy admits everyone as an internal user in
// no team.
type Policy struct {
	// AllowedDomains, lowercase, are the email domains that may log in.
	// Empty admits every domain.
	AllowedDomains []string
	// AllowUnverifiedEmail admits an email address the provider did not
	// mark as verified when AllowedDomains is set. Off by default: an
	// address nobody verified says nothing about who holds it.
	AllowUnverifiedEmail bool

	// DefaultRole is the role of users whom no group maps to a role.
	// Empty means apitype.RoleInternalUser.
	DefaultRole string
	// AdminUserID, when set, is always a proxy admin (PROXY_ADMIN_ID).
	AdminUserID string
	// RoleGroups maps a role to the groups that grant it. A user in
	// groups of several roles gets the most powerful one.
	RoleGroups map[string][]string

	// TeamGroups maps a group to the id of the gateway team its members
	// join.
	TeamGroups map[string]string
	// AllGroupsAreTeams makes every group the id of a team, as LiteLLM
	// does. Only safe when users cannot create or name groups themselves.
	AllGroupsAreTeams bool
}
