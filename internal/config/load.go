package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// LookupFunc looks up an environment variable, as os.LookupEnv does.
type LookupFunc func(name string) (string, bool)

// Load reads and validates the config file at path. env looks up
// environment variables: os.LookupEnv in production, a map in tests; nil
// means an empty environment. A file that cannot be read gives an error
// wrapping the cause; an invalid one gives a *ValidationError.
func Load(path string, env LookupFunc) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data, env)
	if err != nil {
		if ve, ok := err.(*ValidationError); ok {
			ve.File = path
		}
		return nil, err
	}
	if c.Path, err = filepath.Abs(path); err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return c, nil
}

// Parse validates the config.yaml content data; see Load. Every error it
// returns is a *ValidationError.
func Parse(data []byte, env LookupFunc) (*Config, error) {
	root, syntax := parseYAML(data)
	if syntax != nil {
		return nil, newValidationError([]Problem{*syntax})
	}
	d := &decoder{}
	c := d.config(root, env)
	if len(d.problems) > 0 {
		return nil, newValidationError(d.problems)
	}
	return c, nil
}

// ParseDeployment validates one deployment given as decoded JSON, as the
// management API receives it and the store keeps it, by the rules of a
// model_list entry; env resolves os.environ/NAME in params. Without an id
// in info, the id is derived as for the first entry of a model_list.
// Problems come as a *ValidationError whose paths read like
// "litellm_params.model", without lines.
func ParseDeployment(modelName string, params, info map[string]any, env LookupFunc) (Deployment, error) {
	fields := map[string]any{"model_name": modelName}
	if params != nil {
		fields["litellm_params"] = params
	}
	if info != nil {
		fields["model_info"] = info
	}
	var n yaml.Node
	if err := n.Encode(fields); err != nil {
		return Deployment{}, fmt.Errorf("parse deployment: %w", err)
	}
	d := &decoder{lookup: lookupIn(nil, env)}
	dep := d.deployment(&n, "", 0)
	if len(d.problems) > 0 {
		return Deployment{}, newValidationError(d.problems)
	}
	return dep, nil
}

// sections are the top-level keys the gateway reads.
var sections = []string{
	"model_list", "litellm_settings", "router_settings",
	"general_settings", "environment_variables",
}

// config reads the document root. environment_variables comes first since
// every environment lookup consults it.
func (d *decoder) config(root *yaml.Node, env LookupFunc) *Config {
	top := map[string]*yaml.Node{}
	d.each(root, "", func(k string, v *yaml.Node, at string) {
		if slices.Contains(sections, k) {
			top[k] = v
		} else {
			d.ignore(at)
		}
	})
	c := &Config{EnvironmentVariables: d.environment(top["environment_variables"])}
	d.lookup = lookupIn(c.EnvironmentVariables, env)
	c.ModelList = d.modelList(top["model_list"])
	d.resolving(func() {
		var lr retries
		c.LitellmSettings, lr = d.litellmSettings(top["litellm_settings"])
		c.RouterSettings = d.routerSettings(top["router_settings"], lr)
		c.GeneralSettings = d.generalSettings(top["general_settings"])
	})
	d.checkRefs(c.ModelList, c.RouterSettings.ModelGroupAlias)
	c.SaltKey = d.fallback("LITELLM_SALT_KEY")
	if c.SaltKey == "" {
		c.SaltKey = c.GeneralSettings.MasterKey
	}
	slices.Sort(d.ignored)
	c.Ignored = slices.Compact(d.ignored)
	return c
}

// lookupIn looks name up in vars, then in env. An empty value counts as
// unset for the fallback variables, not for os.environ references.
func lookupIn(vars map[string]string, env LookupFunc) LookupFunc {
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		if env == nil {
			return "", false
		}
		return env(name)
	}
}
