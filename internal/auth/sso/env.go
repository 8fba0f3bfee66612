package sso

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// FromEnv reads the identity provider and login policy from LiteLLM's
// environment variables through lookup (os.LookupEnv, or a layered
// lookup). redirectURL is the gateway's callback URL, usually
// PROXY_BASE_URL + "/sso/callback".
//
// As in LiteLLM, GOOGLE_CLIENT_ID wins over MICROSOFT_CLIENT_ID, which
// wins over GENERIC_CLIENT_ID. FromEnv returns a nil Config and no error
// when none is set. Every problem found is reported at once, each naming
// its variable; values never appear in errors, as some are secrets. An
// empty variable counts as unset.
func FromEnv(lookup func(string) (string, bool), redirectURL string) (*Config, error) {
	e := &env{lookup: lookup}
	name := e.provider()
	if name == "" {
		return nil, e.err()
	}
	c := &Config{Name: name, RedirectURL: redirectURL}
	if _, err := absoluteURL(redirectURL); err != nil {
		e.errs = append(e.errs, fmt.Errorf("redirect URL: %w", err))
	}
	switch name {
	case Google:
		e.google(c)
	case Microsoft:
		e.microsoft(c)
	default:
		e.generic(c)
	}
	e.policy(c)
	if err := e.err(); err != nil {
		return nil, err
	}
	c.Warnings = e.warnings
	return c, nil
}

// env reads variables and collects every problem, so that an operator
// fixes them all in one round.
type env struct {
	lookup   func(string) (string, bool)
	errs     []error
	warnings []string
}

func (e *env) err() error {
	if len(e.errs) == 0 {
		return nil
	}
	return fmt.Errorf("sso configuration: %w", errors.Join(e.errs...))
}

func (e *env) fail(name, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf(name+": "+format, args...))
}

func (e *env) warn(format string, args ...any) {
	e.warnings = append(e.warnings, fmt.Sprintf(format, args...))
}

// get returns the trimmed value of name, or "" when it is unset.
func (e *env) get(name string) string {
	v, _ := e.lookup(name)
	return strings.TrimSpace(v)
}

func (e *env) getOr(name, def string) string {
	if v := e.get(name); v != "" {
		return v
	}
	return def
}

func (e *env) required(name, why string) string {
	v := e.get(name)
	if v == "" {
		e.fail(name, "required %s", why)
	}
	return v
}

// bool reads name as strconv.ParseBool does; unset gives def.
func (e *env) bool(name string, def bool) bool {
	v := e.get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		e.fail(name, "want true or false")
		return def
	}
	return b
}

// list splits a comma-separated value, dropping empty items.
func (e *env) list(name string) []string {
	var out []string
	for item := range strings.SplitSeq(e.get(name), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// url reads an optional absolute http(s) URL.
func (e *env) url(name string) string {
	v := e.get(name)
	if v == "" {
		return ""
	}
	u, err := absoluteURL(v)
	if err != nil {
		e.fail(name, "%w", err)
		return ""
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		// RFC 6749 §3.1 and §3.2 require TLS at these endpoints; plain
		// HTTP inside a private network is common enough to allow.
		e.warn("%s uses plain http: codes, tokens and the client secret "+
			"cross the network unencrypted", name)
	}
	return v
}

func absoluteURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("want an absolute http or https URL")
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// provider picks the configured provider as LiteLLM does. When none is
// picked, settings that name a provider without its client id are errors:
// the operator meant to turn SSO on.
func (e *env) provider() string {
	var set []string
	for _, p := range []struct {
		name, prefix string
		others       []string
	}{
		{Google, "GOOGLE_", []string{"CLIENT_SECRET"}},
		{Microsoft, "MICROSOFT_", []string{"CLIENT_SECRET", "TENANT"}},
		{Generic, "GENERIC_", []string{"CLIENT_SECRET", "ISSUER_URL", "AUTHORIZATION_ENDPOINT"}},
	} {
		if e.get(p.prefix+"CLIENT_ID") != "" {
			set = append(set, p.name)
			continue
		}
		for _, v := range p.others {
			if e.get(p.prefix+v) != "" {
				e.fail(p.prefix+"CLIENT_ID", "required when %s%s is set", p.prefix, v)
			}
		}
	}
	if len(set) == 0 {
		return ""
	}
	e.errs = nil // a stray setting of a provider not in use is harmless
	if len(set) > 1 {
		e.warn("client ids of several SSO providers are set (%s); using %s",
			strings.Join(set, ", "), set[0])
	}
	return set[0]
}
