package sso

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
)

// Decision is the gateway's answer to an Identity.
type Decision struct {
	Allowed bool
	// Reason tells the person why they were refused, in a sentence a page
	// can show. Empty when Allowed.
	Reason string
	// Role is one of the apitype.Role* names.
	Role string
	// TeamIDs are the gateway teams the person's groups map to, in the
	// order of the groups. The caller checks that they exist.
	TeamIDs []string
}

// Decide applies c.Policy to id: whether the person may log in, with
// which role and in which teams. It returns an error only for an identity
// it cannot judge, one without a user id.
func (c *Config) Decide(id Identity) (Decision, error) {
	if id.UserID == "" {
		return Decision{}, errors.New("decide: identity has no user id")
	}
	p := &c.Policy
	if reason := p.refusal(id); reason != "" {
		return Decision{Reason: reason}, nil
	}
	return Decision{Allowed: true, Role: p.role(id), TeamIDs: p.teams(id.Groups)}, nil
}

// refusal returns why id may not log in, or "".
func (p *Policy) refusal(id Identity) string {
	if len(p.AllowedDomains) == 0 {
		return ""
	}
	at := strings.LastIndexByte(id.Email, '@')
	switch {
	case at < 0:
		return "Your identity provider did not share your email address, " +
			"which this gateway needs to admit you. Ask an administrator."
	case !id.EmailVerified && !p.AllowUnverifiedEmail:
		return "Your identity provider did not confirm that your email address " +
			"is verified, which this gateway needs to admit you. Ask an administrator."
	}
	domain := strings.ToLower(id.Email[at+1:])
	if !slices.Contains(p.AllowedDomains, domain) {
		return fmt.Sprintf("Accounts from %s may not sign in to this gateway. "+
			"Ask an administrator if you need access.", domain)
	}
	return ""
}

// role picks the most powerful role that PROXY_ADMIN_ID, the role claim
// or the groups grant, else the default role.
func (p *Policy) role(id Identity) string {
	if p.AdminUserID != "" && id.UserID == p.AdminUserID {
		return apitype.RoleProxyAdmin
	}
	var granted []string
	if auth.ValidRole(id.Role) {
		granted = append(granted, id.Role)
	}
	member := func(g string) bool { return slices.Contains(id.Groups, g) }
	for role, groups := range p.RoleGroups {
		if slices.ContainsFunc(groups, member) {
			granted = append(granted, role)
		}
	}
	// auth.Roles lists the most powerful first.
	for _, role := range auth.Roles {
		if slices.Contains(granted, role) {
			return role
		}
	}
	if p.DefaultRole != "" {
		return p.DefaultRole
	}
	return apitype.RoleInternalUser
}

// teams maps groups to team ids, without repeats.
func (p *Policy) teams(groups []string) []string {
	var ids []string
	for _, g := range groups {
		team, ok := p.TeamGroups[g]
		if p.AllGroupsAreTeams {
			team, ok = g, true
		}
		if ok && !slices.Contains(ids, team) {
			ids = append(ids, team)
		}
	}
	return ids
}

// usesGroups reports whether the policy reads the groups claim.
func (p *Policy) usesGroups() bool {
	return len(p.RoleGroups) > 0 || len(p.TeamGroups) > 0 || p.AllGroupsAreTeams
}
