package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apitype"
)

func (a *app) newUsersCmd() *cobra.Command {
	return newGroup("users", "Manage users",
		a.newUsersListCmd(),
		a.newUsersGetCmd(),
		a.newUsersCreateCmd(),
		a.newUsersDeleteCmd(),
	)
}

func (a *app) newUsersListCmd() *cobra.Command {
	var (
		f              format
		page, pageSize int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			list, err := c.ListUsers(cmd.Context(), page, pageSize)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, list)
			}
			if len(list.Users) == 0 {
				return noResults(a.stderr, "users")
			}
			if list.TotalPages > 1 {
				fmt.Fprintf(a.stderr, "Page %d of %d, %d users in all.\n",
					list.Page, list.TotalPages, list.Total)
			}
			t := newTable(a.stdout, "User ID", "Email", "Alias", "Role", "Teams", "Spend")
			for _, u := range list.Users {
				t.row(u.UserID, str(u.UserEmail), str(u.UserAlias), u.UserRole,
					strings.Join(u.Teams, ", "), money(u.Spend))
			}
			return t.flush()
		},
	}
	cmd.Flags().IntVar(&page, "page", 0, "page number, from 1")
	cmd.Flags().IntVar(&pageSize, "page-size", 0, "users per page")
	addFormatFlag(cmd, &f)
	return cmd
}

func (a *app) newUsersGetCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "get USER_ID",
		Short: "Describe a user, with their teams and keys",
		Args:  exactArgs("USER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.UserInfo(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			return printUser(a.stdout, resp.UserInfo, "Keys", fmt.Sprint(len(resp.Keys)))
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

// printUser shows one user, followed by extra name-value pairs.
func printUser(w io.Writer, u apitype.UserInfo, extra ...string) error {
	pairs := []string{
		"User ID", u.UserID,
		"Email", str(u.UserEmail),
		"Alias", str(u.UserAlias),
		"Role", u.UserRole,
		"Teams", strings.Join(u.Teams, ", "),
		"Models", modelsCell(u.Models),
		"Spend", money(u.Spend),
		"Max Budget", budget(u.MaxBudget),
		"Created", when(u.CreatedAt),
	}
	return printFields(w, append(pairs, extra...)...)
}

// userFlags are the options of users create.
type userFlags struct {
	email, userID, role, alias string
	models, teams              []string
	maxBudget                  float64
	noKey                      bool
}

func (a *app) newUsersCreateCmd() *cobra.Command {
	var (
		f  format
		uf userFlags
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user, and a key for them unless --no-key",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.NewUser(cmd.Context(), uf.request(cmd))
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			if resp.Key == "" {
				return printUser(a.stdout, resp.UserInfo)
			}
			fmt.Fprintln(a.stderr, "Save the user's key now: the gateway shows it only once.")
			return printUser(a.stdout, resp.UserInfo, "Key", resp.Key)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&uf.email, "email", "", "the user's email address")
	fl.StringVar(&uf.userID, "user-id", "", "the user's ID (default: chosen by the gateway)")
	fl.StringVar(&uf.role, "role", "", "proxy_admin, proxy_admin_viewer, internal_user "+
		"or internal_user_viewer (default: the gateway's)")
	fl.StringVar(&uf.alias, "alias", "", "a display name")
	fl.StringSliceVar(&uf.models, "models", nil,
		"models the user may use, comma-separated (default: all)")
	fl.StringSliceVar(&uf.teams, "team", nil, "team to join; repeat for several")
	fl.Float64Var(&uf.maxBudget, "max-budget", 0, "spend limit in USD")
	fl.BoolVar(&uf.noKey, "no-key", false, "do not create a key for the user")
	addFormatFlag(cmd, &f)
	return cmd
}

// request builds the body of /user/new from the flags given.
func (uf *userFlags) request(cmd *cobra.Command) apitype.UserRequest {
	set := cmd.Flags().Changed
	req := apitype.UserRequest{Models: uf.models, Teams: uf.teams}
	if req.Models == nil {
		req.Models = []string{}
	}
	if set("email") {
		req.UserEmail = &uf.email
	}
	if set("user-id") {
		req.UserID = &uf.userID
	}
	if set("role") {
		req.UserRole = &uf.role
	}
	if set("alias") {
		req.UserAlias = &uf.alias
	}
	if set("max-budget") {
		req.MaxBudget = &uf.maxBudget
	}
	if uf.noKey {
		no := false
		req.AutoCreateKey = &no
	}
	return req
}

func (a *app) newUsersDeleteCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "delete USER_ID...",
		Short: "Delete users",
		Args:  minArgs("USER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			req := apitype.DeleteUsersRequest{UserIDs: args}
			resp, err := c.DeleteUsers(cmd.Context(), req)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			fmt.Fprintf(a.stderr, "Deleted %d user(s).\n", len(resp.DeletedUsers))
			for _, id := range resp.DeletedUsers {
				fmt.Fprintln(a.stdout, cell(id))
			}
			return nil
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}
