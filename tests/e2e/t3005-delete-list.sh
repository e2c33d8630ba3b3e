#!/bin/bash
# list: deployed functions with runtime, memory and the manifest's view (in
# sync, differs, not deployed), text and JSON, paging through a stub; delete:
# gone for the aws CLI afterwards, a missing function named.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
export AWS_ENDPOINT_URL=$MOTO_URL

ref_exists() { ref_aws lambda get-function --function-name "$1" >/dev/null 2>&1; }
last_modified() { ref_aws lambda get-function-configuration --function-name "$1" --query LastModified --output text; }
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?[+0-9]*'

mkdir -p target
printf '#!/bin/sh\necho app\n' >target/bootstrap
printf 'def main(e, c):\n    return 1\n' >h.py
cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  api:
    runtime: provided.al2023
    artifact: target/bootstrap
    memory: 256
  worker:
    runtime: python3.12
    handler: h.main
    artifact: h.py
    memory: 512
    timeout: 30
  cron:
    runtime: python3.12
    handler: h.main
    artifact: h.py
YML

lc list
check_status 0 "list with nothing deployed"
check_out_eq "NAME    RUNTIME           MEMORY  LAST MODIFIED                   MANIFEST
api     -                      -  -                               not deployed
worker  -                      -  -                               not deployed
cron    -                      -  -                               not deployed" \
	"list: every manifest function is 'not deployed', in manifest order"

lc deploy api worker
check_status 0 "deploy api and worker"
# One function from outside the manifest, made by the reference client.
ref_aws lambda create-function --function-name outsider --runtime nodejs20.x --handler index.handler \
	--role arn:aws:iam::123456789012:role/lambda-exec --memory-size 1024 \
	--zip-file fileb://.lambdactl/worker.zip >/dev/null

lc list
check_status 0 "list with three deployed functions"
check_out_has "^NAME +RUNTIME +MEMORY +LAST MODIFIED +MANIFEST\$" "list: a header with a MANIFEST column"
check_out_has "^api +provided\.al2023 +256  $(last_modified api) +in sync\$" "list: api with its runtime, memory, LastModified, in sync"
check_out_has "^worker +python3\.12 +512  $(last_modified worker) +in sync\$" "list: worker with its runtime and memory, in sync"
check_out_has "^outsider +nodejs20\.x +1024  $(last_modified outsider) *\$" "list: a function outside the manifest, with no manifest state"
check_out_has "^cron +- +- +- +not deployed\$" "list: cron is not deployed"
check "list: one line per function plus the header" test "$(wc -l <"$OUT")" -eq 5

# The manifest changes: api differs.
sed -i 's/memory: 256/memory: 384/' lambda.yml
lc list
check_status 0 "list after changing api's memory in the manifest"
check_out_has "^api +provided\.al2023 +256  $TS +differs\$" "list: api differs, still showing the deployed memory"
check_out_has "^worker .* in sync\$" "list: worker is still in sync"

lc -o json list
check_status 0 "list -o json"
check "JSON: four objects" jq -e 'length == 4' "$OUT"
check "JSON: api: runtime, memory, timeout, differs with the difference" \
	jq -e '.[] | select(.name == "api") | .runtime == "provided.al2023" and .memory == 256 and .timeout == 3 and .manifest == "differs" and .differences == [{"field":"memory","action":"change","from":256,"to":384,"text":"~ memory 256 -> 384"}]' "$OUT"
check "JSON: api's code_sha256 and last_modified are the reference's" \
	jq -e --arg s "$(ref_aws lambda get-function-configuration --function-name api --query CodeSha256 --output text)" --arg t "$(last_modified api)" \
	'.[] | select(.name == "api") | .code_sha256 == $s and .last_modified == $t' "$OUT"
check "JSON: worker in sync, no differences" \
	jq -e '.[] | select(.name == "worker") | .memory == 512 and .timeout == 30 and .manifest == "in sync" and .differences == []' "$OUT"
check "JSON: outsider has no manifest member" \
	jq -e '.[] | select(.name == "outsider") | .runtime == "nodejs20.x" and .memory == 1024 and (has("manifest") | not)' "$OUT"
check "JSON: cron is not deployed" \
	jq -e '.[] | select(.name == "cron") | .manifest == "not deployed"' "$OUT"

# Without a manifest: only what is deployed.
mkdir elsewhere
(cd elsewhere && "$LAMBDACTL" list >"$OUT" 2>"$ERR")
status=$?
check_status 0 "list without a lambda.yml"
check_out_has "^NAME +RUNTIME +MEMORY +LAST MODIFIED *\$" "list without a manifest: no MANIFEST column"
check_out_lacks "cron|in sync|differs|not deployed" "list without a manifest: no manifest state at all"
check "list without a manifest: the three deployed functions" test "$(sed 1d "$OUT" | awk '{print $1}' | sort | tr '\n' ' ')" = "api outsider worker "

# delete
lc delete api
check_status 0 "delete api"
check_out_eq "api: deleted" "delete reports the deletion"
check "aws lambda get-function api fails afterwards" bash -c "! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name api >/dev/null 2>&1"
lc list
check_out_has "^api +- +- +- +not deployed\$" "list: api is now not deployed"

lc delete ghost
check_status 1 "deleting a missing function exits 1"
check_err_has "^lambdactl: ghost: DeleteFunction: ResourceNotFoundException: .*ghost" "the missing function is named"
check_out_eq "" "nothing is reported deleted"

lc delete outsider ghost worker
check_status 1 "delete with one missing function among three exits 1"
check_err_has "^lambdactl: ghost: " "the missing one is named"
check_out_eq "outsider: deleted
worker: deleted" "the others are deleted and reported"
check "outsider and worker are gone for the reference" bash -c "! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name outsider >/dev/null 2>&1 && ! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name worker >/dev/null 2>&1"

lc deploy cron
check_status 0 "deploy cron"
lc -o json delete cron ghost
check_status 1 "delete -o json with a missing function exits 1"
check "JSON: cron deleted, ghost with an error naming it" \
	jq -e 'length == 2 and .[0] == {"function": "cron", "status": "deleted"} and .[1].function == "ghost" and (.[1].error | test("^ghost: DeleteFunction: ResourceNotFoundException"))' "$OUT"
check "cron is gone" bash -c "! aws --endpoint-url '$MOTO_URL' --region us-east-1 lambda get-function --function-name cron >/dev/null 2>&1"

lc delete
check_status 2 "delete without a function is a usage error"

lc list
check "list with nothing left: header and three not deployed" test "$(grep -c 'not deployed$' "$OUT")" -eq 3

# ListFunctions pages (moto answers in one page): a stub with NextMarker.
fn_item() { jq -nc --arg n "$1" '{FunctionName: $n, FunctionArn: ("arn:aws:lambda:us-east-1:123456789012:function:" + $n), Runtime: "python3.12", Role: "arn:aws:iam::123456789012:role/lambda-exec", Handler: "h.main", MemorySize: 128, Timeout: 3, CodeSha256: "x", LastModified: "2024-01-01T00:00:00.000+0000"}'; }
jq -n --argjson a "$(fn_item page1-a)" --argjson b "$(fn_item page1-b)" --argjson c "$(fn_item page2-a)" '{routes: [
	{method: "GET", path: "Marker=m%2B1", responses: [{body: {Functions: [$c]}}]},
	{method: "GET", path: "^/2015-03-31/functions/\\?", responses: [{body: {Functions: [$a, $b], NextMarker: "m+1"}}]}]}' >"$TMP/pages.json"
start_stub "$TMP/pages.json"
(cd elsewhere && "$LAMBDACTL" --endpoint-url "$STUB_URL" -o json list >"$OUT" 2>"$ERR")
status=$?
check_status 0 "list through two pages"
check "list: the functions of both pages, in order" jq -e '[.[].name] == ["page1-a", "page1-b", "page2-a"]' "$OUT"
check "the second request carried the marker, encoded" \
	test "$(jq -r .path "$STUB_LOG" | tr '\n' ' ')" = "/2015-03-31/functions/?MaxItems=50 /2015-03-31/functions/?Marker=m%2B1&MaxItems=50 "
stop_stub
jq -n --argjson a "$(fn_item loop)" '[{body: {Functions: [$a], NextMarker: "same"}}]' >"$TMP/loop.json"
start_stub "$TMP/loop.json"
(cd elsewhere && "$LAMBDACTL" --endpoint-url "$STUB_URL" list >"$OUT" 2>"$ERR")
status=$?
check_status 1 "a NextMarker that never changes is an error, not a loop"
check_err_eq "lambdactl: ListFunctions: the same NextMarker came back twice" "the repeated marker is reported"
stop_stub

finish
