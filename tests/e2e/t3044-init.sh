#!/bin/bash
# lambdactl init --from: functions a team's script made with the AWS CLI
# import into a lambda.yml that validate accepts and plan --config-only
# finds no difference with (exit 0): shared values at the top level,
# hostile environment values round-tripping.  An existing lambda.yml is
# refused without --force (unchanged), overwritten with it; a missing
# function is one line and no file; -f and -o json.  --download (GetFunction
# from the stub, its Code.Location a presigned URL of moto's S3 on
# 127.0.0.1: moto's own is not loopback, and nothing but 127.0.0.1 is
# ever fetched) writes NAME.zip, the deployed zip byte for byte, after
# which plan with the code is clean too; a CodeSha256 mismatch, an HTTP
# error or a location that is not https leaves no file at all.
. "$(dirname "$0")/lib.sh"
start_lambda_env
ROLE=arn:aws:iam::123456789012:role/lambda-exec

# The code.  jobs': a zip as lambdactl packages it (plan compares the zip
# lambdactl makes of an artifact, normalised: this one it keeps as it is);
# other's: a zip from Python's zipfile, as a build tool makes.
mkdir -p pk/src
printf '(ns jobs.core)\n' >pk/src/core.clj
printf 'role: r\nfunctions:\n  jobs:\n    runtime: java21\n    handler: a::b\n    artifact: src\n' >pk/lambda.yml
(cd pk && "$LAMBDACTL" package >/dev/null) || { echo "Bail out! package failed"; exit 1; }
cp pk/.lambdactl/jobs.zip deployed-jobs.zip
python3 -c 'import zipfile, sys
with zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("other/core.clj", "(ns other.core)\n")' deployed-other.zip

# Created the way a team's publish script does it.
cat >env.json <<'JSON'
{"Variables": {"DB_URL": "jdbc:postgresql://db:5432/jobs?ssl=true", "MODE": "yes",
 "PORT": "0123", "TRICKY": "a: b # c", "STAR": "*star", "TEMPLATE": "${env:HOME}",
 "LINES": "one\ntwo", "EMPTY": "", "QUOTES": "it's \"x\""}}
JSON
check "aws lambda create-function jobs" ref_aws lambda create-function --function-name jobs \
	--runtime java21 --handler jobs.core::handler --role "$ROLE" --memory-size 512 \
	--timeout 30 --zip-file fileb://deployed-jobs.zip --environment file://env.json \
	--tags team=data --architectures arm64 \
	--description 'Nightly jobs: import # not a comment'
check "aws lambda create-function other" ref_aws lambda create-function --function-name other \
	--runtime java21 --handler other.core::handler --role "$ROLE" \
	--timeout 30 --zip-file fileb://deployed-other.zip
rm -rf pk

# Only these files in the directory (no temporary file left).
files() { ls -A | grep -v -e '^deployed-' -e '^env.json$' -e '^home$' -e '^bin$' -e '^\.lambdactl$' \
	-e '^stdout$' -e '^stderr$' -e '\.log$' -e '\.port$' -e '\.err$' -e '\.json$' | tr '\n' ' '; }

lc init --from jobs other
check_status 0 "init --from jobs other"
check_out_eq "wrote lambda.yml (jobs, other)" "it says what it wrote"
check_err_has "warning: lambda.yml holds the environment values as deployed \(mode 0600\): keep secrets out of it with \\$\{env:NAME\}" \
	"a note that the file holds the environment's values"
check_err_has "artifact marked 'placeholder'" "a note on the placeholder artifacts"
check "lambda.yml is 0600 (environment values)" test "$(stat -c %a lambda.yml)" = 600
check "no temporary file is left" test "$(files)" = "lambda.yml "
check "the shared values are at the top level" \
	grep -qx -e 'runtime: java21' lambda.yml
check "role and timeout too" sh -c "grep -qx 'role: $ROLE' lambda.yml && grep -qx 'timeout: 30' lambda.yml"
check "jobs' own settings under it" sh -c "grep -qx '    memory: 512' lambda.yml &&
	grep -qx '    architecture: arm64' lambda.yml && grep -qx '    handler: jobs.core::handler' lambda.yml"
check "other's memory (the default) and architecture are left out" \
	test "$(grep -c -e 'memory:' -e 'architecture:' lambda.yml)" -eq 2
check "the tag is there" \
	grep -qx "      team: data" lambda.yml
check "placeholders name NAME.zip, marked" \
	test "$(grep -c "artifact: [a-z]*.zip  # placeholder" lambda.yml)" -eq 2
check "region at the top" grep -qx 'region: us-east-1' lambda.yml

lc validate
check_status 0 "validate accepts it"
check_out_has '^jobs +java21 +512 MB +30 s +arm64' "validate: jobs as deployed"
lc -o json validate
check "validate -o json: the environment's keys, description and tags" \
	jq -e '.functions[0].environment == ["DB_URL","EMPTY","LINES","MODE","PORT","QUOTES","STAR","TEMPLATE","TRICKY"] and
		.functions[0].description == "Nightly jobs: import # not a comment" and
		.functions[0].tags == {team: "data"} and .functions[1].handler == "other.core::handler"' "$OUT"

lc plan --config-only
check_status 0 "plan --config-only: no configuration difference (exit 0)"
check_out_eq "jobs: no changes
other: no changes" "plan --config-only: no changes for either"

# An existing lambda.yml: refused without --force, untouched.
before=$(sha256sum lambda.yml)
proxy_reset
lc init --from other
check_status 1 "init over an existing lambda.yml: refused"
check_err_eq "lambdactl: 'lambda.yml' exists (use --force to overwrite it)" "refused in one line"
check "lambda.yml is unchanged" test "$(sha256sum lambda.yml)" = "$before"
check "no GetFunction was even sent" test "$(proxy_count GET '/2015-03-31/functions/other')" -eq 0
lc init --from other --force
check_status 0 "init --force overwrites"
check "lambda.yml is other's alone now" sh -c "grep -qx '  other:' lambda.yml && ! grep -q jobs lambda.yml"
check "one function: everything under it" grep -qx '    runtime: java21' lambda.yml
check "no environment: mode 0644 (umask 022)" test "$(umask 022; stat -c %a lambda.yml)" = 644

# A missing function: one line, nothing written.
rm lambda.yml
lc init --from jobs nosuch
check_status 1 "a missing function: exit 1"
check_err_eq "lambdactl: nosuch: no such function in us-east-1" "one line naming it"
check "no file written" test "$(files)" = ""

# Usage.
lc init
check_status 2 "init without --from: usage error"
check_err_has "init needs --from NAME" "it says what is missing"
lc init jobs
check_status 2 "init NAME without --from: usage error"
lc init --from
check_status 2 "--from without a value: usage error"

# -f FILE, LAMBDACTL_MANIFEST, -o json.
mkdir sub
lc -f sub/app.yml -o json init --from jobs other
check_status 0 "-f sub/app.yml -o json init"
check "JSON: path, functions, no artifacts" \
	jq -e '. == {path: "sub/app.yml", functions: ["jobs", "other"], artifacts: []}' "$OUT"
check "sub/app.yml written, nothing else" test "$(ls -A sub)" = "app.yml"
lc -f sub/app.yml plan --config-only
check_status 0 "plan --config-only of sub/app.yml: no difference"
LAMBDACTL_MANIFEST=sub/env.yml lc init --from other
check_status 0 "LAMBDACTL_MANIFEST names the file"
check "sub/env.yml written" test -f sub/env.yml
LAMBDACTL_MANIFEST=sub/env.yml lc init --from other
check_status 1 "LAMBDACTL_MANIFEST's file exists: refused"
check_err_eq "lambdactl: 'sub/env.yml' exists (use --force to overwrite it)" "the file named"
rm -rf sub

# --download.  moto's Code.Location is not on this machine: the stub gives
# GetFunction's answer (moto's own), with Location a presigned URL of the
# code in moto's S3 on 127.0.0.1.
ref_aws s3 mb s3://code >/dev/null
ref_aws s3 cp deployed-jobs.zip s3://code/jobs.zip >/dev/null
url=$(ref_aws s3 presign s3://code/jobs.zip)
case $url in
http://127.0.0.1:*) ok "the presigned URL is on 127.0.0.1" ;;
*) echo "Bail out! presigned URL not loopback: $url"; exit 1 ;;
esac
ref_aws lambda get-function --function-name jobs --output json >getfn.json
# stub_getfn JQ: GetFunction of jobs answers moto's, changed by JQ ($u: url).
stub_getfn() {
	stop_stub
	jq --arg u "$url" "{routes: [{method: \"GET\", path: \"^/2015-03-31/functions/jobs\$\",
		responses: [{body: ($1)}]}]}" getfn.json >stub.json
	start_stub stub.json
}
stub_getfn '.Code.Location = $u'
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc init --from jobs --download
check_status 0 "init --download"
size=$(stat -c %s deployed-jobs.zip)
check_out_eq "wrote jobs.zip (the code of jobs, $size bytes)
wrote lambda.yml (jobs)" "it names the zip and lambda.yml"
check "jobs.zip is the deployed zip, byte for byte" cmp jobs.zip deployed-jobs.zip
check "jobs.zip and lambda.yml, no temporary file" test "$(files)" = "jobs.zip lambda.yml "
check "artifact: jobs.zip, no placeholder" \
	sh -c "grep -qx '    artifact: jobs.zip' lambda.yml && ! grep -q placeholder lambda.yml"
check_err_lacks "placeholder" "no note on placeholders"
lc plan
check_status 0 "plan with the code: no changes (exit 0)"
check_out_eq "jobs: no changes" "plan: jobs has no changes, code included"

# An existing zip is refused too, and nothing is fetched.
rm lambda.yml
before=$(stat -c %Y jobs.zip)
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc init --from jobs --download
check_status 1 "an existing jobs.zip: refused"
check_err_eq "lambdactl: 'jobs.zip' exists (use --force to overwrite it)" "jobs.zip named"
check "jobs.zip and nothing else" test "$(files)" = "jobs.zip "
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc init --from jobs --download --force
check_status 0 "--force overwrites jobs.zip"
check "jobs.zip is still the deployed zip" cmp jobs.zip deployed-jobs.zip
rm jobs.zip lambda.yml

# What must leave no file: a CodeSha256 or CodeSize that does not match,
# an HTTP error, a location that is not https (never fetched).
# refused JQ DESC [GLOBAL-OPTIONS...]: with GetFunction's answer changed by
# JQ, init --download exits 1 and leaves no file (the caller checks $ERR).
refused() {
	local prog=$1 desc=$2
	shift 2
	stub_getfn "$prog"
	AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc "$@" init --from jobs --download
	check_status 1 "$desc: refused"
	check "$desc: no file left" test "$(files)" = ""
}
refused '.Code.Location = $u | .Configuration.CodeSha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' \
	"a CodeSha256 mismatch"
check_err_has "^lambdactl: jobs: the code fetched has SHA-256 [A-Za-z0-9+/]{43}=, not the CodeSha256 A{43}= Lambda reports$" \
	"the mismatch named"
refused '.Code.Location = $u | .Configuration.CodeSize += 1' "fewer bytes than CodeSize"
check_err_eq "lambdactl: jobs: the code fetched is $size bytes, not the $((size + 1)) Lambda reports" \
	"the sizes named"
refused '.Code.Location = $u | .Configuration.CodeSize = 1' "more bytes than CodeSize" --debug
check_err_has "^lambdactl: jobs: fetching the code: GET .*: response larger than 1 bytes" "the limit named"
check_err_lacks "Signature=[^<]" "the URL's signature is not shown (--debug either)"
check_err_has "[?&]Signature=<redacted>" "it is redacted"

# The proxy in front of moto answers the code's GET with a 403.
echo '[{"method": "GET", "path": "^/gone/", "status": 403, "body": "<Error><Code>AccessDenied</Code></Error>"}]' >"$PROXY_FAULTS"
proxy_reset
refused ".Code.Location = \"$PROXY_URL/gone/jobs.zip?X-Amz-Signature=abc\"" "HTTP 403 from the code's location"
rm -f "$PROXY_FAULTS"
check_err_has "^lambdactl: jobs: fetching the code: HTTP 403 \(the link GetFunction gives is valid for minutes: try again\)$" \
	"the status named"
check "the code was asked for once" test "$(proxy_count GET '/gone/jobs.zip.*')" -eq 1

for loc in file:///etc/passwd ftp://127.0.0.1/x "http://127.0.0.1@example.invalid/x" \
    "http://127.0.0.1:1@example.invalid/x" "http://localhost.example.invalid/x" \
    "http://example.invalid/x" "127.0.0.1/x"; do
	refused ".Code.Location = \"$loc\"" "Location $loc"
	check_err_eq "lambdactl: jobs: not fetching the code from a location that is not https" \
		"Location $loc: one line"
done
refused 'del(.Code)' "no Code.Location"
check_err_eq "lambdactl: jobs: GetFunction gives no Code.Location to fetch the code from" "no location: one line"

# Interrupted while the code comes (a server sending a byte every 0.2 s):
# the temporary zip goes, nothing is written, exit 128 + the signal.
printf '[{"status": 200, "body": "%s", "trickle": 0.2}]' "$(printf '%0100d' 0)" >slow.json
start_py_server slowcode stub.py slow.json
SLOW_PID=$SERVER_PID
trap 'stop_pid SLOW_PID; stop_proxy; cleanup' EXIT
stub_getfn ".Code.Location = \"$SERVER_URL/code.zip\""
for sig in INT TERM; do
	: >"$TMP/slowcode.log"
	set -m	# a background job keeps SIGINT
	AWS_ENDPOINT_URL_LAMBDA=$STUB_URL "$LAMBDACTL" init --from jobs --download \
		>"$OUT" 2>"$ERR" </dev/null &
	pid=$!
	set +m
	for _ in $(seq 400); do
		[ -s "$TMP/slowcode.log" ] && break
		sleep 0.05
	done
	check "SIG$sig: the temporary zip is there while the code comes" sh -c 'ls .jobs.zip.*'
	kill -"$sig" "$pid"
	wait_bounded "$pid" 10
	check_status $((128 + $(kill -l $sig))) "SIG$sig: exit 128 + the signal"
	check_err_eq "lambdactl: interrupted by SIG$sig: nothing written" "SIG$sig: said in one line"
	check "SIG$sig: no file left" test "$(files)" = ""
done
stop_pid SLOW_PID
stop_stub

# Reserved concurrency (GetFunction's Concurrency), in a directory of its own.
mkdir rc && cd rc || exit 1
check "aws lambda put-function-concurrency other 5" \
	ref_aws lambda put-function-concurrency --function-name other --reserved-concurrent-executions 5
lc init --from other
check_status 0 "init --from other with reserved concurrency"
check "reserved_concurrency: 5 under other" grep -qx '    reserved_concurrency: 5' lambda.yml
if "$LAMBDACTL" validate >/dev/null 2>&1 || ! "$LAMBDACTL" validate 2>&1 | grep -q "unknown key 'reserved_concurrency'"; then
	lc validate
	check_status 0 "validate reads reserved_concurrency"
else
	ok "validate reads reserved_concurrency # SKIP lambda.yml has no reserved_concurrency key yet"
fi
cd .. || exit 1

finish
