package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// modelRef is a model name used by fallbacks or model_group_alias, checked
// once every model_name and alias is known.
type modelRef struct {
	name, path string
	line       int
	alias      bool // an alias name is acceptable
}

func (d *decoder) refer(name string, n *yaml.Node, at string, alias bool) {
	d.refs = append(d.refs, modelRef{name: name, path: at, line: n.Line, alias: alias})
}

// fallbacks reads a list of {model_name: [model_name, ...]} mappings.
func (d *decoder) fallbacks(n *yaml.Node, at string) []map[string][]string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.problem(n, at, "want a list, got %s", describe(n))
		return nil
	}
	out := make([]map[string][]string, 0, len(n.Content))
	for i, item := range n.Content {
		m := map[string][]string{}
		d.each(item, fmt.Sprintf("%s[%d]", at, i), func(k string, v *yaml.Node, kat string) {
			if k != AnyModel {
				d.refer(k, v, kat, true)
			}
			m[k] = d.modelNames(v, kat)
		})
		out = append(out, m)
	}
	return out
}

// AnyModel is the key of a fallback entry that applies to every model
// without one of its own.
const AnyModel = "*"

// modelNames reads a list of model names, each a model_name or an alias.
func (d *decoder) modelNames(n *yaml.Node, at string) []string {
	names := d.strings(n, at)
	for j, name := range names {
		d.refer(name, n, fmt.Sprintf("%s[%d]", at, j), true)
	}
	return names
}

// aliases reads model_group_alias. A value is a model_name, or LiteLLM's
// {model: model_name, hidden: bool} form, whose hidden flag is ignored.
func (d *decoder) aliases(n *yaml.Node, at string) map[string]string {
	out := map[string]string{}
	d.each(n, at, func(k string, v *yaml.Node, kat string) {
		if v.Kind == yaml.MappingNode {
			if v, kat = d.aliasForm(v, kat); v == nil {
				return
			}
		}
		if target := d.required(v, kat, ""); target != "" {
			d.refer(target, v, kat, false)
			out[k] = target
		}
	})
	return out
}

// aliasForm returns the model key of {model: ..., hidden: ...}.
func (d *decoder) aliasForm(n *yaml.Node, at string) (*yaml.Node, string) {
	var model *yaml.Node
	d.each(n, at, func(k string, v *yaml.Node, kat string) {
		if k == "model" {
			model = v
		} else {
			d.ignore(kat)
		}
	})
	if model == nil {
		d.problem(n, at+".model", "required")
	}
	return model, at + ".model"
}

// checkRefs reports fallbacks and aliases that name no model. A model_name
// may be a pattern such as "openai/*", as in LiteLLM.
func (d *decoder) checkRefs(models []Deployment, aliases map[string]string) {
	for _, r := range d.refs {
		if _, ok := aliases[r.name]; ok && r.alias {
			continue
		}
		if !hasModel(models, r.name) {
			d.problems = append(d.problems, Problem{Path: r.path, Line: r.line,
				Message: fmt.Sprintf("unknown model %q (not a model_name in model_list)", r.name)})
		}
	}
}

func hasModel(models []Deployment, name string) bool {
	for _, m := range models {
		if m.ModelName == name || IsPattern(m.ModelName) && CompilePattern(m.ModelName).Matches(name) {
			return true
		}
	}
	return false
}

// firstNonEmpty returns a unless it is empty, then b.
func firstNonEmpty[T any](a, b []T) []T {
	if len(a) > 0 {
		return a
	}
	return b
}
