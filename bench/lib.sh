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
