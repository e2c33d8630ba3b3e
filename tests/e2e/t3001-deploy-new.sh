#!/bin/bash
# new: functions created with the manifest's configuration (the aws CLI
# against moto as the reference), the CodeSha256 package predicted, refusal
# to overwrite, --dry-run, --publish and -o json.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
account=$(ref_aws sts get-caller-identity --query Account --output text)

sha_b64() { openssl dgst -sha256 -binary "$1" | base64 -w0; }
# fn_conf NAME: the reference's view of a function, as JSON, in $TMP/NAME.json.
fn_conf() { ref_aws lambda get-function --function-name "$1" --output json >"$TMP/$1.json"; }
ref_names() { ref_aws lambda list-functions --query 'Functions[].FunctionName' --output text | tr '\t' '\n' | sort | tr '\n' ' '; }

mkdir -p target
printf '#!/bin/sh\necho native\n' >target/bootstrap
printf 'def main(event, context):\n    return event\n' >handler.py
cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  native:
    runtime: provided.al2023
    artifact: target/bootstrap
    memory: 256
    timeout: 9
    architecture: arm64
    description: the native bootstrap
    environment:
      STAGE: test
      DB_URL: "postgres://db.internal/app?sslmode=require"
  py:
    runtime: python3.12
    handler: handler.main
    role: arn:aws:iam::123456789012:role/lambda-exec
    artifact: handler.py
  later:
    runtime: python3.12
    handler: handler.main
    artifact: handler.py
    memory: 512
YML
export AWS_ENDPOINT_URL=$MOTO_URL

lc package -o json
check_status 0 "package -o json, to know the CodeSha256 in advance"
cp "$OUT" "$TMP/package.json"
pkg_sha() { jq -r --arg f "$1" '.[] | select(.function == $f) | .code_sha256' "$TMP/package.json"; }
native_sha=$(pkg_sha native)
py_sha=$(pkg_sha py)

# --dry-run first: shows what would be created, creates nothing.
lc new --dry-run native py
check_status 5 "new --dry-run with functions to create exits 5"
check_out_eq "native:
  + create (provided.al2023, 256 MB, 9 s, arm64, code $native_sha)
py:
  + create (python3.12, 128 MB, 3 s, x86_64, code $py_sha)" \
	"new --dry-run shows a '+ create' line per function with runtime, memory, timeout, architecture and code hash"
check "new --dry-run created nothing (aws lambda list-functions is empty)" \
	test "$(ref_aws lambda list-functions --query 'length(Functions)')" = 0

lc new native py
check_status 0 "new creates two functions"
check_out_eq "native: created
py: created" "new reports each function as created, in manifest order"
check "only the functions named were created" test "$(ref_names)" = "native py "

fn_conf native
C=$TMP/native.json
check "get-function: runtime provided.al2023" jq -e '.Configuration.Runtime == "provided.al2023"' "$C"
check "get-function: a bare role name became arn:aws:iam::$account:role/lambda-exec" \
	jq -e --arg r "arn:aws:iam::$account:role/lambda-exec" '.Configuration.Role == $r' "$C"
check "get-function: memory 256, timeout 9" jq -e '.Configuration.MemorySize == 256 and .Configuration.Timeout == 9' "$C"
check "get-function: architecture arm64" jq -e '.Configuration.Architectures == ["arm64"]' "$C"
check "get-function: the description" jq -e '.Configuration.Description == "the native bootstrap"' "$C"
check "get-function: the environment, exactly" \
	jq -e '.Configuration.Environment.Variables == {"STAGE": "test", "DB_URL": "postgres://db.internal/app?sslmode=require"}' "$C"
check "get-function: CodeSha256 is what package -o json printed" \
	jq -e --arg s "$native_sha" '.Configuration.CodeSha256 == $s' "$C"
check "get-function: CodeSha256 is base64(sha256(zip)) computed by openssl" \
	jq -e --arg s "$(sha_b64 .lambdactl/native.zip)" '.Configuration.CodeSha256 == $s' "$C"
check "get-function: CodeSize is the zip's size" \
	jq -e --argjson n "$(stat -c %s .lambdactl/native.zip)" '.Configuration.CodeSize == $n' "$C"

fn_conf py
C=$TMP/py.json
check "get-function py: runtime, handler, and the role ARN as written" \
	jq -e '.Configuration.Runtime == "python3.12" and .Configuration.Handler == "handler.main" and .Configuration.Role == "arn:aws:iam::123456789012:role/lambda-exec"' "$C"
check "get-function py: the defaults: 128 MB, 3 s, x86_64, no description" \
	jq -e '.Configuration.MemorySize == 128 and .Configuration.Timeout == 3 and .Configuration.Architectures == ["x86_64"] and (.Configuration.Description // "") == ""' "$C"
check "get-function py: no environment variables" \
	jq -e '(.Configuration.Environment.Variables // {}) == {}' "$C"
check "get-function py: CodeSha256 matches package and openssl" \
	jq -e --arg s "$py_sha" --arg o "$(sha_b64 .lambdactl/py.zip)" '.Configuration.CodeSha256 == $s and $s == $o' "$C"

# new never overwrites.
ref_aws lambda get-function-configuration --function-name native --query RevisionId --output text >"$TMP/rev-before"
lc new native
check_status 1 "new on an existing function fails with exit 1"
check_err_eq "lambdactl: native: the function already exists (change it with 'lambdactl update' or 'lambdactl deploy')" \
	"new on an existing function names it and suggests update or deploy"
check_out_eq "" "nothing is reported as created"
check "the existing function was not touched (same RevisionId)" \
	test "$(ref_aws lambda get-function-configuration --function-name native --query RevisionId --output text)" = "$(cat "$TMP/rev-before")"

lc new --dry-run native
check_status 1 "new --dry-run on an existing function fails too"
check_err_has "native: the function already exists .*update.*deploy" "new --dry-run on an existing function says so"

# -o json: one result object per function.
lc -o json new later
check_status 0 "new -o json"
check "JSON: one object for 'later', status created" jq -e 'length == 1 and .[0].function == "later" and .[0].status == "created"' "$OUT"
check "JSON: the function ARN" jq -e --arg a "arn:aws:lambda:us-east-1:$account:function:later" '.[0].arn == $a' "$OUT"
check "JSON: version \$LATEST without --publish" jq -e '.[0].version == "$LATEST"' "$OUT"
check "JSON: code_sha256 is the package's and the reference's" \
	jq -e --arg s "$(pkg_sha later)" --arg r "$(ref_aws lambda get-function-configuration --function-name later --query CodeSha256 --output text)" \
	'.[0].code_sha256 == $s and $s == $r' "$OUT"
check "JSON: changes lists the create" jq -e '.[0].changes | length == 1 and .[0].field == "create" and .[0].action == "add" and (.[0].text | startswith("+ create (python3.12, 512 MB, 3 s, x86_64, code "))' "$OUT"
check "get-function later: memory 512" test "$(ref_aws lambda get-function-configuration --function-name later --query MemorySize --output text)" = 512

lc -o json new later native
check_status 1 "new -o json with existing functions fails"
check "JSON: each function gets an error object naming it, in manifest order" \
	jq -e 'length == 2 and .[0].function == "native" and (.[0].error | test("^native: the function already exists .*update.*deploy")) and .[1].function == "later" and (.[1].error | test("^later: the function already exists"))' "$OUT"

# new --publish: a numbered version, named in the output.
ref_aws lambda delete-function --function-name later >/dev/null
lc new --publish later
check_status 0 "new --publish"
check_out_eq "later: created, version 1" "new --publish names the published version"
check "list-versions-by-function shows \$LATEST and 1" \
	test "$(ref_aws lambda list-versions-by-function --function-name later --query 'Versions[].Version' --output text)" = "\$LATEST	1"

lc new nosuch
check_status 2 "new with a function not in the manifest is a usage error"
check_err_has "no function 'nosuch' in 'lambda.yml'" "the unknown function is named"

finish
