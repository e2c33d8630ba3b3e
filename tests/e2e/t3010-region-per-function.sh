#!/bin/bash
# One region rule for every command (issue 9, defect 12): a function's own
# 'region:' in lambda.yml is where deploy, new, update and plan put it, and
# where list, invoke, logs and delete look for it; a local run is told it.
# Precedence: --region > AWS_REGION > AWS_DEFAULT_REGION > the function's
# region > the top-level region > the profile's.  moto serves every region
# on one endpoint; the aws CLI and boto3, region by region, are the oracle.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
start_moto
use_env_creds
unset AWS_REGION AWS_DEFAULT_REGION
export AWS_ENDPOINT_URL=$MOTO_URL
curl -fs -o /dev/null -X POST "$MOTO_URL/moto-api/config" -d '{"lambda": {"use_docker": false}}' ||
	{ echo "Bail out! cannot configure moto"; exit 1; }
aws --endpoint-url "$MOTO_URL" --region us-east-1 iam create-role --role-name lambda-exec \
	--assume-role-policy-document '{}' >/dev/null

# in REGION FUNCTION: the function exists in REGION for the aws CLI.
exists_in() { aws --endpoint-url "$MOTO_URL" --region "$1" lambda get-function --function-name "$2" >/dev/null 2>&1; }
memory_in() { aws --endpoint-url "$MOTO_URL" --region "$1" lambda get-function-configuration --function-name "$2" --query MemorySize --output text; }

bootstrap region 'printf "{\"region\":\"%s\"}" "$AWS_REGION" >/tmp/lc-rt-o.$$
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
cat >lambda.yml <<'YML'
region: us-east-1
role: lambda-exec
runtime: provided.al2023
functions:
  east:
    artifact: task/region
  west:
    artifact: task/region
    region: eu-west-1
  west2:
    artifact: task/region
    region: eu-west-1
YML

lc deploy east west
check_status 0 "deploy east and west"
check "west is in eu-west-1 (its own region)" exists_in eu-west-1 west
check "west is not in us-east-1" bash -c "! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name west >/dev/null 2>&1"
check "east is in us-east-1 (the top-level region)" exists_in us-east-1 east
check "east is not in eu-west-1" bash -c "! aws --endpoint-url '$MOTO_URL' --region eu-west-1 lambda get-function --function-name east >/dev/null 2>&1"

lc new west2
check_status 0 "new west2"
check "new: west2 is in eu-west-1" exists_in eu-west-1 west2
lc delete west2
check_status 0 "delete west2"
check_out_eq "west2: deleted" "delete west2 reports it"
check "delete: west2 is gone from eu-west-1" bash -c "! aws --endpoint-url '$MOTO_URL' --region eu-west-1 lambda get-function --function-name west2 >/dev/null 2>&1"

lc plan east west
check_status 0 "plan: nothing to change in either region"
check_out_eq "east: no changes
west: no changes" "plan compares each function in its own region"

perl -0pi -e 's/(  west:\n    artifact: task\/region\n    region: eu-west-1\n)/$1    memory: 256\n/' lambda.yml
lc update west
check_status 0 "update west"
check "update: west's memory changed in eu-west-1" test "$(memory_in eu-west-1 west)" = 256

lc list
check_status 0 "list with functions in two regions"
check_out_has "^NAME +REGION +RUNTIME +MEMORY +LAST MODIFIED +MANIFEST\$" "list: a REGION column when there are two regions"
check_out_has "^east +us-east-1 +provided\.al2023 +128 .* in sync\$" "list: east in us-east-1, in sync"
check_out_has "^west +eu-west-1 +provided\.al2023 +256 .* in sync\$" "list: west in eu-west-1, in sync (not 'not deployed')"
check_out_has "^west2 +eu-west-1 +- +- +- +not deployed\$" "list: west2 is not deployed, in its region"
check "list: one line per function plus the header" test "$(wc -l <"$OUT")" -eq 4
lc -o json list
check "list -o json: each function with its region and state" \
	jq -e 'map({(.name): [.region, .manifest]}) | add == {"east": ["us-east-1", "in sync"], "west": ["eu-west-1", "in sync"], "west2": ["eu-west-1", "not deployed"]}' "$OUT"

# moto answers an invoke in any region: the request's signing scope (the
# region it was sent to, shown by --debug) is the oracle here.
scope() { check_err_has "Authorization: AWS4-HMAC-SHA256 Credential=[A-Z]+/[0-9]{8}/$1/lambda/aws4_request" "$2"; }
lc --debug invoke west --payload '{"where": "west"}'
check_status 0 "invoke west (remote)"
check_out_eq '{"where": "west"}' "invoke west answers"
scope eu-west-1 "invoke: west's request goes to eu-west-1"
check_err_lacks "Credential=[A-Z]+/[0-9]{8}/us-east-1/" "invoke: nothing goes to us-east-1"
lc --debug invoke 'west:$LATEST' --payload '{"q": 1}'
check_status 0 "invoke west:\$LATEST"
scope eu-west-1 "invoke: a qualifier does not change the region"
lc --debug invoke east --payload '{}'
scope us-east-1 "invoke: east's request goes to us-east-1"
# Logs: the same group name in both regions, a different line in each.
python3 - "$MOTO_URL" <<'PY'
import sys, time, boto3
for region, msg in (("eu-west-1", "from eu-west-1"), ("us-east-1", "from us-east-1")):
    c = boto3.client("logs", endpoint_url=sys.argv[1], region_name=region)
    c.create_log_group(logGroupName="/aws/lambda/west")
    c.create_log_stream(logGroupName="/aws/lambda/west", logStreamName="s")
    c.put_log_events(logGroupName="/aws/lambda/west", logStreamName="s",
                     logEvents=[{"timestamp": int(time.time() * 1000) - 60000, "message": msg}])
PY
lc logs west --since 1h --format raw
check_status 0 "logs west"
check_out_eq "from eu-west-1" "logs reads west's group in eu-west-1 only"

# Precedence: the command line and the environment come before lambda.yml.
lc --debug --region us-east-1 invoke west --payload '{}'
scope us-east-1 "--region beats a function's own region"
AWS_REGION=us-east-1 lc --debug invoke west --payload '{}'
scope us-east-1 "AWS_REGION beats a function's own region (the documented order)"
AWS_DEFAULT_REGION=eu-west-1 lc --debug invoke east --payload '{}'
scope eu-west-1 "AWS_DEFAULT_REGION beats the top-level region"
AWS_REGION=eu-west-1 lc list
check_status 0 "list with AWS_REGION set"
check_out_has "^NAME +RUNTIME " "list: one region, so no REGION column"
check_out_has "^east +- +- +- +not deployed\$" "list: AWS_REGION=eu-west-1 puts east there too"

# Local runs are told the same region.
lc invoke --local west
check_status 0 "invoke --local west"
check_out_eq '{"region":"eu-west-1"}' "invoke --local: AWS_REGION is west's own region"
lc invoke --local east
check_out_eq '{"region":"us-east-1"}' "invoke --local: AWS_REGION is the top-level region for east"
lc --region ap-south-1 invoke --local west
check_out_eq '{"region":"ap-south-1"}' "invoke --local: --region comes first"

lc delete west
check_status 0 "delete west"
check_out_eq "west: deleted" "delete reports west"
check "delete: west is gone from eu-west-1" bash -c "! aws --endpoint-url '$MOTO_URL' --region eu-west-1 lambda get-function --function-name west >/dev/null 2>&1"
check "delete: east is untouched in us-east-1" exists_in us-east-1 east

# Only the functions set a region: validate and deploy agree.
mkdir only && cd only || exit 1
mkdir task && cp -r ../task/region task/
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  north:
    artifact: task/region
    region: eu-north-1
  south:
    artifact: task/region
    region: ap-south-1
YML
lc validate
check_status 0 "validate: only the functions set a region"
lc deploy
check_status 0 "deploy: no top-level region needed when every function has one"
check_err_lacks "no region set" "no 'no region set'"
check "north is in eu-north-1" exists_in eu-north-1 north
check "south is in ap-south-1" exists_in ap-south-1 south
lc list
check_status 0 "list: only function regions"
check_out_has "^north +eu-north-1 .* in sync\$" "list: north in eu-north-1"
check_out_has "^south +ap-south-1 .* in sync\$" "list: south in ap-south-1"
lc --debug invoke south --payload '{"s": 1}'
check_status 0 "invoke south"
scope ap-south-1 "invoke: south's request goes to ap-south-1"
lc logs --group /aws/lambda/elsewhere
check_status 3 "logs --group with no region anywhere"
check_err_eq "lambdactl: no region set (use --region, AWS_REGION, 'region' in the profile, or 'region' in lambda.yml)" \
	"a group outside the manifest needs a region"
lc delete north south
check_status 0 "delete both"
check "north and south are gone" bash -c "! aws --endpoint-url '$MOTO_URL' --region eu-north-1 lambda get-function --function-name north >/dev/null 2>&1 && ! aws --endpoint-url '$MOTO_URL' --region ap-south-1 lambda get-function --function-name south >/dev/null 2>&1"


# A bad --region is refused, also when only the functions set a region (it
# used to be taken unchecked then).
lc --region 'x@127.0.0.1:1/' list
check_status 3 "a bad --region is refused when only the functions set one"
check_err_eq "lambdactl: invalid region 'x@127.0.0.1:1/' (from --region): a region is 1 to 63 letters, digits and hyphens, like 'us-east-1'" \
	"and the error names --region"

finish
