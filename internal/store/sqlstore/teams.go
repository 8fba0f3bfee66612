package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/litellm-go/gateway/internal/store"
)

// teamData are the columns of a team that UpdateTeam replaces, in the
// order of teamData's values.
const teamData = "alias, models, " + limitCols + ", metadata, blocked"

var (
	// selectTeams returns one row per member, or a row of NULL member
	// columns for a team without any.
	selectTeams = "SELECT t.id, " + teamData + ", t.created_at, t.updated_at, m.user_id, m.role" +
		" FROM teams t LEFT JOIN team_members m ON m.team_id = t.id"
	orderTeams   = " ORDER BY t.created_at, t.id, m.position"
	insertTeam   = insertSQL("teams", "id, "+teamData+", created_at, updated_at")
	insertMember = insertSQL("team_members", "team_id, user_id, role, position")
	updateTeam   = "UPDATE teams SET " + setSQL(teamData+", updated_at") +
		" WHERE id = ? RETURNING created_at"
)

// CreateTeam inserts t and its members, and sets its timestamps as stored.
func (t *tx) CreateTeam(ctx context.Context, tm *store.Team) error {
	return wrap("create team", t.write(ctx, func() error {
		data, err := t.teamData(tm)
		if err != nil {
			return err
		}
		created, updated := stamps(tm.CreatedAt, tm.UpdatedAt, t.now())
		args := append([]any{tm.ID}, data...)
		args = append(args, t.d.timeArg(created), t.d.timeArg(updated))
		if _, err := t.exec(ctx, insertTeam, args...); err != nil {
			return err
		}
		if err := t.insertMembers(ctx, tm); err != nil {
			return err
		}
		tm.CreatedAt, tm.UpdatedAt = created, updated
		return nil
	}))
}

// GetTeam returns the team with the given id and its members.
func (t *tx) GetTeam(ctx context.Context, id string) (*store.Team, error) {
	teams, err := t.queryTeams(ctx, selectTeams+" WHERE t.id = ?"+orderTeams, id)
	if err == nil && len(teams) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get team: %w", err)
	}
	return teams[0], nil
}

// ListTeams returns the teams, or those f.UserID is a member of, in
// creation order.
func (t *tx) ListTeams(ctx context.Context, f store.TeamFilter) ([]*store.Team, error) {
	q, args := selectTeams+orderTeams, []any(nil)
	if f.UserID != "" {
		q = selectTeams +
			" WHERE t.id IN (SELECT team_id FROM team_members WHERE user_id = ?)" +
			orderTeams
		args = append(args, f.UserID)
	}
	teams, err := t.queryTeams(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	return teams, nil
}

// UpdateTeam replaces the team that has tm.ID and its members, keeping its
// creation time, which it copies into tm.
func (t *tx) UpdateTeam(ctx context.Context, tm *store.Team) error {
	return wrap("update team", t.write(ctx, func() error {
		data, err := t.teamData(tm)
		if err != nil {
			return err
		}
		updated := storedTime(t.now())
		row := t.queryRow(ctx, updateTeam, append(data, t.d.timeArg(updated), tm.ID)...)
		if err := row.Scan(timeCol{&tm.CreatedAt}); err != nil {
			return t.rowErr(err)
		}
		if _, err := t.exec(ctx, "DELETE FROM team_members WHERE team_id = ?", tm.ID); err != nil {
			return err
		}
		if err := t.insertMembers(ctx, tm); err != nil {
			return err
		}
		tm.UpdatedAt = updated
		return nil
	}))
}

// DeleteTeam removes the team; the schema removes its memberships and keys.
func (t *tx) DeleteTeam(ctx context.Context, id string) error {
	return wrap("delete team", t.write(ctx, func() error {
		res, err := t.exec(ctx, "DELETE FROM teams WHERE id = ?", id)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

func (t *tx) teamData(tm *store.Team) ([]any, error) {
	models, meta, err := jsonArgs(tm.Models, tm.Metadata)
	if err != nil {
		return nil, err
	}
	args := append([]any{tm.Alias, models}, t.d.limitArgs(&tm.Limits)...)
	return append(args, meta, tm.Blocked), nil
}

// insertMembers stores the members of tm, keeping their order. A member
// whose user does not exist fails with store.ErrNotFound.
func (t *tx) insertMembers(ctx context.Context, tm *store.Team) error {
	for i, m := range tm.Members {
		if _, err := t.exec(ctx, insertMember, tm.ID, m.UserID, m.Role, i); err != nil {
			return fmt.Errorf("add member %q: %w", m.UserID, err)
		}
	}
	return nil
}

// queryTeams runs a selectTeams query and gathers each team's rows.
func (t *tx) queryTeams(ctx context.Context, query string, args ...any) ([]*store.Team, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var teams []*store.Team
	for rows.Next() {
		tm, m, err := scanTeamRow(rows)
		if err != nil {
			return nil, err
		}
		if n := len(teams); n == 0 || teams[n-1].ID != tm.ID {
			teams = append(teams, tm)
		}
		if m != nil {
			last := teams[len(teams)-1]
			last.Members = append(last.Members, *m)
		}
	}
	return teams, rows.Err()
}

// scanTeamRow scans a row of selectTeams: a team and one member or nil.
func scanTeamRow(sc scanner) (*store.Team, *store.Member, error) {
	tm := store.Team{Members: []store.Member{}}
	var userID, role sql.NullString
	dest := append([]any{&tm.ID, &tm.Alias, jsonCol{&tm.Models}}, limitDest(&tm.Limits)...)
	dest = append(dest, jsonCol{&tm.Metadata}, &tm.Blocked,
		timeCol{&tm.CreatedAt}, timeCol{&tm.UpdatedAt}, &userID, &role)
	if err := sc.Scan(dest...); err != nil {
		return nil, nil, err
	}
	notNil(&tm.Models, &tm.Metadata)
	if !userID.Valid {
		return &tm, nil, nil
	}
	return &tm, &store.Member{UserID: userID.String, Role: role.String}, nil
}
