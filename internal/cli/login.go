package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

const (
	// defaultPollInterval is how often login asks the gateway whether the
	// browser part is done, as LiteLLM's CLI does.
	defaultPollInterval = 2 * time.Second
	// defaultLoginTimeout bounds the wait for the browser. The gateway
	// keeps a pending login for 600 s, so a longer wait is possible.
	defaultLoginTimeout = 300 * time.Second
)

type loginOptions struct {
	noBrowser bool
	team      string
	timeout   time.Duration
}

func (a *app) newLoginCmd() *cobra.Command {
	var o loginOptions
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in to the gateway through your browser",
		Long: "Log in to the gateway through your browser. The URL, a verification code and\n" +
			"the session ID are printed on stderr; the browser opens on the URL, where you\n" +
			"sign in and type the code. The token the gateway then issues is stored in the\n" +
			"OS keychain, or in ~/.litellm/token.json (mode 0600) without one or with\n" +
			credstore.DisableKeyringEnv + "=1, and is used only with this gateway.\n\n" +
			"If you belong to several teams, choose one with --team, or when asked.",
		Example: "  litellm-proxy login --base-url https://llm.example.com\n" +
			"  litellm-proxy login --no-browser --team research",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.login(cmd, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.noBrowser, "no-browser", false, "print the URL without opening a browser")
	f.StringVar(&o.team, "team", "", "team to log in to, by ID or alias, without asking")
	// Shadows the global --timeout, which bounds each request: for login
	// the wait for the browser is what needs a limit.
	f.DurationVar(&o.timeout, "timeout", defaultLoginTimeout,
		"how long to wait for the login in the browser")
	return cmd
}

func (a *app) login(cmd *cobra.Command, o loginOptions) error {
	if o.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	ctx := cmd.Context()
	base := a.explicitBaseURL(cmd)
	if base == "" {
		base = a.storedBaseURL(ctx) // log in again where the last login was
	}
	c, err := a.newClient(base, "") // the login routes take no credential
	if err != nil {
		return err
	}

	start, err := c.StartCLILogin(ctx)
	if err != nil {
		return loginFailed("start", base, err)
	}
	url := c.LoginURL(start.LoginID)
	a.showLoginPrompt(base, url, start)
	if !o.noBrowser {
		a.openLoginPage(ctx, url)
	}

	ready, err := a.awaitLogin(ctx, c, start, o)
	if err != nil {
		return err
	}
	cred := newCredential(base, ready, a.now())
	if old, _, err := a.store.Info(ctx); err == nil && !old.For(base) {
		fmt.Fprintf(a.stderr, "note: this replaces your login to %s\n", old.BaseURL)
	}
	loc, err := a.store.Save(ctx, cred)
	if err != nil {
		return fmt.Errorf("store the login: %w", err)
	}
	return a.reportLogin(&cred, loc)
}

// showLoginPrompt tells the user, on stderr, where to go and what to type
// there. A scripted browser may read the code from it: it is written
// before the browser is opened.
func (a *app) showLoginPrompt(base, url string, s *apitype.CLILoginStart) {
	code := cell(s.UserCode)
	if a.isTerminal(a.stderr) {
		code = "\x1b[1m" + code + "\x1b[0m"
	}
	fmt.Fprintf(a.stderr, "Logging in to %s.\n\n"+
		"Open this URL in your browser:\n\n    %s\n\n"+
		"When the browser asks, enter this verification code:\n\n    %s\n\n"+
		"Session: %s\n", base, url, code, cell(s.LoginID))
}

// openLoginPage opens the browser, or says to do it by hand. A failure is
// never fatal: the URL is already on the screen.
func (a *app) openLoginPage(ctx context.Context, url string) {
	if err := a.openBrowser(ctx, url); err != nil {
		fmt.Fprintf(a.stderr, "Could not open a browser (%v); open the URL above yourself.\n",
			err)
		return
	}
	fmt.Fprintln(a.stderr, "Opened your browser.")
}

// reportLogin prints the result on stdout: success, who and where.
func (a *app) reportLogin(c *credstore.Credential, loc credstore.Location) error {
	who := c.UserEmail
	if who == "" {
		who = c.UserID
	}
	var team string
	if c.TeamID != "" {
		team = ", team " + cell(c.TeamID)
	}
	exp := "."
	if t := expiresAt(c); !t.IsZero() {
		exp = fmt.Sprintf("; the login %s (%s).", a.expiryStatus(t), when(t))
	}
	_, err := fmt.Fprintf(a.stdout, "Login successful!\nLogged in to %s as %s%s%s\nSaved to %s\n",
		c.BaseURL, cell(who), team, exp, loc)
	return err
}
