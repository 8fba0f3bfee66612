package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
)

const (
	defaultBaseURL = "http://localhost:4000"
	envBaseURL     = "LITELLM_PROXY_URL"
	envAPIKey      = "LITELLM_PROXY_API_KEY"
)

// Main runs the command line args (without the program name) and returns
// the exit code; see the package documentation for their meaning. env
// looks up environment variables, os.Getenv in production.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	a := &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: env,
		// A store of logins, such as credstore.Store, plugs in here.
		creds: noStoredCredential{},
	}
	return a.run(ctx, args)
}

// app is what every command runs with: the streams, the environment, the
// global flags and the source of stored credentials. Tests build one
// directly to replace the credential source.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	creds          credentialSource

	// Global flags.
	baseURL string
	apiKey  string
	timeout time.Duration

	// keySource records where the key of the last client came from, so an
	// authentication error can say which one the gateway refused.
	keySource keySource
}

// run executes args and maps any error to an exit code, printing it once.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.newRootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	return a.report(cmd, err)
}

func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "litellm-proxy",
		Short: "Manage and use a LiteLLM-compatible gateway",
		Long: "litellm-proxy talks to a LiteLLM-compatible gateway: list the models you may\n" +
			"use, and manage keys, users and teams.",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          groupArgs,
		RunE:          showHelp,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError{err}
	})

	f := root.PersistentFlags()
	f.StringVar(&a.baseURL, "base-url", defaultBaseURL,
		"URL of the gateway (env "+envBaseURL+")")
	f.StringVar(&a.apiKey, "api-key", "",
		"API key to authenticate with (env "+envAPIKey+")")
	f.DurationVar(&a.timeout, "timeout", apiclient.DefaultTimeout,
		"deadline of each request to the gateway")

	root.AddCommand(
		a.newModelsCmd(),
		a.newKeysCmd(),
		a.newUsersCmd(),
		a.newTeamsCmd(),
		a.newHTTPCmd(),
		a.newVersionCmd(),
	)
	return root
}

// newGroup returns a command that only holds subcommands. Run alone it
// prints its help; with an unknown subcommand it is a usage error.
func newGroup(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: groupArgs, RunE: showHelp}
	cmd.AddCommand(subs...)
	return cmd
}

func showHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }

// client returns a client of the gateway named by --base-url or
// LITELLM_PROXY_URL, authenticated by the first key found in --api-key,
// LITELLM_PROXY_API_KEY and the stored credentials. Options given here
// override the ones the global flags set.
func (a *app) client(cmd *cobra.Command, extra ...apiclient.Option) (*apiclient.Client, error) {
	base := a.resolveBaseURL(cmd)
	key, src, err := a.resolveKey(cmd, base)
	if err != nil {
		return nil, err
	}
	a.keySource = src
	opts := append([]apiclient.Option{apiclient.WithTimeout(a.timeout)}, extra...)
	c, err := apiclient.New(base, key, opts...)
	if err != nil {
		return nil, usageErrorf("%v; set --base-url or %s to a URL such as %s",
			err, envBaseURL, defaultBaseURL)
	}
	return c, nil
}

// resolveBaseURL prefers the flag, then the environment, then the default.
func (a *app) resolveBaseURL(cmd *cobra.Command) string {
	if !cmd.Flags().Changed("base-url") {
		if v := a.getenv(envBaseURL); v != "" {
			return v
		}
	}
	return a.baseURL
}
