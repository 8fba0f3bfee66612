package config

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// RoutingStrategies are the accepted values of routing_strategy.
// usage-based-routing is LiteLLM's deprecated name, kept so that old
// configs load; it routes like usage-based-routing-v2.
var RoutingStrategies = []string{
	"simple-shuffle",
	"least-busy",
	"latency-based-routing",
	"usage-based-routing",
	"usage-based-routing-v2",
}

// RouterSettings holds router_settings. Where litellm_settings sets the
// same thing (num_retries, request_timeout as timeout, allowed_fails,
// cooldown_time and the four fallback lists), router_settings wins, as in
// LiteLLM; these fields hold the merged result.
type RouterSettings struct {
	// RoutingStrategy is one of RoutingStrategies; default
	// DefaultRoutingStrategy.
	RoutingStrategy string `json:"routing_strategy"`
	// NumRetries defaults to DefaultNumRetries.
	NumRetries int `json:"num_retries"`
	// Timeout is the upstream timeout in seconds; default DefaultTimeout.
	Timeout float64 `json:"timeout"`
	// AllowedFails defaults to DefaultAllowedFails.
	AllowedFails int `json:"allowed_fails"`
	// CooldownTime is in seconds; default DefaultCooldownTime.
	CooldownTime float64 `json:"cooldown_time"`
	// Fallbacks, ContextWindowFallbacks, ContentPolicyFallbacks and
	// DefaultFallbacks: see LitellmSettings. A key "*" in a fallback list
	// applies to every model without an entry of its own, as in LiteLLM.
	Fallbacks              []map[string][]string `json:"fallbacks,omitempty"`
	ContextWindowFallbacks []map[string][]string `json:"context_window_fallbacks,omitempty"`
	ContentPolicyFallbacks []map[string][]string `json:"content_policy_fallbacks,omitempty"`
	DefaultFallbacks       []string              `json:"default_fallbacks,omitempty"`
	// ModelGroupAlias maps a name clients may ask for to a model_name.
	ModelGroupAlias map[string]string `json:"model_group_alias,omitempty"`
	// RedisHost, RedisPort and RedisPassword locate the Redis that shares
	// rate-limit counters between replicas; fallbacks REDIS_HOST,
	// REDIS_PORT and REDIS_PASSWORD. RedisPort defaults to
	// DefaultRedisPort. Without RedisHost and RedisURL, there is no Redis.
	RedisHost     string `json:"redis_host,omitempty"`
	RedisPort     int    `json:"redis_port"`
	RedisPassword string `json:"redis_password,omitempty"`
	// RedisURL is a redis://, rediss:// or unix:// URL; fallback
	// REDIS_URL. When set, it wins over RedisHost, RedisPort and
	// RedisPassword wherever each came from, as in LiteLLM, whose Redis
	// client drops them as soon as a URL is given.
	RedisURL string `json:"redis_url,omitempty"`
	// EnablePreCallChecks skips deployments whose context window is too
	// small for the request.
	EnablePreCallChecks bool `json:"enable_pre_call_checks"`
}

// retries are the keys that litellm_settings and router_settings share;
// nil or empty means unset.
type retries struct {
	numRetries, allowedFails *int
	timeout, cooldown        *float64
	fallbacks, cwFallbacks   []map[string][]string
	cpFallbacks              []map[string][]string // nil unset, empty set to none
	defaultFallbacks         []string
}

// retryKey reads k into r if it is one of the shared keys, whose timeout
// is called timeoutKey, and reports whether it was.
func (d *decoder) retryKey(r *retries, timeoutKey, k string, v *yaml.Node, at string) bool {
	switch k {
	case "num_retries":
		r.numRetries = d.optCount(v, at)
	case "allowed_fails":
		r.allowedFails = d.optCount(v, at)
	case timeoutKey:
		if f, ok := d.number(v, at, true); ok {
			r.timeout = &f
		}
	case "cooldown_time":
		if f, ok := d.number(v, at, false); ok {
			r.cooldown = &f
		}
	case "fallbacks":
		r.fallbacks = d.fallbacks(v, at)
	case "context_window_fallbacks":
		r.cwFallbacks = d.fallbacks(v, at)
	case "content_policy_fallbacks":
		r.cpFallbacks = d.fallbacks(v, at)
	case "default_fallbacks":
		r.defaultFallbacks = d.modelNames(v, at)
	default:
		return false
	}
	return true
}

func (d *decoder) optCount(n *yaml.Node, at string) *int {
	if i, ok := d.count(n, at); ok {
		return ptr(int(i))
	}
	return nil
}

// routerSettings reads router_settings and merges lr, the shared keys of
// litellm_settings, under it.
func (d *decoder) routerSettings(n *yaml.Node, lr retries) RouterSettings {
	s := RouterSettings{RoutingStrategy: DefaultRoutingStrategy}
	var r retries
	d.each(n, "router_settings", func(k string, v *yaml.Node, at string) {
		if !d.retryKey(&r, "timeout", k, v, at) {
			d.routerKey(&s, k, v, at)
		}
	})
	s.NumRetries = or(cmp.Or(r.numRetries, lr.numRetries), DefaultNumRetries)
	s.Timeout = or(cmp.Or(r.timeout, lr.timeout), DefaultTimeout)
	s.AllowedFails = or(cmp.Or(r.allowedFails, lr.allowedFails), DefaultAllowedFails)
	s.CooldownTime = or(cmp.Or(r.cooldown, lr.cooldown), DefaultCooldownTime)
	s.Fallbacks = firstNonEmpty(r.fallbacks, lr.fallbacks)
	s.ContextWindowFallbacks = firstNonEmpty(r.cwFallbacks, lr.cwFallbacks)
	// An empty list in litellm_settings stays empty, not unset: LiteLLM
	// reads it that way too, and it is how a refusal is kept from falling
	// back at all.
	s.ContentPolicyFallbacks = firstNonEmpty(r.cpFallbacks, lr.cpFallbacks)
	s.DefaultFallbacks = firstNonEmpty(r.defaultFallbacks, lr.defaultFallbacks)
	d.redisFallbacks(&s)
	return s
}

// routerKey reads the router_settings key k that is not a shared one.
func (d *decoder) routerKey(s *RouterSettings, k string, v *yaml.Node, at string) {
	switch k {
	case "routing_strategy":
		s.RoutingStrategy = cmp.Or(d.strategy(v, at), s.RoutingStrategy)
	case "model_group_alias":
		s.ModelGroupAlias = d.aliases(v, at)
	case "redis_host":
		s.RedisHost = d.str(v, at)
	case "redis_port":
		s.RedisPort = d.port(v, at)
	case "redis_password":
		s.RedisPassword = d.str(v, at)
	case "redis_url":
		d.checked(v, at, &s.RedisURL, d.checkRedisURL)
	case "enable_pre_call_checks":
		s.EnablePreCallChecks, _ = d.boolean(v, at)
	default:
		d.ignore(at)
	}
}

func (d *decoder) strategy(n *yaml.Node, at string) string {
	s := d.str(n, at)
	if s != "" && !slices.Contains(RoutingStrategies, s) {
		d.problem(n, at, "unknown routing strategy %q (supported: %s)",
			s, strings.Join(RoutingStrategies, ", "))
		return ""
	}
	return s
}

func (d *decoder) port(n *yaml.Node, at string) int {
	p, ok := d.count(n, at)
	if ok && (p < 1 || p > 65535) {
		d.problem(n, at, "want a port between 1 and 65535")
	}
	return int(p)
}

// redisFallbacks fills the Redis fields the file leaves empty from
// REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_URL, as LiteLLM does.
func (d *decoder) redisFallbacks(s *RouterSettings) {
	if s.RedisURL == "" {
		s.RedisURL = d.fallback("REDIS_URL")
		d.checkRedisURL(s.RedisURL, nil, "REDIS_URL")
	}
	s.RedisHost = cmp.Or(s.RedisHost, d.fallback("REDIS_HOST"))
	s.RedisPassword = cmp.Or(s.RedisPassword, d.fallback("REDIS_PASSWORD"))
	if s.RedisPort == 0 {
		s.RedisPort = DefaultRedisPort
		if v := d.fallback("REDIS_PORT"); v != "" {
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 65535 {
				d.problem(nil, "REDIS_PORT", "want a port between 1 and 65535")
			}
			s.RedisPort = p
		}
	}
}

// redisSchemes are the URL schemes of Redis: plain TCP, TLS and a Unix
// socket.
var redisSchemes = []string{"redis", "rediss", "unix"}

// checkRedisURL reports a URL that is not Redis's, or whose port is not a
// port, never quoting it: it may hold a password.
func (d *decoder) checkRedisURL(s string, n *yaml.Node, at string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || !slices.Contains(redisSchemes, u.Scheme) {
		d.problem(n, at, "want a redis://, rediss:// or unix:// URL")
		return
	}
	if port := u.Port(); port != "" {
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			d.problem(n, at, "want a port between 1 and 65535 in the URL")
		}
	}
}
