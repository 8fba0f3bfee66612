package admin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

// minPasswordLength is the shortest local password accepted.
const minPasswordLength = 8

func (a *API) newUser(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.UserRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	now := a.Now().UTC()
	u := &store.User{ID: uuid.NewString(), Role: apitype.RoleInternalUser, CreatedAt: now, UpdatedAt: now}
	if req.UserID != nil {
		if strings.TrimSpace(*req.UserID) == "" {
			return badRequest("user_id must not be empty")
		}
		u.ID = *req.UserID
	}
	if err := a.applyUserRequest(p, u, &req); err != nil {
		return err
	}
	resp := apitype.NewUserResponse{}
	var key *store.Key
	if req.AutoCreateKey == nil || *req.AutoCreateKey {
		resp.Key = secret.NewKey()
		key = &store.Key{Hash: secret.HashKey(resp.Key), Name: secret.Abbreviate(resp.Key),
			UserID: u.ID, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	}
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		return createUser(r.Context(), tx, u, req.Teams, key)
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "user created", "user_id", u.ID, "role", u.Role)
	teams, err := a.Store.ListTeams(r.Context(), store.TeamFilter{UserID: u.ID})
	if err != nil {
		return err
	}
	resp.UserInfo = userInfo(u, teams, a.Now())
	return httpapi.WriteJSON(w, http.StatusOK, resp)
}

// createUser inserts u, joins it to teams and stores its first key, all in
// tx.
func createUser(ctx context.Context, tx store.Tx, u *store.User, teams []string, key *store.Key) error {
	if err := tx.CreateUser(ctx, u); errors.Is(err, store.ErrExists) {
		return badRequest("a user with this user_id or user_email already exists")
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	for _, id := range teams {
		t, err := tx.GetTeam(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return badRequest("team %q in teams does not exist", id)
		} else if err != nil {
			return fmt.Errorf("get team: %w", err)
		}
		t.Members = append(t.Members, store.Member{UserID: u.ID, Role: "user"})
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return fmt.Errorf("add user to team: %w", err)
		}
	}
	if key == nil {
		return nil
	}
	if err := tx.CreateKey(ctx, key); err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

// applyUserRequest validates the request's fields and sets them on u.
func (a *API) applyUserRequest(p *auth.Principal, u *store.User, req *apitype.UserRequest) error {
	if req.UserEmail != nil {
		email := strings.TrimSpace(*req.UserEmail)
		if email != "" && !strings.Contains(email, "@") {
			return badRequest("user_email %q is not an email address", email)
		}
		u.Email = email
	}
	if req.UserRole != nil {
		if !auth.ValidRole(*req.UserRole) {
			return badRequest("user_role %q is not a role; use one of %s",
				*req.UserRole, strings.Join(auth.Roles, ", "))
		}
		u.Role = *req.UserRole
	}
	if req.UserAlias != nil {
		u.Alias = *req.UserAlias
	}
	if req.Models != nil {
		if err := a.checkModels(p, req.Models); err != nil {
			return err
		}
		u.Models = req.Models
	}
	if req.Metadata != nil {
		u.Metadata = req.Metadata
	}
	if req.Password != nil {
		if len(*req.Password) < minPasswordLength {
			return badRequest("password must be at least %d characters long", minPasswordLength)
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(*req.Password), bcrypt.DefaultCost)
		if err != nil {
			return badRequest("password: %s", err)
		}
		u.PasswordHash = string(hash)
	}
	lp := limitsPatch{req.MaxBudget, req.BudgetDuration, req.RPMLimit, req.TPMLimit}
	return lp.apply(&u.Limits, a.Now())
}

func (a *API) userInfo(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	id := r.URL.Query().Get("user_id")
	if id == "" {
		id = p.UserID
	}
	if id == "" {
		return badRequest("pass the user to describe as ?user_id=")
	}
	if !p.CanReadAll() && id != p.UserID {
		return forbidden("You may only view your own user; viewing others requires the role proxy_admin or proxy_admin_viewer.")
	}
	u, err := a.Store.GetUser(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("User %q not found.", id)
	} else if err != nil {
		return err
	}
	keys, _, err := a.Store.ListKeys(r.Context(), store.KeyFilter{UserID: id})
	if err != nil {
		return err
	}
	teams, err := a.Store.ListTeams(r.Context(), store.TeamFilter{UserID: id})
	if err != nil {
		return err
	}
	infos := make([]apitype.TeamInfo, 0, len(teams))
	for _, t := range teams {
		infos = append(infos, teamInfo(t, nil, a.Now()))
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.UserInfoResponse{
		UserID: id, UserInfo: userInfo(u, teams, a.Now()), Keys: keyInfos(keys, a.Now()), Teams: infos})
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	if !p.CanReadAll() {
		return auth.Forbidden(p, apitype.RoleProxyAdmin, apitype.RoleProxyAdminViewer)
	}
	q := r.URL.Query()
	page, size, err := paging(q.Get("page"), q.Get("page_size"), 25)
	if err != nil {
		return err
	}
	users, total, err := a.Store.ListUsers(r.Context(), store.Page{Offset: (page - 1) * size, Limit: size})
	if err != nil {
		return err
	}
	out := make([]apitype.UserInfo, 0, len(users))
	for _, u := range users {
		teams, err := a.Store.ListTeams(r.Context(), store.TeamFilter{UserID: u.ID})
		if err != nil {
			return err
		}
		out = append(out, userInfo(u, teams, a.Now()))
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.UserListResponse{Users: out, Total: total,
		Page: page, PageSize: size, TotalPages: int(math.Ceil(float64(total) / float64(size)))})
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.UserRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	if req.UserID == nil || *req.UserID == "" {
		return badRequest("user_id is required")
	}
	var u *store.User
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		var err error
		if u, err = tx.GetUser(r.Context(), *req.UserID); errors.Is(err, store.ErrNotFound) {
			return notFound("User %q not found.", *req.UserID)
		} else if err != nil {
			return err
		}
		if err := a.applyUserRequest(p, u, &req); err != nil {
			return err
		}
		if err := tx.UpdateUser(r.Context(), u); errors.Is(err, store.ErrExists) {
			return badRequest("user_email %q belongs to another user", u.Email)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "user updated", "user_id", u.ID)
	teams, err := a.Store.ListTeams(r.Context(), store.TeamFilter{UserID: u.ID})
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, userInfo(u, teams, a.Now()))
}

func (a *API) deleteUsers(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.DeleteUsersRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	if len(req.UserIDs) == 0 {
		return badRequest("user_ids is required: a list of user ids to delete")
	}
	err := a.Store.InTx(r.Context(), func(tx store.Tx) error {
		for _, id := range req.UserIDs {
			if err := tx.DeleteUser(r.Context(), id); errors.Is(err, store.ErrNotFound) {
				return notFound("User %q not found; no user was deleted.", id)
			} else if err != nil {
				return fmt.Errorf("delete user: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "users deleted", "count", len(req.UserIDs))
	return httpapi.WriteJSON(w, http.StatusOK, apitype.DeleteUsersResponse{DeletedUsers: req.UserIDs})
}
