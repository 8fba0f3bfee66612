// Package config loads and validates the gateway's config.yaml, the file
// format of LiteLLM's proxy, together with the environment variables that
// complete it.
//
// Load and Parse report every problem at once in a *ValidationError, each
// naming the key path (model_list[2].litellm_params.model) and its line. Keys
// that the gateway does not use are listed in Config.Ignored, so that the
// server can log them once at start instead of silently misreading them.
//
// # Environment references
//
// A string value "os.environ/NAME" inside litellm_params, litellm_settings,
// router_settings or general_settings is replaced by the value of NAME,
// looked up first in the file's environment_variables block and then in the
// process environment. An unset NAME is a problem; a NAME set to the empty
// string gives the empty string. model_name, model_info and the
// environment_variables block itself are read literally, and ignored keys
// are not resolved at all. The same lookup serves the fallback variables
// documented on the fields (LITELLM_MASTER_KEY, DATABASE_URL, ...), where an
// empty value counts as unset.
//
// # Secrets
//
// Problem messages never quote a value that is, or may be, a secret: API
// keys, the master and salt keys, passwords, and anything read from the
// environment. The JSON encoding and the String method of every type here
// hide the same values, so a Config can be logged as it is.
package config

import "path/filepath"

// Defaults applied when the file and the environment leave a value unset.
const (
	// DefaultAzureAPIVersion is LiteLLM's default api_version for azure
	// deployments, used when neither api_version nor AZURE_API_VERSION is set.
	DefaultAzureAPIVersion = "2025-02-01-preview"
	// DefaultTimeout is the upstream request timeout in seconds. LiteLLM
	// defaults to 6000; we follow the OpenAI SDKs' 600, since a hung
	// upstream should not hold a client for over an hour.
	DefaultTimeout = 600
	// DefaultNumRetries is the number of retries after a failed upstream
	// call, as LiteLLM's router (the OpenAI SDK default).
	DefaultNumRetries = 2
	// DefaultAllowedFails is how many failures in a minute a deployment may
	// have before it is cooled down, as LiteLLM.
	DefaultAllowedFails = 3
	// DefaultCooldownTime is how long, in seconds, a failing deployment is
	// left out of routing, as LiteLLM.
	DefaultCooldownTime = 5
	// DefaultRoutingStrategy picks a deployment at random, weighted by
	// weight, rpm or tpm.
	DefaultRoutingStrategy = "simple-shuffle"
	// DefaultRedisPort is the port used when only redis_host is given.
	DefaultRedisPort = 6379
	// DefaultMaxRequestSizeMB bounds request bodies. LiteLLM has no limit;
	// 32 MB admits the largest audio upload OpenAI accepts (25 MB) with room
	// for the multipart envelope.
	DefaultMaxRequestSizeMB = 32
)

// Config is a parsed and validated config.yaml. Its zero value is an empty
// configuration without defaults; use Parse or Load.
type Config struct {
	// Path is the absolute path of the file that Load read, empty after
	// Parse.
	Path string `json:"-"`
	// ModelList holds the deployments. Several deployments with the same
	// ModelName form one model group and share its traffic. An empty list
	// is valid: models can be added at run time.
	ModelList []Deployment `json:"model_list"`
	// LitellmSettings holds litellm_settings.
	LitellmSettings LitellmSettings `json:"litellm_settings"`
	// RouterSettings holds router_settings, merged with the litellm_settings
	// keys that configure the router.
	RouterSettings RouterSettings `json:"router_settings"`
	// GeneralSettings holds general_settings.
	GeneralSettings GeneralSettings `json:"general_settings"`
	// EnvironmentVariables is the environment_variables block, with scalar
	// values turned into strings. It is consulted before the process
	// environment; Parse never changes the process environment.
	EnvironmentVariables map[string]string `json:"environment_variables,omitempty"`
	// SaltKey encrypts secrets stored in the database: LITELLM_SALT_KEY,
	// else the master key. Stored secrets become unreadable when it changes,
	// so set LITELLM_SALT_KEY before ever rotating the master key.
	SaltKey string `json:"salt_key,omitempty"`
	// Ignored lists, sorted, the key paths present in the file that the
	// gateway does not use: unknown top-level keys ("callback_settings"),
	// settings ("litellm_settings.success_callback",
	// "general_settings.alerting") and deployment keys ("model_list[3].foo").
	// Unknown litellm_params and model_info keys are not ignored: they go
	// to Extra.
	Ignored []string `json:"ignored,omitempty"`
}

// Dir returns the directory of the config file, where the default SQLite
// database lives. After Parse it is ".".
func (c *Config) Dir() string {
	if c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// Deployment is one entry of model_list: an upstream model that serves the
// public model name ModelName.
type Deployment struct {
	// ModelName is the name clients ask for. Required.
	ModelName string `json:"model_name"`
	// Params says how to call the upstream.
	Params LitellmParams `json:"litellm_params"`
	// Info is descriptive metadata, returned by /model/info.
	Info ModelInfo `json:"model_info"`
}

// LitellmParams is a deployment's litellm_params.
type LitellmParams struct {
	// Model is "provider/upstream-model", such as "openai/gpt-4o".
	// Required.
	Model string `json:"model"`
	// Model may have '*'s when ModelName is a pattern (see IsPattern);
	// they are filled in for each request (see ExpandModel).
	//
	// Provider is the part of Model before the first '/', or
	// custom_llm_provider when that is set. It is one of KnownProviders,
	// or empty when that part of Model has a '*' (model "*", say): each
	// request then names the provider (see InferProvider).
	Provider string `json:"custom_llm_provider"`
	// UpstreamModel is the model name sent upstream: Model without the
	// provider prefix, all of Model when Provider is empty.
	UpstreamModel string `json:"upstream_model"`
	// APIBase is the upstream's base URL. Empty means the provider's public
	// endpoint. Required for azure, where AZURE_API_BASE is the fallback.
	APIBase string `json:"api_base,omitempty"`
	// APIKey is the upstream credential. Empty means the provider adapter
	// decides (usually a provider-specific environment variable).
	APIKey string `json:"api_key,omitempty"`
	// APIVersion is the azure api-version query parameter. For azure it
	// defaults to AZURE_API_VERSION, else DefaultAzureAPIVersion.
	APIVersion string `json:"api_version,omitempty"`
	// RPM and TPM are this deployment's requests and tokens per minute.
	// Zero means no limit.
	RPM int64 `json:"rpm,omitempty"`
	TPM int64 `json:"tpm,omitempty"`
	// Weight is this deployment's share of its model group's traffic under
	// simple-shuffle, relative to the others. Default 1.
	Weight float64 `json:"weight"`
	// Timeout and StreamTimeout are in seconds. Zero means the router's
	// timeout.
	Timeout       float64 `json:"timeout,omitempty"`
	StreamTimeout float64 `json:"stream_timeout,omitempty"`
	// MaxRetries overrides the router's retry count for this deployment
	// when not nil.
	MaxRetries *int `json:"max_retries,omitempty"`
	// MockResponse, when not nil, is returned instead of calling upstream.
	MockResponse *string `json:"mock_response,omitempty"`
	// Extra holds every other parameter (temperature, organization,
	// extra_headers, ...), passed through to the provider.
	Extra map[string]any `json:"-"`
}

// ModelInfo is a deployment's model_info.
type ModelInfo struct {
	// ID identifies the deployment. When the file gives none, it is derived
	// from the deployment's position, model_name and model, so the same
	// file always yields the same ids. Ids are unique.
	ID string `json:"id"`
	// AccessGroups are the access groups that grant this model to keys and
	// teams.
	AccessGroups []string `json:"access_groups,omitempty"`
	// InputCostPerToken and OutputCostPerToken are prices in US dollars;
	// nil means unknown.
	InputCostPerToken  *float64 `json:"input_cost_per_token,omitempty"`
	OutputCostPerToken *float64 `json:"output_cost_per_token,omitempty"`
	// Extra holds every other key (mode, base_model, max_tokens, ...).
	Extra map[string]any `json:"-"`
}
