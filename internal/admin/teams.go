package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

func (a *API) newTeam(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.TeamRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	now := a.Now().UTC()
	t := &store.Team{ID: uuid.NewString(), CreatedAt: now, UpdatedAt: now}
	if req.TeamID != nil {
		if strings.TrimSpace(*req.TeamID) == "" {
			return badRequest("team_id must not be empty")
		}
		t.ID = *req.TeamID
	}
	if err := a.applyTeamRequest(p, t, &req); err != nil {
		return err
	}
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		if err := a.addMembers(r.Context(), tx, t, req.MembersWithRoles); err != nil {
			return err
		}
		if err := tx.CreateTeam(r.Context(), t); errors.Is(err, store.ErrExists) {
			return badRequest("a team with team_id %q already exists", t.ID)
		} else if err != nil {
			return fmt.Errorf("create team: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "team created", "team_id", t.ID)
	return a.writeTeam(w, r, t)
}

// applyTeamRequest validates the request's fields and sets them on t.
func (a *API) applyTeamRequest(p *auth.Principal, t *store.Team, req *apitype.TeamRequest) error {
	if req.TeamAlias != nil {
		t.Alias = *req.TeamAlias
	}
	if req.Models != nil {
		if err := a.checkModels(p, req.Models); err != nil {
			return err
		}
		t.Models = req.Models
	}
	if req.Metadata != nil {
		t.Metadata = req.Metadata
	}
	if req.Blocked != nil {
		t.Blocked = *req.Blocked
	}
	lp := limitsPatch{req.MaxBudget, req.BudgetDuration, req.RPMLimit, req.TPMLimit}
	return lp.apply(&t.Limits, a.Now())
}

// addMembers appends members to t, creating users named by an id or email
// that does not exist yet, as LiteLLM does. It writes users through tx but
// leaves saving t to the caller.
func (a *API) addMembers(ctx context.Context, tx store.Tx, t *store.Team, members []apitype.Member) error {
	for i, m := range members {
		role := m.Role
		if role == "" {
			role = "user"
		}
		if role != "user" && role != "admin" {
			return badRequest("member %d: role %q must be \"user\" or \"admin\"", i, m.Role)
		}
		u, err := a.memberUser(ctx, tx, m)
		if err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		for _, have := range t.Members {
			if have.UserID == u.ID {
				return badRequest("user %q is already a member of team %q", u.ID, t.ID)
			}
		}
		t.Members = append(t.Members, store.Member{UserID: u.ID, Role: role})
	}
	return nil
}

// memberUser finds the user a member entry names, creating it if needed.
func (a *API) memberUser(ctx context.Context, tx store.Tx, m apitype.Member) (*store.User, error) {
	var u *store.User
	var err error
	switch {
	case m.UserID != "":
		u, err = tx.GetUser(ctx, m.UserID)
	case m.UserEmail != "":
		u, err = tx.GetUserByEmail(ctx, m.UserEmail)
	default:
		return nil, badRequest("a member needs user_id or user_email")
	}
	if !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	if m.UserEmail != "" && !strings.Contains(m.UserEmail, "@") {
		return nil, badRequest("user_email %q is not an email address", m.UserEmail)
	}
	now := a.Now().UTC()
	u = &store.User{ID: m.UserID, Email: m.UserEmail, Role: apitype.RoleInternalUser, CreatedAt: now, UpdatedAt: now}
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if err := tx.CreateUser(ctx, u); errors.Is(err, store.ErrExists) {
		return nil, badRequest("user_email %q belongs to another user", m.UserEmail)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// writeTeam answers with t, members' emails filled in.
func (a *API) writeTeam(w http.ResponseWriter, r *http.Request, t *store.Team) error {
	emails, err := a.memberEmails(r.Context(), t)
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, teamInfo(t, emails, a.Now()))
}

func (a *API) memberEmails(ctx context.Context, t *store.Team) (map[string]string, error) {
	emails := make(map[string]string, len(t.Members))
	for _, m := range t.Members {
		u, err := a.Store.GetUser(ctx, m.UserID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		emails[u.ID] = u.Email
	}
	return emails, nil
}

// teamFor loads a team the caller may read; with manage set, one the
// caller may also change (proxy_admin, or an admin of that team).
func (a *API) teamFor(ctx context.Context, p *auth.Principal, id string, manage bool) (*store.Team, error) {
	if id == "" {
		return nil, badRequest("team_id is required")
	}
	t, err := a.Store.GetTeam(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Team %q not found.", id)
	} else if err != nil {
		return nil, err
	}
	member, teamAdmin := p.InTeam(t)
	switch {
	case manage && !p.IsAdmin() && !teamAdmin:
		return nil, forbidden("Changing team %q requires the role proxy_admin or being an admin of the team.", id)
	case !manage && !p.CanReadAll() && !member:
		return nil, forbidden("You are not a member of team %q.", id)
	}
	return t, nil
}

func (a *API) teamInfo(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	t, err := a.teamFor(r.Context(), p, r.URL.Query().Get("team_id"), false)
	if err != nil {
		return err
	}
	keys, _, err := a.Store.ListKeys(r.Context(), store.KeyFilter{TeamID: t.ID})
	if err != nil {
		return err
	}
	emails, err := a.memberEmails(r.Context(), t)
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.TeamInfoResponse{
		TeamID: t.ID, TeamInfo: teamInfo(t, emails, a.Now()), Keys: keyInfos(keys, a.Now())})
}

func (a *API) listTeams(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	f := store.TeamFilter{UserID: r.URL.Query().Get("user_id")}
	if !p.CanReadAll() {
		if f.UserID != "" && f.UserID != p.UserID {
			return forbidden("You may only list your own teams.")
		}
		f.UserID = p.UserID
		if p.UserID == "" {
			return httpapi.WriteJSON(w, http.StatusOK, []apitype.TeamInfo{})
		}
	}
	teams, err := a.Store.ListTeams(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apitype.TeamInfo, 0, len(teams))
	for _, t := range teams {
		out = append(out, teamInfo(t, nil, a.Now()))
	}
	return httpapi.WriteJSON(w, http.StatusOK, out)
}

func (a *API) updateTeam(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.TeamRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.TeamID == nil {
		return badRequest("team_id is required")
	}
	t, err := a.teamFor(r.Context(), p, *req.TeamID, true)
	if err != nil {
		return err
	}
	if len(req.MembersWithRoles) > 0 {
		return badRequest("members_with_roles cannot be set by /team/update; use /team/member_add and /team/member_delete")
	}
	return a.modifyTeam(w, r, p, t.ID, "team updated", func(_ store.Tx, t *store.Team) error {
		return a.applyTeamRequest(p, t, &req)
	})
}

// modifyTeam reads the team again inside a transaction, changes it with
// fn and stores it, so that concurrent changes (and spend recorded in the
// meantime) are kept; then it answers with the team.
func (a *API) modifyTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal, id, action string,
	fn func(tx store.Tx, t *store.Team) error) error {
	var t *store.Team
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		var err error
		if t, err = tx.GetTeam(r.Context(), id); err != nil {
			return fmt.Errorf("get team: %w", err)
		}
		if err := fn(tx, t); err != nil {
			return err
		}
		t.UpdatedAt = a.Now().UTC()
		return tx.UpdateTeam(r.Context(), t)
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, action, "team_id", t.ID)
	return a.writeTeam(w, r, t)
}

func (a *API) addTeamMembers(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.TeamMemberAddRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Member) == 0 {
		return badRequest("member is required: {\"user_id\" or \"user_email\", \"role\"}")
	}
	t, err := a.teamFor(r.Context(), p, req.TeamID, true)
	if err != nil {
		return err
	}
	return a.modifyTeam(w, r, p, t.ID, "team members added", func(tx store.Tx, t *store.Team) error {
		return a.addMembers(r.Context(), tx, t, req.Member)
	})
}

func (a *API) deleteTeamMember(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.TeamMemberDeleteRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	t, err := a.teamFor(r.Context(), p, req.TeamID, true)
	if err != nil {
		return err
	}
	userID := req.UserID
	if userID == "" && req.UserEmail != "" {
		u, err := a.Store.GetUserByEmail(r.Context(), req.UserEmail)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("No user has the email %q.", req.UserEmail)
		} else if err != nil {
			return err
		}
		userID = u.ID
	}
	if userID == "" {
		return badRequest("user_id or user_email is required")
	}
	if member, _ := (&auth.Principal{UserID: userID}).InTeam(t); !member {
		return notFound("User %q is not a member of team %q.", userID, t.ID)
	}
	return a.modifyTeam(w, r, p, t.ID, "team member removed", func(_ store.Tx, t *store.Team) error {
		t.Members = slices.DeleteFunc(t.Members, func(m store.Member) bool { return m.UserID == userID })
		return nil
	})
}

func (a *API) deleteTeams(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.DeleteTeamsRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	if len(req.TeamIDs) == 0 {
		return badRequest("team_ids is required: a list of team ids to delete")
	}
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		for _, id := range req.TeamIDs {
			if err := tx.DeleteTeam(r.Context(), id); errors.Is(err, store.ErrNotFound) {
				return notFound("Team %q not found; no team was deleted.", id)
			} else if err != nil {
				return fmt.Errorf("delete team: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "teams deleted", "count", len(req.TeamIDs))
	return httpapi.WriteJSON(w, http.StatusOK, apitype.DeleteTeamsResponse{DeletedTeams: req.TeamIDs})
}
