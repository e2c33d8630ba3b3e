#!/bin/bash
# Assume-role profiles (role_arn with source_profile, chains, credential_source,
# mfa_serial) against moto, the AWS CLI on the same files as the oracle: the
# same ARN, one shared ~/.aws/cli/cache, and moto's request recording showing
# which key signed each call.  Then the refusals: loops, missing or doubled
# sources, bad values, STS failing; one line, nothing secret.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec
creds_env
BASE_SECRET=base/secret/key/EXAMPLE0000000000000000
ENV_SECRET=env/secret/key/EXAMPLE00000000000000000
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<CRED
[base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = $BASE_SECRET

[selfish]
aws_access_key_id = AKIDSELFISH
aws_secret_access_key = $BASE_SECRET
CRED
cat >"$AWS_CONFIG_FILE" <<CONF
[profile deployer]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
duration_seconds = 1800
external_id = ext-1

[profile named]
role_arn = arn:aws:iam::123456789012:role/named
source_profile = base
role_session_name = mysess

[profile mid]
role_arn = arn:aws:iam::111111111111:role/mid
source_profile = base

[profile top]
role_arn = arn:aws:iam::222222222222:role/top
source_profile = mid
role_session_name = topsess

[profile fromenv]
role_arn = arn:aws:iam::123456789012:role/fromenv
credential_source = Environment
role_session_name = envsess

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfa
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile selfish]
role_arn = arn:aws:iam::123456789012:role/selfish
source_profile = selfish
role_session_name = self

[profile loopa]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loopb

[profile loopb]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loopa

[profile self]
role_arn = arn:aws:iam::123456789012:role/self
source_profile = self

[profile nosource]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = ghost

[profile both]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = base
credential_source = Environment

[profile neither]
role_arn = arn:aws:iam::123456789012:role/x

[profile baddur]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = base
duration_seconds = 1h

[profile shortdur]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = base
duration_seconds = 60

[profile badsrc]
role_arn = arn:aws:iam::123456789012:role/x
credential_source = Vault
CONF

# The line of KEY in profile SECTION of the config file.
cfg_line() {
	awk -v s="[profile $1]" -v k="$2" '$0 == s { in_s = 1; next } /^\[/ { in_s = 0 }
		in_s && $1 == k { print NR; exit }' "$AWS_CONFIG_FILE"
}

# --- a static source profile --------------------------------------------
rec_reset
lc whoami --profile deployer -o json
check_status 0 "assume-role with a static source profile"
check "whoami names the source" jq -e '.credential_source == "assume-role deployer via base"' "$OUT"
lc_arn=$(jq -r .arn "$OUT")
check "the ARN is the assumed role's, with lambdactl's session name" \
	grep -Eqx 'arn:aws:sts::123456789012:assumed-role/deployer/lambdactl-[0-9]+' <<<"$lc_arn"
# botocore's key: {"DurationSeconds": 1800, "ExternalId": "ext-1", "RoleArn": ...}
f=$CLI_CACHE/ae973393c39d16cf6889b638c8606b19cb2a4ea2.json
check "the cache file has the AWS CLI's name" test -f "$f"
check "the cache file is 0600" test "$(stat -c %a "$f")" = 600
check "the cache file has the AWS CLI's shape" jq -e --arg arn "$lc_arn" \
	'(.Credentials | (.AccessKeyId | startswith("ASIA")) and (.SecretAccessKey | length) > 0 and (.SessionToken | length) > 0 and (.Expiration | test("Z$")) and .AccountId == "123456789012") and .AssumedRoleUser.Arn == $arn' "$f"
assumed=$(jq -r .Credentials.AccessKeyId "$f")
check "AssumeRole was signed with the source profile's key" test "$(rec_calls | head -1)" = "AssumeRole AKIDBASE"
check "GetCallerIdentity was signed with the key AssumeRole handed out" \
	test "$(rec_calls | sed -n 2p)" = "GetCallerIdentity $assumed"
check "AssumeRole carried ExternalId, DurationSeconds and a lambdactl session name" \
	grep -Eq '&RoleSessionName=lambdactl-[0-9]+&ExternalId=ext-1&DurationSeconds=1800$' <(rec_body AssumeRole)

rec_reset
arn=$(aws_arn --profile deployer)
check "the AWS CLI reports the same ARN from lambdactl's cache" test "$arn" = "$lc_arn"
check "the AWS CLI made no AssumeRole call" test "$(rec_count AssumeRole)" = 0
check "the AWS CLI signed with the cached key" test "$(rec_calls)" = "GetCallerIdentity $assumed"

rec_reset
lc whoami --profile deployer -o json
check "a second lambdactl run makes no AssumeRole call" test "$(rec_count AssumeRole)" = 0
check "... and uses the cached key" test "$(rec_calls)" = "GetCallerIdentity $assumed"

# The other way round: the AWS CLI's own cache file (its session name).
rm -rf "$CLI_CACHE"
rec_reset
arn=$(aws_arn --profile deployer)
check "the AWS CLI assumed the role itself" test "$(rec_count AssumeRole)" = 1
rec_reset
lc whoami --profile deployer -o json
check "lambdactl reads the AWS CLI's cache file: the same ARN" jq -e --arg a "$arn" '.arn == $a' "$OUT"
check "lambdactl made no AssumeRole call after the AWS CLI" test "$(rec_count AssumeRole)" = 0

# Near expiry (within 15 min) or corrupt: a miss, and the file is rewritten.
jq '.Credentials.Expiration = (now + 600 | strftime("%Y-%m-%dT%H:%M:%SUTC"))' "$f" >"$TMP/c.json" && cp "$TMP/c.json" "$f"
rec_reset
lc whoami --profile deployer
check_status 0 "a cache entry expiring within 15 minutes is refreshed"
check "... with an AssumeRole call" test "$(rec_count AssumeRole)" = 1
echo '{"Credentials": {"AccessKeyId": ' >"$f"
rec_reset
lc whoami --profile deployer
check_status 0 "a corrupt cache file is a miss (botocore raises)"
check "... with an AssumeRole call" test "$(rec_count AssumeRole)" = 1
check "... and the file is rewritten" jq -e '.Credentials.AccessKeyId | startswith("ASIA")' "$f"

# --- a configured session name: both tools assume the role themselves ---
rm -rf "$CLI_CACHE"
lc whoami --profile named -o json
check "role_session_name is used" jq -e '.arn == "arn:aws:sts::123456789012:assumed-role/named/mysess"' "$OUT"
check "role_session_name is part of the cache key" \
	test -f "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::123456789012:role/named", "RoleSessionName": "mysess"}')"
rm -rf "$CLI_CACHE"
check "the AWS CLI reports the same ARN on its own" test "$(aws_arn --profile named)" = "$(jq -r .arn "$OUT")"

# --- a 2-hop chain ------------------------------------------------------
rm -rf "$CLI_CACHE"
rec_reset
lc whoami --profile top -o json
check_status 0 "a two-hop role chain"
check "the chain's ARN and source" jq -e '.arn == "arn:aws:sts::222222222222:assumed-role/top/topsess" and .credential_source == "assume-role top via mid"' "$OUT"
mid_key=$(jq -r .Credentials.AccessKeyId "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::111111111111:role/mid"}')")
top_key=$(jq -r .Credentials.AccessKeyId "$(cache_file "$CLI_CACHE" '{"RoleArn": "arn:aws:iam::222222222222:role/top", "RoleSessionName": "topsess"}')")
check "each hop is signed with the key of the hop before" \
	test "$(rec_calls | tr '\n' ,)" = "AssumeRole AKIDBASE,AssumeRole $mid_key,GetCallerIdentity $top_key,"
rec_reset
check "the AWS CLI reports the same ARN" test "$(aws_arn --profile top)" = "$(jq -r .arn "$OUT")"
check "... from the two cache files, without AssumeRole" test "$(rec_calls)" = "GetCallerIdentity $top_key"

# --- credential_source = Environment, even under --profile --------------
rm -rf "$CLI_CACHE"
rec_reset
AWS_ACCESS_KEY_ID=AKIDENVSRC AWS_SECRET_ACCESS_KEY=$ENV_SECRET lc whoami --profile fromenv -o json
check_status 0 "credential_source = Environment under --profile"
check "... its ARN and source" jq -e '.arn == "arn:aws:sts::123456789012:assumed-role/fromenv/envsess" and .credential_source == "assume-role fromenv via env"' "$OUT"
check "... AssumeRole signed with the environment's key" test "$(rec_calls | head -1)" = "AssumeRole AKIDENVSRC"
rm -rf "$CLI_CACHE"
arn=$(AWS_ACCESS_KEY_ID=AKIDENVSRC AWS_SECRET_ACCESS_KEY=$ENV_SECRET aws_arn --profile fromenv)
check "the AWS CLI reports the same ARN" test "$arn" = "$(jq -r .arn "$OUT")"
rm -rf "$CLI_CACHE"
lc whoami --profile fromenv
check_status 3 "credential_source = Environment without keys in it"
check_err_eq "lambdactl: profile 'fromenv': credential_source Environment gave no credentials" "... says so"

# --- self reference ------------------------------------------------------
lc whoami --profile selfish -o json
check_status 0 "a profile with keys may be its own source_profile (botocore)"
check "... assuming the role with its keys" jq -e '.arn == "arn:aws:sts::123456789012:assumed-role/selfish/self"' "$OUT"

# --- MFA -------------------------------------------------------------------
rm -rf "$CLI_CACHE"
rec_reset
pty_run "$TMP/tty" --answer 'Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ' 123456 lambdactl whoami --profile mfa
check_status 0 "mfa_serial: the code is asked for on the terminal"
check "... the prompt is botocore's" grep -qF 'Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ' "$TMP/tty"
check "... the code is not echoed" bash -c "! grep -q 'alice: 123456' '$TMP/tty'"
check "... AssumeRole carried SerialNumber and TokenCode" \
	grep -q '&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456' <(rec_body AssumeRole)
rec_reset
lc whoami --profile mfa
check_status 0 "the MFA-backed credentials are cached: no prompt needed"
check "... and no AssumeRole call" test "$(rec_count AssumeRole)" = 0
rm -rf "$CLI_CACHE"
lc whoami --profile mfa
check_status 3 "mfa_serial without a terminal"
check_err_eq "lambdactl: profile 'mfa' needs an MFA code for arn:aws:iam::123456789012:mfa/alice, and there is no terminal to ask on" "... says there is no terminal"

# --- refusals -----------------------------------------------------------
lc whoami --profile loopa
check_status 3 "a source_profile loop"
check_err_eq "lambdactl: profile 'loopa': source_profile loop loopa -> loopb -> loopa" "... names the loop"
lc whoami --profile self
check_status 3 "a profile without keys naming itself"
check_err_eq "lambdactl: profile 'self': source_profile loop self -> self" "... is a loop"
lc whoami --profile nosource
check_status 3 "a missing source profile"
check_err_eq "lambdactl: profile 'nosource' in $AWS_CONFIG_FILE:$(cfg_line nosource source_profile): source_profile 'ghost' not found" "... names it, file:line"
lc whoami --profile both
check_status 3 "both source_profile and credential_source"
check_err_eq "lambdactl: profile 'both' has both source_profile ($AWS_CONFIG_FILE:$(cfg_line both source_profile)) and credential_source ($AWS_CONFIG_FILE:$(cfg_line both credential_source)); use one" "... says to use one"
lc whoami --profile neither
check_status 3 "neither source_profile nor credential_source"
check_err_eq "lambdactl: profile 'neither' in $AWS_CONFIG_FILE:$(cfg_line neither role_arn) has role_arn but neither source_profile nor credential_source" "... says what is missing"
lc whoami --profile baddur
check_status 3 "duration_seconds not a number"
check_err_eq "lambdactl: $AWS_CONFIG_FILE:$(cfg_line baddur duration_seconds): duration_seconds '1h' is not a number (seconds, 900 to 43200)" "... file:line"
lc whoami --profile shortdur
check_status 3 "duration_seconds below STS's minimum"
check_err_eq "lambdactl: $AWS_CONFIG_FILE:$(cfg_line shortdur duration_seconds): duration_seconds '60' is too small (seconds, 900 to 43200)" "... file:line"
lc whoami --profile badsrc
check_status 3 "an unknown credential_source"
check_err_eq "lambdactl: profile 'badsrc' in $AWS_CONFIG_FILE:$(cfg_line badsrc credential_source): credential_source 'Vault' is not Environment, EcsContainer or Ec2InstanceMetadata" "... names the valid ones"

# --- --debug shows no secret --------------------------------------------
rm -rf "$CLI_CACHE"
lc --debug whoami --profile top
check_status 0 "--debug with a role chain"
check_no_secret "--debug shows neither the source secret nor any assumed secret or token" \
	"$BASE_SECRET" $(jq -r '.Credentials | .SecretAccessKey, .SessionToken' "$CLI_CACHE"/*.json)
check "--debug shows the AssumeRole calls" grep -q 'Credential=AKIDBASE/' "$ERR"

# --- STS failing ----------------------------------------------------------
rm -rf "$CLI_CACHE"
stub_sts '[{"status": 403, "headers": {"Content-Type": "text/xml"}, "body": "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>"}]' --profile deployer
check_status 3 "STS refusing AssumeRole is a credentials problem (exit 3, as SSO's refusals)"
check_err_eq "lambdactl: profile 'deployer': AssumeRole: AccessDenied: not authorized to perform sts:AssumeRole" "... one line naming the profile and the call"
stub_sts '[{"status": 500, "body": "oops"}]' --profile deployer
check_status 1 "STS answering 500"
check_err_has "^lambdactl: profile 'deployer': AssumeRole: " "... names the profile and the call"
stub_sts '[{"status": 200, "body": "<html>not STS</html>"}]' --profile deployer
check_status 1 "STS answering garbage"
check_err_eq "lambdactl: profile 'deployer': AssumeRole: no <AccessKeyId> in the response" "... says what is missing"
check "nothing was cached from the failures" test ! -e "$CLI_CACHE/ae973393c39d16cf6889b638c8606b19cb2a4ea2.json"
check_err_lacks "$BASE_SECRET" "no secret in the message"
AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 lc whoami --profile deployer
check_status 1 "STS unreachable is a network failure"
check_err_has "^lambdactl: profile 'deployer': AssumeRole: " "... named"

finish
