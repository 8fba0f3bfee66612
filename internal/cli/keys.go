package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/apitype"
)

func (a *app) newKeysCmd() *cobra.Command {
	return newGroup("keys", "Manage virtual keys",
		a.newKeysListCmd(),
		a.newKeysGenerateCmd(),
		a.newKeysInfoCmd(),
		a.newKeysDeleteCmd(),
	)
}

func (a *app) newKeysListCmd() *cobra.Command {
	var (
		f    format
		opts apiclient.KeyListOptions
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the keys you may see",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			list, err := c.ListKeys(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, list)
			}
			if len(list.Keys) == 0 {
				return noResults(a.stderr, "keys")
			}
			fmt.Fprintf(a.stderr, "Showing %d of %d keys.\n", len(list.Keys), list.TotalCount)
			t := newTable(a.stdout, "Key Hash", "Alias", "User ID", "Team ID", "Models",
				"Spend", "Expires")
			for _, k := range list.Keys {
				t.row(k.Token, str(k.KeyAlias), str(k.UserID), str(k.TeamID),
					modelsCell(k.Models), money(k.Spend), expiry(k.Expires))
			}
			return t.flush()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.UserID, "user-id", "", "only keys of this user")
	fl.StringVar(&opts.TeamID, "team-id", "", "only keys of this team")
	fl.IntVar(&opts.Page, "page", 0, "page number, from 1")
	fl.IntVar(&opts.Size, "size", 0, "keys per page")
	addFormatFlag(cmd, &f)
	return cmd
}

// keyFlags are the options of keys generate that map onto KeyRequest.
type keyFlags struct {
	models    []string
	alias     string
	duration  string
	maxBudget float64
	userID    string
	teamID    string
	rpm, tpm  int64
	metadata  string
}

func (a *app) newKeysGenerateCmd() *cobra.Command {
	var (
		f  format
		kf keyFlags
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Create a virtual key",
		Long: "Create a virtual key. The key itself is printed once and cannot be\n" +
			"shown again; later commands name it by its hash.",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := kf.request(cmd)
			if err != nil {
				return err
			}
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.GenerateKey(cmd.Context(), req)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			fmt.Fprintln(a.stderr, "Save this key now: the gateway shows it only once.")
			_, err = fmt.Fprintln(a.stdout, resp.Key)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&kf.models, "models", nil,
		"models the key may use, comma-separated (default: all)")
	fl.StringVar(&kf.alias, "alias", "", "a name for the key")
	fl.StringVar(&kf.alias, "key-alias", "", "same as --alias")
	_ = fl.MarkHidden("key-alias")
	fl.StringVar(&kf.duration, "duration", "",
		"lifetime, such as 30m, 24h or 30d (default: no expiry)")
	fl.Float64Var(&kf.maxBudget, "max-budget", 0, "spend limit in USD")
	fl.StringVar(&kf.userID, "user-id", "", "user who owns the key")
	fl.StringVar(&kf.teamID, "team-id", "", "team the key belongs to")
	fl.Int64Var(&kf.rpm, "rpm-limit", 0, "requests per minute")
	fl.Int64Var(&kf.tpm, "tpm-limit", 0, "tokens per minute")
	fl.StringVar(&kf.metadata, "metadata", "",
		`JSON object stored with the key, such as '{"env":"ci"}'`)
	addFormatFlag(cmd, &f)
	return cmd
}

// request builds the body of /key/generate. Only the flags given are
// sent, so the gateway's defaults apply to the rest.
func (kf *keyFlags) request(cmd *cobra.Command) (apitype.KeyRequest, error) {
	set := cmd.Flags().Changed
	req := apitype.KeyRequest{Models: kf.models}
	if req.Models == nil {
		req.Models = []string{}
	}
	if set("alias") || set("key-alias") {
		req.KeyAlias = &kf.alias
	}
	if set("duration") {
		req.Duration = &kf.duration
	}
	if set("max-budget") {
		req.MaxBudget = &kf.maxBudget
	}
	if set("user-id") {
		req.UserID = &kf.userID
	}
	if set("team-id") {
		req.TeamID = &kf.teamID
	}
	if set("rpm-limit") {
		req.RPMLimit = &kf.rpm
	}
	if set("tpm-limit") {
		req.TPMLimit = &kf.tpm
	}
	if set("metadata") {
		err := json.Unmarshal([]byte(kf.metadata), &req.Metadata)
		if err != nil || req.Metadata == nil {
			return req, usageErrorf("--metadata must be a JSON object, such as '{\"env\":\"ci\"}'")
		}
	}
	return req, nil
}

func (a *app) newKeysInfoCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "info KEY",
		Short: "Describe a key, given as the key or its hash",
		Args:  exactArgs("KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.KeyInfo(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			k := resp.Info
			return printFields(a.stdout,
				"Key Hash", k.Token,
				"Alias", str(k.KeyAlias),
				"User ID", str(k.UserID),
				"Team ID", str(k.TeamID),
				"Models", modelsCell(k.Models),
				"Spend", money(k.Spend),
				"Max Budget", budget(k.MaxBudget),
				"RPM Limit", limit(k.RPMLimit),
				"TPM Limit", limit(k.TPMLimit),
				"Expires", expiry(k.Expires),
				"Blocked", fmt.Sprint(k.Blocked),
				"Created", when(k.CreatedAt),
			)
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

func (a *app) newKeysDeleteCmd() *cobra.Command {
	var (
		f       format
		aliases []string
	)
	cmd := &cobra.Command{
		Use:   "delete KEY...",
		Short: "Delete keys, given as keys or hashes, or by --key-alias",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(aliases) == 0 {
				return usageErrorf("missing KEY or --key-alias")
			}
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			req := apitype.DeleteKeysRequest{Keys: args, KeyAliases: aliases}
			resp, err := c.DeleteKeys(cmd.Context(), req)
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, resp)
			}
			fmt.Fprintf(a.stderr, "Deleted %d key(s).\n", len(resp.DeletedKeys))
			for _, k := range resp.DeletedKeys {
				fmt.Fprintln(a.stdout, cell(maskKey(k)))
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&aliases, "key-alias", nil, "delete the keys with these aliases")
	addFormatFlag(cmd, &f)
	return cmd
}

// maskKey shortens a secret key to its last four characters, as LiteLLM
// shows keys, so that deleting one does not copy it into a log. Hashes and
// aliases are shown whole.
func maskKey(k string) string {
	if !strings.HasPrefix(k, "sk-") || len(k) < 12 {
		return k
	}
	return "sk-..." + k[len(k)-4:]
}
