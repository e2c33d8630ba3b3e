#!/bin/bash
# Startup and a whole signed round trip: lambdactl against the AWS CLI, on
# the same moto_server.  Times in milliseconds (median of N runs).
. "$(dirname "$0")/lib.sh"

export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1  # awscli v1 reads only the latter
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
start_moto

row "command" median min max
row "lambdactl --version (x100)" $(time_runs 100 "$LAMBDACTL" --version)
row "aws --version (x10)" $(time_runs 10 aws --version)
row "lambdactl whoami, moto (x50)" $(time_runs 50 "$LAMBDACTL" --endpoint-url "$MOTO_URL" whoami)
row "aws sts get-caller-identity, moto (x10)" $(time_runs 10 aws --endpoint-url "$MOTO_URL" sts get-caller-identity)
echo "binary: $("$LAMBDACTL" --version); size $(stat -c %s "$LAMBDACTL") bytes"
