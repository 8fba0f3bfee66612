// Package cli implements litellm-proxy, the command-line client of the
// gateway. Main runs one command line and returns the process's exit code.
//
// Commands are noun-verb pairs (models list, keys generate, teams
// add-member, ...) talking to the gateway through apiclient only, so the
// binary links no server code. Results go to stdout; prompts, progress,
// notes, warnings and errors go to stderr. With --format json a command
// prints the gateway's response as indented JSON in apitype's shape, which
// only gains fields.
//
// # Logging in
//
// login runs LiteLLM's classic CLI login: POST /sso/cli/start, the
// browser on /sso/key/generate where the user types the verification
// code, then GET /sso/cli/poll/{login_id} every 2 s until the gateway
// hands out a session token (a JWT), asking for a team if the gateway
// wants one. The token and what its payload says (user, role, team, issue
// and expiry) are kept by credstore, in the OS keychain or a 0600 file.
//
// A key from --api-key or LITELLM_PROXY_API_KEY wins over the stored
// login. The login is sent only to the gateway it was issued by, and not
// once it has expired: either is an error that says to log in, before any
// request. Without --base-url or LITELLM_PROXY_URL, a command that uses
// the login talks to the login's gateway; whoami, logout and auth
// print-token always concern the login's own gateway.
//
// # Exit codes
//
//	0    success; also logout when not logged in, and whoami without
//	     --verify whatever the login's expiry (its status line says)
//	1    the command failed: the gateway answered with an error other than
//	     401 or 403 (400, 404, 413, 429, 5xx), an unexpected body, or a
//	     local failure such as an unreadable file or keychain; a login not
//	     finished within its --timeout, or whose session the gateway no
//	     longer knows
//	2    usage error: unknown command or flag, bad or missing argument,
//	     malformed --base-url, --metadata or -d; login --team naming none
//	     of the user's teams, or no team chosen when one must be
//	3    the gateway could not be reached, or did not answer in time
//	4    no usable credential or permission: not logged in, the stored
//	     login expired or belongs to another gateway, the gateway refused
//	     the credential (401) or the action (403), CLI login is disabled
//	     on the gateway or it rejected the login's polling secret, or
//	     whoami --verify found the session revoked or expired
//	130  interrupted (Ctrl-C), including a canceled login or team choice
//
// Every failure is reported once, by Main, as one "error: ..." line on
// stderr that says what to do next. The API key and the session token are
// never printed, except by auth print-token, on stdout.
//
// version exits 0 when it could print the client's version, even if the
// gateway could not be asked for its own; a warning on stderr says why.
package cli
