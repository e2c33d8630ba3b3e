# tests/e2e/lib.sh - sourced by every end-to-end test.
#
# Gives the test a private temp dir and $HOME (so no real AWS config or
# credentials leak in), TAP assertions on real outputs, and on request a
# moto_server on a free 127.0.0.1 port, all removed by a trap.
#
#   lc ARGS...            run lambdactl; sets $status, files $OUT and $ERR
#   check_status N DESC   the last lc exited N
#   check_out_eq TEXT DESC / check_err_eq TEXT DESC   exact stdout / stderr
#   check_out_has RE DESC / check_err_has RE DESC     grep -E on it
#   check_out_lacks RE DESC / check_err_lacks RE DESC
#   check DESC CMD...     CMD succeeds
#   start_moto [ENV=VAL...]  sets MOTO_URL
#   finish                prints the plan; exits non-zero on any failure

set -u
: "${LAMBDACTL:?set LAMBDACTL to the lambdactl binary under test}"

TEST_NAME=$(basename "$0" .sh)
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$E2E_DIR/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lambdactl-$TEST_NAME.XXXXXX")
OUT=$TMP/stdout
ERR=$TMP/stderr
MOTO_PID=
MOTO_URL=
tap_n=0
tap_failed=0
status=0

stop_moto() {
	if [ -n "$MOTO_PID" ]; then
		kill "$MOTO_PID" 2>/dev/null
		wait "$MOTO_PID" 2>/dev/null
		MOTO_PID=
	fi
}
cleanup() {
	stop_moto
	stop_stub
	stop_credstub
	stop_pid SERVE_PID
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing from the caller's AWS setup may reach the binary.
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset LAMBDACTL_MANIFEST NO_COLOR
# Nor GitHub Actions' (annotations, plan's summary), should the suite run there.
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY
# Nothing may leave loopback: no instance metadata, and a request that
# would go to a real host (a test that forgot its endpoint) meets a dead
# loopback proxy instead of DNS and the internet.  curl, botocore and
# Python honour these; loopback itself is exempt.
export AWS_EC2_METADATA_DISABLED=true
for v in http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy; do
	export "$v=http://127.0.0.1:9"
done
export no_proxy=127.0.0.1,localhost,::1 NO_PROXY=127.0.0.1,localhost,::1
export HOME=$TMP/home
mkdir -p "$HOME" "$TMP/bin"
ln -s "$LAMBDACTL" "$TMP/bin/lambdactl"
export PATH="$TMP/bin:$PATH"
cd "$TMP" || exit 1

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/#   /'
	done
	echo "#   stdout: $(head -c 800 "$OUT" 2>/dev/null)"
	echo "#   stderr: $(head -c 800 "$ERR" 2>/dev/null)"
}

lc() {
	"$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" </dev/null
	status=$?
	[ -z "${PLAN_SAME:-}" ] || plan_same "$@"
	return 0
}

# With PLAN_SAME=FILE set, each plan lc runs (plan, --dry-run; not one
# writing a summary) runs again with -o json, and each change whose from
# equals its to (the values saying nothing changed) is appended to FILE.
plan_same() {
	case " $* " in
	*" --summary "*) return ;;
	*" plan "*|*" --dry-run "*) ;;
	*) return ;;
	esac
	env -u GITHUB_ACTIONS "$LAMBDACTL" -o json "$@" </dev/null 2>/dev/null |
		jq -c '.[]? | objects | .changes[]? | select(.action == "change" and
			(.hidden | not) and has("from") and has("to") and .from == .to)' \
		>>"$PLAN_SAME" 2>/dev/null
}

check_status() {
	if [ "$status" -eq "$1" ]; then ok "$2"
	else not_ok "$2" "exit status $status, expected $1"; fi
}
_check_eq() {	# file text desc
	if [ "$(cat "$1")" = "$2" ]; then ok "$3"
	else not_ok "$3" "expected: $2"; fi
}
check_out_eq() { _check_eq "$OUT" "$1" "$2"; }
check_err_eq() { _check_eq "$ERR" "$1" "$2"; }
_check_has() {	# file re desc
	if grep -Eq -- "$2" "$1"; then ok "$3"
	else not_ok "$3" "no match for: $2"; fi
}
check_out_has() { _check_has "$OUT" "$1" "$2"; }
check_err_has() { _check_has "$ERR" "$1" "$2"; }
_check_lacks() {
	if grep -Eq -- "$2" "$1"; then not_ok "$3" "unexpected match for: $2"
	else ok "$3"; fi
}
check_out_lacks() { _check_lacks "$OUT" "$1" "$2"; }
check_err_lacks() { _check_lacks "$ERR" "$1" "$2"; }
# jq -e exits 0 on an empty input: a check on a file a failed command left
# empty would pass.  Here jq -e on an empty (or missing) last-argument file
# fails instead.
jq() {
	local last="${!#}"
	if [ "$1" = "-e" ] && [ "$#" -ge 3 ] && [ ! -s "$last" ] &&
		[[ "$last" == /* || -e "$last" ]]; then
		echo "jq: '$last' is empty: nothing to check" >&2
		return 1
	fi
	command jq "$@"
}
check() {
	desc=$1
	shift
	if "$@" >"$TMP/check.log" 2>&1; then ok "$desc"
	else not_ok "$desc" "command failed: $*" "$(tail -5 "$TMP/check.log")"; fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_moto [VAR=VALUE...]: a fresh moto_server on 127.0.0.1 only.
start_moto() {
	local port i
	port=$(free_port)
	env "$@" moto_server -H 127.0.0.1 -p "$port" >"$TMP/moto.log" 2>&1 &
	MOTO_PID=$!
	MOTO_URL=http://127.0.0.1:$port
	for i in $(seq 150); do
		curl -fs -o /dev/null "$MOTO_URL/moto-api/" && return 0
		kill -0 "$MOTO_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "Bail out! moto_server did not start: $(tail -3 "$TMP/moto.log")"
	exit 1
}

# Test credentials: moto accepts any key unless told to check them.
use_env_creds() {
	export AWS_ACCESS_KEY_ID=AKIDLAMBDACTLTEST
	export AWS_SECRET_ACCESS_KEY=lambdactl/test/secret/key/EXAMPLE0000
	export AWS_REGION=us-east-1
}

# aws CLI against moto, as the independent reference client.
ref_aws() {
	aws --endpoint-url "$MOTO_URL" --region "${AWS_REGION:-us-east-1}" "$@"
}

finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# start_py_server NAME SCRIPT ARGS...: runs tests/e2e/SCRIPT ARGS PORTFILE
# LOGFILE in the background (it writes its free 127.0.0.1 port to
# PORTFILE); sets SERVER_PID and SERVER_URL, logging to $TMP/NAME.log.
start_py_server() {
	local name=$1 script=$2 i
	shift 2
	: >"$TMP/$name.log"
	rm -f "$TMP/$name.port"
	python3 "$E2E_DIR/$script" "$@" "$TMP/$name.port" "$TMP/$name.log" 2>"$TMP/$name.err" &
	SERVER_PID=$!
	for i in $(seq 400); do
		[ -s "$TMP/$name.port" ] && break
		sleep 0.05
	done
	[ -s "$TMP/$name.port" ] || { echo "Bail out! $name did not start: $(cat "$TMP/$name.err")"; exit 1; }
	SERVER_URL=http://127.0.0.1:$(cat "$TMP/$name.port")
}
stop_pid() {	# stop_pid VAR: kills and reaps the process whose pid VAR holds
	if [ -n "${!1}" ]; then
		kill "${!1}" 2>/dev/null
		wait "${!1}" 2>/dev/null
		printf -v "$1" '%s' ''
	fi
}

# provided_manifest ROLE <<'YML' ... YML: target/bootstrap (a small shell
# script) and a lambda.yml of provided.al2023 functions using it, with role
# ROLE; the function lines ("  f: { timeout: 3 }") come on stdin.
provided_manifest() {
	mkdir -p target
	printf '#!/bin/sh\necho fn\n' >target/bootstrap
	chmod +x target/bootstrap
	{
		printf 'role: %s\nruntime: provided.al2023\n' "$1"
		printf 'artifact: target/bootstrap\nfunctions:\n'
		cat
	} >lambda.yml
}

# pty_run FILE [--answer PROMPT TEXT] CMD...: runs CMD on a new
# pseudo-terminal (tests/e2e/ptyrun.py), everything it printed into FILE;
# bounded by 60 s; sets $status.
pty_run() {
	local file=$1
	shift
	timeout 60 python3 "$E2E_DIR/ptyrun.py" "$file" "$@" </dev/null
	status=$?
}

# wait_bounded PID SECONDS: waits for the background job PID, killing it
# (SIGKILL) if it is still running after SECONDS; sets $status.  No guard
# subshell: one killed early can run this file's INT/TERM trap and remove
# $TMP under the test.
wait_bounded() {
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	status=$?
}

# start_stub SCRIPT_JSON: a scripted server (tests/e2e/stub.py); sets
# STUB_URL and STUB_LOG (one JSON line per request received).
STUB_PID=
start_stub() {
	start_py_server stub stub.py "$1"
	STUB_PID=$SERVER_PID STUB_URL=$SERVER_URL STUB_LOG=$TMP/stub.log
}
stop_stub() { stop_pid STUB_PID; }

# start_credstub CONFIG_JSON: the SSO portal and OIDC service, the
# container endpoint ($CREDSTUB_URL/creds) and IMDSv2 ($CREDSTUB_URL/) on
# one loopback port (tests/e2e/credstub.py, its CONFIG in its docstring);
# sets CREDSTUB_URL and CREDSTUB_LOG (one JSON line per request).
# credstub_count ROUTE: the requests so far to a route (sso.credentials,
# oidc.token, container, imds.token, ...).
CREDSTUB_PID=
start_credstub() {
	start_py_server credstub credstub.py "$1"
	CREDSTUB_PID=$SERVER_PID CREDSTUB_URL=$SERVER_URL CREDSTUB_LOG=$TMP/credstub.log
}
stop_credstub() { stop_pid CREDSTUB_PID; }
credstub_count() { jq -s --arg r "$1" '[.[] | select(.route == $r)] | length' "$CREDSTUB_LOG"; }

# start_serve ARGS...: 'lambdactl serve --port 0 ARGS' in the background
# (stdout $TMP/serve.out, stderr $TMP/serve.err) until it prints its URL;
# sets SERVE_PID and URL.  stop_serve: SIGINT, reaped, $serve_status.
SERVE_PID=
start_serve() {
	local i
	# Emptied here, not by the job's own redirection, which may come
	# late: the wait must never read the URL of a serve before.
	: >"$TMP/serve.out"
	"$LAMBDACTL" serve --port 0 "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
	SERVE_PID=$!
	for i in $(seq 400); do
		[ -s "$TMP/serve.out" ] && break
		sleep 0.05
	done
	URL=$(head -1 "$TMP/serve.out")
	[ -n "$URL" ] || { echo "Bail out! serve did not start: $(cat "$TMP/serve.err")"; exit 1; }
}
stop_serve() {
	kill -INT "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID"
	serve_status=$?
	SERVE_PID=
}

# start_proxy UPSTREAM_URL: a recording proxy (tests/e2e/proxy.py) in front
# of UPSTREAM_URL; sets PROXY_URL and PROXY_LOG (one JSON line per request:
# method, path, status, body_len).  proxy_reset empties the log, so that
# the counts below are about what ran since.
PROXY_PID=
# Faults (proxy.py's docstring): write their JSON list to $PROXY_FAULTS,
# remove the file to end them.
start_proxy() {
	PROXY_FAULTS=$TMP/proxy-faults.json start_py_server proxy proxy.py "$1"
	PROXY_FAULTS=$TMP/proxy-faults.json
	PROXY_PID=$SERVER_PID PROXY_URL=$SERVER_URL PROXY_LOG=$TMP/proxy.log
}
stop_proxy() { stop_pid PROXY_PID; }
proxy_reset() { : >"$PROXY_LOG"; }
# proxy_count METHOD_RE PATH_RE: requests whose method and path (with its
# query) match the extended regexes, each anchored at both ends.
proxy_count() {
	jq -s --arg m "$1" --arg p "$2" \
		'[.[] | select((.method | test("^(" + $m + ")$")) and (.path | test("^(" + $p + ")$")))] | length' \
		"$PROXY_LOG"
}
# proxy_writes: POST, PUT and DELETE requests (anything that may change),
# but JSON-protocol reads (POST with X-Amz-Target ...Describe*, List*, Get*).
proxy_writes() {
	jq -s '[.[] | select((.method | test("^(POST|PUT|DELETE|PATCH)$")) and
		((.target // "") | test("[.](Describe|List|Get)") | not))] | length' "$PROXY_LOG"
}
# proxy_requests: the log as "METHOD PATH STATUS [TARGET]" lines.
proxy_requests() { jq -r '"\(.method) \(.path) \(.status) \(.target // "")"' "$PROXY_LOG"; }

trap 'stop_proxy; cleanup' EXIT

# start_lambda_env: moto, test credentials, the lambda-exec role, and the
# recording proxy in front of moto for Lambda (STS, which expands bare
# role names, goes straight to moto so it never counts as a write).
start_lambda_env() {
	start_moto
	use_env_creds
	ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
	start_proxy "$MOTO_URL"
	export AWS_ENDPOINT_URL=$MOTO_URL AWS_ENDPOINT_URL_LAMBDA=$PROXY_URL
}
