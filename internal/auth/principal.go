// Package auth decides who is calling the gateway and what they may do.
//
// A caller presents a bearer credential: the master key, a virtual key
// ("sk-..."), or (later) a CLI session token. The Authenticator resolves it
// to a Principal holding the caller's role, user, team and the set of
// models they may use. Resolved principals are cached in memory and the
// cache is dropped whenever the store's revision moves, so the hot path
// reads no database in the steady state and changes still take effect at
// once.
package auth

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/store"
)

// Principal is an authenticated caller. It is shared between requests and
// must not be modified.
//
// A principal authenticated by a CLI session token has no Key; its Role is
// its user's current role and its models those of its user and team.
type Principal struct {
	Role      string // one of the apitype.Role* names
	Master    bool   // authenticated with the master key
	UserID    string // empty for the master key and for keys without a user
	TeamID    string
	KeyHash   string // hash of the virtual key used; empty otherwise
	SessionID string // jti of the CLI session token used; empty otherwise

	Key  *store.Key  // nil for the master key
	User *store.User // nil when the key has no user
	Team *store.Team // nil when the key has no team

	models    access
	expiresAt time.Time    // zero: never
	lastTouch atomic.Int64 // unix seconds of the last recorded session use
}

// IsAdmin reports whether the caller may change anything.
func (p *Principal) IsAdmin() bool { return p.Role == apitype.RoleProxyAdmin }

// CanReadAll reports whether the caller may read every management record.
func (p *Principal) CanReadAll() bool {
	return p.Role == apitype.RoleProxyAdmin || p.Role == apitype.RoleProxyAdminViewer
}

// CanUseModel reports whether the caller may call the model name.
func (p *Principal) CanUseModel(name string) bool { return p.models.allows(name) }

// Models filters names (such as a catalog's sorted names) down to those the
// caller may use, keeping their order.
func (p *Principal) Models(names []string) []string {
	if p.models.all {
		return slices.Clone(names)
	}
	out := make([]string, 0, len(p.models.names))
	for _, n := range names {
		if p.models.allows(n) {
			out = append(out, n)
		}
	}
	return out
}

// NamedModels returns, sorted, the model names the caller's access lists
// by name (those of access groups included) rather than through a
// pattern; nil when the caller may use every model. The slice is shared.
func (p *Principal) NamedModels() []string { return p.models.sorted }

// InTeam reports whether the caller's user is a member of the team, and
// whether as a team admin.
func (p *Principal) InTeam(t *store.Team) (member, admin bool) {
	if p.UserID == "" {
		return false, false
	}
	for _, m := range t.Members {
		if m.UserID == p.UserID {
			return true, m.Role == "admin"
		}
	}
	return false, false
}
