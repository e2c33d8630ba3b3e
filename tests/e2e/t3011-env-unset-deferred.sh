#!/bin/bash
# An unset ${env:VAR} blocks only the commands that use the value (issue 9,
# defect 13): list, delete, logs and a remote invoke run without
# DB_PASSWORD; validate, package, plan, new, update, deploy, invoke --local
# and serve still refuse it with FILE:LINE:COL and exit 3.  Values that
# say where or what (region, memory, ...) are needed by every command.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
start_moto
use_env_creds
export AWS_ENDPOINT_URL=$MOTO_URL
curl -fs -o /dev/null -X POST "$MOTO_URL/moto-api/config" -d '{"lambda": {"use_docker": false}}' ||
	{ echo "Bail out! cannot configure moto"; exit 1; }
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null

bootstrap echo 'curl -sS -o /dev/null -X POST --data-binary @$EVENT "$api/invocation/$ID/response"'
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  app:
    artifact: task/echo
    description: ${env:APP_DESC}
    environment:
      STAGE: prod
      DB_PASSWORD: ${env:DB_PASSWORD}
    tags: { commit: "${env:GIT_SHA}" }
YML
WANT="lambdactl: lambda.yml:6:18: environment variable 'APP_DESC' is not set (used as \${env:APP_DESC})"

APP_DESC=the-app DB_PASSWORD=hunter2-very-secret GIT_SHA=abc123 lc deploy
check_status 0 "deploy with every variable set"
check "the reference sees DB_PASSWORD deployed" \
	test "$(ref_aws lambda get-function-configuration --function-name app --query Environment.Variables.DB_PASSWORD --output text)" = hunter2-very-secret

# Without the variables: the commands that never use them.
lc list
check_status 0 "list without DB_PASSWORD, APP_DESC, GIT_SHA"
check_out_has "^app +provided\.al2023 +128 .* in sync\$" "list: app in sync (unknown values are not compared)"
check_err_eq "" "list: nothing on stderr"
lc -o json list
check "list -o json: no difference reported for the unset values" \
	jq -e '.[0].manifest == "in sync" and .[0].differences == []' "$OUT"
lc invoke app --payload '{"k": 1}'
check_status 0 "remote invoke without the variables"
check_out_eq '{"k": 1}' "remote invoke answers"
python3 - "$MOTO_URL" <<'PY'
import sys, time, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
c.create_log_group(logGroupName="/aws/lambda/app")
c.create_log_stream(logGroupName="/aws/lambda/app", logStreamName="s")
c.put_log_events(logGroupName="/aws/lambda/app", logStreamName="s",
                 logEvents=[{"timestamp": int(time.time() * 1000) - 60000, "message": "hello"}])
PY
lc logs app --since 1h --format raw
check_status 0 "logs without the variables"
check_out_eq "hello" "logs reads the group"

# Changed, the manifest differs in a known value: list still says so.
sed -i 's/STAGE: prod/STAGE: dev/' lambda.yml
lc -o json list
check "list: a difference in a known value is still reported" \
	jq -e '.[0].manifest == "differs" and .[0].differences == [{"field":"environment.STAGE","action":"change","hidden":true,"text":"~ environment.STAGE (value hidden)"}]' "$OUT"
sed -i 's/STAGE: dev/STAGE: prod/' lambda.yml

# The commands that use every value refuse, naming the first unset one.
for cmd in validate package plan new update deploy; do
	lc $cmd
	check_status 3 "$cmd without the variables exits 3"
	check_err_eq "$WANT" "$cmd names the first unset variable with its position"
done
lc invoke --local app
check_status 3 "invoke --local without the variables exits 3"
check_err_eq "$WANT" "invoke --local names the first unset variable"
timeout 20 "$LAMBDACTL" serve --port 0 >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 3 "serve without the variables exits 3"
check_err_eq "$WANT" "serve names the first unset variable"
APP_DESC=x GIT_SHA=y lc invoke --local app --payload '{}'
check_status 3 "invoke --local with DB_PASSWORD alone unset"
check_err_eq "lambdactl: lambda.yml:9:20: environment variable 'DB_PASSWORD' is not set (used as \${env:DB_PASSWORD})" "invoke --local names DB_PASSWORD"
APP_DESC=x GIT_SHA=y DB_PASSWORD=z lc invoke --local app --payload '{"l": 2}'
check_status 0 "invoke --local with every variable set"
check_out_eq '{"l": 2}' "invoke --local answers"

# A value every command needs (where the function is) stays required.
sed -i 's/^role: lambda-exec$/role: lambda-exec\nregion: ${env:APP_REGION}/' lambda.yml
lc list
check_status 3 "an unset region blocks list"
check_err_eq "lambdactl: lambda.yml:2:9: environment variable 'APP_REGION' is not set (used as \${env:APP_REGION})" "list names the region's variable"

lc delete app
check_status 3 "and delete"
sed -i '/^region:/d' lambda.yml
lc delete app
check_status 0 "delete without the variables"
check_out_eq "app: deleted" "delete reports it"
check "app is gone for the reference" bash -c "! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name app >/dev/null 2>&1"

check "no secret on any output" bash -c "! grep -r hunter2 '$OUT' '$ERR'"
finish
