#!/usr/bin/env bash
# Build Dex, the OpenID Connect provider that the SSO login tests sign in
# at, into bin/dex. Its version is pinned in tools/dex/go.mod, a module of
# its own so that Dex's dependencies stay out of the gateway's go.mod.
#
#   scripts/build-dex.sh    # build unless bin/dex is newer than tools/dex
#
# A cold build takes about 3 minutes on 2 cores (cgo); with a warm Go
# build cache it takes seconds. DEX_BUILD_TIMEOUT (default 900 seconds)
# bounds it. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bin/dex
log() { echo "build-dex.sh: $*" >&2; }

if [[ -x $out && $out -nt tools/dex/go.sum && $out -nt tools/dex/go.mod ]]; then
	log "$out is up to date"
	exit 0
fi

log "building $out (about 3 minutes when the Go build cache is cold)"
start=$(date +%s)
mkdir -p bin
# Build beside the target and rename, so an interrupted build never
# leaves a binary that looks up to date.
(
	cd tools/dex
	version=$(GOFLAGS=-mod=mod go list -m -f '{{.Version}}' github.com/dexidp/dex)
	GOFLAGS=-mod=mod timeout "${DEX_BUILD_TIMEOUT:-900}" \
		go build -ldflags "-X main.version=$version" -o "../../$out.tmp" \
		github.com/dexidp/dex/cmd/dex
)
mv "$out.tmp" "$out"
log "built $out in $(($(date +%s) - start))s: $("$out" version 2>&1 | head -1)"
