package auth

import (
	"net/http"
	"slices"
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/httpapi"
)

// Roles lists the valid user roles, most powerful first.
var Roles = []string{
	apitype.RoleProxyAdmin,
	apitype.RoleProxyAdminViewer,
	apitype.RoleInternalUser,
	apitype.RoleInternalUserViewer,
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// RequireRole returns a 403 naming the roles needed unless the caller has
// one of them.
func RequireRole(p *Principal, roles ...string) error {
	if slices.Contains(roles, p.Role) {
		return nil
	}
	return Forbidden(p, roles...)
}

// Forbidden returns the 403 for a caller that lacks one of roles.
func Forbidden(p *Principal, roles ...string) error {
	return httpapi.Errorf(http.StatusForbidden,
		"This route requires the role %s; your role is %s.", strings.Join(roles, " or "), p.Role)
}
