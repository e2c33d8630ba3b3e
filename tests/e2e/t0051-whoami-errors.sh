#!/bin/bash
# whoami failures: a wrong secret (moto checks signatures), an unreachable
# endpoint, retries on 5xx and throttling, a dropped connection, and
# --debug output that never shows a secret.
. "$(dirname "$0")/lib.sh"

# moto enforces signatures once INITIAL_NO_AUTH_ACTION_COUNT is spent.
start_moto INITIAL_NO_AUTH_ACTION_COUNT=2
use_env_creds
ref_aws iam create-user --user-name ci >/dev/null
ref_aws iam create-access-key --user-name ci >"$TMP/key.json"
AK=$(jq -r .AccessKey.AccessKeyId "$TMP/key.json")
SK=$(jq -r .AccessKey.SecretAccessKey "$TMP/key.json")

AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK lc --endpoint-url "$MOTO_URL" -o json whoami
check_status 0 "a real IAM key passes moto's signature check"
check "the identity is the IAM user" jq -e '.arn == "arn:aws:iam::123456789012:user/ci"' "$OUT"

AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=${SK}x lc --endpoint-url "$MOTO_URL" whoami
check_status 1 "a wrong secret is an AWS error"
check_err_has "^lambdactl: GetCallerIdentity: SignatureDoesNotMatch: The request signature we calculated does not match" "a wrong secret gives one line naming the operation and code"
check "the error is a single line" test "$(wc -l <"$ERR")" -eq 1
check_err_lacks "${SK}" "the error does not show the secret"

# A key with a path-like secret and a session token, through --debug.
export AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLEtokenSECRET/part+2==
AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK lc --endpoint-url "$MOTO_URL" --debug whoami
check_err_has '^lambdactl: debug: > POST http://127\.0\.0\.1:[0-9]+/$' "--debug shows the request line"
check_err_has 'debug: > Authorization: AWS4-HMAC-SHA256 Credential=.*Signature=<redacted>' "--debug shows Authorization with the signature redacted"
check_err_has 'debug: > X-Amz-Security-Token: <redacted>' "--debug redacts the session token header"
check_err_has 'debug: < [0-9]{3} \([0-9]+ ms' "--debug shows the status and timing"
check_err_lacks "$SK" "--debug never shows the secret key"
check_err_lacks "EXAMPLEtokenSECRET" "--debug never shows the session token"
check_err_lacks 'Signature=[0-9a-f]{64}' "--debug never shows a signature"
check_out_lacks "$SK|EXAMPLEtokenSECRET" "stdout shows no secret either"
unset AWS_SESSION_TOKEN
stop_moto

# An endpoint where nothing listens: refused fast, retried, bounded.
port=$(free_port)
start=$(date +%s)
lc --endpoint-url "http://127.0.0.1:$port" whoami
elapsed=$(( $(date +%s) - start ))
check_status 1 "an unreachable endpoint is a network error"
check_err_has "^lambdactl: GetCallerIdentity: POST http://127\.0\.0\.1:$port/: .*(onnect|refused)" "an unreachable endpoint names the operation and URL"
check "an unreachable endpoint fails within 10 s (took ${elapsed}s)" test "$elapsed" -le 10

sts_ok='<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDSTUB</UserId><Account>210987654321</Account><Arn>arn:aws:iam::210987654321:user/stub&amp;co</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>'

# Two 503s then success: retried, and it works.
jq -n --arg ok "$sts_ok" '[{status: 503, body: "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>try later</Message></Error></ErrorResponse>"},
	{status: 500, body: ""}, {status: 200, body: $ok}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" -o json whoami
check_status 0 "two 5xx answers are retried and the third attempt succeeds"
check "XML entities are decoded" jq -e '.account == "210987654321" and .arn == "arn:aws:iam::210987654321:user/stub&co"' "$OUT"
check "exactly three requests were sent" test "$(wc -l <"$STUB_LOG")" -eq 3
stop_stub

# Throttling forever: three attempts, then the last error.
jq -n '[{status: 400, body: "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" whoami
check_status 1 "persistent throttling fails"
check_err_eq "lambdactl: GetCallerIdentity: Throttling: Rate exceeded" "throttling is reported as one line"
check "throttling was attempted three times" test "$(wc -l <"$STUB_LOG")" -eq 3
stop_stub

# A client error is not retried; a JSON error body is understood.
jq -n '[{status: 403, headers: {"x-amzn-ErrorType": "AccessDeniedException:http://internal/"}, body: "{\"Message\": \"User is not authorized\"}"}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" whoami
check_status 1 "access denied fails"
check_err_eq "lambdactl: GetCallerIdentity: AccessDeniedException: User is not authorized" "x-amzn-ErrorType is cut at ':' and the JSON message is used"
check "a 4xx error is not retried" test "$(wc -l <"$STUB_LOG")" -eq 1
stop_stub

# A connection dropped mid-request, every time.
jq -n '[{drop: true}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
lc --endpoint-url "$STUB_URL" whoami
check_status 1 "a dropped connection fails"
check_err_has "^lambdactl: GetCallerIdentity: POST $STUB_URL/: " "a dropped connection names the operation and URL"
stop_stub

# A server that never answers: the read timeout ends it.
jq -n '[{delay: 30, status: 200}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
start=$(date +%s)
lc --endpoint-url "$STUB_URL" --read-timeout 1 whoami
elapsed=$(( $(date +%s) - start ))
check_status 1 "a silent server times out"
check "--read-timeout 1 bounds each attempt (took ${elapsed}s)" test "$elapsed" -le 8
stop_stub

finish
