package sso

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecide(t *testing.T) {
	jane := Identity{UserID: "u1", Email: "jane@Example.com", EmailVerified: true,
		Groups: []string{"ml", "admins", "infra", "ml"}}
	with := func(edit func(*Identity)) Identity {
		id := jane
		edit(&id)
		return id
	}
	const viewer = "internal_user_viewer"
	teams := map[string]string{"infra": "team_infra", "ml": "team_ml", "ops": "team_ops"}
	tests := []struct {
		name   string
		policy Policy
		id     Identity
		want   Decision
		reason string // a substring of the refusal
	}{{
		name: "zero policy",
		id:   jane,
		want: Decision{Allowed: true, Role: "internal_user"},
	}, {
		name:   "domain allowed, case-insensitively",
		policy: Policy{AllowedDomains: []string{"example.org", "example.com"}, DefaultRole: viewer},
		id:     jane,
		want:   Decision{Allowed: true, Role: viewer},
	}, {
		name:   "domain refused",
		policy: Policy{AllowedDomains: []string{"example.org"}},
		id:     jane,
		reason: "Accounts from example.com may not sign in",
	}, {
		name:   "subdomain refused",
		policy: Policy{AllowedDomains: []string{"example.com"}},
		id:     with(func(id *Identity) { id.Email = "eve@evil.example.com" }),
		reason: "evil.example.com",
	}, {
		name:   "no email",
		policy: Policy{AllowedDomains: []string{"example.com"}},
		id:     with(func(id *Identity) { id.Email = "" }),
		reason: "did not share your email address",
	}, {
		name:   "unverified email",
		policy: Policy{AllowedDomains: []string{"example.com"}},
		id:     with(func(id *Identity) { id.EmailVerified = false }),
		reason: "did not confirm that your email address is verified",
	}, {
		name:   "unverified email allowed",
		policy: Policy{AllowedDomains: []string{"example.com"}, AllowUnverifiedEmail: true},
		id:     with(func(id *Identity) { id.EmailVerified = false }),
		want:   Decision{Allowed: true, Role: "internal_user"},
	}, {
		name: "admin group wins",
		policy: Policy{RoleGroups: map[string][]string{
			"internal_user_viewer": {"ml"}, "proxy_admin": {"admins", "platform"},
		}},
		id:   jane,
		want: Decision{Allowed: true, Role: "proxy_admin"},
	}, {
		name:   "mapping below the default role",
		policy: Policy{RoleGroups: map[string][]string{viewer: {"ml"}}},
		id:     jane,
		want:   Decision{Allowed: true, Role: viewer},
	}, {
		name:   "no group matches",
		policy: Policy{RoleGroups: map[string][]string{"proxy_admin": {"platform"}}, DefaultRole: viewer},
		id:     jane,
		want:   Decision{Allowed: true, Role: viewer},
	}, {
		name:   "role claim against a lower group",
		policy: Policy{RoleGroups: map[string][]string{"internal_user_viewer": {"ml"}}},
		id:     with(func(id *Identity) { id.Role = "proxy_admin_viewer" }),
		want:   Decision{Allowed: true, Role: "proxy_admin_viewer"},
	}, {
		name: "unknown role claim ignored",
		id:   with(func(id *Identity) { id.Role = "superuser" }),
		want: Decision{Allowed: true, Role: "internal_user"},
	}, {
		name:   "PROXY_ADMIN_ID",
		policy: Policy{AdminUserID: "u1"},
		id:     jane,
		want:   Decision{Allowed: true, Role: "proxy_admin"},
	}, {
		name:   "team mapping, in group order, without repeats",
		policy: Policy{TeamGroups: teams},
		id:     jane,
		want:   Decision{Allowed: true, Role: "internal_user", TeamIDs: []string{"team_ml", "team_infra"}},
	}, {
		name:   "every group a team",
		policy: Policy{AllGroupsAreTeams: true},
		id:     jane,
		want:   Decision{Allowed: true, Role: "internal_user", TeamIDs: []string{"ml", "admins", "infra"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{Policy: tt.policy}
			got, err := c.Decide(tt.id)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if tt.reason != "" {
				if got.Allowed || !strings.Contains(got.Reason, tt.reason) {
					t.Errorf("Decide = %+v, want a refusal saying %q", got, tt.reason)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decision (-want +got):\n%s", diff)
			}
		})
	}

	if _, err := (&Config{}).Decide(Identity{Email: "a@example.com"}); err == nil {
		t.Error("Decide of an identity without a user id: no error")
	}
}
