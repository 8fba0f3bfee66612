package config

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LitellmSettings holds litellm_settings. The keys it shares with
// router_settings are kept here as the file gives them, with defaults; the
// router reads the merged values in RouterSettings.
type LitellmSettings struct {
	// DropParams drops request parameters the upstream does not support
	// instead of failing the request.
	DropParams bool `json:"drop_params"`
	// NumRetries defaults to DefaultNumRetries.
	NumRetries int `json:"num_retries"`
	// RequestTimeout is in seconds; default DefaultTimeout.
	RequestTimeout float64 `json:"request_timeout"`
	// Fallbacks map a model_name to the model_names tried, in order, when
	// it fails. Every name must be a model_name of ModelList or an alias.
	Fallbacks []map[string][]string `json:"fallbacks,omitempty"`
	// ContextWindowFallbacks are tried when the request does not fit the
	// model's context window.
	ContextWindowFallbacks []map[string][]string `json:"context_window_fallbacks,omitempty"`
	// ContentPolicyFallbacks are tried when the upstream refuses the
	// request on content policy grounds. Nil (unset) sends such refusals
	// to Fallbacks, as LiteLLM does; an empty list sends them nowhere.
	ContentPolicyFallbacks []map[string][]string `json:"content_policy_fallbacks,omitempty"`
	// DefaultFallbacks are tried, in order, for a model that Fallbacks
	// gives no entry of its own.
	DefaultFallbacks []string `json:"default_fallbacks,omitempty"`
	// AllowedFails defaults to DefaultAllowedFails.
	AllowedFails int `json:"allowed_fails"`
	// CooldownTime is in seconds; default DefaultCooldownTime.
	CooldownTime float64 `json:"cooldown_time"`
	// SetVerbose turns on debug logging (deprecated in LiteLLM).
	SetVerbose bool `json:"set_verbose"`
	// JSONLogs asks for logs in JSON.
	JSONLogs bool `json:"json_logs"`
	// CheckProviderEndpoint lists under a pattern model name, in GET
	// /v1/models, the models its upstream says it serves rather than the
	// built-in list of known models.
	CheckProviderEndpoint bool `json:"check_provider_endpoint"`
}

// GeneralSettings holds general_settings.
type GeneralSettings struct {
	// MasterKey is the admin bearer key; it starts with "sk-". When the
	// file has none, LITELLM_MASTER_KEY. Empty means neither gives one; an
	// empty master_key in the file is a problem, not a way to turn
	// authentication off.
	MasterKey string `json:"master_key,omitempty"`
	// DatabaseURL is a postgres:// or postgresql:// URL. When the file has
	// none, DATABASE_URL; the file wins, as in LiteLLM. Empty means the
	// SQLite database next to the config file.
	DatabaseURL string `json:"database_url,omitempty"`
	// MaxRequestSizeMB bounds request bodies; default
	// DefaultMaxRequestSizeMB.
	MaxRequestSizeMB int64 `json:"max_request_size_mb"`
	// StoreModelInDB keeps models added at run time in the database.
	StoreModelInDB bool `json:"store_model_in_db"`
	// DisableSpendLogs keeps no spend record of requests; their cost still
	// adds to the spend of their keys, users and teams.
	DisableSpendLogs bool `json:"disable_spend_logs"`
	// DisableErrorLogs keeps no spend record of requests that failed.
	DisableErrorLogs bool `json:"disable_error_logs"`
}

// litellmSettings reads litellm_settings. The returned retries are merged
// into RouterSettings later.
func (d *decoder) litellmSettings(n *yaml.Node) (LitellmSettings, retries) {
	var s LitellmSettings
	var r retries
	d.each(n, "litellm_settings", func(k string, v *yaml.Node, at string) {
		if d.retryKey(&r, "request_timeout", k, v, at) {
			return
		}
		switch k {
		case "drop_params":
			s.DropParams, _ = d.boolean(v, at)
		case "set_verbose":
			s.SetVerbose, _ = d.boolean(v, at)
		case "json_logs":
			s.JSONLogs, _ = d.boolean(v, at)
		case "check_provider_endpoint":
			s.CheckProviderEndpoint, _ = d.boolean(v, at)
		default:
			d.ignore(at)
		}
	})
	s.NumRetries = or(r.numRetries, DefaultNumRetries)
	s.RequestTimeout = or(r.timeout, DefaultTimeout)
	s.AllowedFails = or(r.allowedFails, DefaultAllowedFails)
	s.CooldownTime = or(r.cooldown, DefaultCooldownTime)
	s.Fallbacks, s.ContextWindowFallbacks = r.fallbacks, r.cwFallbacks
	s.ContentPolicyFallbacks, s.DefaultFallbacks = r.cpFallbacks, r.defaultFallbacks
	return s, r
}

// generalSettings reads general_settings and applies the environment
// fallbacks for the master key and the database URL.
func (d *decoder) generalSettings(n *yaml.Node) GeneralSettings {
	s := GeneralSettings{MaxRequestSizeMB: DefaultMaxRequestSizeMB}
	var key, db *yaml.Node
	d.each(n, "general_settings", func(k string, v *yaml.Node, at string) {
		switch k {
		case "master_key":
			key = v
			d.checked(v, at, &s.MasterKey, d.checkMasterKey)
		case "database_url":
			db = v
			d.checked(v, at, &s.DatabaseURL, d.checkDatabaseURL)
		case "max_request_size_mb":
			s.MaxRequestSizeMB = d.megabytes(v, at)
		case "store_model_in_db":
			s.StoreModelInDB, _ = d.boolean(v, at)
		case "disable_spend_logs":
			s.DisableSpendLogs, _ = d.boolean(v, at)
		case "disable_error_logs":
			s.DisableErrorLogs, _ = d.boolean(v, at)
		default:
			d.ignore(at)
		}
	})
	if isNull(key) {
		s.MasterKey = d.fallback("LITELLM_MASTER_KEY")
		if s.MasterKey != "" {
			d.checkMasterKey(s.MasterKey, nil, "LITELLM_MASTER_KEY")
		}
	}
	if isNull(db) {
		s.DatabaseURL = d.fallback("DATABASE_URL")
		d.checkDatabaseURL(s.DatabaseURL, nil, "DATABASE_URL")
	}
	return s
}

// checked reads the string at n into dst and checks it with check.
func (d *decoder) checked(n *yaml.Node, at string, dst *string,
	check func(s string, n *yaml.Node, at string)) {
	if s, _, ok := d.scalar(n, at, "a string"); ok {
		*dst = s
		check(s, n, at)
	}
}

func (d *decoder) megabytes(n *yaml.Node, at string) int64 {
	mb, ok := d.count(n, at)
	if ok && mb == 0 {
		d.problem(n, at, "must be positive")
	}
	if !ok || mb == 0 {
		return DefaultMaxRequestSizeMB
	}
	return mb
}

// checkMasterKey reports a master key without the "sk-" prefix, never
// quoting it. An empty key given in the file is reported too: it would
// silently turn authentication off.
func (d *decoder) checkMasterKey(key string, n *yaml.Node, at string) {
	if !strings.HasPrefix(key, "sk-") {
		d.problem(n, at, `must start with "sk-"`)
	}
}

// checkDatabaseURL reports a URL that is not PostgreSQL's, never quoting
// it: it may hold a password.
func (d *decoder) checkDatabaseURL(s string, n *yaml.Node, at string) {
	u, err := url.Parse(s)
	if s != "" && (err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql") {
		d.problem(n, at, "want a postgres:// or postgresql:// URL")
	}
}

// environment reads environment_variables, turning scalars into strings.
func (d *decoder) environment(n *yaml.Node) map[string]string {
	var vars map[string]string
	d.each(n, "environment_variables", func(k string, v *yaml.Node, at string) {
		if vars == nil {
			vars = map[string]string{}
		}
		s, _, _ := d.scalar(v, at, "a string")
		vars[k] = s
	})
	return vars
}

// or returns *p, or def when p is nil.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
