package sso

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
)

// generic reads GENERIC_*: OpenID Connect when GENERIC_ISSUER_URL is set,
// plain OAuth 2.0 with a userinfo endpoint otherwise. LiteLLM has no
// issuer variable; GENERIC_ISSUER_URL is this gateway's addition.
func (e *env) generic(c *Config) {
	c.ClientID = e.get("GENERIC_CLIENT_ID")
	c.ClientSecret = Secret(e.required("GENERIC_CLIENT_SECRET", "with GENERIC_CLIENT_ID"))
	// Kept as given: the id_token's "iss" must equal it exactly, trailing
	// slash included (Auth0's has one).
	c.IssuerURL = e.url("GENERIC_ISSUER_URL")
	c.AuthURL = e.url("GENERIC_AUTHORIZATION_ENDPOINT")
	c.TokenURL = e.url("GENERIC_TOKEN_ENDPOINT")
	c.UserInfoURL = e.url("GENERIC_USERINFO_ENDPOINT")
	if e.get("GENERIC_ISSUER_URL") == "" {
		for _, name := range []string{"GENERIC_AUTHORIZATION_ENDPOINT",
			"GENERIC_TOKEN_ENDPOINT", "GENERIC_USERINFO_ENDPOINT"} {
			e.required(name, "without GENERIC_ISSUER_URL")
		}
	}
	c.Scopes = strings.Fields(e.getOr("GENERIC_SCOPE", DefaultScope))
	if c.IssuerURL != "" && !slices.Contains(c.Scopes, "openid") {
		// Without "openid" the provider sends no id_token to verify
		// (OpenID Connect Core §3.1.2.1).
		e.fail("GENERIC_SCOPE", "must include openid when GENERIC_ISSUER_URL is set")
	}
	c.IncludeClientID = e.bool("GENERIC_INCLUDE_CLIENT_ID", false)
	c.Claims = ClaimNames{
		// LiteLLM defaults to preferred_username, which OpenID Connect
		// Core §5.7 says is neither unique nor stable; sub is both.
		UserID: e.getOr("GENERIC_USER_ID_ATTRIBUTE", "sub"),
		Email:  e.getOr("GENERIC_USER_EMAIL_ATTRIBUTE", "email"),
		Name:   e.getOr("GENERIC_USER_DISPLAY_NAME_ATTRIBUTE", "name"),
		Role:   e.get("GENERIC_USER_ROLE_ATTRIBUTE"),
	}

	if !e.bool("GENERIC_CLIENT_USE_PKCE", true) {
		e.warn("GENERIC_CLIENT_USE_PKCE=false is ignored: PKCE is always " +
			"used (RFC 9700 §2.1.1); providers ignore parameters they do not know")
	}
	if e.get("GENERIC_CLIENT_STATE") != "" {
		e.warn("GENERIC_CLIENT_STATE is ignored: a fixed state would defeat " +
			"its CSRF protection; every login gets a random state")
	}
	e.ignored("GENERIC_SSO_HEADERS", "GENERIC_USER_FIRST_NAME_ATTRIBUTE",
		"GENERIC_USER_LAST_NAME_ATTRIBUTE", "GENERIC_USER_PROVIDER_ATTRIBUTE")
}

// google reads GOOGLE_*: OpenID Connect at accounts.google.com.
func (e *env) google(c *Config) {
	c.ClientID = e.get("GOOGLE_CLIENT_ID")
	c.ClientSecret = Secret(e.required("GOOGLE_CLIENT_SECRET", "with GOOGLE_CLIENT_ID"))
	c.IssuerURL = "https://accounts.google.com"
	c.Scopes = strings.Fields(DefaultScope)
	c.Claims = ClaimNames{UserID: "sub", Email: "email", Name: "name"}
}

// microsoft reads MICROSOFT_*: OpenID Connect at Microsoft Entra ID's v2.0
// endpoints. The user id is the "oid" claim, the object id that LiteLLM
// reads from Microsoft Graph as "id", so that user ids carry over.
func (e *env) microsoft(c *Config) {
	c.ClientID = e.get("MICROSOFT_CLIENT_ID")
	c.ClientSecret = Secret(e.required("MICROSOFT_CLIENT_SECRET", "with MICROSOFT_CLIENT_ID"))
	c.Tenant = strings.ToLower(e.getOr("MICROSOFT_TENANT", "common"))
	if !validTenant(c.Tenant) {
		e.fail("MICROSOFT_TENANT", "want a tenant id, a verified domain name, "+
			"or common, organizations or consumers")
	}
	c.IssuerURL = microsoftLogin + "/" + c.Tenant + "/v2.0"
	c.Scopes = strings.Fields(DefaultScope)
	c.Claims = ClaimNames{UserID: "oid", Email: "preferred_username", Name: "name"}
	if multiTenant(c.Tenant) && e.get("ALLOWED_EMAIL_DOMAINS") == "" {
		e.warn("MICROSOFT_TENANT=%s admits accounts of every Microsoft tenant; "+
			"set MICROSOFT_TENANT to your tenant id or set ALLOWED_EMAIL_DOMAINS", c.Tenant)
	}
	// These name Microsoft Graph fields and endpoints; the gateway reads
	// the verified id_token instead.
	e.ignored("MICROSOFT_AUTHORIZATION_ENDPOINT", "MICROSOFT_TOKEN_ENDPOINT",
		"MICROSOFT_USERINFO_ENDPOINT", "MICROSOFT_SERVICE_PRINCIPAL_ID",
		"MICROSOFT_USER_ID_ATTRIBUTE", "MICROSOFT_USER_EMAIL_ATTRIBUTE",
		"MICROSOFT_USER_DISPLAY_NAME_ATTRIBUTE", "MICROSOFT_USER_FIRST_NAME_ATTRIBUTE",
		"MICROSOFT_USER_LAST_NAME_ATTRIBUTE")
}

func (e *env) ignored(names ...string) {
	for _, name := range names {
		if e.get(name) != "" {
			e.warn("%s is not supported and is ignored", name)
		}
	}
}

// policy reads the settings that apply whichever provider is in use,
// including LiteLLM's GENERIC_ROLE_MAPPINGS_* despite their prefix.
func (e *env) policy(c *Config) {
	c.Claims.Groups = e.getOr("GENERIC_ROLE_MAPPINGS_GROUP_CLAIM", "groups")
	p := &c.Policy
	for _, d := range e.list("ALLOWED_EMAIL_DOMAINS") {
		p.AllowedDomains = append(p.AllowedDomains, strings.ToLower(strings.TrimPrefix(d, "@")))
	}
	p.AllowUnverifiedEmail = e.bool("SSO_ALLOW_UNVERIFIED_EMAIL", false)
	p.DefaultRole = e.getOr("GENERIC_ROLE_MAPPINGS_DEFAULT_ROLE", apitype.RoleInternalUser)
	if !auth.ValidRole(p.DefaultRole) {
		e.fail("GENERIC_ROLE_MAPPINGS_DEFAULT_ROLE", "want one of %s",
			strings.Join(auth.Roles, ", "))
	}
	p.AdminUserID = e.get("PROXY_ADMIN_ID")
	p.RoleGroups = e.roleGroups()
	p.TeamGroups, p.AllGroupsAreTeams = e.teamGroups("SSO_TEAM_GROUPS")
}

// roleGroups reads GENERIC_ROLE_MAPPINGS_ROLES (or its older name
// GENERIC_USER_ROLE_MAPPINGS), a JSON object from role to group names:
// {"proxy_admin": ["admins"], "internal_user_viewer": ["contractors"]}.
func (e *env) roleGroups() map[string][]string {
	name := "GENERIC_ROLE_MAPPINGS_ROLES"
	v := e.get(name)
	if v == "" {
		name = "GENERIC_USER_ROLE_MAPPINGS"
		v = e.get(name)
	}
	if v == "" {
		return nil
	}
	var m map[string][]string
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		e.fail(name, `want a JSON object such as {"proxy_admin": ["admins"]}`)
		return nil
	}
	for role := range m {
		if !auth.ValidRole(role) {
			e.fail(name, "unknown role %q; want one of %s", role, strings.Join(auth.Roles, ", "))
		}
	}
	return m
}

// teamGroups reads a comma-separated list of "group:team_id" pairs, where
// a group alone joins the team of the same id, or "*", which makes every
// group a team id. Group names holding "," or ":" (LDAP DNs) go in a JSON
// object instead: {"cn=ml,ou=groups": "team_ml"}.
func (e *env) teamGroups(name string) (map[string]string, bool) {
	v := e.get(name)
	switch {
	case v == "*":
		return nil, true
	case strings.HasPrefix(v, "{"):
		var m map[string]string
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			e.fail(name, `want a JSON object from group to team id`)
		}
		return m, false
	}
	var m map[string]string
	for _, item := range e.list(name) {
		group, team, found := strings.Cut(item, ":")
		if !found {
			team = group
		}
		group, team = strings.TrimSpace(group), strings.TrimSpace(team)
		if group == "" || team == "" || group == "*" {
			e.fail(name, `want "group:team_id,...", "*" or a JSON object`)
			return nil, false
		}
		if m == nil {
			m = make(map[string]string)
		}
		m[group] = team
	}
	return m, false
}
