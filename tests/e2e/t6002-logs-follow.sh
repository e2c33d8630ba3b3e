#!/bin/bash
# logs --follow: while it runs, boto3 writes 500 events across 10 streams
# in bursts of equal timestamps, some stamped late (older than events
# already written), with pauses long enough for the poll to back off; every
# event must come out exactly once, with boto3's eventIds.  SIGINT and
# SIGTERM end it with status 0, at once even in a back-off sleep.  A stub
# service then pages (nextToken) and throttles past aws_call's retries:
# the follow slows down and goes on, losing and repeating nothing.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
export AWS_DEFAULT_REGION=$AWS_REGION AWS_ENDPOINT_URL=$MOTO_URL
G=/aws/lambda/busy

# wait_until SECONDS CMD...: polls CMD every 0.2 s; fails after SECONDS.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.2
	done
}
lines_at_least() { [ "$(wc -l <"$2")" -ge "$1" ]; }

# follow_start FILE ARGS...: lambdactl logs --follow ARGS in the background,
# stdout to FILE, stderr to FILE.err; sets FPID.  Job control gives it its
# own process group with SIGINT not ignored, as at a terminal (a script's
# background jobs otherwise ignore SIGINT, and lambdactl keeps it so).
follow_start() {
	local f=$1
	shift
	set -m
	"$LAMBDACTL" logs --follow "$@" >"$f" 2>"$f.err" </dev/null &
	FPID=$!
	set +m
}
# follow_stop SIGNAL: sends it, waits; sets $status and $stop_ms.
follow_stop() {
	local t0
	t0=$(date +%s%N)
	kill -"$1" "$FPID"
	wait "$FPID"
	status=$?
	stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

python3 -c '
import sys, time, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1])
c.create_log_group(logGroupName=sys.argv[2])
for s in range(10):
    c.create_log_stream(logGroupName=sys.argv[2], logStreamName="stream-%02d" % s)
c.put_log_events(logGroupName=sys.argv[2], logStreamName="stream-00",
                 logEvents=[{"timestamp": int(time.time() * 1000), "message": "ready"}])
' "$MOTO_URL" "$G"

follow_start "$TMP/follow.out" busy --format json
if wait_until 30 grep -q '"message":"ready"' "$TMP/follow.out"; then
	ok "--follow prints what is there already"
else
	not_ok "--follow prints what is there already" "$(cat "$TMP/follow.out.err")"
fi

# The writer: 25 bursts; in each, every stream gets 2 events stamped with
# the burst's one timestamp, the streams in a shuffled order.  Every fifth
# burst comes after a 2.5 s pause (so that the follow has printed the one
# before) stamped 3.5 to 6 s in the past: late, older than events printed
# already.  Other pauses: up to 0.6 s and, twice, 6 s (the follow backs off
# to its idle delay meanwhile).
python3 -c '
import random, sys, time, boto3
random.seed(6002)
c = boto3.client("logs", endpoint_url=sys.argv[1])
want = []
for b in range(25):
    if b % 5 == 4:
        time.sleep(2.5)
    ts = int(time.time() * 1000)
    if b % 5 == 4:
        ts -= random.randint(3500, 6000)
    streams = list(range(10))
    random.shuffle(streams)
    for s in streams:
        msgs = ["burst-%02d stream-%02d n-%d" % (b, s, k) for k in range(2)]
        c.put_log_events(logGroupName=sys.argv[2],
                         logStreamName="stream-%02d" % s,
                         logEvents=[{"timestamp": ts, "message": m} for m in msgs])
        want += msgs
    time.sleep(6 if b in (8, 17) else random.uniform(0, 0.6))
open(sys.argv[3], "w").write("".join(m + "\n" for m in sorted(want)))
' "$MOTO_URL" "$G" "$TMP/want" || not_ok "the writer ran"
check "the writer wrote 500 events" test "$(wc -l <"$TMP/want")" = 500

if wait_until 60 lines_at_least 501 "$TMP/follow.out"; then
	ok "--follow printed 501 events"
else
	not_ok "--follow printed 501 events" "only $(wc -l <"$TMP/follow.out")"
fi
sleep 12	# more polls, in the overlap still: nothing may come twice
follow_stop INT
check_status 0 "SIGINT ends --follow with status 0"
check "SIGINT: nothing on stderr" test ! -s "$TMP/follow.out.err"
check "SIGINT: at once (under 1.5 s)" test "$stop_ms" -lt 1500

jq -r 'select(.message != "ready") | .message' "$TMP/follow.out" | sort >"$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "every event printed exactly once"
else
	not_ok "every event printed exactly once" "$(diff "$TMP/want" "$TMP/got" | head -20)" \
	    "duplicates: $(sort "$TMP/got" | uniq -d | head -5)"
fi
check "no eventId printed twice" test -z "$(jq -r .event_id "$TMP/follow.out" | sort | uniq -d)"
check "each event in its own stream" jq -se 'all(.[] | select(.message != "ready");
    .stream == (.message | split(" ")[1]))' "$TMP/follow.out"
check "late events come out after newer ones" python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
late = sum(1 for a, b in zip(evs, evs[1:]) if b["timestamp"] < a["timestamp"])
assert late > 0, "no late event came after a newer one"
' "$TMP/follow.out"
check "eventIds and fields as boto3 reports them" python3 -c '
import json, sys, boto3
ours = {e["event_id"]: e for e in map(json.loads, open(sys.argv[1]))}
c = boto3.client("logs", endpoint_url=sys.argv[2])
ref = {}
for page in c.get_paginator("filter_log_events").paginate(logGroupName=sys.argv[3]):
    for e in page["events"]:
        ref[e["eventId"]] = {"timestamp": e["timestamp"],
            "ingestion_time": e["ingestionTime"], "stream": e["logStreamName"],
            "event_id": e["eventId"], "message": e["message"]}
assert len(ref) == 501 and ours == ref
' "$TMP/follow.out" "$MOTO_URL" "$G"

# SIGTERM, while idle.
follow_start "$TMP/term.out" --group "$G" --format raw --since 1m
wait_until 30 grep -q ready "$TMP/term.out"
sleep 4
follow_stop TERM
check_status 0 "SIGTERM ends --follow with status 0"
check "SIGTERM: nothing on stderr" test ! -s "$TMP/term.out.err"
check "SIGTERM: at once" test "$stop_ms" -lt 1500
check "the events of the last minute, once" test "$(sort "$TMP/term.out" | uniq -d)" = ""

# A stub: two pages, then throttling past aws_call's 3 attempts, then the
# same events again with two more; then the same for ever.
now=$(( $(date +%s) * 1000 ))
ev() { jq -n --arg id "$1" --argjson ts "$2" --arg m "$3" \
    '{eventId: $id, timestamp: $ts, ingestionTime: $ts, logStreamName: "s", message: $m}'; }
a1=$(ev a1 $((now - 5000)) one) a2=$(ev a2 $((now - 5000)) two)
a3=$(ev a3 $((now - 4000)) three) b1=$(ev b1 $((now - 3000)) four)
b2=$(ev b2 $((now - 4500)) five)
thr='{"status": 400, "body": {"__type": "ThrottlingException", "message": "Rate exceeded"}}'
cat >"$TMP/stub.json" <<EOF
[{"body": {"events": [$a1, $a2], "nextToken": "t1"}},
 {"body": {"events": [$a3]}},
 $thr, $thr, $thr,
 {"body": {"events": [$a1, $a2, $a3, $b2, $b1]}}]
EOF
start_stub "$TMP/stub.json"
export AWS_ENDPOINT_URL=$STUB_URL
follow_start "$TMP/thr.out" --group g --format raw --debug
if wait_until 40 lines_at_least 5 "$TMP/thr.out"; then
	ok "--follow goes on after throttling"
else
	not_ok "--follow goes on after throttling" "$(tail -5 "$TMP/thr.out.err")"
fi
sleep 2
follow_stop INT
check_status 0 "SIGINT after throttling: status 0"
check_out() { test "$(cat "$TMP/thr.out")" = "$1"; }
check "paged, throttled, polled again: each event once, new ones in order" \
    check_out "one
two
three
five
four"
check "throttling was retried, then slowed the polling down" \
    grep -q 'ThrottlingException: Rate exceeded; polling more slowly' "$TMP/thr.out.err"
check "the stub saw the throttled requests and more polls" \
    test "$(jq -s '[.[] | select(.status == 400)] | length' "$STUB_LOG")" = 3
stop_stub

finish
