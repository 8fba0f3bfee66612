// Package cli implements litellm-proxy, the command-line client of the
// gateway. Main runs one command line and returns the process's exit code.
//
// Commands are noun-verb pairs (models list, keys generate, teams
// add-member, ...) talking to the gateway through apiclient only, so the
// binary links no server code. Results go to stdout; notes, warnings and
// errors go to stderr. With --format json a command prints the gateway's
// response as indented JSON in apitype's shape, which only gains fields.
//
// # Exit codes
//
//	0    success
//	1    the command failed: the gateway answered with an error other than
//	     401 or 403 (400, 404, 413, 429, 5xx), an unexpected body, or a
//	     local failure such as an unreadable file
//	2    usage error: unknown command or flag, bad or missing argument,
//	     malformed --base-url, --metadata or -d
//	3    the gateway could not be reached, or did not answer in time
//	4    the gateway refused the credential (401) or the action (403)
//	130  interrupted (Ctrl-C)
//
// Every failure is reported once, by Main, as one "error: ..." line on
// stderr that says what to do next. The API key is never printed.
//
// version exits 0 when it could print the client's version, even if the
// gateway could not be asked for its own; a warning on stderr says why.
package cli
