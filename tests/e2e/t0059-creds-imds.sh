#!/bin/bash
# The IMDSv2 credentials provider against credstub (tokens enforced), STS
# at moto; the AWS CLI is the oracle.  Never IMDSv1: a failing token PUT
# means no credentials and no GET.  AWS_EC2_METADATA_DISABLED stays true
# but for the invocations run through imds(), which point
# AWS_EC2_METADATA_SERVICE_ENDPOINT at credstub: nothing leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
start_moto_rec
creds_env
moto_role_creds ec2-role
cat >"$TMP/stub.json" <<JSON
{"imds": {"role": "ec2-role", "AccessKeyId": "$ROLE_AK",
  "SecretAccessKey": "$ROLE_SK", "Token": "$ROLE_TOK", "expires_in": 21600}}
JSON
NOCREDS="lambdactl: no credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use --profile)"

# imds CMD...: CMD with IMDS enabled and at credstub (or $IMDS_URL).
imds() {
	local rc
	unset AWS_EC2_METADATA_DISABLED
	AWS_EC2_METADATA_SERVICE_ENDPOINT=${IMDS_URL:-$CREDSTUB_URL} "$@"
	rc=$?
	export AWS_EC2_METADATA_DISABLED=true
	return $rc
}
# restub CONFIG: credstub afresh (its log emptied) with CONFIG.
restub() {
	stop_credstub
	start_credstub "$1"
}
# gets_without_token: GETs credstub saw with no session token header.
gets_without_token() {
	jq -s '[.[] | select(.method == "GET" and (.headers | has("X-aws-ec2-metadata-token") | not))] | length' "$CREDSTUB_LOG"
}

start_credstub "$TMP/stub.json"
check_oracle "imds (role ec2-role)" imds
check "token PUT (TTL 21600), then the role, then its credentials, with the token" \
	jq -s -e '[.[] | "\(.method) \(.path) \(.status)"] == ["PUT /latest/api/token 200",
	"GET /latest/meta-data/iam/security-credentials/ 200",
	"GET /latest/meta-data/iam/security-credentials/ec2-role 200"] and
	.[0].headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600" and
	(.[1].headers["X-aws-ec2-metadata-token"] | test("^imds-[0-9]+$")) and
	.[2].headers["X-aws-ec2-metadata-token"] == .[1].headers["X-aws-ec2-metadata-token"]' "$CREDSTUB_LOG"
imds lc --debug whoami
check_status 0 "whoami --debug with IMDS credentials"
check_err_has '> X-aws-ec2-metadata-token: <redacted>' "--debug shows the session token redacted"
check_err_lacks 'imds-[0-9]' "--debug never shows an IMDS session token"
check_no_secret "--debug shows no secret key or session token" "$ROLE_SK" "$ROLE_TOK"

# Disabled: no request at all (any case), whatever else is set.
: >"$CREDSTUB_LOG"
for v in true TRUE True; do
	AWS_EC2_METADATA_SERVICE_ENDPOINT=$CREDSTUB_URL AWS_EC2_METADATA_DISABLED=$v lc whoami
	check_err_eq "$NOCREDS" "AWS_EC2_METADATA_DISABLED=$v: no credentials"
done
check "AWS_EC2_METADATA_DISABLED: credstub saw no request" test ! -s "$CREDSTUB_LOG"

# IMDSv1 only (the token PUT refused), or no IMDSv2 answer in time:
# nothing from IMDS, and never a GET without a token.
for f in '"status": 403' '"status": 404' '"status": 405' '"delay": 2'; do
	jq --argjson f "{\"method\": \"PUT\", \"count\": null, $f}" '.faults = [$f]' \
		"$TMP/stub.json" >"$TMP/v1.json"
	restub "$TMP/v1.json"
	imds lc_timed whoami
	check_status 3 "token PUT answered {$f}: no credentials"
	check_err_eq "$NOCREDS" "{$f}: the chain ends with no credentials found"
	check "{$f}: one PUT, no GET (never IMDSv1)" \
		test "$(credstub_count imds.token) $(credstub_count imds.role) $(gets_without_token)" = "1 0 0"
	check_faster 3 "{$f}: bounded by the 1 s timeout"
done
IMDS_URL=http://127.0.0.1:1 imds lc_timed whoami
check_err_eq "$NOCREDS" "nothing listening (not on EC2): no credentials, quietly"
IMDS_URL=http://127.0.0.1:1 imds lc --debug whoami
check_err_has 'no credentials from IMDS \(not on EC2\?\)' "--debug says why IMDS gave nothing"

# Once IMDS gave a token, its failures are errors: one line, exit 1.
run_fault() {	# run_fault FAULT_JSON DESC WANT
	jq --argjson f "$1" '.faults = [$f]' "$TMP/stub.json" >"$TMP/fault.json"
	restub "$TMP/fault.json"
	imds lc_timed whoami
	check_status 1 "$2: exit 1"
	check_err_eq "lambdactl: IMDS at ${CREDSTUB_URL#http://}: $3" "$2: one line"
	check_faster 4 "$2: bounded"
}
run_fault '{"method": "GET", "path": "/$", "status": 500}' "role listing 500" "HTTP 500"
run_fault '{"method": "GET", "path": "ec2-role$", "garbage": true}' "credentials garbage" \
	"the answer is not a JSON object"
run_fault '{"method": "GET", "path": "ec2-role$", "delay": 2}' "credentials slow" \
	"no answer within 1 s"
run_fault '{"method": "GET", "path": "ec2-role$", "status": 200, "body": "{\"Code\": \"AssumeRoleUnauthorizedAccess\", \"Message\": \"EC2 cannot assume the role ec2-role\"}"}' \
	"Code not Success" "role 'ec2-role': Code 'AssumeRoleUnauthorizedAccess': EC2 cannot assume the role ec2-role"
run_fault '{"method": "GET", "path": "/$", "status": 200, "body": "../../evil"}' "a role name that is none" \
	"the role it lists is not an IAM role name"
check "no request followed the bad role name" test "$(credstub_count imds.creds)" = 0

# The settings: attempts and timeout (environment, then the profile).
jq '.faults = [{"method": "GET", "path": "ec2-role$", "status": 500}]' "$TMP/stub.json" >"$TMP/fault.json"
restub "$TMP/fault.json"
AWS_METADATA_SERVICE_NUM_ATTEMPTS=2 imds lc -o json whoami
check "AWS_METADATA_SERVICE_NUM_ATTEMPTS=2: a second attempt after a 500" \
	jq -e '.credential_source == "imds (role ec2-role)"' "$OUT"
jq '.faults = [{"method": "GET", "path": "ec2-role$", "delay": 2}]' "$TMP/stub.json" >"$TMP/fault.json"
restub "$TMP/fault.json"
printf '[default]\nmetadata_service_timeout = 3\nec2_metadata_service_endpoint = %s/\n' \
	"$CREDSTUB_URL" >"$AWS_CONFIG_FILE"
IMDS_URL= imds env -u AWS_EC2_METADATA_SERVICE_ENDPOINT "$LAMBDACTL" -o json whoami >"$OUT" 2>"$ERR"
check "the profile's endpoint and metadata_service_timeout = 3 outlast a 2 s delay" \
	jq -e '.credential_source == "imds (role ec2-role)"' "$OUT"
printf '[default]\nec2_metadata_service_endpoint_mode = IPv5\n' >"$AWS_CONFIG_FILE"
unset AWS_EC2_METADATA_DISABLED
lc whoami
export AWS_EC2_METADATA_DISABLED=true
check_status 3 "a bad endpoint mode is a configuration error"
check_err_eq "lambdactl: $AWS_CONFIG_FILE:2: ec2_metadata_service_endpoint_mode must be IPv4 or IPv6, not 'IPv5'" \
	"... naming the file, line and setting"

finish
