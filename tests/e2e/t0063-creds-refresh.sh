#!/bin/bash
# Refreshing credentials that expire, end to end: the container provider
# (credstub handing out a new key each time) and moto recording which key
# signed each call.  Within botocore's advisory window (15 min) every AWS
# call of a run gets them again and signs with the new key; 30 min ahead
# never; a refresh failing 12 min ahead is only noted (--debug) and tried
# again a minute later, not on every call; 5 min
# ahead (mandatory window, 10 min) it ends the run: one line, exit 1.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec
creds_env
export AWS_ENDPOINT_URL=$MOTO_URL
AWS_ACCESS_KEY_ID=AKIDMOTOSETUP AWS_SECRET_ACCESS_KEY=moto-setup-secret \
	aws --endpoint-url "$MOTO_URL" iam create-role --role-name lambda-exec \
	--assume-role-policy-document '{}' >/dev/null
provided_manifest lambda-exec <<'YML'
  one: { timeout: 3 }
  two: { timeout: 3 }
YML

# stub_config EXPIRES_IN [FAULTS]: a container endpoint whose Nth answer
# hands out the key AKIDREFRESH00N, expiring EXPIRES_IN s after it answers.
stub_config() {
	jq -n --argjson e "$1" --argjson f "${2:-[]}" '{container: {path: "/creds",
		AccessKeyId: "AKIDUNUSED", SecretAccessKey: "unused", expires_in: $e,
		sequence: [range(1; 40) | {AccessKeyId: ("AKIDREFRESH" + (. | tostring | ("00" + .)[-3:])),
			SecretAccessKey: ("refresh-secret-\(.)-0123456789abcdef"),
			Token: ("refresh-session-token-\(.)-0123456789abcdef")}]},
		faults: $f}' >"$TMP/stub.json"
	stop_credstub
	start_credstub "$TMP/stub.json"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/creds
	rec_reset
}
key() { printf 'AKIDREFRESH%03d' "$1"; }
# calls: lambdactl's calls moto saw.
calls() { rec_calls lambdactl/ | wc -l; }

# 12 min left: every call refreshes first, and signs with the new key.
stub_config 720
lc deploy -j 1
check_status 0 "deploy with credentials 12 min from expiry"
n=$(calls)
check "deploy made several AWS calls ($n)" test "$n" -ge 4
check "one container request to start, then one before each AWS call" \
	test "$(credstub_count container)" = $((n + 1))
want=$(for i in $(seq 2 $((n + 1))); do printf '%s ' "$(key "$i")"; done)
check "each call signed with the key the refresh before it brought" \
	test "$(rec_keys lambdactl/)" = "$want"
check_no_secret "no key handed out is shown" refresh-secret- refresh-session-token-

stub_config 720
lc --debug whoami
check_status 0 "whoami --debug with refreshed credentials"
check_err_has "credentials from container refreshed, [0-9]+ s before they expire" \
	"--debug notes the refresh"
check "whoami: the fetch, then one refresh" test "$(credstub_count container)" = 2
check "whoami's call signed with the second key" test "$(rec_keys lambdactl/)" = "$(key 2) "
check_no_secret "--debug shows no key handed out" refresh-secret- refresh-session-token-

# 30 min left: never refreshed within the run.
stub_config 1800
lc deploy -j 1 --publish
check_status 0 "deploy again (update, publish) with credentials 30 min from expiry"
check "30 min: the run made several AWS calls" test "$(calls)" -ge 2
check "30 min: one container request, never a refresh" test "$(credstub_count container)" = 1
check "30 min: every call signed with the first key" \
	test "$(rec_signers lambdactl/)" = "$(key 1) "

# The endpoint failing after the first answer.
FAIL500='[{"path": "^/creds", "skip": 1, "count": null, "status": 500}]'
stub_config 720 "$FAIL500"
lc_timed --debug whoami
check_status 0 "12 min left, refresh failing: the run goes on (advisory)"
check_err_has "refreshing credentials failed; using the current ones, trying again in 60 s: container credentials endpoint .*: HTTP 500 \(3 attempts\)" \
	"--debug notes the failed refresh"
check "... signed with the first key" test "$(rec_keys lambdactl/)" = "$(key 1) "
check "... after one fetch and one refresh of 3 attempts" test "$(credstub_count container)" = 4
check_faster 10 "a failed advisory refresh costs the 3 attempts at most"
stub_config 720 "$FAIL500"
lc whoami
check_status 0 "advisory failure without --debug"
check_err_eq "" "... says nothing"

# A whole deploy with the refresh failing: one failed try, not one per
# call (the next waits a minute), every call on the first key.
stub_config 720 "$FAIL500"
lc deploy -j 1 --publish
check_status 0 "12 min left, refresh failing: a deploy goes on"
check "the deploy made several AWS calls" test "$(calls)" -ge 2
check "one fetch and one failed refresh (3 attempts), not one per call" \
	test "$(credstub_count container)" = 4
check "every call signed with the first key" test "$(rec_signers lambdactl/)" = "$(key 1) "

stub_config 300 "$FAIL500"
lc_timed whoami
check_status 1 "5 min left, refresh failing: the call is not made (mandatory)"
check_err_eq "lambdactl: refreshing credentials: container credentials endpoint ${CREDSTUB_URL#http://} (AWS_CONTAINER_CREDENTIALS_FULL_URI): HTTP 500 (3 attempts)" \
	"one line naming the refresh and the endpoint"
check "no AWS call signed with the expiring key" test "$(calls)" = 0
check_faster 10 "mandatory failure: bounded"

finish
