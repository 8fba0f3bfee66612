// Package clilogin serves LiteLLM's classic CLI login: a terminal starts a
// login, a browser signs in (through the company's identity provider, or
// the gateway's own login page) and confirms the code the terminal shows,
// and the terminal collects a signed, expiring, revocable session token.
//
// Routes mounted by [Service.Register]:
//
//	POST /sso/cli/start                 start a login (no auth)
//	GET  /sso/cli/poll/{login_id}       collect the token (x-litellm-cli-poll-secret)
//	GET  /sso/key/generate              browser entry: ?source=litellm-cli&key=<login_id>
//	GET  /sso/callback                  identity provider's redirect back
//	POST /sso/login                     the gateway's own login form
//	POST /sso/cli/complete/{login_id}   the browser confirms the code
//	POST /sso/cli/logout                revoke the caller's session (bearer token)
//	GET  /sso/cli/session               describe the caller's session (bearer token)
//	GET  /.well-known/jwks.json         public keys of session tokens
//	GET  /sso/static/style.css          the pages' stylesheet
//
// and by [Service.RegisterAdmin], behind the gateway's authentication:
//
//	GET  /session/list?user_id=         sessions (admins: all; others: their own)
//	POST /session/revoke                {"session_id": "..."}
//
// Paths, JSON fields, headers and the "detail" strings of errors are
// LiteLLM's, so that LiteLLM's own CLI logs in unchanged. Where LiteLLM's
// flow is weaker we keep its shape and harden what is behind it: every
// secret is random and stored only as a hash, the OAuth state is
// unguessable and looked up server-side, the browser that confirms the code
// must be the one that signed in, wrong codes end the login after five
// tries, and a token is collected exactly once.
//
// Browser pages are served on a mux of their own behind web.Protect (CSP,
// no framing, no caching). A failed page route answers a browser (Accept:
// text/html) with an error page and any other client with {"detail": ...}.
package clilogin
