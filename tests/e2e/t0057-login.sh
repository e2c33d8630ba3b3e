#!/bin/bash
# lambdactl login: the device authorization flow against credstub (pending,
# slow_down, an expired code, a denial, Ctrl-C), the token and client
# registration caches it writes, and the AWS CLI using its login; nothing
# the stub issued is ever shown.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec

# stub OIDC_SETTINGS: (re)starts credstub with those "oidc" settings.
stub() {
	cat >"$TMP/credstub.json" <<JSON
{"sso": {"roles": {
   "111111111111/Dev": {"accessKeyId": "ASIASSOSTUBKEYDEV", "secretAccessKey": "sso-stub-secret-dev",
      "sessionToken": "sso-stub-session-dev", "expires_in": 3600},
   "222222222222/Legacy": {"accessKeyId": "ASIASSOSTUBKEYOLD", "secretAccessKey": "sso-stub-secret-old",
      "sessionToken": "sso-stub-session-old", "expires_in": 3600}}},
 "oidc": {"interval": 1, "device_expires_in": 60, $1}}
JSON
	stop_credstub
	start_credstub "$TMP/credstub.json"
	export AWS_ENDPOINT_URL_SSO=$CREDSTUB_URL AWS_ENDPOINT_URL_SSO_OIDC=$CREDSTUB_URL
}
export AWS_CONFIG_FILE=$TMP/config AWS_SHARED_CREDENTIALS_FILE=$TMP/credentials
cat >"$AWS_CONFIG_FILE" <<'CONF'
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile old]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-2
sso_account_id = 222222222222
sso_role_name = Legacy
region = us-east-1

[profile plain]
region = us-east-1
CONF
CORP=$(cache_file "$SSO_CACHE" corp)
OLD=$(cache_file "$SSO_CACHE" https://legacy.awsapps.com/start)
# The AWS CLI v2's registration cache key, computed by Python itself.
regkey() {
	python3 -c 'import json, sys
print(json.dumps({"tool": "botocore", "startUrl": sys.argv[1], "region": sys.argv[2],
    "scopes": json.loads(sys.argv[3]), "session_name": json.loads(sys.argv[4])}, sort_keys=True), end="")' "$@"
}
REG=$(cache_file "$SSO_CACHE" "$(regkey https://corp.awsapps.com/start eu-west-1 '["sso:account:access"]' '"corp"')")
REG_OLD=$(cache_file "$SSO_CACHE" "$(regkey https://legacy.awsapps.com/start us-east-2 null null)")
tokens() { jq -c 'select(.route == "oidc.token")' "$CREDSTUB_LOG"; }

# The whole flow: one slow_down, one authorization_pending, then the token.
stub '"slow_down": 1, "pending": 1'
start=$SECONDS
lc login --profile dev
check_status 0 "login completes the device flow"
keep_output
check_out_has "^logged in: corp, token valid until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" "login says who and until when"
check "stdout is that one line" test "$(wc -l <"$OUT")" -eq 1
check_err_has "^    $CREDSTUB_URL/start/#/device$" "the verification URL is shown"
check_err_has "^    CODE-1$" "the user code is shown"
check_err_has "^    $CREDSTUB_URL/start/#/device\?user_code=CODE-1$" "the complete verification URL is shown"
check "RegisterClient: lambdactl, public, the default scope" \
	jq -se 'map(select(.route == "oidc.register")) | length == 1 and (.[0].body | fromjson | .clientName == "lambdactl" and .clientType == "public" and .scopes == ["sso:account:access"])' "$CREDSTUB_LOG"
check "StartDeviceAuthorization for the start URL" \
	jq -se 'map(select(.route == "oidc.device")) | length == 1 and (.[0].body | fromjson | .startUrl == "https://corp.awsapps.com/start" and .clientId == "client-1")' "$CREDSTUB_LOG"
check "three polls: slow_down, pending, the token" test "$(tokens | jq -s 'map(.status) == [400, 400, 200]')" = true
check "slow_down added 5 s to the 1 s interval" test "$(tokens | jq -s '.[1].t - .[0].t >= 5.5 and .[2].t - .[1].t >= 5.5')" = true
check "the polls use the device code grant" test "$(tokens | jq -s 'all(.body | fromjson | .grantType == "urn:ietf:params:oauth:grant-type:device_code" and .deviceCode == "device-1")')" = true
check "no longer than needed" test $((SECONDS - start)) -lt 40
check "the token cache holds the AWS CLI's members" \
	jq -e '.startUrl == "https://corp.awsapps.com/start" and .region == "eu-west-1" and .accessToken == "access-1" and .refreshToken == "refresh-1" and .clientId == "client-1" and .clientSecret == "secret-client-1" and (.expiresAt | test("^[0-9-]{10}T[0-9:]{8}Z$")) and (.registrationExpiresAt | test("^[0-9-]{10}T[0-9:]{8}Z$"))' "$CORP"
check "the token cache is 0600" test "$(stat -c %a "$CORP")" = 600
check "the registration is cached under the AWS CLI's key" \
	jq -e '.clientId == "client-1" and .clientSecret == "secret-client-1" and .scopes == ["sso:account:access"] and (.expiresAt | test("Z$"))' "$REG"
check "the registration cache is 0600" test "$(stat -c %a "$REG")" = 600

rec_reset
ref=$(aws_identity --profile dev)
check "the AWS CLI uses lambdactl's login" test "$(rec_signers aws-cli/)" = "ASIASSOSTUBKEYDEV "
check "the portal saw the token login got" \
	jq -se 'map(select(.route == "sso.credentials")) | last | .headers["x-amz-sso_bearer_token"] == "access-1"' "$CREDSTUB_LOG"
lc -o json whoami --profile dev
check_status 0 "whoami after login"
keep_output
check "whoami's ARN is the AWS CLI's" jq -e --arg a "$(jq -r .Arn <<<"$ref")" '.arn == $a and .credential_source == "sso (profile dev)"' "$OUT"
check "lambdactl signed with the stub's key" test "$(rec_signers lambdactl/)" = "ASIASSOSTUBKEYDEV "

# Again, through AWS_PROFILE and -o json: the registration is reused.
AWS_PROFILE=dev lc -o json login
check_status 0 "a second login"
keep_output
check "-o json gives the session and expiry" jq -e '.profile == "dev" and .sso_session == "corp" and .start_url == "https://corp.awsapps.com/start" and (.expires_at | test("Z$"))' "$OUT"
check "the cached registration was reused" test "$(credstub_count oidc.register)" -eq 1
check "the new token is cached" jq -e '.accessToken == "access-2"' "$CORP"

# A legacy profile: keyed by the start URL, no scopes.
stub '"pending": 0'
lc login --profile old
check_status 0 "login for a legacy profile"
keep_output
check_out_has "^logged in: https://legacy.awsapps.com/start, token valid until " "the legacy login names the start URL"
check "RegisterClient without scopes" \
	jq -se 'map(select(.route == "oidc.register")) | .[0].body | fromjson | has("scopes") | not' "$CREDSTUB_LOG"
check "the legacy token is keyed by the start URL" jq -e '.accessToken == "access-1" and .region == "us-east-2"' "$OLD"
check "the legacy registration is cached under the AWS CLI's key" jq -e '.clientId == "client-1" and (has("scopes") | not)' "$REG_OLD"
rec_reset
aws_identity --profile old >/dev/null
check "the AWS CLI uses the legacy login" test "$(rec_signers aws-cli/)" = "ASIASSOSTUBKEYOLD "

# The code expires before anyone approves it.
stub '"pending": null, "device_expires_in": 2'
rm -f "$CORP"
start=$SECONDS
lc login --profile dev
check_status 1 "an expired device code fails"
check_err_has "^lambdactl: login \(profile 'dev'\): the code expired before the sign-in was completed; run 'lambdactl login' again$" "the expiry in one line"
check "the expiry is bounded by expiresIn" test $((SECONDS - start)) -lt 15
check "nothing was cached" test ! -e "$CORP"
check "the cached registration the new stub refused was replaced" test "$(credstub_count oidc.register)" -eq 1
keep_output

# The user refuses.
stub '"deny": true'
lc login --profile dev
check_status 1 "a denied sign-in fails"
check_err_has "^lambdactl: login \(profile 'dev'\): the sign-in was denied$" "the denial in one line"
keep_output

# OIDC failing.
stub '"pending": 0}, "faults": [{"path": "^/device_authorization", "status": 500, "count": null}], "x": {'
lc login --profile dev
check_status 1 "a server error fails"
check_err_has "^lambdactl: login \(profile 'dev'\): StartDeviceAuthorization: HTTP 500" "the server error in one line"
check "one line" test "$(wc -l <"$ERR")" -eq 1
keep_output

# Ctrl-C while polling: stops, nothing written.
stub '"pending": null'
# Job control: a background job keeps SIGINT (not ignored).
# Emptied first: the wait below must not read an earlier run's stderr.
: >"$ERR"
set -m
"$LAMBDACTL" login --profile dev >"$OUT" 2>"$ERR" </dev/null &
pid=$!
set +m
for i in $(seq 200); do grep -q 'waiting for the sign-in' "$ERR" && break; sleep 0.05; done
check "login was polling when Ctrl-C came" grep -q 'waiting for the sign-in' "$ERR"
kill -INT "$pid"
wait_bounded "$pid" 10
check "Ctrl-C stops login" test "$status" -eq 130
check "nothing was cached" test ! -e "$CORP"
keep_output

# --debug: requests shown, no secret.
stub '"pending": 0'
lc --debug login --profile dev
check_status 0 "login --debug"
check_err_has "debug: > POST $CREDSTUB_URL/token" "--debug shows the requests"
keep_output

# A profile without SSO.
lc login --profile plain
check_status 3 "login for a profile without SSO"
check_err_eq "lambdactl: login: profile 'plain' does not use SSO (it has neither sso_session nor sso_start_url)" "the profile is named"
lc login --profile nosuch
check_status 3 "login for a missing profile"

for s in access-1 access-2 refresh-1 refresh-2 secret-client-1 device-1 device-2 sso-stub-secret sso-stub-session; do
	check_no_secret "never shown: $s" "$s"
done
finish
