#!/bin/bash
# What keeping triggers in sync costs: a function with a daily schedule, a
# warmer with constant input and an S3 trigger, deployed once; then an
# unchanged `lambdactl deploy` (every trigger read and compared, nothing
# written) against what the same check takes with the AWS CLI (one
# describe-rule and list-targets-by-rule per rule, get-policy,
# get-bucket-notification-configuration, get-function), and the first
# wiring against the AWS CLI's put-rule/put-targets/add-permission/
# put-bucket-notification-configuration.  Milliseconds, median of N.
. "$(dirname "$0")/lib.sh"

export HOME=$BENCH_TMP/home AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
mkdir -p "$HOME"
start_moto
export AWS_ENDPOINT_URL=$MOTO_URL
cd "$BENCH_TMP" || exit 1
aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
aws s3api create-bucket --bucket bench-data >/dev/null
mkdir -p target
printf '#!/bin/sh\necho fn\n' >target/bootstrap
chmod +x target/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  updater:
    events:
      - schedule: cron(0 6 * * ? *)
      - schedule: rate(5 minutes)
        input: {"warmer": true}
      - s3: { bucket: bench-data, prefix: datalake/, suffix: .txt }
YML
"$LAMBDACTL" deploy >/dev/null || { echo "bench: first deploy failed" >&2; exit 1; }

cli_check() {
	aws lambda get-function --function-name updater &&
	aws lambda get-policy --function-name updater &&
	aws events describe-rule --name lambdactl-updater-1 &&
	aws events list-targets-by-rule --rule lambdactl-updater-1 &&
	aws events describe-rule --name lambdactl-updater-2 &&
	aws events list-targets-by-rule --rule lambdactl-updater-2 &&
	aws s3api get-bucket-notification-configuration --bucket bench-data
}
A=arn:aws:lambda:us-east-1:123456789012:function:cli
cli_wire() {
	aws lambda add-permission --function-name cli --statement-id "r$1" \
	    --action lambda:InvokeFunction --principal events.amazonaws.com &&
	aws events put-rule --name "cli-$1" --schedule-expression 'rate(5 minutes)' &&
	aws events put-targets --rule "cli-$1" --targets "Id=t,Arn=$A,Input='{\"warmer\":true}'" &&
	aws lambda add-permission --function-name cli --statement-id "s$1" \
	    --action lambda:InvokeFunction --principal s3.amazonaws.com &&
	aws s3api put-bucket-notification-configuration --bucket bench-data \
	    --notification-configuration "{\"LambdaFunctionConfigurations\":[{\"LambdaFunctionArn\":\"$A\",\"Events\":[\"s3:ObjectCreated:*\"]}]}"
}
aws lambda create-function --function-name cli --runtime provided.al2023 --handler x \
	--role arn:aws:iam::123456789012:role/lambda-exec \
	--zip-file "fileb://.lambdactl/updater.zip" >/dev/null
n=0
wire() { n=$((n + 1)); cli_wire "$n"; }
lc_wire() {
	"$LAMBDACTL" delete updater >/dev/null && "$LAMBDACTL" deploy
}

row "command" median min max
row "lambdactl deploy, unchanged (x20)" $(time_runs 20 "$LAMBDACTL" deploy)
row "lambdactl plan, unchanged (x20)" $(time_runs 20 "$LAMBDACTL" plan)
row "aws CLI, the same reads (7 calls, x5)" $(time_runs 5 cli_check)
row "lambdactl delete + deploy, wired anew (x10)" $(time_runs 10 lc_wire)
row "aws CLI, wiring by hand (5 calls, x5)" $(time_runs 5 wire)
