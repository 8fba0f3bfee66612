#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/postgres.sh start   # start it unless it runs, print the export line
#   scripts/postgres.sh stop    # stop it if it runs
#   scripts/postgres.sh status  # exit 0 when it runs
#
# The cluster listens on 127.0.0.1:55432 with trust authentication and
# fsync off: fast, and fit for nothing but tests. Its files live under
# ${TMPDIR:-/tmp}/litellm-test-pg. Use it with
#
#   eval "$(scripts/postgres.sh start)"
#
# Only the export line goes to stdout; progress goes to stderr.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=55432
BASE="${TMPDIR:-/tmp}/litellm-test-pg"
DATA="$BASE/data"
LOG="$BASE/postgres.log"
URL="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"

log() { echo "postgres.sh: $*" >&2; }

# as_owner runs a command as the cluster owner: user postgres when we are
# root (initdb refuses to run as root), else ourselves.
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

prepare_base() {
	mkdir -p "$BASE"
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres: "$BASE"
		if ! runuser -u postgres -- test -w "$BASE"; then
			log "user postgres cannot write $BASE; set TMPDIR to a directory it can reach"
			exit 1
		fi
	fi
}

init_cluster() {
	[[ -f "$DATA/PG_VERSION" ]] && return 0
	log "initializing a new cluster in $DATA"
	as_owner "$PGBIN/initdb" --pgdata="$DATA" --username=postgres \
		--auth-local=trust --auth-host=trust --encoding=UTF8 --locale=C.UTF-8 \
		>"$BASE/initdb.log" 2>&1 || {
		cat "$BASE/initdb.log" >&2
		exit 1
	}
	as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# Added by scripts/postgres.sh: a throwaway cluster for tests.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$BASE'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
}

running() {
	[[ -f "$DATA/PG_VERSION" ]] && as_owner "$PGBIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

cmd_start() {
	if running; then
		log "already running on 127.0.0.1:$PORT"
	elif "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
		log "a server not started by this script answers on 127.0.0.1:$PORT; using it"
	else
		prepare_base
		init_cluster
		log "starting on 127.0.0.1:$PORT (log: $LOG)"
		# 9>&-: the server must not inherit, and so hold, our lock.
		as_owner "$PGBIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 30 >/dev/null 9>&- || {
			tail -n 20 "$LOG" >&2 || true
			exit 1
		}
	fi
	echo "export LITELLM_TEST_POSTGRES_URL=$URL"
}

cmd_stop() {
	if running; then
		as_owner "$PGBIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
		log "stopped"
	else
		log "not running"
	fi
}

main() {
	local cmd=${1:-}
	case $cmd in
	start | stop | status) ;;
	*)
		echo "usage: $0 start|stop|status" >&2
		exit 2
		;;
	esac

	# Serialize concurrent calls, such as two test runs starting at once.
	mkdir -p "$(dirname "$BASE")"
	exec 9>"$BASE.lock"
	flock -w 60 9 || {
		log "timed out waiting for another postgres.sh to finish ($BASE.lock)"
		exit 1
	}

	case $cmd in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) running ;;
	esac
}

main "$@"
