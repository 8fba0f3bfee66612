package config

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// modelList reads model_list and checks that deployment ids are unique.
func (d *decoder) modelList(n *yaml.Node) []Deployment {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.problem(n, "model_list", "want a list, got %s", describe(n))
		return nil
	}
	out := make([]Deployment, 0, len(n.Content))
	first := map[string]string{}
	for i, item := range n.Content {
		path := fmt.Sprintf("model_list[%d]", i)
		dep := d.deployment(item, path, i)
		if prev, dup := first[dep.Info.ID]; dup && dep.Info.ID != "" {
			d.problem(item, path+".model_info.id", "duplicate id %q (also %s)", dep.Info.ID, prev)
		}
		first[dep.Info.ID] = path
		out = append(out, dep)
	}
	return out
}

// deployment reads one entry of model_list; i is its position.
func (d *decoder) deployment(n *yaml.Node, path string, i int) Deployment {
	var dep Deployment
	if !d.mapping(n, path) {
		return dep
	}
	var name, params, info *yaml.Node
	d.each(n, path, func(k string, v *yaml.Node, at string) {
		switch k {
		case "model_name":
			name, dep.ModelName = v, d.required(v, at, "")
		case "litellm_params":
			params = v
		case "model_info":
			info = v
		default:
			d.ignore(at)
		}
	})
	if name == nil {
		d.problem(deref(n), join(path, "model_name"), "required")
	}
	if isNull(params) {
		d.problem(cmp.Or(params, deref(n)), join(path, "litellm_params"), "required")
	} else {
		d.resolving(func() {
			dep.Params = d.params(params, join(path, "litellm_params"), dep.ModelName)
		})
	}
	dep.Info = d.info(info, join(path, "model_info"))
	if dep.Info.ID == "" {
		dep.Info.ID = deploymentID(i, dep.ModelName, dep.Params.Model)
	}
	return dep
}

// deploymentID derives a stable id for a deployment that has none.
func deploymentID(i int, modelName, model string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d\x00%s\x00%s", i, modelName, model))
	return hex.EncodeToString(sum[:16])
}

// params reads litellm_params of the model_name name, then splits the
// model and applies the provider's rules.
func (d *decoder) params(n *yaml.Node, path, name string) LitellmParams {
	p := LitellmParams{Weight: 1}
	if !d.mapping(n, path) {
		return p
	}
	seen := map[string]*yaml.Node{}
	d.each(n, path, func(k string, v *yaml.Node, at string) {
		seen[k] = v
		d.param(&p, k, v, at)
	})
	d.model(&p, deref(n), path, seen)
	if IsPattern(p.Model) && !IsPattern(name) && name != "" {
		d.problem(seen["model"], path+".model",
			"has a '*' but model_name %q has none to fill it in", name)
	}
	if p.Provider == "azure" {
		d.azure(&p, deref(n), path, seen)
	}
	if v := seen["api_base"]; v != nil && p.APIBase != "" && !isHTTPURL(p.APIBase) {
		d.problem(v, path+".api_base", "want an http or https URL")
	}
	return p
}

// param reads the litellm_params key k into p.
func (d *decoder) param(p *LitellmParams, k string, v *yaml.Node, at string) {
	switch k {
	case "model":
		p.Model = d.required(v, at, modelHint)
	case "custom_llm_provider":
		p.Provider = strings.TrimSpace(d.str(v, at))
	case "api_base":
		p.APIBase = d.str(v, at)
	case "api_key":
		p.APIKey = d.str(v, at)
	case "api_version":
		p.APIVersion = d.str(v, at)
	case "rpm":
		p.RPM, _ = d.count(v, at)
	case "tpm":
		p.TPM, _ = d.count(v, at)
	case "weight":
		if w, ok := d.number(v, at, true); ok {
			p.Weight = w
		}
	case "timeout":
		p.Timeout, _ = d.number(v, at, true)
	case "stream_timeout":
		p.StreamTimeout, _ = d.number(v, at, true)
	case "max_retries":
		if r, ok := d.count(v, at); ok {
			p.MaxRetries = ptr(int(r))
		}
	case "mock_response":
		if s, _, ok := d.scalar(v, at, "a string"); ok {
			p.MockResponse = &s
		}
	default:
		p.Extra = setExtra(p.Extra, k, d.anyValue(v, at))
	}
}

// modelHint shows the form of litellm_params.model.
const modelHint = ` (such as "openai/gpt-4o")`

// model splits p.Model into Provider and UpstreamModel and checks both.
func (d *decoder) model(p *LitellmParams, n *yaml.Node, path string, seen map[string]*yaml.Node) {
	at, node := path+".model", seen["model"]
	if p.Model == "" {
		if node == nil {
			d.problem(n, at, "required"+modelHint)
		}
		return
	}
	if perRequestProvider(p.Model, p.Provider) {
		// Such as "*": each request's model names its provider.
		p.UpstreamModel = p.Model
		return
	}
	provider, upstream, ok := splitModel(p.Model, p.Provider)
	if !ok {
		d.problem(node, at, "missing provider prefix"+modelHint)
		return
	}
	if p.Provider != "" {
		at, node = path+".custom_llm_provider", seen["custom_llm_provider"]
	}
	if !IsKnownProvider(provider) {
		d.problem(node, at, "unknown provider %q (supported: %s)",
			provider, strings.Join(KnownProviders(), ", "))
		return
	}
	if upstream == "" {
		d.problem(node, path+".model", "missing model name after %q", provider+"/")
	}
	p.Provider, p.UpstreamModel = provider, upstream
}

// azure applies LiteLLM's azure fallbacks: AZURE_API_BASE and
// AZURE_API_VERSION, then DefaultAzureAPIVersion.
func (d *decoder) azure(p *LitellmParams, n *yaml.Node, path string, seen map[string]*yaml.Node) {
	if p.APIBase == "" {
		p.APIBase = d.fallback("AZURE_API_BASE")
	}
	if p.APIBase == "" && seen["api_base"] == nil {
		d.problem(n, path+".api_base", "required for azure (or set AZURE_API_BASE)")
	}
	if p.APIVersion == "" {
		p.APIVersion = cmp.Or(d.fallback("AZURE_API_VERSION"), DefaultAzureAPIVersion)
	}
}

// info reads model_info, literally: no environment references.
func (d *decoder) info(n *yaml.Node, path string) ModelInfo {
	var mi ModelInfo
	d.each(n, path, func(k string, v *yaml.Node, at string) {
		switch k {
		case "id":
			mi.ID = strings.TrimSpace(d.str(v, at))
		case "access_groups":
			mi.AccessGroups = d.strings(v, at)
		case "input_cost_per_token":
			mi.InputCostPerToken = d.cost(v, at)
		case "output_cost_per_token":
			mi.OutputCostPerToken = d.cost(v, at)
		default:
			mi.Extra = setExtra(mi.Extra, k, d.anyValue(v, at))
		}
	})
	return mi
}

func (d *decoder) cost(n *yaml.Node, at string) *float64 {
	if f, ok := d.number(n, at, false); ok {
		return &f
	}
	return nil
}

// fallback returns the value of the variable name, from the
// environment_variables block or the environment; "" means unset or empty.
func (d *decoder) fallback(name string) string {
	v, _ := d.lookup(name)
	return v
}

func setExtra(m map[string]any, k string, v any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m[k] = v
	return m
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func ptr[T any](v T) *T { return &v }
