package catalog

import (
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
)

// Describe returns a deployment as /model/info shows it: no provider key or
// other secret, ever.
func Describe(e *Entry) apitype.Deployment {
	params := PublicParams(e.Params.Extra)
	params["model"] = e.Params.Model
	set := func(k string, v any, present bool) {
		if present {
			params[k] = v
		}
	}
	set("api_base", e.Params.APIBase, e.Params.APIBase != "")
	set("api_version", e.Params.APIVersion, e.Params.APIVersion != "")
	set("rpm", e.Params.RPM, e.Params.RPM != 0)
	set("tpm", e.Params.TPM, e.Params.TPM != 0)
	set("timeout", e.Params.Timeout, e.Params.Timeout != 0)
	set("stream_timeout", e.Params.StreamTimeout, e.Params.StreamTimeout != 0)
	set("mock_response", e.Params.MockResponse, e.Params.MockResponse != nil)

	info := make(map[string]any, len(e.Info.Extra)+5)
	for k, v := range e.Info.Extra {
		info[k] = v
	}
	info["id"] = e.Info.ID
	info["db_model"] = e.Stored
	info["access_groups"] = e.Info.AccessGroups
	set2 := func(k string, v *float64) {
		if v != nil {
			info[k] = *v
		}
	}
	set2("input_cost_per_token", e.Info.InputCostPerToken)
	set2("output_cost_per_token", e.Info.OutputCostPerToken)
	return apitype.Deployment{ModelName: e.ModelName, LitellmParams: params, ModelInfo: info}
}

// PublicParams returns litellm_params without anything secret: keys,
// tokens, passwords and credentials are dropped.
func PublicParams(params map[string]any) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		if isSecretParam(k) {
			continue
		}
		out[k] = v
	}
	return out
}

func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_tokens") {
		return false // max_tokens and friends are limits, not credentials
	}
	for _, word := range []string{"key", "secret", "token", "password", "credential", "authorization"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}
