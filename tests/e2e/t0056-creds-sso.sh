#!/bin/bash
# SSO profiles (sso_session and legacy) against credstub (portal, OIDC) and
# moto (STS): the cached token, its refresh written back, the login advice
# when there is no usable token, portal failures, configuration errors; the
# AWS CLI on the same files is the oracle, moto's recorder shows which key
# signed, and no token or secret the stub issued is ever shown.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec

STUB_CONFIG='{"sso": {
   "tokens": {"seeded-access-token-1": 3600, "window-access-token": 300,
              "expired-access-token": -60},
   "roles": {
     "111111111111/Dev": {"accessKeyId": "ASIASSOSTUBKEYDEV",
        "secretAccessKey": "sso-stub-secret-dev", "sessionToken": "sso-stub-session-dev",
        "expires_in": 3600},
     "222222222222/Legacy": {"accessKeyId": "ASIASSOSTUBKEYOLD",
        "secretAccessKey": "sso-stub-secret-old", "sessionToken": "sso-stub-session-old",
        "expires_in": 3600}}},
 "oidc": {"clients": {"seeded-client": "seeded-client-secret"},
          "refresh_tokens": {"seeded-refresh-token": "seeded-client"}},
 "faults": FAULTS}'
# stub FAULTS_JSON: (re)starts credstub with those faults, pointing the SSO
# and OIDC endpoints of lambdactl and the AWS CLI at it.
stub() {
	stop_credstub
	printf '%s' "${STUB_CONFIG/FAULTS/$1}" >"$TMP/credstub.json"
	start_credstub "$TMP/credstub.json"
	export AWS_ENDPOINT_URL_SSO=$CREDSTUB_URL AWS_ENDPOINT_URL_SSO_OIDC=$CREDSTUB_URL
}
stub '[]'
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
sso_registration_scopes = sso:account:access

[profile old]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-2
sso_account_id = 222222222222
sso_role_name = Legacy
region = us-east-1

[profile norole]
sso_session = corp
sso_account_id = 111111111111
region = us-east-1

[profile noregion]
sso_start_url = https://legacy.awsapps.com/start
sso_account_id = 222222222222
sso_role_name = Legacy
region = us-east-1

[profile nosession]
sso_session = missing
sso_account_id = 111111111111
sso_role_name = Dev
region = us-east-1

[profile clash]
sso_session = corp
sso_region = us-west-2
sso_account_id = 111111111111
sso_role_name = Dev
region = us-east-1

[profile noaccess]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = Admin
region = us-east-1
CONF

mkdir -p "$SSO_CACHE"
iso() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }
CORP=$(cache_file "$SSO_CACHE" corp)
OLD=$(cache_file "$SSO_CACHE" https://legacy.awsapps.com/start)
# token FILE ACCESS_TOKEN SECONDS [REFRESH_TOKEN]: a cache file as the CLI
# writes it, expiring SECONDS from now, refreshable when a token is given.
token() {
	local extra=''
	[ -n "${4:-}" ] && extra=", \"clientId\": \"seeded-client\", \"clientSecret\": \"seeded-client-secret\", \"registrationExpiresAt\": \"$(iso 86400)\", \"refreshToken\": \"$4\""
	printf '{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "%s", "expiresAt": "%s", "receivedAt": "kept"%s}' \
		"$2" "$(iso "$3")" "$extra" >"$1"
}
rec_reset

# A valid cached token (sso_session).
token "$CORP" seeded-access-token-1 3600
ref=$(aws_identity --profile dev)
check "the AWS CLI gets SSO credentials from the stub" test -n "$ref"
check "the AWS CLI signed with the stub's key" test "$(rec_signers aws-cli/)" = "ASIASSOSTUBKEYDEV "
lc -o json whoami --profile dev
check_status 0 "whoami with a cached SSO token"
keep_output
check "whoami's ARN is the AWS CLI's" jq -e --arg a "$(jq -r .Arn <<<"$ref")" '.arn == $a' "$OUT"
check "the source is sso (profile dev)" jq -e '.credential_source == "sso (profile dev)"' "$OUT"
check "lambdactl signed with the key the portal handed out" test "$(rec_signers lambdactl/)" = "ASIASSOSTUBKEYDEV "
check "GetRoleCredentials carried the cached token" \
	jq -se 'map(select(.route == "sso.credentials")) | last | .headers["x-amz-sso_bearer_token"] == "seeded-access-token-1" and .query == "role_name=Dev&account_id=111111111111"' "$CREDSTUB_LOG"
AWS_PROFILE=dev lc whoami
check_status 0 "AWS_PROFILE selects the SSO profile too"
check_out_has '^credentials  sso \(profile dev\)$' "text whoami names the SSO source"
keep_output

# Legacy profile: keyed by the start URL.
token "$OLD" seeded-access-token-1 3600
rec_reset
aws_identity --profile old >"$TMP/ref-old"
check "the AWS CLI uses the legacy profile" test "$(rec_signers aws-cli/)" = "ASIASSOSTUBKEYOLD "
lc -o json whoami --profile old
check_status 0 "whoami with a legacy SSO profile"
keep_output
check "the legacy profile's ARN is the AWS CLI's" jq -e --slurpfile r "$TMP/ref-old" '.arn == $r[0].Arn' "$OUT"
check "lambdactl signed with the legacy role's key" test "$(rec_signers lambdactl/)" = "ASIASSOSTUBKEYOLD "

# An expired token that can be refreshed: refreshed, written back.
token "$CORP" expired-access-token -60 seeded-refresh-token
lc -o json --debug whoami --profile dev
check_status 0 "an expired SSO token is refreshed"
keep_output
check "one CreateToken with the refresh token grant" \
	jq -se 'map(select(.route == "oidc.token")) | length == 1 and (.[0].body | fromjson | .grantType == "refresh_token" and .refreshToken == "seeded-refresh-token" and .clientId == "seeded-client")' "$CREDSTUB_LOG"
check "the refreshed token went to the portal" \
	jq -se 'map(select(.route == "sso.credentials")) | last | .headers["x-amz-sso_bearer_token"] == "access-1"' "$CREDSTUB_LOG"
check "the cache holds the new token, refresh token and expiry" \
	jq -e --arg now "$(iso 3000)" '.accessToken == "access-1" and .refreshToken == "refresh-1" and .expiresAt > $now and .clientId == "seeded-client" and .clientSecret == "seeded-client-secret" and .startUrl == "https://corp.awsapps.com/start" and .region == "eu-west-1"' "$CORP"
check "the cache's other members are kept" jq -e '.receivedAt == "kept"' "$CORP"
check "times are written as the AWS CLI writes them" \
	jq -e '(.expiresAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and (.registrationExpiresAt | test("Z$"))' "$CORP"
check "the cache file is 0600" test "$(stat -c %a "$CORP")" = 600
check "no temporary file is left" test "$(find "$SSO_CACHE" -name '*.json.*' | wc -l)" -eq 0
rec_reset
aws_identity --profile dev >/dev/null
check "the AWS CLI then works off the refreshed cache" test "$(rec_signers aws-cli/)" = "ASIASSOSTUBKEYDEV "
check "the AWS CLI did not refresh again" test "$(credstub_count oidc.token)" -eq 1
lc whoami --profile dev
check_status 0 "lambdactl reuses the refreshed token"
check "lambdactl did not refresh again either" test "$(credstub_count oidc.token)" -eq 1
keep_output

# Inside the refresh window, the refresh failing: the old token serves.
stub '[{"method": "POST", "path": "^/token", "status": 500, "count": null}]'
token "$CORP" window-access-token 300 seeded-refresh-token
lc whoami --profile dev
check_status 0 "a failed refresh keeps a token that has not expired"
check "the refresh was tried" test "$(credstub_count oidc.token)" -ge 1
check "the old token went to the portal" \
	jq -se 'map(select(.route == "sso.credentials")) | last | .headers["x-amz-sso_bearer_token"] == "window-access-token"' "$CREDSTUB_LOG"
keep_output
# Expired, and OIDC failing: a server error, exit 1.
token "$CORP" expired-access-token -60 seeded-refresh-token
start=$SECONDS
lc whoami --profile dev
check_status 1 "an expired token whose refresh meets a server error is a failure"
check_err_has "^lambdactl: profile 'dev': refreshing the SSO token: CreateToken: HTTP 500" "the failed refresh names the profile and the call"
check "the error is a single line" test "$(wc -l <"$ERR")" -eq 1
check "bounded time" test $((SECONDS - start)) -lt 30
keep_output

# Expired, the refresh refused (invalid_grant): log in again.
stub '[]'
token "$CORP" expired-access-token -60 unknown-refresh-token
lc whoami --profile dev
check_status 3 "a refused refresh is a configuration problem"
check_err_eq "lambdactl: profile 'dev': the SSO session has expired or there is none; run 'lambdactl login --profile dev'" "a refused refresh says to log in"
keep_output
# Expired and not refreshable.
token "$CORP" expired-access-token -60
lc whoami --profile dev
check_status 3 "an expired token without a refresh token"
check_err_eq "lambdactl: profile 'dev': the SSO session has expired or there is none; run 'lambdactl login --profile dev'" "an expired token says to log in"
# Legacy profiles never refresh (botocore).
token "$OLD" expired-access-token -60 seeded-refresh-token
lc whoami --profile old
check_status 3 "an expired legacy token is not refreshed"
check_err_eq "lambdactl: profile 'old': the SSO session has expired or there is none; run 'lambdactl login --profile old'" "the legacy profile is told to log in"
check "no CreateToken for a legacy profile" test "$(credstub_count oidc.token)" -eq 1
keep_output

# No token at all, or one that is not JSON.
rm -f "$CORP"
lc whoami --profile dev
check_status 3 "no token is a configuration error"
check_err_eq "lambdactl: profile 'dev': the SSO session has expired or there is none; run 'lambdactl login --profile dev'" "no token says to log in"
printf '{"accessToken": ' >"$CORP"
lc whoami --profile dev
check_status 3 "a corrupt token cache is a miss"
check_err_has "run 'lambdactl login --profile dev'" "a corrupt token says to log in"

# The portal refusing the token (401).
token "$CORP" unknown-access-token 3600
lc whoami --profile dev
check_status 3 "a token the portal refuses"
check_err_eq "lambdactl: profile 'dev': the SSO session has expired or there is none; run 'lambdactl login --profile dev'" "a refused token says to log in"
# No access to the account/role (403).
token "$CORP" seeded-access-token-1 3600
lc whoami --profile noaccess
check_status 3 "a role the user may not use is a configuration error"
check_err_has "^lambdactl: profile 'noaccess' \(SSO account 333333333333, role Admin\): GetRoleCredentials: ForbiddenException: No access" "403 names the account and role"
keep_output

# Portal 500, garbage, a dropped connection, a slow answer.
stub '[{"method": "GET", "path": "^/federation", "status": 500, "count": null}]'
start=$SECONDS
lc whoami --profile dev
check_status 1 "portal 500 is a failure"
check_err_has "^lambdactl: profile 'dev' \(SSO account 111111111111, role Dev\): GetRoleCredentials: HTTP 500" "portal 500 in one line"
check "one line" test "$(wc -l <"$ERR")" -eq 1
check "portal 500 is retried, in bounded time" test "$(credstub_count sso.credentials)" -eq 3 -a $((SECONDS - start)) -lt 30
stub '[{"method": "GET", "path": "^/federation", "garbage": true, "count": null}]'
lc whoami --profile dev
check_status 1 "a garbage answer is a failure"
check_err_eq "lambdactl: profile 'dev' (SSO account 111111111111, role Dev): GetRoleCredentials: the answer is not a JSON object" "garbage in one line"
stub '[{"method": "GET", "path": "^/federation", "drop": true, "count": null}]'
lc whoami --profile dev
check_status 1 "a dropped connection is a failure"
check "one line" test "$(wc -l <"$ERR")" -eq 1
stub '[{"method": "GET", "path": "^/federation", "delay": 20, "count": null}]'
start=$SECONDS
lc --read-timeout 1s whoami --profile dev
check_status 1 "a slow portal times out"
check_err_has "^lambdactl: profile 'dev' .*GetRoleCredentials: " "the timeout names the call"
check "the timeout is bounded by --read-timeout" test $((SECONDS - start)) -lt 15
keep_output
stub '[]'

# Configuration errors.
lc whoami --profile norole
check_status 3 "no sso_role_name"
check_err_eq "lambdactl: profile 'norole' is configured for SSO but has no sso_role_name" "the missing key is named"
lc whoami --profile noregion
check_status 3 "no sso_region"
check_err_eq "lambdactl: profile 'noregion' is configured for SSO but has no sso_region" "the missing region is named"
lc whoami --profile nosession
check_status 3 "an sso_session without its section"
check_err_eq "lambdactl: profile 'nosession': sso_session 'missing' has no [sso-session missing] section" "the missing section is named"
lc whoami --profile clash
check_status 3 "a profile and its sso-session disagreeing"
check_err_eq "lambdactl: profile 'clash': the value of sso_region differs between the profile (us-west-2) and sso-session 'corp' (eu-west-1)" "the disagreement is named"

# Nothing secret the stub issued or the cache held was ever shown.
for s in sso-stub-secret sso-stub-session seeded-access-token window-access-token \
	expired-access-token access-1 refresh-1 seeded-refresh-token seeded-client-secret; do
	check_no_secret "never shown: $s" "$s"
done
finish
