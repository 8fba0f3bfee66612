package clilogin

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth/sso"
	"github.com/litellm-go/gateway/internal/store"
)

// provisionSSO finds or creates the user that id names, as decision d
// says, in one transaction:
//
//   - a user is found by id, else by email when the provider vouches for
//     the address (an unverified address could claim someone else's
//     account);
//   - a new user gets d.Role; an existing one is promoted when d makes
//     them a proxy admin, and never demoted here, as an admin may have
//     raised their role by hand;
//   - the user joins every team of d.TeamIDs that exists, as a plain
//     member; memberships are never removed here.
func (s *Service) provisionSSO(ctx context.Context, id *sso.Identity,
	d sso.Decision) (*store.User, error) {
	var u *store.User
	var missing []string
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case u == nil:
			u = &store.User{ID: id.UserID, Email: id.Email, Alias: id.Name, Role: d.Role}
			err = createUser(ctx, tx, u)
		case d.Role == apitype.RoleProxyAdmin && u.Role != d.Role:
			u.Role = d.Role
			err = tx.UpdateUser(ctx, u)
		}
		if err != nil {
			return err
		}
		missing, err = joinTeams(ctx, tx, u.ID, d.TeamIDs)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("provision user: %w", err)
	}
	if len(missing) > 0 {
		s.log.WarnContext(ctx, "sso groups map to teams that do not exist; create them "+
			"or fix SSO_TEAM_GROUPS", "user_id", u.ID, "teams", missing)
	}
	return u, nil
}

// findUser returns the user id names, or nil.
func findUser(ctx context.Context, tx store.Tx, id *sso.Identity) (*store.User, error) {
	u, err := tx.GetUser(ctx, id.UserID)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	if id.Email == "" || !id.EmailVerified {
		return nil, nil
	}
	u, err = tx.GetUserByEmail(ctx, id.Email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// createUser creates u; when its email belongs to another user already
// (one the provider did not vouch for), it creates u without it.
func createUser(ctx context.Context, tx store.Tx, u *store.User) error {
	err := tx.CreateUser(ctx, u)
	if errors.Is(err, store.ErrExists) && u.Email != "" {
		u.Email = ""
		err = tx.CreateUser(ctx, u)
	}
	return err
}

// joinTeams adds userID to each existing team of teamIDs it is not in yet
// and returns the ids of teams that do not exist.
func joinTeams(ctx context.Context, tx store.Tx, userID string,
	teamIDs []string) ([]string, error) {
	var missing []string
	for _, id := range teamIDs {
		t, err := tx.GetTeam(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			missing = append(missing, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(t.Members, func(m store.Member) bool { return m.UserID == userID }) {
			continue
		}
		t.Members = append(t.Members, store.Member{UserID: userID, Role: "user"})
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return nil, err
		}
	}
	return missing, nil
}

// provisionLocal returns the user of a local sign-in, creating the
// built-in admin (UI_USERNAME) on first use, since sessions belong to a
// stored user. The built-in admin is always a proxy admin.
func (s *Service) provisionLocal(ctx context.Context, id *sso.LocalIdentity) (*store.User, error) {
	var u *store.User
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		u, err = tx.GetUser(ctx, id.UserID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			u = &store.User{ID: id.UserID, Email: id.Email, Role: id.Role}
			return createUser(ctx, tx, u)
		case err != nil:
			return err
		case id.Admin && u.Role != apitype.RoleProxyAdmin:
			u.Role = apitype.RoleProxyAdmin
			return tx.UpdateUser(ctx, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("provision user: %w", err)
	}
	return u, nil
}
