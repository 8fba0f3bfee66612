package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/term"
)

// systemBrowser returns an opener that shows a URL in the desktop's
// browser: $BROWSER when set, else xdg-open, open or rundll32 by system.
// It does not wait for the browser, which may outlive the CLI.
func systemBrowser(getenv func(string) string) func(context.Context, string) error {
	return func(_ context.Context, url string) error {
		argv := browserCommand(runtime.GOOS, getenv("BROWSER"))
		if len(argv) == 0 {
			return errors.New("no browser command")
		}
		// The URL is one argument and no shell runs, so nothing in it is
		// interpreted.
		cmd := exec.Command(argv[0], append(argv[1:], url)...)
		if err := cmd.Start(); err != nil {
			return err
		}
		go cmd.Wait() // reap the launcher whenever it exits
		return nil
	}
}

// browserCommand is the command line that opens a URL on goos, before the
// URL itself.
func browserCommand(goos, browserEnv string) []string {
	if f := strings.Fields(browserEnv); len(f) > 0 {
		return f
	}
	switch goos {
	case "darwin":
		return []string{"open"}
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler"}
	}
	return []string{"xdg-open"}
}

// isTerminal reports whether v is a file open on a terminal; the buffers
// of tests never are.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
