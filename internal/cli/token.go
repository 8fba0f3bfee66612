package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) newAuthCmd() *cobra.Command {
	return newGroup("auth", "Use your login from scripts and other tools",
		a.newPrintTokenCmd())
}

func (a *app) newPrintTokenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "print-token",
		Short: "Print the stored login's token for other tools",
		Long: "Print the stored login's token alone on stdout, for tools that take a command\n" +
			"that prints a key (apiKeyHelper), or for an OpenAI SDK's api_key. It refuses,\n" +
			"with the reason on stderr, when nobody is logged in, when the login expired,\n" +
			"and when --base-url or " + envBaseURL + " names another gateway than the\n" +
			"login's. --api-key and " + envAPIKey + " are not consulted.",
		Example: `  OPENAI_API_KEY="$(litellm-proxy auth print-token)"`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			base := a.explicitBaseURL(cmd)
			if base == "" {
				info, _, err := a.store.Info(ctx)
				if err != nil {
					return err
				}
				base = info.BaseURL
			}
			tok, err := a.storedToken(ctx, base)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.stdout, tok)
			return err
		},
	}
}
