#!/bin/bash
# How soon a deploy ends after Lambda has finished (issue 15): the stub
# (tests/e2e/stub.py) answers CreateFunction with State Pending and turns
# the function Active N ms later (a create), or answers UpdateFunctionCode
# with LastUpdateStatus InProgress and turns it Successful N ms later (an
# update).  For N = 300, 1200, 3000 ms: how long after that change
# `lambdactl deploy` returned (the lag, median of RUNS) and how many
# GetFunction polls it made.  LAMBDACTL_BEFORE (another binary, e.g. one
# built before the waiter backed off) is measured too, in its own rows.
. "$(dirname "$0")/lib.sh"

: "${RUNS:=5}"
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
STUB=$BENCH_DIR/../tests/e2e/stub.py
APP=$BENCH_TMP/app
mkdir -p "$APP"
printf '#!/bin/sh\necho f\n' >"$APP/bootstrap"
chmod 0755 "$APP/bootstrap"
cat >"$APP/lambda.yml" <<'EOF'
role: arn:aws:iam::123456789012:role/bench
runtime: provided.al2023
functions:
  f: { artifact: bootstrap }
EOF

# script KIND N: the stub's script for a create or an update whose change
# comes N ms after the write.
script() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
kind, n = sys.argv[1], int(sys.argv[2]) / 1000
def conf(state, status, sha="bench-new"):
    return {"FunctionName": "f", "Runtime": "provided.al2023", "Role":
            "arn:aws:iam::123456789012:role/bench", "MemorySize": 128,
            "Timeout": 3, "CodeSha256": sha, "RevisionId": "r1",
            "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "State": state, "LastUpdateStatus": status}
def got(c):
    return {"body": {"Configuration": c}}
fn = "^/2015-03-31/functions/f$"
if kind == "create":
    routes = [
        {"method": "GET", "path": fn, "responses": [
            {"status": 404, "headers": {"x-amzn-ErrorType": "ResourceNotFoundException"},
             "body": {"message": "Function not found"}},
            dict(got(conf("Pending", "InProgress")), until=n),
            got(conf("Active", "Successful"))]},
        {"method": "POST", "path": "^/2015-03-31/functions$", "responses": [
            {"status": 201, "mark": True, "body": conf("Pending", "InProgress")}]}]
else:
    routes = [
        {"method": "GET", "path": fn, "responses": [
            got(conf("Active", "Successful", "bench-old")),
            dict(got(conf("Active", "InProgress")), until=n),
            got(conf("Active", "Successful"))]},
        {"method": "PUT", "path": "^/2015-03-31/functions/f/code$", "responses": [
            {"status": 200, "mark": True, "body": conf("Active", "InProgress")}]}]
json.dump({"routes": routes}, sys.stdout)
EOF
}

# run BIN KIND N: one deploy against a fresh stub; prints "lag_ms polls".
run() {
	local bin=$1 kind=$2 n=$3 i end
	script "$kind" "$n" >"$BENCH_TMP/script.json"
	: >"$BENCH_TMP/stub.log"
	rm -f "$BENCH_TMP/stub.port"
	python3 "$STUB" "$BENCH_TMP/script.json" "$BENCH_TMP/stub.port" \
	    "$BENCH_TMP/stub.log" 2>"$BENCH_TMP/stub.err" &
	STUB_PID=$!
	for i in $(seq 100); do
		[ -s "$BENCH_TMP/stub.port" ] && break
		sleep 0.05
	done
	"$bin" -f "$APP/lambda.yml" --endpoint-url "http://127.0.0.1:$(cat "$BENCH_TMP/stub.port")" \
	    deploy >/dev/null 2>"$BENCH_TMP/deploy.err" || { echo "bench: deploy failed: $(cat "$BENCH_TMP/deploy.err")" >&2; kill "$STUB_PID"; exit 1; }
	end=$(date +%s.%N)
	kill "$STUB_PID"
	wait "$STUB_PID" 2>/dev/null
	python3 - "$BENCH_TMP/stub.log" "$n" "$end" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
n, end = int(sys.argv[2]) / 1000, float(sys.argv[3])
write = next(e for e in log if e["method"] in ("POST", "PUT"))
polls = [e for e in log if e["method"] == "GET" and e["t"] > write["t"]]
print("%.0f %d" % ((end - (write["t"] + n)) * 1000, len(polls)))
EOF
}

# stats FILE: "median_lag min_lag max_lag median_polls" of its "lag polls"
# lines.
stats() {
	set -- "$(sort -n "$1" | awk '{ l[NR] = $1 } END {
		printf "%d %d %d", l[int((NR + 1) / 2)], l[1], l[NR] }')" \
	    "$(cut -d' ' -f2 "$1" | sort -n | awk '{ p[NR] = $1 } END {
		printf "%d", p[int((NR + 1) / 2)] }')"
	echo "$1 $2"
}

printf '%-34s %6s %9s %9s %9s %6s\n' "deploy, Lambda done after N ms" N "lag med" min max polls
for bin in ${LAMBDACTL_BEFORE:+"$LAMBDACTL_BEFORE"} "$LAMBDACTL"; do
	label=after
	[ "$bin" = "${LAMBDACTL_BEFORE:-}" ] && label=before
	for kind in create update; do
		for n in 300 1200 3000; do
			: >"$BENCH_TMP/runs.txt"
			for i in $(seq "$RUNS"); do
				run "$bin" "$kind" "$n" >>"$BENCH_TMP/runs.txt"
			done
			set -- $(stats "$BENCH_TMP/runs.txt")
			printf '%-34s %6s %9s %9s %9s %6s\n' "$label: $kind" "$n" "$1" "$2" "$3" "$4"
		done
	done
done
echo "lag: ms from the state change to deploy's exit (median, min, max of $RUNS); polls: GetFunction calls after the write (median)"
echo "binary: $("$LAMBDACTL" --version)"
