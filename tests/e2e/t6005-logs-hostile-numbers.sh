#!/bin/bash
# logs against a broken or hostile FilterLogEvents (tests/e2e/stub.py):
# event times that are not whole milliseconds from the epoch to year 9999
# (1e300, 2^63, -2^63, -1, 1.5) are a protocol error naming the field,
# exit 1 and nothing printed -- not undefined behaviour (1e300 cast to an
# integer) or a year like -292275055 in the output.
. "$(dirname "$0")/lib.sh"
use_env_creds

ev() {	# ev TIMESTAMP_JSON [INGESTION_JSON]: a page with one event
	printf '{"events": [{"eventId": "1", "timestamp": %s, "ingestionTime": %s, "logStreamName": "2024/05/01/[$LATEST]0123456789abcdef", "message": "hello\\n"}]}' "$1" "${2:-1714564800000}"
}
# page BODY: a stub answering FilterLogEvents with BODY.
page() {
	stop_stub
	jq -n --arg b "$1" '[{body: $b}]' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}

page "$(ev 1714564800000)"
AWS_ENDPOINT_URL=$STUB_URL lc logs --group g --since 2024-05-01
check_status 0 "a sane page: exit 0"
check_out_eq "2024-05-01T12:00:00 [\$LATEST]01234567 hello" "a sane page: the event"

for ts in 1e300 9223372036854775808 -9223372036854775808 -1 1.5 1e999; do
	page "$(ev "$ts")"
	AWS_ENDPOINT_URL=$STUB_URL lc logs --group g --since 2024-05-01
	check_status 1 "timestamp $ts: exit 1"
	check_err_has "^lambdactl: FilterLogEvents: unexpected response: an event's 'timestamp' is [-+.e0-9inf]+, not a whole number of ms from 0 to 253402300799999\$" \
		"timestamp $ts: a protocol error naming the field"
	check_out_eq "" "timestamp $ts: nothing printed"
done
page "$(ev 1714564800000 -1e300)"
AWS_ENDPOINT_URL=$STUB_URL lc -o json logs --group g --since 2024-05-01
check_status 1 "ingestionTime -1e300: exit 1"
check "ingestionTime -1e300: the error names ingestionTime" \
	jq -e '.error.message == "FilterLogEvents: unexpected response: an event'"'"'s '"'"'ingestionTime'"'"' is -1e+300, not a whole number of ms from 0 to 253402300799999"' "$OUT"
stop_stub

finish
