#!/bin/bash
# What getting credentials costs: a static profile, an assumed role on a
# cold cache (AssumeRole then GetCallerIdentity) and on a warm one (the
# AWS CLI's ~/.aws/cli/cache, shared), lambdactl against the AWS CLI on
# the same files and the same moto_server.  Milliseconds, median of N.
. "$(dirname "$0")/lib.sh"

export HOME=$BENCH_TMP/home AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$BENCH_TMP/config AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$HOME"
start_moto
export AWS_ENDPOINT_URL_STS=$MOTO_URL
cat >"$AWS_CONFIG_FILE" <<CONF
[profile base]
aws_access_key_id = AKIDBENCHBASE
aws_secret_access_key = bench-secret-key-0000
[profile deployer]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
CONF

cold() { rm -rf "$HOME/.aws"; "$@"; }
row "command" median min max
row "lambdactl whoami, static keys (x50)" $(time_runs 50 "$LAMBDACTL" --profile base whoami)
row "aws sts get-caller-identity, static (x10)" $(time_runs 10 aws --profile base sts get-caller-identity)
row "lambdactl whoami, assume-role cold (x30)" $(time_runs 30 cold "$LAMBDACTL" --profile deployer whoami)
row "aws, assume-role cold (x10)" $(time_runs 10 cold aws --profile deployer sts get-caller-identity)
"$LAMBDACTL" --profile deployer whoami >/dev/null
row "lambdactl whoami, assume-role cached (x50)" $(time_runs 50 "$LAMBDACTL" --profile deployer whoami)
row "aws, assume-role cached (x10)" $(time_runs 10 aws --profile deployer sts get-caller-identity)
