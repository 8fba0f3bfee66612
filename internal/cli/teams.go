package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apitype"
)

func (a *app) newTeamsCmd() *cobra.Command {
	return newGroup("teams", "Manage teams and their members",
		a.newTeamsListCmd(),
		a.newTeamsGetCmd(),
		a.newTeamsCreateCmd(),
		a.newTeamsAddMemberCmd(),
	)
}

func (a *app) newTeamsListCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the teams you may see",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			teams, err := c.ListTeams(cmd.Context())
			if err != nil {
				return err
			}
			if f == formatJSON {
				if teams == nil {
					teams = []apitype.TeamInfo{}
				}
				return printJSON(a.stdout, teams)
			}
			if len(teams) == 0 {
				return noResults(a.stderr, "teams")
			}
			t := newTable(a.stdout, "Team ID", "Alias", "Models", "Members", "Spend", "Max Budget")
			for _, tm := range teams {
				t.row(tm.TeamID, str(tm.TeamAlias), modelsCell(tm.Models),
					fmt.Sprint(len(tm.MembersWithRoles)), money(tm.Spend), budget(tm.MaxBudget))
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

func (a *app) newTeamsGetCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "get TEAM_ID",
		Short: "Describe a team and its members",
		Args:  exactArgs("TEAM_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.TeamInfo(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			return printTeam(a.stdout, resp.TeamInfo, "Keys", fmt.Sprint(len(resp.Keys)))
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

// printTeam shows one team, extra name-value pairs, then its members.
func printTeam(w io.Writer, tm apitype.TeamInfo, extra ...string) error {
	pairs := []string{
		"Team ID", tm.TeamID,
		"Alias", str(tm.TeamAlias),
		"Models", modelsCell(tm.Models),
		"Spend", money(tm.Spend),
		"Max Budget", budget(tm.MaxBudget),
		"Blocked", fmt.Sprint(tm.Blocked),
		"Created", when(tm.CreatedAt),
	}
	if err := printFields(w, append(pairs, extra...)...); err != nil {
		return err
	}
	if len(tm.MembersWithRoles) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	t := newTable(w, "Member", "Email", "Role")
	for _, m := range tm.MembersWithRoles {
		t.row(m.UserID, m.UserEmail, m.Role)
	}
	return t.flush()
}

func (a *app) newTeamsCreateCmd() *cobra.Command {
	var (
		f             format
		alias, teamID string
		models        []string
		maxBudget     float64
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a team",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := cmd.Flags().Changed
			req := apitype.TeamRequest{Models: models}
			if req.Models == nil {
				req.Models = []string{}
			}
			if set("alias") {
				req.TeamAlias = &alias
			}
			if set("team-id") {
				req.TeamID = &teamID
			}
			if set("max-budget") {
				req.MaxBudget = &maxBudget
			}
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			team, err := c.NewTeam(cmd.Context(), req)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, team)
			}
			return printTeam(a.stdout, *team)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&alias, "alias", "", "a display name")
	fl.StringVar(&teamID, "team-id", "", "the team's ID (default: chosen by the gateway)")
	fl.StringSliceVar(&models, "models", nil,
		"models the team may use, comma-separated (default: all)")
	fl.Float64Var(&maxBudget, "max-budget", 0, "spend limit in USD")
	addFormatFlag(cmd, &f)
	return cmd
}

func (a *app) newTeamsAddMemberCmd() *cobra.Command {
	var (
		f                   format
		userID, email, role string
	)
	cmd := &cobra.Command{
		Use:   "add-member TEAM_ID (--user-id ID | --email EMAIL)",
		Short: "Add a user to a team",
		Args:  exactArgs("TEAM_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (userID == "") == (email == "") {
				return usageErrorf("give exactly one of --user-id and --email")
			}
			if role != "user" && role != "admin" {
				return usageErrorf("--role must be user or admin, not %q", role)
			}
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			req := apitype.TeamMemberAddRequest{
				TeamID: args[0],
				Member: apitype.Members{{UserID: userID, UserEmail: email, Role: role}},
			}
			team, err := c.AddTeamMember(cmd.Context(), req)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, team)
			}
			return printTeam(a.stdout, *team)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&userID, "user-id", "", "the user to add")
	fl.StringVar(&email, "email", "", "the email of the user to add")
	fl.StringVar(&role, "role", "user", "the member's role in the team: user or admin")
	addFormatFlag(cmd, &f)
	return cmd
}
