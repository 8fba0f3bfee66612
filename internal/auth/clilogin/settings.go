package clilogin

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DefaultTokenTTL is the lifetime of a session token when
// LITELLM_CLI_JWT_EXPIRATION_HOURS is unset, as in LiteLLM.
const DefaultTokenTTL = 24 * time.Hour

// maxTTLHours bounds the token lifetime to a year: a longer-lived bearer
// token is an API key by another name, and admins have those.
const maxTTLHours = 8760

// Settings reads the CLI login settings from LiteLLM's environment
// variables through lookup (os.LookupEnv, or a layered lookup).
//
// EXPERIMENTAL_UI_LOGIN turns CLI login on when it is true, 1, yes or on,
// in any case; any other value, or none, leaves it off, as LiteLLM reads
// it. LITELLM_CLI_JWT_EXPIRATION_HOURS (else CLI_JWT_EXPIRATION_HOURS)
// sets the token lifetime in hours, fractions allowed, default 24. A
// lifetime that is not a number, not positive or over 8760 is an error
// naming the variable and its value, and the gateway refuses to start.
func Settings(lookup func(string) (string, bool)) (enabled bool, ttl time.Duration, err error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	switch strings.ToLower(get("EXPERIMENTAL_UI_LOGIN")) {
	case "true", "1", "yes", "on":
		enabled = true
	}

	name := "LITELLM_CLI_JWT_EXPIRATION_HOURS"
	v := get(name)
	if v == "" {
		name = "CLI_JWT_EXPIRATION_HOURS"
		v = get(name)
	}
	if v == "" {
		return enabled, DefaultTokenTTL, nil
	}
	ttl, err = parseHours(v)
	if err != nil {
		return false, 0, fmt.Errorf("%s=%q: %w", name, v, err)
	}
	return enabled, ttl, nil
}

func parseHours(v string) (time.Duration, error) {
	h, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(h) || math.IsInf(h, 0) {
		return 0, fmt.Errorf("want a number of hours, such as 24 or 0.5")
	}
	if h <= 0 || h > maxTTLHours {
		return 0, fmt.Errorf("want more than 0 and at most %d hours", maxTTLHours)
	}
	// Tokens carry whole seconds (RFC 7519 §2, NumericDate).
	ttl := time.Duration(h * float64(time.Hour)).Round(time.Second)
	if ttl < time.Second {
		return 0, fmt.Errorf("want at least one second")
	}
	return ttl, nil
}
