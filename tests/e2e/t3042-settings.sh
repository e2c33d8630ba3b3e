#!/bin/bash
# Issue 15's function settings end to end against moto, through the
# recording proxy: a function deployed with a VPC, tracing, a KMS key, a
# dead-letter queue, JSON logs with levels and a group, and SnapStart.
# What moto keeps (VpcConfig, TracingConfig on create) is read back with
# the aws CLI and plans clean; what it drops (SnapStart, DeadLetterConfig,
# KMSKeyArn, LoggingConfig; TracingConfig on update) is asserted in the
# request bodies the proxy logged.  A changed VPC lands in place.  A
# lambda.yml without the keys leaves them to Lambda: no CreateFunction or
# UpdateFunctionConfiguration carries them, and a VPC, key and target set
# with the aws CLI survive a deploy that changes memory; the explicit
# values remove them (empty VPC lists, "" for the key and the target,
# snap_start false, PassThrough, Text logs without levels or group).  Bad
# values stop plan and deploy with FILE:LINE:COL before any request.
. "$(dirname "$0")/lib.sh"
start_lambda_env
KMS=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
DLQ=arn:aws:sqs:us-east-1:123456789012:jobs-dlq
FN=/2015-03-31/functions

# body METHOD PATH_RE: the body of the last such request the proxy logged.
body() {
	jq -s --arg m "$1" --arg p "$2" \
		'[.[] | select(.method == $m and (.path | test("^(" + $p + ")$")))] | last | .body // empty | fromjson' \
		"$PROXY_LOG" >"$TMP/body.json"
}
conf() { ref_aws lambda get-function-configuration --function-name "$1" >"$TMP/conf.json"; }

printf 'def handler(event, context):\n    return "ok"\n' >app.py
# head NAME: a python3.12 function (SnapStart's runtime) named NAME.
head_of() {
	printf 'role: lambda-exec\nruntime: python3.12\nhandler: app.handler\n'
	printf 'artifact: app.py\nfunctions:\n  %s:\n' "$1"
}
{ head_of jobs; cat <<YML; } >lambda.yml
    vpc:
      subnets: [subnet-1a2b3c4d, subnet-0a1b2c3d]
      security_groups: [sg-0a1b2c3d]
    tracing: Active
    kms_key: $KMS
    dead_letter: $DLQ
    logging: { format: JSON, level: DEBUG, system_level: WARN, group: /custom/jobs }
    snap_start: true
  plain:
    memory: 256
YML

proxy_reset
lc deploy
check_status 0 "deploy creates a function with every new setting"
jq -s '[.[] | select(.method == "POST" and .path == "'"$FN"'") | .body | fromjson | select(.FunctionName == "jobs")] | last' "$PROXY_LOG" >"$TMP/body.json"
check "CreateFunction sends the VPC (sorted), tracing, key, target, logging and SnapStart" \
	jq -e --arg k "$KMS" --arg d "$DLQ" '.FunctionName == "jobs" and
		.VpcConfig == {"SubnetIds": ["subnet-0a1b2c3d", "subnet-1a2b3c4d"], "SecurityGroupIds": ["sg-0a1b2c3d"]} and
		.TracingConfig == {"Mode": "Active"} and .KMSKeyArn == $k and
		.DeadLetterConfig == {"TargetArn": $d} and
		.LoggingConfig == {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN", "LogGroup": "/custom/jobs"} and
		.SnapStart == {"ApplyOn": "PublishedVersions"}' "$TMP/body.json"
jq -s '[.[] | select(.method == "POST" and .path == "'"$FN"'") | .body | fromjson | select(.FunctionName == "plain")] | last' "$PROXY_LOG" >"$TMP/plain.json"
check "a function without them: CreateFunction carries none of them (Lambda's defaults)" \
	jq -e '.FunctionName == "plain" and .MemorySize == 256 and
		(has("VpcConfig") or has("KMSKeyArn") or has("DeadLetterConfig") or has("SnapStart") or
		 has("TracingConfig") or has("LoggingConfig") | not)' "$TMP/plain.json"

conf jobs
check "the aws CLI sees the VPC's subnets and security group" \
	jq -e '(.VpcConfig.SubnetIds | sort) == ["subnet-0a1b2c3d", "subnet-1a2b3c4d"] and .VpcConfig.SecurityGroupIds == ["sg-0a1b2c3d"]' "$TMP/conf.json"
check "the aws CLI sees tracing Active" jq -e '.TracingConfig.Mode == "Active"' "$TMP/conf.json"

# What moto keeps plans clean; what it drops is all plan reports.
proxy_reset
lc plan
check_status 5 "plan after deploy: moto dropped some settings"
check_out_eq "jobs:
  ~ kms_key (none) -> $KMS
  ~ dead_letter (none) -> $DLQ
  ~ logging.format Text -> JSON
  ~ logging.level INFO -> DEBUG
  ~ logging.system_level INFO -> WARN
  ~ logging.group (none) -> /custom/jobs
  ~ snap_start None -> PublishedVersions
plain: no changes" "plan: no VPC or tracing difference, exactly what moto drops"
check "plan wrote nothing" test "$(proxy_writes)" -eq 0

{ head_of jobs; cat <<YML; } >kept.yml
    vpc:
      subnets: [subnet-0a1b2c3d, subnet-1a2b3c4d]
      security_groups: [sg-0a1b2c3d]
    tracing: Active
YML
lc -f kept.yml plan
check_status 0 "the settings moto keeps, in another order: plan exits 0"
check_out_eq "jobs: no changes" "plan says no changes"

# A changed VPC is updated in place, with every setting in the body.
sed -i 's/subnet-1a2b3c4d/subnet-2a2b3c4d/; s/sg-0a1b2c3d]/sg-0a1b2c3d, sg-9f8e7d6c]/' lambda.yml
proxy_reset
lc deploy
check_status 0 "deploy of a changed VPC"
check_out_has "^jobs: updated \(vpc\.subnets, vpc\.security_groups, kms_key, dead_letter, logging\.format, logging\.level, logging\.system_level, logging\.group, snap_start\)\$" "deploy names the VPC and what moto dropped"
check "one UpdateFunctionConfiguration, for jobs" test "$(proxy_count PUT "$FN/jobs/configuration")" -eq 1
body PUT "$FN/jobs/configuration"
check "UpdateFunctionConfiguration sends the new VPC and the other settings again" \
	jq -e --arg k "$KMS" --arg d "$DLQ" '.VpcConfig == {"SubnetIds": ["subnet-0a1b2c3d", "subnet-2a2b3c4d"], "SecurityGroupIds": ["sg-0a1b2c3d", "sg-9f8e7d6c"]} and
		.TracingConfig.Mode == "Active" and .KMSKeyArn == $k and .DeadLetterConfig.TargetArn == $d and
		.LoggingConfig.ApplicationLogLevel == "DEBUG" and .SnapStart.ApplyOn == "PublishedVersions"' "$TMP/body.json"
conf jobs
check "the aws CLI sees the new VPC" \
	jq -e '(.VpcConfig.SubnetIds | sort) == ["subnet-0a1b2c3d", "subnet-2a2b3c4d"] and (.VpcConfig.SecurityGroupIds | sort) == ["sg-0a1b2c3d", "sg-9f8e7d6c"]' "$TMP/conf.json"

# The keys left out (a lambda.yml from before they existed): a deploy that
# changes memory sends none of them, and the function keeps its VPC.
head_of jobs >lambda.yml
printf '    memory: 192\n' >>lambda.yml
proxy_reset
lc plan
check_status 5 "plan without the keys: memory only"
check_out_eq "jobs:
  ~ memory 128 -> 192" "plan: nothing of the keys lambda.yml leaves out"
proxy_reset
lc deploy
check_status 0 "deploy without the keys"
check_out_eq "jobs: updated (memory)" "deploy changes memory alone"
body PUT "$FN/jobs/configuration"
check "UpdateFunctionConfiguration carries memory and none of the keys left out" \
	jq -e '.MemorySize == 192 and (has("VpcConfig") or has("KMSKeyArn") or has("DeadLetterConfig") or
		has("SnapStart") or has("TracingConfig") or has("LoggingConfig") | not)' "$TMP/body.json"
conf jobs
check "the aws CLI still sees the VPC and tracing Active" \
	jq -e '(.VpcConfig.SubnetIds | sort) == ["subnet-0a1b2c3d", "subnet-2a2b3c4d"] and .TracingConfig.Mode == "Active"' "$TMP/conf.json"

# Set by hand on a function lambda.yml never gave them: they survive a
# memory-only deploy (moto keeps the VPC; the body shows the rest is not
# sent).
ref_aws lambda update-function-configuration --function-name plain \
	--vpc-config SubnetIds=subnet-0a1b2c3d,SecurityGroupIds=sg-0a1b2c3d \
	--kms-key-arn "$KMS" --dead-letter-config TargetArn="$DLQ" >/dev/null
{ head_of plain; printf '    memory: 320\n'; } >plain.yml
proxy_reset
lc -f plain.yml deploy
check_status 0 "deploy of plain, memory only"
body PUT "$FN/plain/configuration"
check "plain's update carries memory, no VPC, key or target" \
	jq -e '.MemorySize == 320 and (has("VpcConfig") or has("KMSKeyArn") or has("DeadLetterConfig") | not)' "$TMP/body.json"
conf plain
check "the aws CLI still sees the VPC set by hand" \
	jq -e '.VpcConfig.SubnetIds == ["subnet-0a1b2c3d"] and .VpcConfig.SecurityGroupIds == ["sg-0a1b2c3d"] and .MemorySize == 320' "$TMP/conf.json"

# Taking them away takes the values that say so.
{ head_of jobs; cat <<'YML'; } >lambda.yml
    memory: 192
    vpc: { subnets: [], security_groups: [] }
    tracing: PassThrough
    kms_key: ""
    dead_letter: ""
    logging: { format: Text }
    snap_start: false
YML
proxy_reset
lc deploy
check_status 0 "deploy with the removal values"
body PUT "$FN/jobs/configuration"
check "the removal values send empty VPC lists, \"\" for key and target, ApplyOn None, PassThrough, Text logs alone" \
	jq -e '.VpcConfig == {"SubnetIds": [], "SecurityGroupIds": []} and .KMSKeyArn == "" and
		.DeadLetterConfig == {"TargetArn": ""} and .SnapStart == {"ApplyOn": "None"} and
		.TracingConfig == {"Mode": "PassThrough"} and .LoggingConfig == {"LogFormat": "Text"}' "$TMP/body.json"
conf jobs
check "the aws CLI sees the function out of its VPC" \
	jq -e '(.VpcConfig // {}) | ((.SubnetIds // []) == [] and (.SecurityGroupIds // []) == [])' "$TMP/conf.json"
lc plan
check_out_lacks "vpc|kms_key|dead_letter|logging|snap_start" "plan: nothing left of the removed settings"
check_out_has "^  ~ tracing Active -> PassThrough\$" "plan: but tracing, which moto drops on update"

# Bad values: FILE:LINE:COL, exit 3, before any request.
bad_case() {	# bad_case COMMAND WANT DESC (lambda.yml already written)
	proxy_reset
	lc "$1"
	check_status 3 "$1: $3 exits 3"
	check_err_eq "lambdactl: lambda.yml:$2" "$1: $3 names its place"
	check "$1: $3 sent nothing" test "$(proxy_count '.*' '.*')" -eq 0
}
{ head_of jobs; printf '    vpc: { subnets: [subnet-0a1b2c3d], security_groups: [] }\n'; } >lambda.yml
bad_case deploy "7:57: a VPC needs both subnets and security groups ([] for both: no VPC)" "a VPC without security groups"
{ head_of jobs; printf '    logging: { level: DEBUG }\n'; } >lambda.yml
bad_case plan "7:23: 'level' needs 'format: JSON' under logging (only JSON logs have levels); function 'jobs' sets no format" "a level without a format"
{ head_of jobs; printf '    logging: { format: Text, level: DEBUG }\n'; } >lambda.yml
bad_case plan "7:37: 'level' needs 'format: JSON' under logging (only JSON logs have levels); function 'jobs' logs Text" "a level with Text logs"
{ head_of jobs; printf '    tracing: on\n'; } >lambda.yml
bad_case deploy "7:14: 'tracing' must be 'Active' or 'PassThrough', not 'on'" "an unknown tracing mode"
{ head_of jobs; printf '    dead_letter: arn:aws:s3:::jobs-dlq\n'; } >lambda.yml
bad_case plan "7:18: 'dead_letter' must be an SQS queue or SNS topic ARN (arn:aws:sqs:REGION:ACCOUNT:NAME, arn:aws:sns:REGION:ACCOUNT:NAME), or \"\" for none, not 'arn:aws:s3:::jobs-dlq'" "a bucket as dead-letter target"
{ head_of jobs | sed 's/python3.12/nodejs20.x/'; printf '    snap_start: true\n'; } >lambda.yml
bad_case deploy "7:17: 'snap_start' needs a runtime that has SnapStart (java11, java17, java21, python3.12, python3.13 or dotnet8); function 'jobs' runs 'nodejs20.x'" "SnapStart on Node.js"

finish
