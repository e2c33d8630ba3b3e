#!/bin/bash
# logs: events written with boto3 into moto, read back with --since/--until
# (durations and ISO-8601, inclusive bounds), --filter, --stream,
# --request-id and every --format, against golden files
# (tests/fixtures/logs/, "@DAY@" standing for the day of the events, three
# days ago: moto, like CloudWatch, refuses events older than 14 days);
# boto3's own FilterLogEvents is the oracle for the JSON fields.  Also: the
# log group from GetFunction's LoggingConfig (a stub Lambda), paging past
# moto's 10000 events a page, a missing group, colours on a terminal only,
# and usage errors.
. "$(dirname "$0")/lib.sh"
GOLD=$SRC_DIR/tests/fixtures/logs
start_moto
use_env_creds
export AWS_DEFAULT_REGION=$AWS_REGION AWS_ENDPOINT_URL=$MOTO_URL

DAY=$(date -u -d '3 days ago' +%F)
BASE=$(( $(date -u -d "$DAY" +%s) * 1000 ))
NOW=$(( $(date +%s) * 1000 ))
SA='2024/05/01/[$LATEST]a1b2c3d4e5f60718293a4b5c6d7e8f90'
SB='2024/05/01/[$LATEST]ffffeeee0000111122223333444455556666'
R1=11111111-aaaa-4bbb-8ccc-000000000001
R2=22222222-aaaa-4bbb-8ccc-000000000002
R3=33333333-aaaa-4bbb-8ccc-000000000003

# put GROUP STREAM: creates both if needed and puts the events of stdin,
# one "MS<TAB>MESSAGE" a line (\n and \t in MESSAGE are escapes), as they
# come, in PutLogEvents calls of at most 10000 events.
put() {
	python3 -c '
import sys, boto3
group, stream, url = sys.argv[1:4]
c = boto3.client("logs", endpoint_url=url)
try:
    c.create_log_group(logGroupName=group)
except c.exceptions.ResourceAlreadyExistsException:
    pass
c.create_log_stream(logGroupName=group, logStreamName=stream)
evs = []
for line in sys.stdin.read().splitlines():
    ms, msg = line.split("\t", 1)
    evs.append({"timestamp": int(ms),
                "message": msg.replace("\\n", "\n").replace("\\t", "\t")})
for i in range(0, len(evs), 10000):
    r = c.put_log_events(logGroupName=group, logStreamName=stream,
                         logEvents=evs[i:i + 10000])
    assert not r.get("rejectedLogEventsInfo"), r
' "$1" "$2" "$MOTO_URL"
}
at() { echo $((BASE + $1)); }	# at MS-AFTER-MIDNIGHT
H10=36000000

put /aws/lambda/app "$SA" <<EOF
$(at $((H10 + 0)))	INIT_START Runtime Version: python:3.12.v40\n
$(at $((H10 + 100)))	START RequestId: $R1 Version: \$LATEST\n
$(at $((H10 + 200)))	[INFO]\t${DAY}T10:00:00.200Z\t$R1\thandling order 42\n
$(at $((H10 + 300)))	END RequestId: $R1\n
$(at $((H10 + 301)))	REPORT RequestId: $R1\tDuration: 200.00 ms\tBilled Duration: 201 ms\n
$(at $((H10 + 5000)))	START RequestId: $R2 Version: \$LATEST\n
$(at $((H10 + 5500)))	[ERROR]\t${DAY}T10:00:05.500Z\t$R2\tValueError: bad input "x"\n
$(at $((H10 + 8000)))	${DAY}T10:00:08.000Z $R2 Task timed out after 3.00 seconds\n
$(at $((H10 + 8000)))	END RequestId: $R2\n
$(at $((H10 + 8001)))	REPORT RequestId: $R2\tDuration: 3000.00 ms\tStatus: timeout\n
EOF
put /aws/lambda/app "$SB" <<EOF
$(at $((H10 + 2000)))	START RequestId: $R3 Version: \$LATEST\n
$(at $((H10 + 2000)))	Traceback (most recent call last):\n  File "h.py", line 2\nno trailing newline
$(at $((H10 + 2500)))	END RequestId: $R3\n\n
EOF
put /aws/lambda/app batch-job <<EOF
$(at $((H10 - 3600000)))	an hour before\n
$(at $((H10 + 3600000)))	an hour after\n
EOF

# golden NAME DESC: stdout is tests/fixtures/logs/NAME with @DAY@ filled in.
golden() {
	sed "s/@DAY@/$DAY/g" "$GOLD/$1" >"$TMP/want"
	if cmp -s "$TMP/want" "$OUT"; then ok "$2"
	else not_ok "$2" "$(diff -u "$TMP/want" "$OUT" | head -40)"; fi
}
WIN=(--since "${DAY}T10:00:00Z" --until "${DAY}T10:59:59.999Z")

lc logs app "${WIN[@]}"
check_status 0 "logs app: no such function, so /aws/lambda/app"
golden short.txt "short format (the default): time, short stream, message"
check_out_lacks $'\033' "no colour when stdout is not a terminal"

lc logs app "${WIN[@]}" --format detailed
check_status 0 "--format detailed"
golden detailed.txt "detailed format: ISO time with ms, the whole stream name"

lc logs app "${WIN[@]}" --format raw
check_status 0 "--format raw"
golden raw.txt "raw format: the messages, one trailing newline each"

lc logs app "${WIN[@]}" --format json
check_status 0 "--format json"
cp "$OUT" "$TMP/ours.json"
check "json: one object a line, compact, keys in order" \
    grep -Eqx '\{"timestamp":[0-9]+,"ingestion_time":[0-9]+,"stream":"[^"]+","event_id":"[^"]+","message":".*"\}' "$TMP/ours.json"
jq -c --argjson base "$BASE" '.timestamp -= $base
    | .ingestion_time |= (if type == "number" and . > 0 then "N" else "BAD" end)
    | .event_id |= (if type == "string" and length > 0 then "ID" else "BAD" end)' \
    "$TMP/ours.json" >"$OUT"
golden json.txt "json format (timestamps less the day, ids checked below)"
check "json: every field as boto3's FilterLogEvents has it, in its order" python3 -c '
import json, sys, boto3
ours = [json.loads(l) for l in open(sys.argv[1])]
c = boto3.client("logs", endpoint_url=sys.argv[2])
ref = c.filter_log_events(logGroupName="/aws/lambda/app", interleaved=True,
                          startTime=int(sys.argv[3]), endTime=int(sys.argv[4]))
assert "nextToken" not in ref
want = [{"timestamp": e["timestamp"], "ingestion_time": e["ingestionTime"],
         "stream": e["logStreamName"], "event_id": e["eventId"],
         "message": e["message"]} for e in ref["events"]]
assert ours == want, (ours, want)
assert len(ours) == 13
' "$TMP/ours.json" "$MOTO_URL" $((BASE + H10)) $((BASE + H10 + 3599999))

lc -o json logs app "${WIN[@]}"
check "-o json means --format json" cmp -s "$TMP/ours.json" "$OUT"

# --since/--until: both bounds inclusive, offsets honoured.
lc logs app --since "${DAY}T10:00:05Z" --until "${DAY}T10:00:08Z"
check_status 0 "--since and --until, ISO-8601 with Z"
golden since-until.txt "events from --since to --until, both included"
lc logs app --since "${DAY}T12:00:05+02:00" --until "${DAY}T05:00:08.000-05:00"
golden since-until.txt "the same window written with offsets"
lc logs app --since "$DAY"
check_status 0 "--since a date alone"
check_out_has "an hour before" "--since DATE: from midnight UTC"
check_out_has "an hour after" "--since DATE without --until: up to now"

# --filter goes to the service as it is (moto knows terms and phrases).
lc logs app "${WIN[@]}" --filter ERROR
check_status 0 "--filter ERROR"
golden filter.txt "--filter: only the matching events"
lc logs app "${WIN[@]}" --filter '"Task timed out"' --format raw
check_out_eq "${DAY}T10:00:08.000Z $R2 Task timed out after 3.00 seconds" \
    "--filter with a quoted phrase"
lc logs app "${WIN[@]}" --filter NOSUCHWORD
check_status 0 "a filter matching nothing is no error"
check_out_eq "" "a filter matching nothing prints nothing"

# --stream (moto ignores logStreamNamePrefix: lambdactl checks it too).
lc logs app "${WIN[@]}" --stream '2024/05/01/[$LATEST]ffff' --format raw
check_status 0 "--stream PREFIX"
check_out_eq "START RequestId: $R3 Version: \$LATEST
Traceback (most recent call last):
  File \"h.py\", line 2
no trailing newline
END RequestId: $R3" "--stream: only the streams with that prefix"
lc logs app --since "$DAY" --stream batch --format detailed
check_out_eq "${DAY}T09:00:00.000Z batch-job an hour before
${DAY}T11:00:00.000Z batch-job an hour after" "--stream with another stream"

# --request-id: a quoted term; with --filter, both must match.
lc logs app "${WIN[@]}" --request-id "$R2" --format raw
check_status 0 "--request-id"
check_out_eq "START RequestId: $R2 Version: \$LATEST
[ERROR]	${DAY}T10:00:05.500Z	$R2	ValueError: bad input \"x\"
${DAY}T10:00:08.000Z $R2 Task timed out after 3.00 seconds
END RequestId: $R2
REPORT RequestId: $R2	Duration: 3000.00 ms	Status: timeout" \
    "--request-id: the events of that invocation"
lc logs app "${WIN[@]}" --request-id "$R2" --filter REPORT --format raw
check_out_eq "REPORT RequestId: $R2	Duration: 3000.00 ms	Status: timeout" \
    "--request-id with --filter: events matching both"
lc logs app "${WIN[@]}" --request-id "$R1" --filter ERROR
check_out_eq "" "--request-id with --filter: nothing when one does not match"

# Relative --since, against events written just now.
put /aws/lambda/recent s <<EOF
$((NOW - 20 * 60000))	twenty minutes ago
$((NOW - 5 * 60000))	five minutes ago
EOF
lc logs recent --format raw
check_out_eq "five minutes ago" "the default --since is 10m"
lc logs recent --format raw --since 30m
check_out_eq "twenty minutes ago
five minutes ago" "--since 30m"
lc logs recent --format raw --since 1h30m --until 10m
check_out_eq "twenty minutes ago" "--since 1h30m --until 10m"
lc logs recent --format raw --since 1d
check_out_has "twenty" "--since 1d"
lc logs recent --format raw --since 1w
check_out_has "twenty" "--since 1w"

# The group of an existing function, and a LoggingConfig's group.
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
printf 'def main(e, c):\n    return 1\n' >h.py
python3 -c 'import zipfile; zipfile.ZipFile("fn.zip", "w").write("h.py")'
ref_aws lambda create-function --function-name deployed --runtime python3.12 \
    --handler h.main --role arn:aws:iam::123456789012:role/lambda-exec \
    --zip-file fileb://fn.zip >/dev/null
put /aws/lambda/deployed s <<EOF
$((NOW - 60000))	from the deployed function
EOF
lc logs deployed --format raw
check_status 0 "logs of a deployed function"
check_out_eq "from the deployed function" "a function without LoggingConfig: /aws/lambda/NAME"

put /custom/shared-group s <<EOF
$((NOW - 60000))	from the custom group
EOF
jq -n --arg now "$NOW" '{routes: [{method: "GET", path: "^/2015-03-31/functions/custom$",
    responses: [{body: {Configuration: {FunctionName: "custom", Runtime: "python3.12",
        LoggingConfig: {LogFormat: "Text", LogGroup: "/custom/shared-group"}}}}]}]}' \
    >"$TMP/fn.json"
start_stub "$TMP/fn.json"
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc logs custom --format raw
check_status 0 "logs of a function with a LoggingConfig"
check_out_eq "from the custom group" "LoggingConfig.LogGroup is the group read"
check "GetFunction was asked about the function" \
    test "$(jq -r '"\(.method) \(.path)"' "$STUB_LOG")" = "GET /2015-03-31/functions/custom"
: >"$STUB_LOG"
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc logs custom --group /aws/lambda/recent --format raw
check_status 0 "--group"
check_out_eq "five minutes ago" "--group: that group"
check "--group: no GetFunction" test ! -s "$STUB_LOG"
stop_stub

# Every page: moto answers at most 10000 events a page.
seq 0 10004 | awk -v t=$((NOW - 120000)) '{ printf "%.0f\tevent %05d\n", t + int($1 / 100), $1 }' |
    put /big s
start_proxy "$MOTO_URL"
AWS_ENDPOINT_URL=$PROXY_URL lc logs --group /big --since 1h --format raw
check_status 0 "10005 events"
check "every event once, in order" cmp -s "$OUT" <(seq 0 10004 | awk '{ printf "event %05d\n", $1 }')
check "two FilterLogEvents pages" test "$(proxy_count POST /)" = 2
stop_proxy

# A missing log group is an error, not silence.
lc logs ghost
check_status 1 "a missing log group exits 1"
check_err_eq "lambdactl: log group '/aws/lambda/ghost' does not exist" \
    "a missing log group says so"
check_out_eq "" "nothing on stdout for a missing group"
lc logs --group /no/such/group --follow
check_status 1 "a missing log group with --follow exits 1 at once"
check_err_eq "lambdactl: log group '/no/such/group' does not exist" \
    "--follow: the missing group named"
lc -o json logs ghost
check_status 1 "-o json: a missing log group exits 1"
check "-o json: the error as JSON" jq -e \
    '.error.message == "log group '"'/aws/lambda/ghost'"' does not exist" and .error.status == 1' "$OUT"

# The service's request: JSON 1.1, the FilterLogEvents target; a
# nextToken that never changes is an error, not a loop.
jq -n '[{body: {events: [], nextToken: "same"}}]' >"$TMP/loop.json"
start_stub "$TMP/loop.json"
AWS_ENDPOINT_URL=$STUB_URL lc logs --group g
check_status 1 "a repeated nextToken exits 1"
check_err_eq "lambdactl: FilterLogEvents: the same nextToken came back twice" \
    "a repeated nextToken is reported"
check "FilterLogEvents is POST / in JSON 1.1" test "$(jq -r 'select(.method == "POST" and .path == "/")
    | .headers["X-Amz-Target"] + " " + .headers["Content-Type"]' "$STUB_LOG" | sort -u)" = \
    "Logs_20140328.FilterLogEvents application/x-amz-json-1.1"
stop_stub
jq -n '[{status: 400, body: {__type: "InvalidParameterException", message: "bad pattern"}}]' >"$TMP/bad.json"
start_stub "$TMP/bad.json"
AWS_ENDPOINT_URL=$STUB_URL lc logs --group g --filter '{'
check_status 1 "a service error exits 1"
check_err_eq "lambdactl: FilterLogEvents: InvalidParameterException: bad pattern" \
    "a service error is reported as the service gave it"
stop_stub

# Colours: on a terminal only, never with NO_COLOR, json or raw.
tty_run() {	# tty_run [VAR=VALUE...] -- ARGS...: stdout on a pty
	python3 -c '
import errno, os, subprocess, sys
i = sys.argv.index("--")
env = dict(os.environ)
env.update(kv.split("=", 1) for kv in sys.argv[1:i])
master, slave = os.openpty()
p = subprocess.Popen(sys.argv[i + 1:], stdin=subprocess.DEVNULL,
                     stdout=slave, env=env)
os.close(slave)
out = bytearray()
while True:
    try:
        data = os.read(master, 65536)
    except OSError as e:
        if e.errno != errno.EIO:
            raise
        break
    if not data:
        break
    out.extend(data)
sys.stdout.buffer.write(bytes(out).replace(b"\r\n", b"\n"))
sys.exit(p.wait())
' "$@" >"$OUT" 2>"$ERR"
	status=$?
}
tty_run -- "$LAMBDACTL" logs app "${WIN[@]}"
check_status 0 "logs on a terminal"
check_out_has $'\033\\[2m'"${DAY}T10:00:00"$'\033\\[0m' "a terminal: dim timestamps"
check_out_has $'\033\\[2mEND RequestId: '"$R1"$'\033\\[0m' "a terminal: END dimmed"
check_out_has $'\033\\[31m\\[ERROR\\]' "a terminal: ERROR in red"
check_out_has $'\033\\[31m'"${DAY}T10:00:08.000Z $R2 Task timed out" "a terminal: Task timed out in red"
tty_run NO_COLOR=1 -- "$LAMBDACTL" logs app "${WIN[@]}"
check_status 0 "logs on a terminal with NO_COLOR"
check_out_lacks $'\033' "NO_COLOR: no colour"
tty_run -- "$LAMBDACTL" logs app "${WIN[@]}" --format raw
check_out_lacks $'\033' "raw: no colour on a terminal"
tty_run -- "$LAMBDACTL" logs app "${WIN[@]}" --format json
check_out_lacks $'\033' "json: no colour on a terminal"

# Usage errors: exit 2, naming the bad value.
lc logs app --since 10x
check_status 2 "a bad --since exits 2"
check_err_eq "lambdactl: option '--since' wants a duration (30s, 10m, 2h, 1d, 1w) or an ISO-8601 time (2024-05-01T12:00:00Z), not '10x'" \
    "a bad --since is named"
lc logs app --until 2024-05-01T12:00:00
check_status 2 "an ISO-8601 time without a zone exits 2"
check_err_has "option '--until' wants .* not '2024-05-01T12:00:00'" "the zoneless --until is named"
lc logs app --since 1h --until 2h
check_status 2 "--until before --since exits 2"
check_err_eq "lambdactl: option '--until' is before '--since'" "--until before --since"
lc logs app --follow --until 1m
check_status 2 "--follow with --until exits 2"
check_err_eq "lambdactl: option '--until' cannot be used with '--follow'" "--follow with --until"
lc logs app --format xml
check_status 2 "a bad --format exits 2"
check_err_eq "lambdactl: option '--format' wants 'short', 'detailed', 'json' or 'raw', not 'xml'" "a bad --format is named"
lc logs app --request-id 'a"b'
check_status 2 "a bad --request-id exits 2"
check_err_has "option '--request-id' wants .*not 'a\"b'" "the bad request id is named"
lc logs
check_status 2 "no function and no --group exits 2"
check_err_has "name a FUNCTION or a --group" "no function: says what is missing"
lc logs a b
check_status 2 "two functions exit 2"

finish
