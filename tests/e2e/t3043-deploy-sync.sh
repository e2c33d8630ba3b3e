#!/bin/bash
# What deploy keeps in sync beside the configuration (issue 15), with the
# aws CLI as the oracle: tags (added, changed, removed exactly; a
# "lambdactl:" or "aws:" tag set by hand survives; a value from ${env:};
# left alone while lambda.yml has none, all but those removed by
# tags: {}), reserved concurrency (set, changed; left alone while
# lambda.yml does not set it, removed by "none") and the on-failure
# destination (set, changed, removed; its marker put back when lost; one
# lambdactl did not set is left alone).  plan shows
# each change and then says no changes; a deploy with nothing changed
# writes nothing, and reads the asynchronous invocation configuration only
# for a function that has on_failure (counted through the recording proxy).
#
# moto appends each PutFunctionEventInvokeConfig and answers the first one
# ever put, where Lambda replaces the configuration: a Put over an existing
# configuration is checked by its request body (the recording proxy logs
# it), then moto's configuration made what Lambda would hold (hold).
. "$(dirname "$0")/lib.sh"
start_lambda_env
ACCT=123456789012
FN_ARN=arn:aws:lambda:us-east-1:$ACCT:function:app
Q1=arn:aws:sqs:us-east-1:$ACCT:app-failed
Q2=arn:aws:sqs:us-east-1:$ACCT:app-failed-2
ref_aws sqs create-queue --queue-name app-failed >/dev/null
ref_aws sqs create-queue --queue-name app-failed-2 >/dev/null

# tags_of: the function's tags as sorted one-line JSON.
tags_of() { ref_aws lambda list-tags --resource "$FN_ARN" --query Tags --output json | jq -cS .; }
concurrency() { ref_aws lambda get-function-concurrency --function-name app --query ReservedConcurrentExecutions --output text; }
destination() {
	ref_aws lambda get-function-event-invoke-config --function-name app \
		--query DestinationConfig.OnFailure.Destination --output text 2>/dev/null |
		sed 's/^None$/none/' | grep . || echo none
}
# hold CONFIG_JSON_ARGS...: app's asynchronous invocation configuration
# becomes exactly this (put-function-event-invoke-config's options).
hold() {
	ref_aws lambda delete-function-event-invoke-config --function-name app 2>/dev/null
	ref_aws lambda put-function-event-invoke-config --function-name app "$@" >/dev/null
}
# put_body: the body of the one PutFunctionEventInvokeConfig logged.
put_body() { jq -r 'select(.method == "PUT" and (.path | test("event-invoke-config"))) | .body' "$PROXY_LOG"; }
# manifest LINES: lambda.yml with the function app, its keys on stdin.
manifest() {
	provided_manifest lambda-exec <<YML
  app:
$(cat)
YML
}
invoke_config_gets() { proxy_count GET '/2019-09-25/functions/app/event-invoke-config'; }

export STAGE=prod
manifest <<'YML'
    tags: { team: data, tier: gold, stage: "${env:STAGE}" }
    reserved_concurrency: 10
YML
cat >>lambda.yml <<YML
    on_failure: $Q1
YML

# Creation: the tags go with CreateFunction, the rest after it.
lc plan
check_status 5 "plan of a new function exits 5"
check_out_has "^  ~ reserved_concurrency \(none\) -> 10\$" "plan: the concurrency to set after creating"
check_out_has "^  ~ on_failure \(none\) -> $Q1\$" "plan: the destination to set after creating"
proxy_reset
lc deploy
check_status 0 "deploy creates app"
check_out_eq "app: created" "deploy reports app created"
check "the tags landed, with lambdactl's on_failure marker" \
	test "$(tags_of)" = '{"lambdactl:on_failure":"","stage":"prod","team":"data","tier":"gold"}'
check "the reserved concurrency landed" test "$(concurrency)" = 10
check "the on-failure destination landed" test "$(destination)" = "$Q1"
check "one PutFunctionConcurrency, one PutFunctionEventInvokeConfig, one TagResource (the marker)" \
	test "$(proxy_count PUT '/2017-10-31/functions/app/concurrency')/$(proxy_count PUT '/2019-09-25/functions/app/event-invoke-config')/$(proxy_count POST '/2017-03-31/tags/.*')" = 1/1/1
lc plan
check_status 0 "plan after creating: nothing to do"
check_out_eq "app: no changes" "plan says no changes"

# Tags set by hand: a lambdactl: one is never lambda.yml's business, any
# other is (it goes).  Retries set by hand: kept when the destination
# changes.
ref_aws lambda tag-resource --resource "$FN_ARN" --tags lambdactl:other=kept,owner=ops
hold --maximum-retry-attempts 1 --destination-config "{\"OnFailure\":{\"Destination\":\"$Q1\"}}"

# Everything changes: a tag added, one changed (from ${env:}), one removed,
# concurrency 10 -> 5, destination Q1 -> Q2.
export STAGE=dev
manifest <<'YML'
    tags: { team: ml, cost: x, stage: "${env:STAGE}" }
    reserved_concurrency: 5
YML
cat >>lambda.yml <<YML
    on_failure: $Q2
YML
proxy_reset
lc plan
check_status 5 "plan with every extra changed exits 5"
check_out_eq "app:
  ~ reserved_concurrency 10 -> 5
  ~ on_failure $Q1 -> $Q2
  + tags.cost = x
  - tags.owner
  ~ tags.stage prod -> dev
  ~ tags.team data -> ml
  - tags.tier" "plan shows exactly the changes, tag values included, lambdactl: tags left out"
check "plan wrote nothing" test "$(proxy_writes)" -eq 0
proxy_reset
lc deploy
check_status 0 "deploy of the changes"
check_out_eq "app: updated (reserved_concurrency, on_failure, tags.cost, tags.owner, tags.stage, tags.team, tags.tier)" \
	"deploy names what it changed"
check "tags: exactly the difference landed, the lambdactl: ones kept" \
	test "$(tags_of)" = '{"cost":"x","lambdactl:on_failure":"","lambdactl:other":"kept","stage":"dev","team":"ml"}'
check "one TagResource (added and changed) and one UntagResource (removed)" \
	test "$(proxy_count POST '/2017-03-31/tags/.*')/$(proxy_count DELETE '/2017-03-31/tags/.*')" = 1/1
check "the UntagResource named exactly owner and tier" \
	test "$(jq -r 'select(.method == "DELETE") | .path' "$PROXY_LOG" | grep -o 'tagKeys=[^&]*' | sort | tr '\n' ' ')" = "tagKeys=owner tagKeys=tier "
check "the reserved concurrency changed" test "$(concurrency)" = 5
check "the destination: one PutFunctionEventInvokeConfig, no delete" \
	test "$(proxy_count PUT '/2019-09-25/functions/app/event-invoke-config')/$(proxy_count DELETE '/2019-09-25/.*')" = 1/0
check "the Put carries the new destination and the retries set by hand" \
	test "$(put_body | jq -cS .)" = "{\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"$Q2\"}},\"MaximumRetryAttempts\":1}"
check "no configuration or code update for these" \
	test "$(proxy_count PUT '/2015-03-31/functions/app/(code|configuration)')" -eq 0
hold --maximum-retry-attempts 1 --destination-config "{\"OnFailure\":{\"Destination\":\"$Q2\"}}"
lc plan
check_status 0 "plan after the changes: nothing to do"
check_out_eq "app: no changes" "plan says no changes after the changes"

# Nothing changed: no write at all, one read of the invoke configuration.
proxy_reset
lc deploy
check_status 0 "deploy with nothing changed"
check_out_eq "app: unchanged" "deploy reports unchanged"
check "nothing changed: zero writes (got $(proxy_writes))" test "$(proxy_writes)" -eq 0
check "nothing changed: GetFunctionEventInvokeConfig read once" test "$(invoke_config_gets)" -eq 1

# Left out of lambda.yml: tags and concurrency are not lambdactl's then.
# A tag and a concurrency set by hand, and AWS's own tag (CloudFormation's),
# survive a deploy of a lambda.yml that names neither.
ref_aws lambda tag-resource --resource "$FN_ARN" --tags owner=ops,aws:cloudformation:stack-name=app-stack
ref_aws lambda put-function-concurrency --function-name app --reserved-concurrent-executions 7 >/dev/null
manifest </dev/null
cat >>lambda.yml <<YML
    on_failure: $Q2
YML
proxy_reset
lc plan
check_status 0 "plan without tags or concurrency in lambda.yml exits 0"
check_out_eq "app: no changes" "plan: the tags and concurrency set by hand are no change"
lc deploy
check_status 0 "deploy without tags or concurrency in lambda.yml"
check_out_eq "app: unchanged" "deploy: unchanged"
check "it wrote nothing (got $(proxy_writes))" test "$(proxy_writes)" -eq 0
check "every tag is still there, the ones set by hand too" \
	test "$(tags_of)" = '{"aws:cloudformation:stack-name":"app-stack","cost":"x","lambdactl:on_failure":"","lambdactl:other":"kept","owner":"ops","stage":"dev","team":"ml"}'
check "the concurrency set by hand is still there" test "$(concurrency)" = 7

# Taken away with the values that say so: tags: {} (every tag but
# lambdactl's and AWS's goes), reserved_concurrency: none; on_failure left
# out (the destination lambdactl set goes with its marker; the retries
# set by hand stay).
manifest <<'YML'
    tags: {}
    reserved_concurrency: none
YML
lc plan
check_status 5 "plan with the extras removed exits 5"
check_out_eq "app:
  ~ reserved_concurrency 7 -> (none)
  ~ on_failure $Q2 -> (none)
  - tags.cost
  - tags.owner
  - tags.stage
  - tags.team" "plan shows the removals, AWS's tag left out"
proxy_reset
lc deploy
check_status 0 "deploy of the removals"
check "only the lambdactl: tag set by hand and AWS's are left" \
	test "$(tags_of)" = '{"aws:cloudformation:stack-name":"app-stack","lambdactl:other":"kept"}'
check "no reserved concurrency left" test "$(concurrency)" = None
check "DeleteFunctionConcurrency once" \
	test "$(proxy_count DELETE '/2017-10-31/functions/app/concurrency')" = 1
check "UntagResource: cost, owner, stage, team, then (after the destination) the marker; never the aws: tag" \
	test "$(jq -r 'select(.method == "DELETE" and (.path | test("/tags/"))) | .path' "$PROXY_LOG" | grep -o 'tagKeys=[^&]*' | tr '\n' ' ')" = "tagKeys=cost tagKeys=owner tagKeys=stage tagKeys=team tagKeys=lambdactl%3Aon_failure "
check "the configuration put back without the destination, the retries kept" \
	test "$(put_body | jq -cS .)/$(proxy_count DELETE '/2019-09-25/.*')" = '{"MaximumRetryAttempts":1}/0'
hold --maximum-retry-attempts 1
check "no destination left" test "$(destination)" = none
lc plan
check_status 0 "plan after the removals: nothing to do"
check_out_eq "app: no changes" "plan says no changes after the removals"

# A destination alone in the configuration: removing it deletes the
# configuration.
ref_aws lambda delete-function-event-invoke-config --function-name app
echo "    on_failure: $Q1" >>lambda.yml
lc deploy
check_status 0 "deploy setting the destination again"
check "the destination is there again, with its marker" \
	test "$(destination)/$(tags_of)" = "$Q1/"'{"aws:cloudformation:stack-name":"app-stack","lambdactl:on_failure":"","lambdactl:other":"kept"}'

# The marker lost (taken off by hand) while lambda.yml names the
# destination there: the marker alone goes back on, one write.
ref_aws lambda untag-resource --resource "$FN_ARN" --tag-keys lambdactl:on_failure
lc plan
check_status 5 "plan with the marker missing exits 5"
check_out_eq "app:
  + tag lambdactl:on_failure" "plan: the marker alone"
lc -o json plan
check "plan -o json: the marker's field is tags.KEY" \
	jq -e '.[0].changes == [{"field": "tags.lambdactl:on_failure", "action": "add", "from": null, "to": "", "text": "+ tag lambdactl:on_failure"}]' "$OUT"
proxy_reset
lc deploy
check_status 0 "deploy putting the marker back"
check "one write, a TagResource of the marker" \
	test "$(proxy_writes)/$(proxy_count POST '/2017-03-31/tags/.*')" = 1/1
check "the marker is back, the destination as it was" \
	test "$(destination)/$(tags_of)" = "$Q1/"'{"aws:cloudformation:stack-name":"app-stack","lambdactl:on_failure":"","lambdactl:other":"kept"}'
lc plan
check_out_eq "app: no changes" "plan: no changes once the marker is back"
sed -i '/on_failure/d' lambda.yml
proxy_reset
lc deploy
check_status 0 "deploy removing the destination"
check "DeleteFunctionEventInvokeConfig (nothing else was in it), no Put" \
	test "$(proxy_count DELETE '/2019-09-25/functions/app/event-invoke-config')/$(proxy_count PUT '/2019-09-25/.*')" = 1/0
check "no destination left, nor its marker" \
	test "$(destination)/$(tags_of)" = 'none/{"aws:cloudformation:stack-name":"app-stack","lambdactl:other":"kept"}'

# A destination set by hand (no marker) while lambda.yml has none: left
# alone, and not even read.
ref_aws lambda put-function-event-invoke-config --function-name app \
	--destination-config "{\"OnFailure\":{\"Destination\":\"$Q1\"}}" >/dev/null
proxy_reset
lc deploy
check_status 0 "deploy with someone else's destination"
check_out_eq "app: unchanged" "someone else's destination is no change"
check "it wrote nothing and did not read the invoke configuration" \
	test "$(proxy_writes)/$(invoke_config_gets)" = 0/0
check "someone else's destination is still there" test "$(destination)" = "$Q1"
lc plan
check_out_eq "app: no changes" "plan: no changes with someone else's destination"

finish
