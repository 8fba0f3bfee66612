#!/usr/bin/env bash
# Runs every test of the module with the real components it needs:
# a throwaway PostgreSQL cluster and, when installed, a D-Bus session with
# gnome-keyring for the OS keychain tests. Components that are missing make
# their tests skip loudly, or fail when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

# Dex, the OpenID Connect provider of the SSO login tests, takes minutes
# to build: CI builds it here, a developer on request.
if [[ ${CI:-} == true ]]; then
	scripts/build-dex.sh
elif [[ ! -x bin/dex ]]; then
	echo "test.sh: no bin/dex; the SSO login tests will skip (run scripts/build-dex.sh)" >&2
elif [[ bin/dex -ot tools/dex/go.sum ]]; then
	echo "test.sh: bin/dex is older than tools/dex/go.sum; run scripts/build-dex.sh" >&2
fi
if [[ -x bin/dex ]]; then
	export LITELLM_TEST_DEX_BIN=$PWD/bin/dex
fi
if ! command -v chromium >/dev/null; then
	echo "test.sh: no chromium; the browser tests will skip (or fail under CI)" >&2
fi
if ! command -v redis-server >/dev/null; then
	echo "test.sh: no redis-server; the shared rate-limit tests will skip (or fail under CI)" >&2
fi

# Stop the cluster at the end only if this run started it.
pg_started=""
scripts/postgres.sh status >/dev/null 2>&1 || pg_started=1
if pg_env=$(scripts/postgres.sh start); then
	eval "$pg_env"
else
	pg_started=""
	echo "test.sh: PostgreSQL could not be started; its tests will skip (or fail under CI)" >&2
fi
cleanup() {
	if [ -n "$pg_started" ]; then scripts/postgres.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

gotest=(go test -count=1 "$@" ./...)

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
	export LITELLM_TEST_KEYRING=1
	dbus-run-session -- bash -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' _ "${gotest[@]}"
else
	echo "test.sh: no dbus-run-session or gnome-keyring; OS keychain tests will skip (or fail under CI)" >&2
	"${gotest[@]}"
fi
