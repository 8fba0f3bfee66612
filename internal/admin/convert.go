package admin

import (
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/store"
)

// optional returns nil for an empty string, so that JSON shows null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// list returns a non-nil list, so that JSON shows [] rather than null.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// keyInfo describes k at now: see policy.Current for its spend.
func keyInfo(k *store.Key, now time.Time) apitype.KeyInfo {
	l := policy.Current(k.Limits, now)
	return apitype.KeyInfo{
		Token:          k.Hash,
		KeyName:        k.Name,
		KeyAlias:       optional(k.Alias),
		Spend:          l.Spend,
		MaxBudget:      k.MaxBudget,
		BudgetDuration: optional(k.BudgetDuration),
		BudgetResetAt:  l.BudgetResetAt,
		Expires:        k.ExpiresAt,
		Models:         list(k.Models),
		UserID:         optional(k.UserID),
		TeamID:         optional(k.TeamID),
		Metadata:       k.Metadata,
		RPMLimit:       k.RPMLimit,
		TPMLimit:       k.TPMLimit,
		Blocked:        k.Blocked,
		CreatedBy:      optional(k.CreatedBy),
		CreatedAt:      k.CreatedAt,
		UpdatedAt:      k.UpdatedAt,
	}
}

func keyInfos(keys []*store.Key, now time.Time) []apitype.KeyInfo {
	out := make([]apitype.KeyInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyInfo(k, now))
	}
	return out
}

// userInfo describes u at now: see policy.Current for its spend.
func userInfo(u *store.User, teams []*store.Team, now time.Time) apitype.UserInfo {
	l := policy.Current(u.Limits, now)
	ids := make([]string, 0, len(teams))
	for _, t := range teams {
		ids = append(ids, t.ID)
	}
	return apitype.UserInfo{
		UserID:         u.ID,
		UserEmail:      optional(u.Email),
		UserAlias:      optional(u.Alias),
		UserRole:       u.Role,
		Teams:          ids,
		Models:         list(u.Models),
		Spend:          l.Spend,
		MaxBudget:      u.MaxBudget,
		BudgetDuration: optional(u.BudgetDuration),
		BudgetResetAt:  l.BudgetResetAt,
		RPMLimit:       u.RPMLimit,
		TPMLimit:       u.TPMLimit,
		Metadata:       u.Metadata,
		CreatedAt:      u.CreatedAt,
		UpdatedAt:      u.UpdatedAt,
	}
}

// teamInfo describes t at now (see policy.Current for its spend); emails
// maps member user ids to their emails where known.
func teamInfo(t *store.Team, emails map[string]string, now time.Time) apitype.TeamInfo {
	l := policy.Current(t.Limits, now)
	members := make([]apitype.Member, 0, len(t.Members))
	for _, m := range t.Members {
		members = append(members, apitype.Member{UserID: m.UserID, UserEmail: emails[m.UserID], Role: m.Role})
	}
	return apitype.TeamInfo{
		TeamID:           t.ID,
		TeamAlias:        optional(t.Alias),
		Models:           list(t.Models),
		MembersWithRoles: members,
		Spend:            l.Spend,
		MaxBudget:        t.MaxBudget,
		BudgetDuration:   optional(t.BudgetDuration),
		BudgetResetAt:    l.BudgetResetAt,
		RPMLimit:         t.RPMLimit,
		TPMLimit:         t.TPMLimit,
		Metadata:         t.Metadata,
		Blocked:          t.Blocked,
		CreatedAt:        t.CreatedAt,
		UpdatedAt:        t.UpdatedAt,
	}
}

// limitsPatch is the part of a request that sets Limits.
type limitsPatch struct {
	MaxBudget      *float64
	BudgetDuration *string
	RPMLimit       *int64
	TPMLimit       *int64
}

// apply sets the fields present in the patch on l, validating them.
func (p limitsPatch) apply(l *store.Limits, now time.Time) error {
	if p.MaxBudget != nil {
		if *p.MaxBudget < 0 {
			return badRequest("max_budget must not be negative")
		}
		l.MaxBudget = p.MaxBudget
	}
	if p.BudgetDuration != nil {
		l.BudgetDuration, l.BudgetResetAt = *p.BudgetDuration, nil
		if *p.BudgetDuration != "" {
			d, err := policy.ParseDuration(*p.BudgetDuration)
			if err != nil {
				return badRequest("budget_duration: %s", err)
			}
			reset := now.Add(d).UTC()
			l.BudgetResetAt = &reset
		}
	}
	for name, v := range map[string]*int64{"rpm_limit": p.RPMLimit, "tpm_limit": p.TPMLimit} {
		if v != nil && *v < 0 {
			return badRequest("%s must not be negative", name)
		}
	}
	if p.RPMLimit != nil {
		l.RPMLimit = p.RPMLimit
	}
	if p.TPMLimit != nil {
		l.TPMLimit = p.TPMLimit
	}
	return nil
}
