package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/apitype"
)

// Exit codes, documented in the package comment.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitUnreachable = 3
	exitAuth        = 4
	exitInterrupted = 130
)

// usageError is a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// report prints err as one line on stderr, plus a pointer to the help for
// usage errors, and returns the exit code. It is the only place that turns
// errors into exit codes.
func (a *app) report(cmd *cobra.Command, err error) int {
	code, msg := a.explain(err)
	fmt.Fprintf(a.stderr, "error: %s\n", msg)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// explain returns the exit code for err and a sentence that says what
// went wrong and what to do about it.
func (a *app) explain(err error) (int, string) {
	var (
		ue   usageError
		apiE *apiclient.APIError
		netE *apiclient.UnreachableError
		decE *apiclient.DecodeError
	)
	if code, msg, ok := a.explainLogin(err); ok {
		return code, msg
	}
	switch {
	case errors.As(err, &ue):
		return exitUsage, ue.Error()
	case errors.As(err, &apiE):
		return a.explainAPI(apiE)
	case errors.As(err, &netE) && netE.Timeout:
		return exitUnreachable, fmt.Sprintf("the gateway at %s gave %s. "+
			"Try again, or allow longer with --timeout.", netE.BaseURL, netE.Reason)
	case errors.As(err, &netE):
		return exitUnreachable, fmt.Sprintf("cannot reach the gateway at %s: %s. "+
			"Is it running? Set --base-url or %s.", netE.BaseURL, netE.Reason, envBaseURL)
	case errors.As(err, &decE):
		return exitError, fmt.Sprintf("the answer to %s is not what the gateway sends (%v). "+
			"Check that --base-url points at the gateway.", decE.Route, decE.Err)
	case errors.Is(err, context.Canceled):
		return exitInterrupted, "interrupted"
	}
	return exitError, err.Error()
}

// explainAPI turns a gateway's error answer into a sentence. The
// gateway's own message is kept, since it names the field, key or role at
// fault.
func (a *app) explainAPI(e *apiclient.APIError) (int, string) {
	detail := strings.TrimRight(e.Message, ". ")
	say := func(what, todo string) string {
		return fmt.Sprintf("%s (%d): %s. %s", what, e.Status, detail, todo)
	}
	switch s := e.Status; {
	case s == http.StatusUnauthorized:
		todo := "Pass --api-key or set " + envAPIKey + "."
		switch a.keySource {
		case keyNone:
			return exitAuth, say("the gateway requires an API key",
				"Run "+a.loginCommand()+", or pass --api-key or set "+envAPIKey+".")
		case keyStored:
			return exitAuth, say("the gateway rejected your login",
				"Run "+a.loginCommand()+" again, or pass --api-key.")
		}
		return exitAuth, say("the gateway rejected the API key", todo)
	case s == http.StatusForbidden:
		todo := "Ask a proxy admin for access."
		if role := roleIn(detail); role != "" {
			todo = "Use a key with the " + role + " role, or ask a proxy admin for access."
		}
		return exitAuth, say("the gateway does not allow this key to do that", todo)
	case s == http.StatusNotFound:
		return exitError, say("not found",
			"Check the name or ID, and that --base-url points at the gateway.")
	case s == http.StatusRequestEntityTooLarge:
		return exitError, say("the request is too large", "Send a smaller body.")
	case s == http.StatusTooManyRequests:
		return exitError, say("the gateway is limiting this key's rate",
			"Wait a moment and try again.")
	case s >= 500:
		return exitError, say("the gateway failed",
			"Try again; if it keeps failing, the gateway's log has the details.")
	case s >= 400:
		return exitError, say("the gateway refused the request",
			"Check the command's arguments.")
	}
	return exitError, say("the gateway gave an unexpected answer",
		"Check that --base-url points at the gateway.")
}

// roleIn returns the role named first in a gateway's message, such as
// "Only proxy_admin may list users".
func roleIn(msg string) string {
	// Longer names first, so proxy_admin_viewer is not read as proxy_admin.
	roles := []string{apitype.RoleProxyAdminViewer, apitype.RoleInternalUserViewer,
		apitype.RoleProxyAdmin, apitype.RoleInternalUser}
	best, at := "", len(msg)
	for _, r := range roles {
		if i := strings.Index(msg, r); i >= 0 && i < at {
			best, at = r, i
		}
	}
	return best
}

// groupArgs rejects any argument to a command that only holds
// subcommands, suggesting the closest subcommand.
func groupArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own path
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usageError{errors.New(msg)}
}

// exactArgs requires one argument per name; the names appear in the
// message when some are missing.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usageErrorf("missing %s", strings.Join(names[len(args):], " "))
		case len(args) > len(names):
			return usageErrorf("unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// minArgs requires at least one argument, named in the message.
func minArgs(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageErrorf("missing %s", name)
		}
		return nil
	}
}
