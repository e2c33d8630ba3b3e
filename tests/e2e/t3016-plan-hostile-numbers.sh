#!/bin/bash
# plan and deploy against a broken or hostile Lambda (tests/e2e/stub.py):
# MemorySize, Timeout, CodeSize and EphemeralStorage.Size that are not
# whole numbers in range (1e300, -1, 2^63, 128.5) are a protocol error
# naming the operation and the field, exit 1 -- not undefined behaviour
# or "~ memory -1 -> 256" in a plan -- and deploy writes nothing.
. "$(dirname "$0")/lib.sh"
use_env_creds

provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<'YML'
  f: { memory: 256 }
YML
# stub MEMBER VALUE: GetFunction answers with MEMBER (a jq path) set to VALUE.
stub() {
	stop_stub
	jq -n --arg path "$1" --argjson v "$2" '{routes: [{method: "GET", path: "^/2015-03-31/functions/f$",
		responses: [{body: {Configuration: ({FunctionName: "f", Runtime: "provided.al2023",
			Role: "arn:aws:iam::123456789012:role/lambda-exec", MemorySize: 128, Timeout: 3,
			CodeSha256: "x", EphemeralStorage: {Size: 512}, State: "Active",
			LastUpdateStatus: "Successful"} | setpath($path | split("."); $v))}}]}],
		default: [{status: 500, body: {Message: "unexpected request"}}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}

stub MemorySize 128
lc --endpoint-url "$STUB_URL" plan
check_status 5 "sane numbers: plan shows changes (exit 5)"
check_out_has '^  ~ memory 128 -> 256$' "sane numbers: the memory change"

while read -r member value shown range; do
	stub "$member" "$value"
	lc --endpoint-url "$STUB_URL" plan
	check_status 1 "plan, $member $value: exit 1"
	check_err_eq "lambdactl: f: GetFunction: unexpected response: '$member' is $shown, not a whole number from $range" \
		"plan, $member $value: the operation, the field and the range"
	check_out_eq "" "plan, $member $value: no plan printed"
done <<'CASES'
MemorySize 1e300 1e+300 128 to 1048576
MemorySize -1 -1 128 to 1048576
MemorySize 128.5 128.5 128 to 1048576
Timeout 9223372036854775808 9.22337e+18 1 to 86400
Timeout -9223372036854775808 -9.22337e+18 1 to 86400
CodeSize -1 -1 0 to 9007199254740992
CodeSize 1e20 1e+20 0 to 9007199254740992
EphemeralStorage.Size 1e300 1e+300 512 to 1048576
CASES

stub MemorySize 1e300
lc --endpoint-url "$STUB_URL" deploy
check_status 1 "deploy, MemorySize 1e300: exit 1"
check "deploy, MemorySize 1e300: nothing but the GetFunction was sent" \
	test "$(jq -s '[.[] | select(.method != "GET")] | length' "$STUB_LOG")" -eq 0
stop_stub

finish
