# bench/lib.sh - shared by the benchmark scripts: timing and a moto_server.
set -u
# Loopback only: never the instance metadata service.
export AWS_EC2_METADATA_DISABLED=true
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${LAMBDACTL:=$BENCH_DIR/../lambdactl}"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lambdactl-bench.XXXXXX")
MOTO_PID=
trap '[ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT

# time_runs N CMD...: runs CMD N times, prints "median_ms min_ms max_ms".
time_runs() {
	local n=$1 i t0 t1
	shift
	for i in $(seq "$n"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "bench: command failed: $*" >&2; return 1; }
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
	done | sort -n | awk '{ v[NR] = $1 } END {
		printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000 }'
}

start_moto() {
	local port i
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	moto_server -H 127.0.0.1 -p "$port" >"$BENCH_TMP/moto.log" 2>&1 &
	MOTO_PID=$!
	MOTO_URL=http://127.0.0.1:$port
	for i in $(seq 150); do
		curl -fs -o /dev/null "$MOTO_URL/moto-api/" && return 0
		sleep 0.1
	done
	echo "bench: moto_server did not start" >&2
	exit 1
}

row() {	# label median min max
	printf '%-44s %9s %9s %9s\n' "$1" "$2" "$3" "$4"
}

# local_bench: what the invoke --local benchmarks share: fake credentials
# and a region (nothing is signed for AWS), a task-root cache of this run's
# own, the working directory BENCH_TMP, and echo_bootstrap DIR: a
# provided.* bootstrap in sh and curl answering each event with itself.
local_bench() {
	export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
	export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	export XDG_CACHE_HOME=$BENCH_TMP/cache
	cd "$BENCH_TMP" || exit 1
}
echo_bootstrap() {
	mkdir -p "$1"
	cat >"$1/bootstrap" <<'BOOT'
#!/bin/sh
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while :; do
	curl -sS -D h -o e "$api/invocation/next" || exit 1
	id=$(tr -d '\r' <h | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
	curl -sS -o /dev/null -X POST --data-binary @e "$api/invocation/$id/response"
done
BOOT
	chmod 0755 "$1/bootstrap"
}
