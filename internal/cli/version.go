package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/version"
)

// versionTimeout bounds the question to the gateway, so that version
// answers quickly even when the gateway is down.
const versionTimeout = 10 * time.Second

// versionInfo is the JSON output of version. ServerVersion is null when
// the gateway could not be asked.
type versionInfo struct {
	ClientVersion string  `json:"client_version"`
	ServerVersion *string `json:"server_version"`
	BaseURL       string  `json:"base_url"`
}

func (a *app) newVersionCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the versions of this CLI and of the gateway",
		Long: "Show the versions of this CLI and of the gateway. The exit code is 0 whenever\n" +
			"the CLI's version is printed; if the gateway cannot tell its version, a\n" +
			"warning on stderr says why.",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := versionInfo{ClientVersion: version.String(), BaseURL: a.resolveBaseURL(cmd)}
			if v, err := a.serverVersion(cmd); err != nil {
				_, msg := a.explain(err)
				fmt.Fprintf(a.stderr, "warning: the gateway's version is unknown: %s\n", msg)
			} else {
				info.ServerVersion = &v
			}
			if f == formatJSON {
				return printJSON(a.stdout, info)
			}
			fmt.Fprintf(a.stdout, "Client: litellm-proxy %s\n", info.ClientVersion)
			if info.ServerVersion != nil {
				fmt.Fprintf(a.stdout, "Server: %s at %s\n", *info.ServerVersion, info.BaseURL)
			}
			return nil
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

// serverVersion asks the gateway for its version through its readiness
// check.
func (a *app) serverVersion(cmd *cobra.Command) (string, error) {
	c, err := a.client(cmd, apiclient.WithTimeout(min(a.timeout, versionTimeout)))
	if err != nil {
		return "", err
	}
	r, err := c.Readiness(cmd.Context())
	if err != nil {
		return "", err
	}
	if r.LitellmVersion == "" {
		return "", fmt.Errorf("its readiness check at /health/readiness names no version")
	}
	return r.LitellmVersion, nil
}
