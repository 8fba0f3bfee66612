// Package sso identifies the people who log in to the gateway, either
// through the company's identity provider, with the gateway acting as an
// OpenID Connect relying party (or a plain OAuth 2.0 client), or, when no
// provider is configured, through the gateway's own local accounts.
//
// The package answers only "who is this, and may they in?". The browser
// pages that call it and the tokens the gateway then issues live elsewhere:
// the gateway is the authorization server for its own clients, and the
// company's provider is only ever asked to identify the person.
//
// A login through a provider takes two calls. [Provider.Start] returns the
// provider's authorization URL and a [State] (state, nonce and PKCE
// verifier) that the caller keeps server-side until the callback;
// [Provider.Finish] takes that State and the code from the callback,
// redeems the code and returns a verified [Identity]. [Config.Decide] then
// applies the gateway's policy: allowed email domains, role and teams.
// Errors wrap one of [ErrDenied], [ErrInvalidResponse], [ErrMisconfigured],
// [ErrUnavailable] or [ErrExpired], and [Message] turns them into a
// sentence a login page can show without leaking detail.
//
// [FromEnv] reads the provider and policy from LiteLLM's environment
// variables (GENERIC_*, GOOGLE_*, MICROSOFT_*, ALLOWED_EMAIL_DOMAINS, ...)
// so that a LiteLLM deployment's settings carry over. It departs from
// LiteLLM where LiteLLM's behaviour is unsafe, and lists each setting it
// ignores in Config.Warnings: the state parameter is always random (a
// fixed GENERIC_CLIENT_STATE would defeat its CSRF protection, RFC 6749
// §10.12), PKCE is always used (RFC 9700 §2.1.1), the generic user id is
// the stable "sub" claim rather than preferred_username (OpenID Connect
// Core §5.7), and a claim naming the user's role is trusted only when
// GENERIC_USER_ROLE_ATTRIBUTE says which claim.
//
// [LocalAuth] checks the built-in admin (UI_USERNAME / UI_PASSWORD, or the
// master key) and users with bcrypt password hashes, and throttles failed
// attempts per account and per remote address.
package sso
