package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// revokeTimeout bounds the call that ends the session on the gateway, so
// that logging out of a gateway that is down is quick.
const revokeTimeout = 10 * time.Second

func (a *app) newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the session on the gateway and remove the stored login",
		Long: "End the session on the gateway the login is for, then remove the token from\n" +
			"the OS keychain and ~/.litellm/token.json. If the gateway cannot be reached,\n" +
			"the login is removed all the same, and the session ends on its own when it\n" +
			"expires. Not being logged in is not an error.",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.logout(cmd)
		},
	}
}

func (a *app) logout(cmd *cobra.Command) error {
	ctx := cmd.Context()
	info, loc, err := a.store.Info(ctx)
	switch {
	case errors.Is(err, credstore.ErrNotLoggedIn):
		fmt.Fprintln(a.stderr, "Not logged in; nothing to do.")
		return nil
	case errors.Is(err, credstore.ErrInsecureFile):
		// Its token cannot be trusted to be secret: remove it unread.
		fmt.Fprintf(a.stderr, "warning: %v\n", err)
	case err != nil:
		return err
	case cmd.Flags().Changed("base-url") && !info.For(a.baseURL):
		return usageErrorf("the stored login is for %s, not %s; "+
			"run litellm-proxy logout without --base-url to log out of it",
			info.BaseURL, a.baseURL)
	}
	var revoked string
	if info != nil {
		if revoked, err = a.revoke(ctx, info); err != nil {
			return err
		}
	}

	if err := a.store.Delete(ctx); err != nil {
		return fmt.Errorf("remove the stored login: %w", err)
	}
	if info != nil {
		fmt.Fprintf(a.stdout, "Logged out of %s.\n%s", info.BaseURL, revoked)
	}
	where := loc.String()
	if where == "" {
		where = "this machine" // the unsafe file, named in the warning
	}
	_, err = fmt.Fprintf(a.stdout, "Removed the login from %s\n", where)
	return err
}

// revoke ends the session of the stored login on its own gateway and
// returns a line saying so. Only an interruption is an error: a session
// that cannot be ended now ends on its own when it expires, and a warning
// on stderr says when.
func (a *app) revoke(ctx context.Context, info *credstore.Credential) (string, error) {
	if exp := expiresAt(info); !exp.IsZero() && !a.now().Before(exp) {
		return "The session had already expired.\n", nil
	}
	c, _, err := a.store.Load(ctx)
	if err == nil {
		err = info.Check(c.BaseURL)
	}
	if err != nil {
		a.warnNotRevoked(info, "could not read the token to end the session", err)
		return "", nil
	}

	client, err := a.newClient(c.BaseURL, c.Key,
		apiclient.WithTimeout(min(a.timeout, revokeTimeout)))
	if err != nil {
		return "", err
	}
	out, err := client.CLILogout(ctx)
	switch {
	case errors.Is(err, context.Canceled):
		return "", err
	case err != nil:
		a.warnNotRevoked(info, "the session was not ended on the gateway", briefly(err))
		return "", nil
	case !out.Revoked:
		return "The gateway had already ended the session.\n", nil
	}
	return "The gateway ended the session.\n", nil
}

func (a *app) warnNotRevoked(info *credstore.Credential, what string, why error) {
	until := "until it expires"
	if exp := expiresAt(info); !exp.IsZero() {
		until = "until it expires at " + when(exp)
	}
	fmt.Fprintf(a.stderr, "warning: %s (%v); it stays valid on %s %s, "+
		"unless an admin revokes it\n", what, why, info.BaseURL, until)
}

// briefly says why a call to the gateway failed, in a few words.
func briefly(err error) error {
	var (
		netE *apiclient.UnreachableError
		apiE *apiclient.APIError
	)
	switch {
	case errors.As(err, &netE):
		return errors.New("cannot reach it: " + netE.Reason)
	case errors.As(err, &apiE):
		return fmt.Errorf("%d: %s", apiE.Status, apiE.Message)
	}
	return err
}
