#!/bin/bash
# whoami against moto with each credential source, region and endpoint
# precedence; awscli is the independent reference.
. "$(dirname "$0")/lib.sh"
start_moto

use_env_creds
ref=$(ref_aws sts get-caller-identity --output json)
ref_account=$(jq -r .Account <<<"$ref")
ref_arn=$(jq -r .Arn <<<"$ref")

lc --endpoint-url "$MOTO_URL" whoami
check_status 0 "whoami with environment credentials"
check_out_eq "account      $ref_account
arn          $ref_arn
user_id      $(jq -r .UserId <<<"$ref")
region       us-east-1
credentials  env" "whoami text output matches aws sts get-caller-identity"

lc whoami --endpoint-url "$MOTO_URL" --output json --region eu-west-2
check_status 0 "whoami --output json"
check "JSON output has the reference account and ARN, region and source" \
	jq -e --arg a "$ref_account" --arg r "$ref_arn" \
	'.account == $a and .arn == $r and .region == "eu-west-2" and .credential_source == "env"' "$OUT"

AWS_DEFAULT_REGION=ap-south-1 lc --endpoint-url "$MOTO_URL" -o json whoami
check "AWS_REGION wins over AWS_DEFAULT_REGION" jq -e '.region == "us-east-1"' "$OUT"
unset AWS_REGION
AWS_DEFAULT_REGION=ap-south-1 lc --endpoint-url "$MOTO_URL" -o json whoami
check "AWS_DEFAULT_REGION is used without AWS_REGION" jq -e '.region == "ap-south-1"' "$OUT"

lc --endpoint-url "$MOTO_URL" whoami
check_status 3 "no region at all is a configuration error"
check_err_eq "lambdactl: no region set (use --region, AWS_REGION, 'region' in the profile, or 'region' in lambda.yml)" "no region says how to set one"

# Endpoint precedence: the flag, the per-service variable, the generic one.
export AWS_REGION=us-east-1
AWS_ENDPOINT_URL_STS=$MOTO_URL lc whoami
check_status 0 "AWS_ENDPOINT_URL_STS is honoured"
AWS_ENDPOINT_URL=$MOTO_URL lc whoami
check_status 0 "AWS_ENDPOINT_URL is honoured"
AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ENDPOINT_URL_STS=$MOTO_URL lc whoami
check_status 0 "AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL"
AWS_ENDPOINT_URL=http://127.0.0.1:9 lc --endpoint-url "$MOTO_URL" whoami
check_status 0 "--endpoint-url wins over the environment"

# Profiles from temporary config and credentials files.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
export AWS_CONFIG_FILE=$TMP/aws-config AWS_SHARED_CREDENTIALS_FILE=$TMP/aws-credentials
cat >"$AWS_CONFIG_FILE" <<CONF
[default]
region = eu-central-1
endpoint_url = $MOTO_URL

[profile ci]
region = eu-west-1
endpoint_url = $MOTO_URL
# a sub-section must not leak keys into the profile
s3 =
  region = nowhere-1

[profile proc]
region = us-west-2
endpoint_url = $MOTO_URL
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token"}'

[profile badproc]
region = us-west-2
endpoint_url = $MOTO_URL
credential_process = sh -c 'echo "no such vault" >&2; exit 7'
CONF
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<CRED
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[ci]
aws_access_key_id = AKIDCI
aws_secret_access_key = ci-secret
CRED

lc -o json whoami
check "the default profile gives credentials, region and endpoint" \
	jq -e '.credential_source == "profile default" and .region == "eu-central-1"' "$OUT"

lc -o json whoami --profile ci
check "--profile selects the profile" \
	jq -e '.credential_source == "profile ci" and .region == "eu-west-1"' "$OUT"

AWS_PROFILE=ci lc -o json whoami
check "AWS_PROFILE selects the profile" jq -e '.credential_source == "profile ci"' "$OUT"

AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret lc -o json whoami
check "environment keys win over the default profile" jq -e '.credential_source == "env"' "$OUT"

AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret lc -o json whoami --profile ci
check "--profile skips the environment's keys" jq -e '.credential_source == "profile ci"' "$OUT"

lc -o json whoami --profile proc
check_status 0 "credential_process credentials work"
check "credential_process is named as the source" \
	jq -e '.credential_source == "process (profile proc)" and .region == "us-west-2"' "$OUT"

lc whoami --profile badproc
check_status 3 "a failing credential_process is a configuration error"
check_err_has "^lambdactl: credential_process for profile 'badproc': .*7" "the failing credential_process is named with its status"
check_err_has "^no such vault$" "credential_process's own stderr passes through"

lc whoami --profile nosuch
check_status 3 "a missing profile is a configuration error"
check_err_eq "lambdactl: profile 'nosuch' not found in '$AWS_CONFIG_FILE' or '$AWS_SHARED_CREDENTIALS_FILE'" "a missing profile names both files"

AWS_PROFILE=nosuch AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret lc whoami
check_status 3 "a missing AWS_PROFILE fails even with environment keys"

# Nothing at all.
export AWS_CONFIG_FILE=$TMP/none AWS_SHARED_CREDENTIALS_FILE=$TMP/none2
lc --region us-east-1 --endpoint-url "$MOTO_URL" whoami
check_status 3 "no credentials is a configuration error"
check_err_eq "lambdactl: no credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use --profile)" "no credentials says how to provide them"

AWS_ACCESS_KEY_ID=AKIDENV lc --region us-east-1 --endpoint-url "$MOTO_URL" whoami
check_status 3 "half an environment key pair is an error"
check_err_has "AWS_SECRET_ACCESS_KEY" "half a key pair names the missing variable"

finish
