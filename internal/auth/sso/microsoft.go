package sso

import (
	"errors"
	"fmt"
	"strings"
)

// microsoftLogin is the Microsoft Entra ID login host.
const microsoftLogin = "https://login.microsoftonline.com"

// consumersTenant is the tenant id of personal Microsoft accounts.
const consumersTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// tenantPlaceholder stands for the tenant id in the issuer of Entra's
// multi-tenant discovery documents.
const tenantPlaceholder = "{tenantid}"

// multiTenant reports whether tenant is one of Entra's aliases that admit
// accounts of many tenants.
func multiTenant(tenant string) bool {
	return tenant == "common" || tenant == "organizations" || tenant == "consumers"
}

// validTenant accepts a tenant id, a multi-tenant alias or a domain name.
func validTenant(tenant string) bool {
	if multiTenant(tenant) || isGUID(tenant) {
		return true
	}
	labels := strings.Split(tenant, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

// isGUID reports whether s has the 8-4-4-4-12 hex form of a tenant id.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", r):
			return false
		}
	}
	return true
}

// microsoftIssuer returns the issuer every id_token must carry, given the
// configured issuer URL and the one Entra's discovery document announced,
// or "" for a multi-tenant alias, whose tokens are checked one by one
// with checkTenant.
//
// Entra's discovery is off-spec (OpenID Connect Discovery §4.3 wants both
// to be equal): for a domain-name tenant it announces the tenant-id
// issuer, and for an alias a template holding "{tenantid}".
func microsoftIssuer(configured, discovered, tenant string) (string, error) {
	switch {
	case multiTenant(tenant):
		if !strings.Contains(discovered, tenantPlaceholder) {
			return "", fmt.Errorf("%w: discovery for tenant %s announced issuer %q, "+
				"without %s", ErrMisconfigured, tenant, discovered, tenantPlaceholder)
		}
		return "", nil
	case isGUID(tenant):
		if discovered != configured {
			return "", issuerMismatch(configured, discovered)
		}
		return configured, nil
	}
	// A domain name: the announced issuer must be the configured one with
	// the domain replaced by a tenant id.
	prefix, suffix, _ := strings.Cut(configured, "/"+tenant+"/")
	rest, ok := strings.CutPrefix(discovered, prefix+"/")
	id, tail, _ := strings.Cut(rest, "/")
	if !ok || !isGUID(id) || tail != suffix {
		return "", issuerMismatch(configured, discovered)
	}
	return discovered, nil
}

func issuerMismatch(configured, discovered string) error {
	return fmt.Errorf("%w: discovery for %s announced issuer %q",
		ErrMisconfigured, configured, discovered)
}

// checkTenant checks the issuer of an id_token from a multi-tenant alias,
// as Microsoft's token validation guidance asks: the "iss" claim must be
// the discovered template with the token's own "tid" in place of
// "{tenantid}". Without this, any tenant's tokens would pass for any
// other's. "organizations" also refuses personal accounts, and
// "consumers" admits only them.
func checkTenant(tenant, template, iss, tid string) error {
	if !isGUID(tid) {
		return errors.New("id_token has no tenant id (tid)")
	}
	if iss != strings.ReplaceAll(template, tenantPlaceholder, tid) {
		return fmt.Errorf("id_token issuer %q does not match its tenant %s", iss, tid)
	}
	personal := strings.EqualFold(tid, consumersTenant)
	if tenant == "organizations" && personal {
		return errors.New("personal Microsoft accounts are not admitted")
	}
	if tenant == "consumers" && !personal {
		return errors.New("only personal Microsoft accounts are admitted")
	}
	return nil
}

// microsoftEmail picks the email of an Entra account. The "email" claim
// is optional and may hold an address nobody verified (the "nOAuth"
// weakness), so the sign-in name comes first: preferred_username (v2.0
// tokens) or upn (v1.0), whose domain Entra has verified for the tenant.
// The email claim counts as verified only with Entra's optional xms_edov
// claim ("email domain owner verified").
func microsoftEmail(c claims, first string) (string, bool) {
	for _, name := range []string{first, "upn"} {
		if v := c.str(name); strings.Contains(v, "@") {
			return v, true
		}
	}
	return c.str("email"), c.boolean("xms_edov")
}
