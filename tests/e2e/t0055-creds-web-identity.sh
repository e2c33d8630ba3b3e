#!/bin/bash
# Web identity (AssumeRoleWithWebIdentity) from the environment and from a
# profile, against moto, the AWS CLI on the same files as the oracle: the
# same ARN, the shared ~/.aws/cli/cache, an unsigned call carrying the token
# read afresh, and the later calls signed with the key it handed out.  Then
# the refusals: no role ARN, a token file missing, empty or a directory, STS
# failing; one line, the token never shown.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec
creds_env
TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2kifQ.c2lnbmF0dXJlMQ
TOKEN2=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb3RhdGVkIn0.c2lnbmF0dXJlMg
printf '%s' "$TOKEN" >"$TMP/token"
: >"$TMP/empty-token"
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<CRED
[static]
aws_access_key_id = AKIDSTATIC
aws_secret_access_key = static/secret/key/EXAMPLE000000000000
CRED
cat >"$AWS_CONFIG_FILE" <<CONF
[profile wi]
role_arn = arn:aws:iam::123456789012:role/wi-profile
web_identity_token_file = $TMP/token
role_session_name = wisess

[profile chained]
role_arn = arn:aws:iam::222222222222:role/chained
source_profile = wi
role_session_name = chainsess

[profile static]

[profile noarn]
web_identity_token_file = $TMP/token
CONF

urlenc() { jq -rn --arg s "$1" '$s | @uri'; }

# --- the environment -------------------------------------------------------
export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/token AWS_ROLE_SESSION_NAME=cisess
rec_reset
lc whoami -o json
check_status 0 "web identity from the environment"
check "its ARN and source" jq -e '.arn == "arn:aws:sts::123456789012:assumed-role/ci/cisess" and .credential_source == "web-identity (env)"' "$OUT"
# python3 -c 'import json; print(json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/ci", "RoleSessionName": "cisess"}, sort_keys=True))'
f=$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::123456789012:role/ci", "RoleSessionName": "cisess"}')
check "the credentials are cached under the AWS CLI's name, 0600" test "$(stat -c %a "$f" 2>&1)" = 600
key=$(jq -r .Credentials.AccessKeyId "$f")
check "AssumeRoleWithWebIdentity went unsigned, then GetCallerIdentity signed with its key" \
	test "$(rec_calls | tr '\n' ,)" = "AssumeRoleWithWebIdentity -,GetCallerIdentity $key,"
check "the call carried the token as read" grep -qF "&WebIdentityToken=$(urlenc "$TOKEN")" <(rec_body AssumeRoleWithWebIdentity)
rec_reset
check "the AWS CLI reports the same ARN" test "$(aws_arn)" = "$(jq -r .arn "$OUT")"
check "... from lambdactl's cache, without a call of its own" test "$(rec_calls)" = "GetCallerIdentity $key"

rm -rf "$CLI_CACHE"
rec_reset
check "the AWS CLI on its own reports the same ARN" test "$(aws_arn)" = "$(jq -r .arn "$OUT")"
rec_reset
lc whoami -o json
check "lambdactl uses the AWS CLI's cache file" test "$(rec_count AssumeRoleWithWebIdentity)" = 0

# The token is read afresh on every call (Kubernetes rotates it).
rm -rf "$CLI_CACHE"
printf '%s' "$TOKEN2" >"$TMP/token"
rec_reset
lc whoami
check_status 0 "a rotated token"
check "... is the one sent" grep -qF "&WebIdentityToken=$(urlenc "$TOKEN2")" <(rec_body AssumeRoleWithWebIdentity)
printf '%s' "$TOKEN" >"$TMP/token"

# A default session name stays out of the key.
rm -rf "$CLI_CACHE"
AWS_ROLE_SESSION_NAME= lc whoami -o json
check "without a session name, lambdactl's own" jq -e '.arn | test("^arn:aws:sts::123456789012:assumed-role/ci/lambdactl-[0-9]+$")' "$OUT"
check "... left out of the cache key" test -f "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::123456789012:role/ci"}')"

# --debug shows neither the token nor the keys.
rm -rf "$CLI_CACHE"
lc --debug whoami
check_status 0 "--debug with web identity"
check_no_secret "--debug shows neither the token nor the secret key or session token" \
	"$TOKEN" $(jq -r '.Credentials | .SecretAccessKey, .SessionToken' "$CLI_CACHE"/*.json)

# --profile turns the environment's web identity off, as in botocore.
lc whoami --profile static -o json
check "--profile ignores AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE" jq -e '.credential_source == "profile static"' "$OUT"

# --- the profile -----------------------------------------------------------
unset AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_SESSION_NAME
rm -rf "$CLI_CACHE"
rec_reset
lc whoami --profile wi -o json
check_status 0 "web identity from a profile"
check "its ARN and source" jq -e '.arn == "arn:aws:sts::123456789012:assumed-role/wi-profile/wisess" and .credential_source == "web-identity (profile wi)"' "$OUT"
key=$(jq -r .Credentials.AccessKeyId "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::123456789012:role/wi-profile", "RoleSessionName": "wisess"}')")
check "unsigned, then signed with its key" test "$(rec_calls | tr '\n' ,)" = "AssumeRoleWithWebIdentity -,GetCallerIdentity $key,"
rm -rf "$CLI_CACHE"
check "the AWS CLI reports the same ARN" test "$(aws_arn --profile wi)" = "$(jq -r .arn "$OUT")"

# As a source profile; the environment's variables do not apply to it.
rm -rf "$CLI_CACHE"
rec_reset
AWS_ROLE_ARN=arn:aws:iam::123456789012:role/not-this AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/none lc whoami --profile chained -o json
check_status 0 "a web identity profile as a source_profile"
check "its ARN and source" jq -e '.arn == "arn:aws:sts::222222222222:assumed-role/chained/chainsess" and .credential_source == "assume-role chained via wi"' "$OUT"
key=$(jq -r .Credentials.AccessKeyId "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::123456789012:role/wi-profile", "RoleSessionName": "wisess"}')")
key2=$(jq -r .Credentials.AccessKeyId "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::222222222222:role/chained", "RoleSessionName": "chainsess"}')")
check "the source's role, not the environment's; each hop signed by the one before" \
	test "$(rec_calls | tr '\n' ,)" = "AssumeRoleWithWebIdentity -,AssumeRole $key,GetCallerIdentity $key2,"
rm -rf "$CLI_CACHE"
check "the AWS CLI reports the same ARN" test "$(aws_arn --profile chained)" = "$(jq -r .arn "$OUT")"

# --- refusals -------------------------------------------------------------
lc whoami --profile noarn
check_status 3 "a token file without role_arn"
check_err_eq "lambdactl: profile 'noarn' in $AWS_CONFIG_FILE:$(grep -n '^web_identity_token_file' "$AWS_CONFIG_FILE" | tail -1 | cut -d: -f1) has web_identity_token_file but no role_arn" "... names the profile, file:line"
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/token lc whoami
check_status 3 "AWS_WEB_IDENTITY_TOKEN_FILE without AWS_ROLE_ARN"
check_err_eq "lambdactl: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not (nor role_arn in profile 'default')" "... says so"
export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/missing lc whoami
check_status 3 "a missing token file"
check_err_eq "lambdactl: cannot read web identity token file '$TMP/missing' (AWS_WEB_IDENTITY_TOKEN_FILE): No such file or directory" "... names the file and the variable"
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP lc whoami
check_status 3 "a directory as the token file"
check_err_eq "lambdactl: cannot read web identity token file '$TMP' (AWS_WEB_IDENTITY_TOKEN_FILE): Is a directory" "... names it"
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/empty-token lc whoami
check_status 3 "an empty token file"
check_err_eq "lambdactl: web identity token file '$TMP/empty-token' (AWS_WEB_IDENTITY_TOKEN_FILE) is empty" "... says so"
head -c 70000 /dev/zero | tr '\0' a >"$TMP/big-token"
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/big-token lc whoami
check_status 3 "a token file over 64 KiB"
check_err_eq "lambdactl: web identity token file '$TMP/big-token' (AWS_WEB_IDENTITY_TOKEN_FILE) is larger than 64 KiB" "... says so"

export AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/token
rm -rf "$CLI_CACHE"
stub_sts '[{"status": 400, "body": "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found</Message></Error></ErrorResponse>"}]'
check_status 3 "STS refusing the token is a credentials problem (exit 3)"
check_err_eq "lambdactl: web identity (environment): AssumeRoleWithWebIdentity: InvalidIdentityToken: No OpenIDConnect provider found" "... one line naming the call"
check_err_lacks "$TOKEN" "... without the token"
check "the call went unsigned" jq -se 'all(.[]; .headers | with_entries(.key |= ascii_downcase) | has("authorization") | not)' "$STUB_LOG"
stub_sts '[{"status": 200, "body": "garbage"}]'
check_status 1 "STS answering garbage"
check_err_eq "lambdactl: web identity (environment): AssumeRoleWithWebIdentity: no <AccessKeyId> in the response" "... says what is missing"

finish
