package cli

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) newModelsCmd() *cobra.Command {
	return newGroup("models", "List the models you may use",
		a.newModelsListCmd(),
		a.newModelsInfoCmd(),
	)
}

func (a *app) newModelsListCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the models your key may use",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			list, err := c.ListModels(cmd.Context())
			if err != nil {
				return err
			}
			if f == formatJSON {
				return printJSON(a.stdout, list)
			}
			if len(list.Data) == 0 {
				return noResults(a.stderr, "models")
			}
			t := newTable(a.stdout, "ID", "Object", "Created", "Owned By")
			for _, m := range list.Data {
				t.row(m.ID, m.Object, created(m.Created), m.OwnedBy)
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

// created shows a Unix time from /v1/models; zero means unknown.
func created(unix int64) string {
	if unix == 0 {
		return ""
	}
	return when(time.Unix(unix, 0))
}

func (a *app) newModelsInfoCmd() *cobra.Command {
	var f format
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the deployments behind each model",
		Long: "Show the deployments behind each model: the provider model and API base\n" +
			"each name routes to. Provider credentials are never shown.",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			list, err := c.ModelInfo(cmd.Context())
			if err != nil {
				return err
			}
			for i := range list.Data {
				list.Data[i].LitellmParams = withoutSecrets(list.Data[i].LitellmParams)
			}
			if f == formatJSON {
				return printJSON(a.stdout, list)
			}
			if len(list.Data) == 0 {
				return noResults(a.stderr, "models")
			}
			t := newTable(a.stdout, "Model Name", "Provider Model", "API Base", "ID")
			for _, d := range list.Data {
				t.row(d.ModelName, param(d.LitellmParams, "model"),
					param(d.LitellmParams, "api_base"), param(d.ModelInfo, "id"))
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &f)
	return cmd
}

// param shows one value of a deployment's open-ended maps.
func param(m map[string]any, name string) string {
	v, ok := m[name]
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// withoutSecrets returns params with credential-like values replaced. The
// gateway already leaves provider keys out of /model/info; this guards the
// terminal and its scrollback against a gateway that does not, while
// keeping "os.environ/NAME" references, which are not secrets.
func withoutSecrets(params map[string]any) map[string]any {
	var out map[string]any
	for k, v := range params {
		s, isString := v.(string)
		if !secretName(k) || (isString && (s == "" || strings.HasPrefix(s, "os.environ/"))) {
			continue
		}
		if out == nil {
			out = maps.Clone(params)
		}
		out[k] = "[redacted]"
	}
	if out == nil {
		return params
	}
	return out
}

// secretName reports whether a litellm_params name holds a credential,
// such as api_key, aws_secret_access_key or vertex_credentials.
func secretName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range []string{"key", "secret", "_token", "password", "credentials"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return strings.Contains(name, "secret")
}
