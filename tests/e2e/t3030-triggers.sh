#!/bin/bash
# Triggers from lambda.yml (events:, url:), reconciled by deploy with the
# aws CLI as the oracle: the seeds' three wirings (a daily schedule, an S3
# prefix trigger, a warmer with constant input) plus an SQS mapping and a
# function URL land; another team's bucket notification survives byte for
# byte; a second deploy writes nothing (counted through the recording
# proxy, for Lambda, EventBridge and S3); a changed schedule is updated in
# place; a removed trigger takes exactly what lambdactl made with it (a
# rule and a statement made by hand stay); delete unwires; a missing
# bucket fails the plan before any write; S3 refusing the notification
# takes back the permission added for it; dotted bucket names.
. "$(dirname "$0")/lib.sh"
start_lambda_env
# Every plan here is checked for a change whose from equals its to.
PLAN_SAME=$TMP/plan-same.json
: >"$PLAN_SAME"
export AWS_ENDPOINT_URL_S3=$PROXY_URL AWS_ENDPOINT_URL_EVENTBRIDGE=$PROXY_URL
ACCT=123456789012
REGION=us-east-1
FN_ARN=arn:aws:lambda:$REGION:$ACCT:function

ref_aws s3api create-bucket --bucket fc-data-team-us >/dev/null
ref_aws sqs create-queue --queue-name other-team >/dev/null
ref_aws sqs create-queue --queue-name jobs >/dev/null
OTHER_Q=arn:aws:sqs:$REGION:$ACCT:other-team
JOBS_Q=arn:aws:sqs:$REGION:$ACCT:jobs
# Another team's notification, which must survive every change.
ref_aws s3api put-bucket-notification-configuration --bucket fc-data-team-us \
	--notification-configuration '{"QueueConfigurations":[{"Id":"other-team","QueueArn":"'"$OTHER_Q"'","Events":["s3:ObjectRemoved:*"],"Filter":{"Key":{"FilterRules":[{"Name":"prefix","Value":"logs/"}]}}}]}'
others() { ref_aws s3api get-bucket-notification-configuration --bucket fc-data-team-us --query QueueConfigurations; }
BEFORE=$(others)
lambda_confs() { ref_aws s3api get-bucket-notification-configuration --bucket fc-data-team-us --query 'LambdaFunctionConfigurations || `[]`'; }
rule_expr() { ref_aws events describe-rule --name "$1" --query ScheduleExpression --output text; }
rule_gone() { ! ref_aws events describe-rule --name "$1" >/dev/null 2>&1; }
sids() { ref_aws lambda get-policy --function-name "$1" --query Policy --output text 2>/dev/null | jq -r '.Statement[].Sid' | sort | tr '\n' ' '; }

provided_manifest lambda-exec <<'YML'
  us-athena-updater:
    events:
      - s3: { bucket: fc-data-team-us, events: ["s3:ObjectCreated:*"], prefix: datalake/, suffix: .txt }
      - schedule: cron(0 6 * * ? *)
  api:
    events:
      - schedule: rate(5 minutes)
        input: {"warmer": true}
      - sqs: { queue: jobs, batch_size: 5 }
    url: { auth: AWS_IAM }
YML

lc plan
check_status 5 "plan of two new functions with triggers reports changes"
check_out_has "^  \+ schedule cron\(0 6 \* \* \? \*\) \(rule lambdactl-us-athena-updater-1\)\$" "plan: the daily schedule, with its rule's name"
check_out_has "^  \+ s3 fc-data-team-us prefix datalake/ suffix \.txt \(s3:ObjectCreated:\*\)\$" "plan: the S3 trigger"
check_out_has "^  \+ schedule rate\(5 minutes\) with input \(rule lambdactl-api-1\)\$" "plan: the warmer"
check_out_has "^  \+ sqs jobs \(batch 5, window 0s\)\$" "plan: the SQS mapping"
check_out_has "^  \+ url AWS_IAM\$" "plan: the function URL"

proxy_reset
lc deploy
check_status 0 "deploy creates both functions and wires their triggers"
check_out_has "^us-athena-updater: created\$" "deploy reports us-athena-updater created"
check_out_has "^api: created\$" "deploy reports api created"

# The daily schedule and the warmer, as the aws CLI sees them.
check "rule lambdactl-us-athena-updater-1 runs cron(0 6 * * ? *)" \
	test "$(rule_expr lambdactl-us-athena-updater-1)" = "cron(0 6 * * ? *)"
check "rule lambdactl-api-1 runs rate(5 minutes)" test "$(rule_expr lambdactl-api-1)" = "rate(5 minutes)"
ref_aws events list-targets-by-rule --rule lambdactl-api-1 >"$TMP/targets.json"
check "the warmer's one target is api, with the constant input" \
	jq -e --arg a "$FN_ARN:api" '.Targets | length == 1 and .[0].Id == "lambdactl" and .[0].Arn == $a and (.[0].Input | fromjson) == {"warmer": true}' "$TMP/targets.json"
ref_aws events list-targets-by-rule --rule lambdactl-us-athena-updater-1 >"$TMP/targets.json"
check "the daily rule's target is us-athena-updater, no input" \
	jq -e --arg a "$FN_ARN:us-athena-updater" '.Targets | length == 1 and .[0].Arn == $a and (.[0] | has("Input") | not)' "$TMP/targets.json"
ref_aws lambda get-policy --function-name api --query Policy --output text >"$TMP/policy.json"
check "api's policy lets exactly its rule invoke it" \
	jq -e --arg r "arn:aws:events:$REGION:$ACCT:rule/lambdactl-api-1" \
	'[.Statement[] | select(.Sid == "lambdactl-rule-lambdactl-api-1")] | length == 1 and .[0].Principal.Service == "events.amazonaws.com" and .[0].Condition.ArnLike["AWS:SourceArn"] == $r' "$TMP/policy.json"

# The S3 trigger joined the other team's queue, which is untouched.
lambda_confs >"$TMP/confs.json"
check "one Lambda notification, for us-athena-updater, datalake/ *.txt on ObjectCreated" \
	jq -e --arg a "$FN_ARN:us-athena-updater" 'length == 1 and .[0].LambdaFunctionArn == $a and .[0].Events == ["s3:ObjectCreated:*"] and (.[0].Id | startswith("lambdactl-")) and ([.[0].Filter.Key.FilterRules[] | {(.Name | ascii_downcase): .Value}] | add) == {"prefix": "datalake/", "suffix": ".txt"}' "$TMP/confs.json"
check "the other team's queue notification is as it was" test "$(others)" = "$BEFORE"
ref_aws lambda get-policy --function-name us-athena-updater --query Policy --output text >"$TMP/policy.json"
check "us-athena-updater's policy lets the bucket (in this account) invoke it" \
	jq -e --arg a "$ACCT" '[.Statement[] | select(.Sid == "lambdactl-s3-fc-data-team-us")] | length == 1 and .[0].Principal.Service == "s3.amazonaws.com" and .[0].Condition.ArnLike["AWS:SourceArn"] == "arn:aws:s3:::fc-data-team-us" and .[0].Condition.StringEquals["AWS:SourceAccount"] == $a' "$TMP/policy.json"

# The SQS mapping and the URL.
ref_aws lambda list-event-source-mappings --function-name "$FN_ARN:api" >"$TMP/esm.json"
check "one mapping from the jobs queue to api, batch size 5" \
	jq -e --arg q "$JOBS_Q" '.EventSourceMappings | length == 1 and .[0].EventSourceArn == $q and .[0].BatchSize == 5' "$TMP/esm.json"
check "api has a function URL with AWS_IAM auth" \
	test "$(ref_aws lambda get-function-url-config --function-name api --query AuthType --output text)" = AWS_IAM
ref_aws lambda list-tags --resource "$FN_ARN:api" >"$TMP/tags.json"
check "api's tags name what lambdactl made: the marker, the URL, the mapping" \
	jq -e --arg u "$(jq -r '.EventSourceMappings[0].UUID' "$TMP/esm.json")" \
	'.Tags["lambdactl:triggers"] == "" and .Tags["lambdactl:url"] != null and .Tags["lambdactl:sqs:" + $u] == "jobs"' "$TMP/tags.json"

# Nothing changed: no write anywhere.
proxy_reset
lc deploy
check_status 0 "a second deploy with nothing changed"
check_out_eq "us-athena-updater: unchanged
api: unchanged" "the second deploy reports both unchanged"
check "the second deploy wrote nothing to Lambda, EventBridge or S3" test "$(proxy_writes)" -eq 0
lc plan
check_status 0 "plan with nothing changed"

# Things made by hand for api are never touched.
ref_aws events put-rule --name team-rule --schedule-expression 'rate(1 hour)' >/dev/null
ref_aws events put-targets --rule team-rule --targets "Id=t,Arn=$FN_ARN:api" >/dev/null
ref_aws lambda add-permission --function-name api --statement-id team-perm --action lambda:InvokeFunction \
	--principal events.amazonaws.com --source-arn "arn:aws:events:$REGION:$ACCT:rule/team-rule" >/dev/null

# A changed schedule is updated in place.
sed -i 's/cron(0 6 \* \* ? \*)/cron(0 7 * * ? *)/' lambda.yml
lc plan
check_status 5 "plan after changing the schedule"
check_out_has "^  ~ schedule lambdactl-us-athena-updater-1 cron\(0 6 \* \* \? \*\) -> cron\(0 7 \* \* \? \*\)\$" "plan shows the schedule's change"
lc -o json plan
check "plan -o json lists the change" \
	jq -e '.[] | select(.function == "us-athena-updater") | [.changes[].text] == ["~ schedule lambdactl-us-athena-updater-1 cron(0 6 * * ? *) -> cron(0 7 * * ? *)"]' "$OUT"
proxy_reset
lc deploy
check_status 0 "deploy the changed schedule"
check "the rule now runs cron(0 7 * * ? *)" test "$(rule_expr lambdactl-us-athena-updater-1)" = "cron(0 7 * * ? *)"
check "one EventBridge write (PutRule) and nothing else" \
	test "$(proxy_writes)" -eq 1 -a "$(proxy_count POST '/' )" -ge 1

# A schedule disabled alone, the warmer's input alone changed: values that
# say what changes, on a field of their own for the target.
provided_manifest lambda-exec <<'YML'
  us-athena-updater:
    events:
      - s3: { bucket: fc-data-team-us, events: ["s3:ObjectCreated:*"], prefix: datalake/, suffix: .txt }
      - schedule: cron(0 7 * * ? *)
        enabled: false
  api:
    events:
      - schedule: rate(5 minutes)
        input: {"warmer": 2}
      - sqs: { queue: jobs, batch_size: 5 }
    url: { auth: AWS_IAM }
YML
lc -o json plan
check_status 5 "plan of a schedule disabled and an input changed"
check "the state is in the schedule's values, as in its text" \
	jq -e '.[] | select(.function == "us-athena-updater") | .changes == [{"field": "events.schedule.lambdactl-us-athena-updater-1", "action": "change", "from": "cron(0 7 * * ? *)", "to": "cron(0 7 * * ? *) (disabled)", "text": "~ schedule lambdactl-us-athena-updater-1 cron(0 7 * * ? *) -> cron(0 7 * * ? *) (disabled)"}]' "$OUT"
check "the target's input alone: its own field, no values" \
	jq -e --arg arn "$FN_ARN:api" '.[] | select(.function == "api") | .changes == [{"field": "events.schedule.lambdactl-api-1.target", "action": "change", "text": ("~ schedule lambdactl-api-1 target " + $arn + " with input")}]' "$OUT"

# Removing triggers removes exactly what lambdactl made.
provided_manifest lambda-exec <<'YML'
  us-athena-updater:
    events:
      - schedule: cron(0 7 * * ? *)
  api: {}
YML
lc plan
check_status 5 "plan after removing triggers"
check_out_has "^  - s3 fc-data-team-us prefix datalake/ suffix \.txt \(s3:ObjectCreated:\*\)\$" "plan shows the S3 trigger going"
check_out_has "^  - schedule rate\(5 minutes\) \(rule lambdactl-api-1\)\$" "plan shows the warmer going"
check_out_has "^  - sqs jobs\$" "plan shows the mapping going"
check_out_has "^  - url https?://" "plan shows the URL going"
lc deploy
check_status 0 "deploy the removals"
check "rule lambdactl-api-1 is gone" rule_gone lambdactl-api-1
check "rule lambdactl-us-athena-updater-1 stays" test "$(rule_expr lambdactl-us-athena-updater-1)" = "cron(0 7 * * ? *)"
check "no Lambda notification is left on the bucket" test "$(lambda_confs | jq length)" -eq 0
check "the other team's queue notification is still as it was" test "$(others)" = "$BEFORE"
check "api's policy keeps only the statement made by hand" test "$(sids api)" = "team-perm "
check "us-athena-updater's policy keeps only its rule's statement" \
	test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 "
check "the hand-made rule still targets api" \
	test "$(ref_aws events list-targets-by-rule --rule team-rule --query 'Targets[0].Arn' --output text)" = "$FN_ARN:api"
check "api's mapping is gone" \
	test "$(ref_aws lambda list-event-source-mappings --function-name "$FN_ARN:api" --query 'length(EventSourceMappings)')" -eq 0
check "api's URL is gone" eval '! ref_aws lambda get-function-url-config --function-name api >/dev/null 2>&1'
check "api carries no lambdactl tag any more" \
	eval 'ref_aws lambda list-tags --resource "$FN_ARN:api" | jq -e "[.Tags | keys[] | select(startswith(\"lambdactl:\"))] | length == 0"'
proxy_reset
lc deploy
check_status 0 "deploy once more"
check "and it writes nothing" test "$(proxy_writes)" -eq 0

# A missing bucket fails the plan: nothing is written, no statement left.
cat >>lambda.yml <<'YML'
  lost:
    events:
      - s3: { bucket: no-such-bucket-here }
YML
proxy_reset
lc deploy lost
check_status 1 "a trigger on a missing bucket fails"
check_err_has "no-such-bucket-here" "the error names the bucket"
check "one line on stderr" test "$(wc -l <"$ERR")" -eq 1
check "no statement was left on lost" test -z "$(sids lost)"

# S3 refusing the notification (AccessDenied): the trigger is undone, no
# statement is left behind; a bucket with dots in its name is wired and
# unwired (a statement id takes no dot).
ref_aws s3api create-bucket --bucket fc.data.team >/dev/null
provided_manifest lambda-exec <<'YML'
  us-athena-updater:
    events:
      - schedule: cron(0 7 * * ? *)
      - s3: { bucket: fc.data.team, prefix: in/ }
YML
echo '[{"method": "PUT", "path": "^/fc[.]data[.]team[?]notification", "status": 403,
  "headers": {"Content-Type": "application/xml"},
  "body": "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}]' >"$PROXY_FAULTS"
lc deploy us-athena-updater
check_status 1 "AccessDenied on PutBucketNotificationConfiguration fails the deploy"
check_err_has "fc\.data\.team.*AccessDenied" "the error names the bucket and AccessDenied"
check "one line on stderr" test "$(wc -l <"$ERR")" -eq 1
check "the permission added for it was taken back" \
	test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 "
rm -f "$PROXY_FAULTS"
lc deploy us-athena-updater
check_status 0 "deploy once S3 allows it"
check "the dotted bucket's statement id has '_' for '.'" \
	test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 lambdactl-s3-fc_data_team "
check "the dotted bucket notifies us-athena-updater for in/" \
	test "$(ref_aws s3api get-bucket-notification-configuration --bucket fc.data.team --query 'LambdaFunctionConfigurations[0].Filter.Key.FilterRules[0].Value' --output text)" = in/
sed -i '/fc.data.team/d' lambda.yml
lc deploy us-athena-updater
check_status 0 "deploy without the dotted bucket's trigger"
check "its statement is gone (found again from the id)" \
	test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 "
check "and so is its notification" \
	test "$(ref_aws s3api get-bucket-notification-configuration --bucket fc.data.team --query 'length(LambdaFunctionConfigurations || `[]`)')" -eq 0

# Hand-made changes are shown by plan before deploy writes anything: a
# statement of ours left without its URL, an S3 entry removed by hand
# (its statement then goes), a bucket deleted under a trigger.
plan_then_deploy() {	# desc: plan exits 5 and deploy writes, or 0 and none
	lc plan us-athena-updater
	local ps=$status
	proxy_reset
	lc deploy us-athena-updater
	if [ "$ps" -eq 0 ]; then check "$1: plan 0, so deploy writes nothing" test "$(proxy_writes)" -eq 0
	else check "$1: plan 5 and deploy writes" test "$ps" -eq 5 -a "$(proxy_writes)" -gt 0; fi
}
ref_aws lambda add-permission --function-name us-athena-updater --statement-id lambdactl-url-public \
	--action lambda:InvokeFunctionUrl --principal '*' --function-url-auth-type NONE >/dev/null
plan_then_deploy "a stray lambdactl-url-public statement"
check "it was removed" test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 "
ref_aws s3api create-bucket --bucket gone-soon >/dev/null
cat >>lambda.yml <<'YML'
      - s3: { bucket: gone-soon }
YML
lc deploy us-athena-updater
check_status 0 "wire bucket gone-soon"
ref_aws s3api put-bucket-notification-configuration --bucket gone-soon --notification-configuration '{}'
plan_then_deploy "an S3 entry removed by hand"
check "it was put back" test "$(ref_aws s3api get-bucket-notification-configuration --bucket gone-soon --query 'length(LambdaFunctionConfigurations)')" -eq 1
sed -i '/gone-soon/d' lambda.yml
ref_aws s3api delete-bucket --bucket gone-soon
lc plan us-athena-updater
check_status 5 "plan after the bucket under a trigger was deleted"
check_out_has "^  - s3 gone-soon \(the bucket is gone\)\$" "plan says the bucket is gone"
lc deploy us-athena-updater
check_status 0 "deploy after the bucket was deleted"
check "the bucket's statement is gone" test "$(sids us-athena-updater)" = "lambdactl-rule-lambdactl-us-athena-updater-1 "

# A function deleted behind lambdactl's back (its bucket entry left) is
# created again: its former entry is its own, replaced, not an overlap.
cat >>lambda.yml <<'YML'
  reborn:
    events:
      - s3: { bucket: fc-data-team-us, prefix: reborn/ }
YML
lc deploy reborn
check_status 0 "deploy reborn with an S3 trigger"
ref_aws lambda delete-function --function-name reborn >/dev/null
lc deploy reborn
check_status 0 "deploy reborn again after the aws CLI deleted it"
check "one notification entry for reborn" \
	test "$(lambda_confs | jq --arg a "$FN_ARN:reborn" '[.[] | select(.LambdaFunctionArn == $a)] | length')" -eq 1

# delete takes the function's triggers with it.
lc delete us-athena-updater
check_status 0 "delete us-athena-updater"
check "its rule is gone too" rule_gone lambdactl-us-athena-updater-1
check "no plan had a change whose from equals its to" test ! -s "$PLAN_SAME"
finish
