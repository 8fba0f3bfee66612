// Package e2e tests the real litellm and litellm-proxy binaries end to end:
// it builds both once, starts the gateway as a subprocess on a loopback
// port with a SQLite file next to its config, and drives it with the CLI,
// checking exit codes, stdout and stderr as a user or a script sees them.
//
// Run it with
//
//	go test ./e2e/ -v -count=1
//	go test ./e2e/ -run '^$' -bench .
//
// Without a Go toolchain on PATH the tests skip loudly, or fail when
// CI=true.
package e2e
