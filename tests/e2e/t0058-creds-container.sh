#!/bin/bash
# The container credentials provider (AWS_CONTAINER_CREDENTIALS_FULL_URI,
# _RELATIVE_URI, the authorization token and its file) against credstub,
# STS at moto; the AWS CLI (botocore honours the same variables) is the
# oracle.  Bad hosts are refused before any request; 401, 500, garbage
# and a slow endpoint fail in bounded time with one line; no secret shows.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec
creds_env
moto_role_creds ecs-task
AUTH="Bearer container-auth-token-9f8e7d6c5b4a"
cat >"$TMP/stub.json" <<JSON
{"container": {"path": "/creds", "authorization": "$AUTH",
  "AccessKeyId": "$ROLE_AK", "SecretAccessKey": "$ROLE_SK",
  "Token": "$ROLE_TOK", "expires_in": 3600},
 "faults": [{"path": "^/fault500", "status": 500, "count": null},
            {"path": "^/garbage", "garbage": true, "count": null},
            {"path": "^/slow", "delay": 3, "count": null},
            {"path": "^/flaky", "status": 500, "count": 1},
            {"path": "^/flaky", "garbage": true, "skip": 1, "count": 1}]}
JSON
start_credstub "$TMP/stub.json"
SECRETS=("$ROLE_SK" "$ROLE_TOK" "$AUTH" "${AUTH#Bearer }")
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/creds
export AWS_CONTAINER_AUTHORIZATION_TOKEN=$AUTH

check_oracle container
check "one container request, with the token and Accept: application/json" \
	jq -s -e --arg t "$AUTH" 'length == 1 and .[0].route == "container" and
	.[0].headers.Authorization == $t and .[0].headers.Accept == "application/json"' "$CREDSTUB_LOG"
check_no_secret "no secret on stdout or stderr" "${SECRETS[@]}"

lc --debug whoami
check_status 0 "whoami --debug with container credentials"
check_err_has '> Authorization: <redacted>' "--debug shows the container token redacted"
check_no_secret "--debug shows no secret (token, secret key, session token)" "${SECRETS[@]}"

# The token file wins over the variable and is read afresh on each use.
printf '%s' "$AUTH" >"$TMP/token"
AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/token lc -o json whoami
check_status 0 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over the variable"
arn=$(AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/token aws_arn)
check "... as in the aws CLI" test "$arn" = "$ROLE_ARN"
printf '%s\n' "$AUTH" >"$TMP/token"
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/token lc_timed whoami
check_status 3 "a token file ending in a newline is refused (as botocore refuses it)"
check_err_eq "lambdactl: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ('$TMP/token'): the token contains a newline" \
	"the refusal names the variable and the file"
printf 'Bearer rotated-away-token' >"$TMP/token"
: >"$CREDSTUB_LOG"
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/token lc_timed whoami
check_status 1 "a wrong token (401) is a network-side failure"
check_err_eq "lambdactl: container credentials endpoint ${CREDSTUB_URL#http://} (AWS_CONTAINER_CREDENTIALS_FULL_URI): HTTP 401 (3 attempts)" \
	"401: one line naming the endpoint's host"
check "401 is tried 3 times, as botocore does" test "$(credstub_count container)" = 3
check_faster 8 "three attempts 1 s apart end in bounded time"
check_no_secret "no token in the 401 message" "${SECRETS[@]}" "rotated-away-token"

# Hosts: plain http only to loopback and the ECS/EKS addresses.
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.1/creds lc_timed --debug whoami
check_status 3 "FULL_URI over http to another host is a configuration error"
check_err_has "^lambdactl: AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http goes only to a loopback address, localhost, 169.254.170.2, 169.254.170.23 or \[fd00:ec2::23\], not to '192.0.2.1' \(use https\)$" \
	"the refusal names the variable and the host"
check_err_lacks '> GET' "refused before any request (no request traced)"
check_faster 2 "refused at once, no connection tried"
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://u:pass-in-url@127.0.0.1:1/creds lc whoami
check_status 3 "a user name and password in FULL_URI are refused"
check_err_lacks 'pass-in-url' "... and never printed"
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://localhost:${CREDSTUB_URL##*:}/creds lc -o json whoami
check "http to localhost is allowed" jq -e '.credential_source == "container"' "$OUT"

# The token goes to the endpoint alone, never through a proxy (botocore's
# rule): with 127.0.0.1 proxied to a dead port (STS goes to moto by the
# name localhost, which is not), the fetch still works.
http_proxy=http://127.0.0.1:9 no_proxy=localhost NO_PROXY=localhost \
	AWS_ENDPOINT_URL_STS=http://localhost:${MOTO_URL##*:} \
	AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/creds lc -o json whoami
check "the container endpoint is never reached through http_proxy" jq -e '.credential_source == "container"' "$OUT"

# RELATIVE_URI wins and goes to 169.254.170.2, directly: so it runs in a
# network namespace of its own where no interface is up, the connection
# fails at once and no packet leaves (skipped where that is not allowed).
if unshare -rn true 2>/dev/null; then
	t0=$EPOCHREALTIME
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/abc \
		unshare -rn "$LAMBDACTL" --debug whoami >"$OUT" 2>"$ERR" </dev/null
	status=$?
	elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	check_status 1 "RELATIVE_URI is used (and fails: no network)"
	check_err_has '> GET http://169.254.170.2/v2/credentials/abc$' "RELATIVE_URI goes to 169.254.170.2 and wins over FULL_URI"
	check_err_has "^lambdactl: container credentials endpoint 169.254.170.2 \(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\): .* \(3 attempts\)$" \
		"the failure names the relative variable"
else
	for i in 1 2 3; do ok "# skip: unshare -rn is not allowed here"; done
fi

# Faults: 500, garbage, slow; one success after two bad answers.
for f in fault500:"HTTP 500" garbage:"the answer is not a JSON object"; do
	AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/${f%%:*} lc_timed whoami
	check_status 1 "/${f%%:*}: exit 1"
	check_err_eq "lambdactl: container credentials endpoint ${CREDSTUB_URL#http://} (AWS_CONTAINER_CREDENTIALS_FULL_URI): ${f#*:} (3 attempts)" \
		"/${f%%:*}: one line"
	check_faster 8 "/${f%%:*}: bounded"
done
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/slow lc_timed whoami
check_status 1 "a slow endpoint (3 s, past the 2 s timeout): exit 1"
check_err_eq "lambdactl: container credentials endpoint ${CREDSTUB_URL#http://} (AWS_CONTAINER_CREDENTIALS_FULL_URI): no answer within 2 s (3 attempts)" \
	"slow: one line"
check_faster 12 "slow: 3 attempts of 2 s, 1 s apart (8 s documented)"
: >"$CREDSTUB_LOG"
jq '.container.path = "/flaky"' "$TMP/stub.json" >"$TMP/flaky.json"
stop_credstub
start_credstub "$TMP/flaky.json"
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDSTUB_URL/flaky lc -o json whoami
check "500, garbage, then credentials: the third attempt wins (as botocore)" \
	jq -e '.credential_source == "container"' "$OUT"
check "three requests" test "$(credstub_count container)" = 3

finish
