package config

import (
	"encoding/json"
	"net/url"
	"strings"
)

// redacted replaces a secret in JSON encodings and String results.
const redacted = "[redacted]"

// MarshalJSON encodes p as LiteLLM lays out litellm_params, Extra keys
// inline, with the API key and every secret-looking Extra value hidden.
func (p LitellmParams) MarshalJSON() ([]byte, error) {
	type plain LitellmParams
	q := plain(p)
	q.APIKey = hide(q.APIKey)
	q.APIBase = hideURL(q.APIBase)
	return inline(q, p.Extra)
}

// MarshalJSON encodes mi with Extra keys inline, secret-looking values
// hidden.
func (mi ModelInfo) MarshalJSON() ([]byte, error) {
	type plain ModelInfo
	return inline(plain(mi), mi.Extra)
}

// MarshalJSON hides the master key and the database password.
func (s GeneralSettings) MarshalJSON() ([]byte, error) {
	type plain GeneralSettings
	q := plain(s)
	q.MasterKey = hide(q.MasterKey)
	q.DatabaseURL = hideURL(q.DatabaseURL)
	return json.Marshal(q)
}

// MarshalJSON hides the Redis password, also in the URL.
func (s RouterSettings) MarshalJSON() ([]byte, error) {
	type plain RouterSettings
	q := plain(s)
	q.RedisPassword = hide(q.RedisPassword)
	q.RedisURL = hideURL(q.RedisURL)
	return json.Marshal(q)
}

// MarshalJSON hides the salt key and every environment_variables value,
// which are mostly provider keys.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	q := plain(c)
	if q.ModelList == nil {
		q.ModelList = []Deployment{}
	}
	q.SaltKey = hide(q.SaltKey)
	if c.EnvironmentVariables != nil {
		q.EnvironmentVariables = make(map[string]string, len(c.EnvironmentVariables))
		for k, v := range c.EnvironmentVariables {
			q.EnvironmentVariables[k] = hide(v)
		}
	}
	return json.Marshal(q)
}

// String returns the indented JSON encoding, secrets hidden.
func (c Config) String() string { return dump(c, "  ") }

// GoString is String, so that %#v hides secrets too.
func (c Config) GoString() string { return c.String() }

// String returns the JSON encoding, secrets hidden.
func (p LitellmParams) String() string { return dump(p, "") }

// GoString is String, so that %#v hides secrets too.
func (p LitellmParams) GoString() string { return p.String() }

// String returns the JSON encoding, secrets hidden.
func (s GeneralSettings) String() string { return dump(s, "") }

// GoString is String, so that %#v hides secrets too.
func (s GeneralSettings) GoString() string { return s.String() }

// String returns the JSON encoding, secrets hidden.
func (s RouterSettings) String() string { return dump(s, "") }

// GoString is String, so that %#v hides secrets too.
func (s RouterSettings) GoString() string { return s.String() }

// dump encodes v as JSON, indented by indent when it is not empty.
func dump(v any, indent string) string {
	marshal := json.Marshal
	if indent != "" {
		marshal = func(v any) ([]byte, error) { return json.MarshalIndent(v, "", indent) }
	}
	b, err := marshal(v)
	if err != nil {
		return "config: " + err.Error()
	}
	return string(b)
}

// inline encodes v, a struct, as a JSON object with extra's keys added,
// all keys sorted.
func inline(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	for k, x := range hideTree(extra).(map[string]any) { // nil map: no keys
		if obj[k], err = json.Marshal(x); err != nil {
			return nil, err
		}
	}
	return json.Marshal(obj)
}

// hideTree copies v, hiding the values of secret-looking keys at any
// depth (api keys, tokens, passwords, Authorization headers).
func hideTree(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if isSecretKey(k) && x != nil {
				x = redacted
			}
			out[k] = hideTree(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = hideTree(x)
		}
		return out
	}
	return v
}

// isSecretKey reports whether a parameter named k likely holds a secret.
func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"secret", "password", "passwd", "credential", "authorization"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return strings.HasSuffix(k, "key") || strings.HasSuffix(k, "token")
}

func hide(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// hideURL hides the password and secret-looking query values of a URL as
// url.URL.Redacted does ("xxxxx"), or the whole value when it does not
// parse.
func hideURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return redacted
	}
	q, changed := u.Query(), false
	for k := range q {
		if isSecretKey(k) {
			q.Set(k, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
