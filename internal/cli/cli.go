package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

const (
	defaultBaseURL = "http://localhost:4000"
	envBaseURL     = "LITELLM_PROXY_URL"
	envAPIKey      = "LITELLM_PROXY_API_KEY"
)

// Main runs the command line args (without the program name) and returns
// the exit code; see the package documentation for their meaning. env
// looks up environment variables, os.Getenv in production. Ctrl-C cancels
// the command.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, args, Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: env})
}

// Env is what a command line runs with. Main fills in the streams and the
// environment; tests also replace the clock, the browser and the home
// directory, so that a login can run against a real gateway with a
// scripted browser.
type Env struct {
	Stdin          io.Reader // nil: no input
	Stdout, Stderr io.Writer // nil: discarded

	// Getenv looks up environment variables; nil means os.Getenv.
	Getenv func(string) string
	// Now tells the time for everything about expiry; nil means time.Now.
	Now func() time.Time
	// OpenBrowser shows url to the user; nil means the desktop's browser.
	// login calls it after printing the URL and the verification code.
	OpenBrowser func(ctx context.Context, url string) error
	// Home returns the directory that holds .litellm/token.json; nil
	// means os.UserHomeDir.
	Home func() (string, error)
}

// Run runs the command line args with e until ctx is canceled and returns
// the exit code, as Main does.
func Run(ctx context.Context, args []string, e Env) int {
	return newApp(e).run(ctx, args)
}

func newApp(e Env) *app {
	a := &app{
		stdin:        e.Stdin,
		stdout:       e.Stdout,
		stderr:       e.Stderr,
		getenv:       e.Getenv,
		now:          e.Now,
		openBrowser:  e.OpenBrowser,
		isTerminal:   isTerminal,
		pollInterval: defaultPollInterval,
	}
	if a.stdin == nil {
		a.stdin = strings.NewReader("")
	}
	if a.stdout == nil {
		a.stdout = io.Discard
	}
	if a.stderr == nil {
		a.stderr = io.Discard
	}
	if a.getenv == nil {
		a.getenv = os.Getenv
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.openBrowser == nil {
		a.openBrowser = systemBrowser(a.getenv)
	}
	a.store = credstore.New(credstore.Options{
		Home: e.Home,
		LookupEnv: func(k string) (string, bool) {
			v := a.getenv(k)
			return v, v != ""
		},
	})
	return a
}

// app is what every command runs with: the streams, the environment, the
// global flags and the stored login. Tests build one with newApp and
// replace what they need.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	openBrowser    func(ctx context.Context, url string) error
	store          loginStore
	// isTerminal reports whether a stream is an interactive terminal.
	isTerminal func(any) bool
	// pollInterval spaces the questions login asks the gateway.
	pollInterval time.Duration

	// Global flags.
	baseURL string
	apiKey  string
	timeout time.Duration

	// keySource records where the key of the last client came from, so an
	// authentication error can say which one the gateway refused.
	keySource keySource
	// baseFlag is the --base-url given on the command line, "" without
	// one; hints to log in repeat it.
	baseFlag string
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
		Long: "litellm-proxy talks to a LiteLLM-compatible gateway: log in through your\n" +
			"browser, list the models you may use, and manage keys, users and teams.\n\n" +
			"A key given with --api-key or " + envAPIKey + " wins over the login;\n" +
			"the login is only ever sent to the gateway it was issued by.",
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
	f.StringVar(&a.baseURL, "base-url", "", "URL of the gateway (env "+envBaseURL+
		"; default: your login's, else "+defaultBaseURL+")")
	f.StringVar(&a.apiKey, "api-key", "",
		"API key to authenticate with (env "+envAPIKey+")")
	f.DurationVar(&a.timeout, "timeout", apiclient.DefaultTimeout,
		"deadline of each request to the gateway")

	root.AddCommand(
		a.newLoginCmd(),
		a.newLogoutCmd(),
		a.newWhoamiCmd(),
		a.newAuthCmd(),
		a.newModelsCmd(),
		a.newChatCmd(),
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

// client returns a client of the gateway that resolveBaseURL names,
// authenticated by the first key found in --api-key, LITELLM_PROXY_API_KEY
// and the stored login. Options given here override the ones the global
// flags set.
func (a *app) client(cmd *cobra.Command, extra ...apiclient.Option) (*apiclient.Client, error) {
	base := a.resolveBaseURL(cmd)
	key, src, err := a.resolveKey(cmd, base)
	if err != nil {
		return nil, err
	}
	a.keySource = src
	return a.newClient(base, key, extra...)
}

// newClient returns a client of base with key and the global flags'
// options, then extra.
func (a *app) newClient(base, key string, extra ...apiclient.Option) (*apiclient.Client, error) {
	opts := append([]apiclient.Option{apiclient.WithTimeout(a.timeout)}, extra...)
	c, err := apiclient.New(base, key, opts...)
	if err != nil {
		return nil, usageErrorf("%v; set --base-url or %s to a URL such as %s",
			err, envBaseURL, defaultBaseURL)
	}
	return c, nil
}

// resolveBaseURL prefers the flag, then the environment. Without either,
// a command that will authenticate with the stored login talks to the
// gateway of that login, any other to http://localhost:4000: a key from
// --api-key or LITELLM_PROXY_API_KEY never goes to a gateway chosen by a
// login.
func (a *app) resolveBaseURL(cmd *cobra.Command) string {
	if v := a.explicitBaseURL(cmd); v != "" || cmd.Flags().Changed("base-url") {
		return v // an empty flag is an error for apiclient.New to report
	}
	if !a.explicitKey(cmd) {
		return a.storedBaseURL(cmd.Context())
	}
	return defaultBaseURL
}

// storedBaseURL returns the gateway of the stored login, or the default
// without one.
func (a *app) storedBaseURL(ctx context.Context) string {
	if c, _, err := a.store.Info(ctx); err == nil && c.BaseURL != "" {
		return c.BaseURL
	}
	return defaultBaseURL
}

// explicitBaseURL returns the gateway named by --base-url or
// LITELLM_PROXY_URL, or "" when neither is set.
func (a *app) explicitBaseURL(cmd *cobra.Command) string {
	if cmd.Flags().Changed("base-url") {
		a.baseFlag = a.baseURL
		return a.baseURL
	}
	return a.getenv(envBaseURL)
}
