#!/bin/bash
# Triggers on an alias (deploy --alias): the rule's target and the function
# URL are the alias's, the marker tag names it, another alias moves them
# (what called the former one removed, plan --alias shows it), and delete
# unwires what calls the alias; a function name too long for a rule name gets a cut
# name with a hash, within EventBridge's 64 characters.
. "$(dirname "$0")/lib.sh"
start_lambda_env
export AWS_ENDPOINT_URL_EVENTBRIDGE=$PROXY_URL
FN_ARN=arn:aws:lambda:us-east-1:123456789012:function
LONG=f0123456789-abcdefghij-0123456789-abcdefghij-0123456789-abcdef
rule_gone() { ! ref_aws events describe-rule --name "$1" >/dev/null 2>&1; }

provided_manifest lambda-exec <<YML
  api:
    events:
      - schedule: rate(1 hour)
    url: { auth: NONE, public: true }
  $LONG:
    events:
      - schedule: rate(2 hours)
YML

lc deploy --alias live api
check_status 0 "deploy --alias live with a schedule and a public URL"
ref_aws events list-targets-by-rule --rule lambdactl-api-1 >"$TMP/t.json"
check "the rule calls the alias" jq -e --arg a "$FN_ARN:api:live" '.Targets[0].Arn == $a' "$TMP/t.json"
check "the URL is the alias's" \
	test "$(ref_aws lambda get-function-url-config --function-name api --qualifier live --query AuthType --output text)" = NONE
ref_aws lambda get-policy --function-name api --qualifier live --query Policy --output text >"$TMP/p.json"
check "the public URL statement: anyone, InvokeFunctionUrl, auth type NONE" \
	jq -e '[.Statement[] | select(.Sid == "lambdactl-url-public")] | length == 1 and .[0].Action == "lambda:InvokeFunctionUrl"' "$TMP/p.json"
check "the marker tag names the alias" \
	test "$(ref_aws lambda list-tags --resource "$FN_ARN:api" --query 'Tags."lambdactl:triggers"' --output text)" = live

proxy_reset
lc deploy --alias live api
check_status 0 "deploy --alias live again"
check "nothing changed and live on the newest version: no write" \
	test "$(proxy_writes)" -eq 0

# A trigger alone changes nothing a version holds: no version to publish,
# none to prune (live's version 1 stays the newest one kept).
provided_manifest lambda-exec <<YML
  api:
    events:
      - schedule: rate(1 hour)
      - schedule: rate(3 hours)
    url: { auth: NONE, public: true }
  $LONG:
    events:
      - schedule: rate(2 hours)
YML
lc plan --alias live --keep-versions 1 api
check_status 5 "plan: a new schedule"
check_out_eq "api:
  + schedule rate(3 hours) (rule lambdactl-api-2)" "plan: the schedule alone, no version published nor pruned"
proxy_reset
lc deploy --alias live --keep-versions 1 api
check_status 0 "deploy --alias live --keep-versions 1 with a new schedule"
check "no PublishVersion, no DeleteFunction, the alias not moved" \
	test "$(proxy_count POST '.*/versions')$(proxy_count DELETE '.*')$(proxy_count PUT '.*/aliases/.*')" = 000
check "live still on version 1" \
	test "$(ref_aws lambda get-alias --function-name api --name live --query FunctionVersion --output text)" = 1

lc deploy "$LONG"
check_status 0 "deploy a function whose name leaves no room for a rule name"
ref_aws events list-rules --name-prefix lambdactl- --query 'Rules[].Name' --output text >"$TMP/rules"
RULE=$(tr '\t' '\n' <"$TMP/rules" | grep -- '^lambdactl-f0123.*-1$' | head -1)
check "its rule name is cut to 64 characters, with a hash" \
	eval '[ ${#RULE} -le 64 ] && [[ $RULE =~ ^lambdactl-f0123456789-abcdefghij-0123456789-abcdefghi-[0-9a-f]{8}-1$ ]]'
check "the rule calls the function" \
	test "$(ref_aws events list-targets-by-rule --rule "$RULE" --query 'Targets[0].Arn' --output text)" = "$FN_ARN:$LONG"
proxy_reset
lc deploy "$LONG"
check "a second deploy writes nothing" test "$(proxy_writes)" -eq 0
# Moving the triggers to another alias: what called prod is removed
# (a rule no longer listed, the mapping, the URL), the rest calls staging.
# (moto keeps one URL per function whatever the qualifier: api starts
# afresh so that only prod's exists.)
lc delete api
check_status 0 "delete api before the move"
ref_aws sqs create-queue --queue-name jobs >/dev/null
provided_manifest lambda-exec <<YML
  api:
    events:
      - schedule: rate(1 hour)
      - schedule: rate(2 hours)
      - sqs: { queue: jobs }
    url: { auth: AWS_IAM }
YML
lc deploy --alias prod api
check_status 0 "deploy --alias prod: two schedules, a mapping, a URL"
esms() { ref_aws lambda list-event-source-mappings --query 'EventSourceMappings[].UUID' --output text | wc -w; }
check "one mapping" test "$(esms)" -eq 1
OLD_UUID=$(ref_aws lambda list-event-source-mappings --query 'EventSourceMappings[0].UUID' --output text)
provided_manifest lambda-exec <<YML
  api:
    events:
      - schedule: rate(1 hour)
      - sqs: { queue: jobs }
YML
lc plan --alias staging api
check_status 5 "plan --alias staging shows the move"
check_out_has "^  - schedule rate\(2 hours\) \(rule lambdactl-api-2\)\$" "plan: prod's second rule goes"
check_out_has "^  - url " "plan: prod's URL goes"
check_out_has "^  \+ sqs jobs " "plan: a mapping for staging"
proxy_reset
lc deploy --alias staging api
check_status 0 "deploy --alias staging"
check "rule lambdactl-api-2 is gone" rule_gone lambdactl-api-2
check "rule lambdactl-api-1 calls staging" \
	test "$(ref_aws events list-targets-by-rule --rule lambdactl-api-1 --query 'Targets[0].Arn' --output text)" = "$FN_ARN:api:staging"
check "still one mapping (prod's deleted, staging's made)" test "$(esms)" -eq 1
NEW_UUID=$(ref_aws lambda list-event-source-mappings --query 'EventSourceMappings[0].UUID' --output text)
check "the mapping is a new one, and the tags name it, not prod's" \
	eval '[ "$NEW_UUID" != "$OLD_UUID" ] && ref_aws lambda list-tags --resource "$FN_ARN:api" |
	jq -e --arg n "lambdactl:sqs:$NEW_UUID" --arg o "lambdactl:sqs:$OLD_UUID" ".Tags[\$n] == \"jobs\" and (.Tags | has(\$o) | not)"'
check "prod's rule statement went after the rule was re-pointed (resource before permission)" \
	eval 'jq -rs "map(select(.method != \"GET\") | (.target // \"\") + \" \" + .method + \" \" + .path) | .[]" "$PROXY_LOG" >"$TMP/order" &&
	t=$(grep -n "AWSEvents.PutTargets" "$TMP/order" | head -1 | cut -d: -f1) &&
	d=$(grep -n "DELETE .*policy/lambdactl-rule-lambdactl-api-1?Qualifier=prod" "$TMP/order" | head -1 | cut -d: -f1) &&
	[ -n "$t" ] && [ -n "$d" ] && [ "$t" -lt "$d" ]'
check "prod's URL is gone" eval '! ref_aws lambda get-function-url-config --function-name api --qualifier prod >/dev/null 2>&1'
check "the marker names staging" \
	test "$(ref_aws lambda list-tags --resource "$FN_ARN:api" --query 'Tags."lambdactl:triggers"' --output text)" = staging
proxy_reset
lc deploy --alias staging api
check "deploying staging again writes no trigger" \
	test "$(jq -s '[.[] | select((.target | test("AWSEvents[.](Put|Delete|Remove)")) or ((.path | test("/policy|/url|/tags/|event-source")) and .method != "GET"))] | length' "$PROXY_LOG")" -eq 0

lc delete api
check_status 0 "delete api"
check "its rule, which called the alias, is gone" rule_gone lambdactl-api-1
check "and its mapping" test "$(esms)" -eq 0

finish
