#!/bin/bash
# Code through S3 (lambda.yml's s3_bucket): deploy puts the zip in the
# bucket under PREFIX ARTIFACT/SHA256.zip and Lambda takes it from there (the
# aws CLI as the oracle); a redeploy with nothing changed sends nothing to
# S3 nor Lambda; an object already there is not uploaded again (HEAD); under
# -j two functions shipping the same artifact upload it once; the progress
# bar sums uploads in flight, on a terminal only; plan
# says where the code comes from; without s3_bucket a zip over Lambda's
# direct limit is refused before any request; NoSuchKey at CreateFunction
# (a stub: moto accepts a missing key) and a missing bucket are one line.
. "$(dirname "$0")/lib.sh"
start_lambda_env
export AWS_ENDPOINT_URL_S3=$PROXY_URL
ref_aws s3api create-bucket --bucket artifacts >/dev/null

pkg_hex() { openssl dgst -sha256 -r ".lambdactl/$1.zip" | cut -d' ' -f1; }
pkg_b64() { openssl dgst -sha256 -binary ".lambdactl/$1.zip" | base64 -w0; }
ref_sha() { ref_aws lambda get-function --function-name "$1" --query Configuration.CodeSha256 --output text; }
s3_count() { proxy_count "$1" "/artifacts${2:-.*}"; }	# METHOD [PATH_RE]

provided_manifest lambda-exec <<'YML'
  app: {}
  twin: {}
YML
sed -i '1i s3_bucket: artifacts\ns3_prefix: "builds/"' lambda.yml

# Plan first: nothing exists, code would go through S3.
lc plan app
check_status 5 "plan of a new function through S3 reports changes"
# Keyed by the artifact's file name (target/bootstrap) and the zip's hash.
KEY="builds/bootstrap/$(pkg_hex app).zip"
check_out_has "^  code via s3://artifacts/$KEY\$" "plan shows 'code via s3://artifacts/$KEY'"
check "plan sent nothing to S3" test "$(s3_count '.*')" -eq 0

proxy_reset
lc deploy app
check_status 0 "deploy with s3_bucket creates app"
check_out_eq "app: created" "deploy reports the creation"
check "the object is in the bucket (aws s3api head-object)" \
	ref_aws s3api head-object --bucket artifacts --key "$KEY"
check "deployed CodeSha256 equals package's" test "$(ref_sha app)" = "$(pkg_b64 app)"
check "one upload to S3 (PUT or multipart)" test "$(s3_count 'PUT|POST')" -ge 1
check "CreateFunction sent no ZipFile: the request body is small" \
	test "$(jq -s '[.[] | select(.method == "POST" and .path == "/2015-03-31/functions")][0].body_len' "$PROXY_LOG")" -lt 10000

# Nothing changed: nothing to S3, nothing written to Lambda.
proxy_reset
lc deploy app
check_status 0 "redeploy with nothing changed"
check_out_eq "app: unchanged" "redeploy reports unchanged"
check "redeploy sent no S3 request" test "$(s3_count '.*')" -eq 0
check "redeploy wrote nothing" test "$(proxy_writes)" -eq 0

# The object already there (the function deleted and deployed again, as
# another region or account deploying the same build would): one HEAD, no
# upload, and the create.
ref_aws lambda delete-function --function-name app >/dev/null
proxy_reset
lc deploy app
check_status 0 "deploy app again once deleted"
check "the object already there: a HEAD and no upload" \
	test "$(s3_count HEAD)" -ge 1 -a "$(s3_count 'PUT|POST')" -eq 0
check "...and Lambda got its create" test "$(proxy_count POST /2015-03-31/functions)" -eq 1
check "...from the same object: CodeSha256 equals package's" test "$(ref_sha app)" = "$(pkg_b64 app)"

# A second function shipping the same artifact: the same object, no upload.
proxy_reset
lc deploy twin
check_status 0 "deploy a second function with the same artifact"
check "the second function uploaded nothing (HEAD only)" \
	test "$(s3_count HEAD)" -ge 1 -a "$(s3_count 'PUT|POST')" -eq 0
check "...and runs the same code" test "$(ref_sha twin)" = "$(pkg_b64 app)"

# Under -j, two functions shipping the same (new) artifact at once: one
# upload (a multipart one here), the other function waits for it and sends
# nothing to S3, not even a HEAD.
mkdir -p shared
head -c 17000000 /dev/urandom >shared/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
s3_bucket: artifacts
s3_prefix: j4/
functions:
  one: { artifact: shared/bootstrap }
  two: { artifact: shared/bootstrap }
YML
proxy_reset
lc deploy -j 4 one two
check_status 0 "-j 4, one artifact for two functions: both deployed"
check "-j 4: one HEAD for the two functions ($(s3_count HEAD))" test "$(s3_count HEAD)" -eq 1
check "-j 4: one CreateMultipartUpload ($(s3_count POST '/.*[?]uploads='))" test "$(s3_count POST '/.*[?]uploads=')" -eq 1
check "-j 4: each of the 3 parts sent once ($(s3_count PUT '/.*[?]partNumber=.*'))" test "$(s3_count PUT '/.*[?]partNumber=.*')" -eq 3
check "-j 4: no PutObject beside the parts" test "$(s3_count PUT '/[^?]*')" -eq 0
check "-j 4: both run the package's code" test "$(ref_sha one)" = "$(pkg_b64 one)" -a "$(ref_sha two)" = "$(pkg_b64 one)"
# The upload failing: the function that waited tries once itself, and each
# reports its own error.
head -c 100000 /dev/urandom >shared/bootstrap
cat >deny.json <<'JSON'
{"routes": [{"method": "HEAD", "responses": [{"status": 404}]},
 {"method": "PUT", "responses": [{"delay": 1, "status": 403, "body": "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}]}]}
JSON
start_stub deny.json
AWS_ENDPOINT_URL_S3=$STUB_URL lc deploy -j 4 one two
check_status 1 "-j 4, the shared upload refused: exit 1"
check_err_has "^lambdactl: one: .*AccessDenied" "-j 4, refused: one says AccessDenied"
check_err_has "^lambdactl: two: .*AccessDenied" "-j 4, refused: two says AccessDenied"
check "-j 4, refused: one PUT each, one after the other" test "$(jq -s '[.[] | select(.method == "PUT")] | length' "$STUB_LOG")" -eq 2
stop_stub
rm -rf shared

# The progress board: on a terminal, a line per function showing its
# upload, here two at once (S3 holds each PUT 2 s); never when stderr is
# not a terminal.
mkdir -p pa pb
head -c 3000000 /dev/urandom >pa/bootstrap
head -c 3000000 /dev/urandom >pb/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
s3_bucket: artifacts
functions:
  p1: { artifact: pa/bootstrap }
  p2: { artifact: pb/bootstrap }
  q1: { artifact: pa/bootstrap }
  q2: { artifact: pb/bootstrap }
YML
cat >slow-put.json <<'JSON'
{"routes": [{"method": "HEAD", "responses": [{"status": 404}]},
 {"method": "PUT", "responses": [{"delay": 2, "headers": {"ETag": "\"e\""}}]}]}
JSON
start_stub slow-put.json
AWS_ENDPOINT_URL_S3=$STUB_URL lc deploy -j 2 q1 q2
check "not on a terminal: two uploads went ($(jq -s '[.[] | select(.method == "PUT")] | length' "$STUB_LOG"))" test "$(jq -s '[.[] | select(.method == "PUT")] | length' "$STUB_LOG")" -eq 2
check_err_lacks "uploading|MB/s" "not on a terminal: no progress bar"
: >"$STUB_LOG"
AWS_ENDPOINT_URL_S3=$STUB_URL pty_run "$TMP/pty.out" "$LAMBDACTL" deploy -j 2 p1 p2
check "on a terminal: two uploads went" test "$(jq -s '[.[] | select(.method == "PUT")] | length' "$STUB_LOG")" -eq 2
for f in p1 p2; do
	check "on a terminal: $f's line, with rate and ETA" grep -Eq "$f +uploading [0-9.]+/[0-9.]+ MB +[0-9]+%  [0-9.]+ MB/s  ETA [0-9]+s" "$TMP/pty.out"
	check "on a terminal: $f's upload, up to 100%" grep -Eq "$f +uploading ([0-9.]+)/\\1 MB  100%" "$TMP/pty.out"
	check "on a terminal: $f's total over 2.8 MB" grep -Eq "$f +uploading [0-9.]+/(2\\.[89]|3\\.[0-9]) MB" "$TMP/pty.out"
done
stop_stub
rm -rf pa pb

# Without s3_bucket, over the direct limit: exit 3 before any request.
mkdir -p big
head -c 53000000 /dev/urandom >big/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  big: { artifact: big/bootstrap }
YML
proxy_reset
for cmd in plan deploy new update; do
	lc $cmd big
	check_status 3 "$cmd: a 53 MB incompressible zip without s3_bucket is refused"
	check_err_has "^lambdactl: function 'big': zip is 50\.[0-9] MB \([0-9]+ bytes\), over Lambda's limit of 52428800 bytes for code sent in the request; set 's3_bucket' to deploy it through S3$" \
		"$cmd: one line naming the function, size, limit and s3_bucket"
	check "$cmd: $(wc -l <"$ERR") line(s) on stderr, one wanted" test "$(wc -l <"$ERR")" -eq 1
done
check "the refusals sent no request" test "$(jq -s length "$PROXY_LOG")" -eq 0
rm -rf big .lambdactl/big.zip

# A missing bucket: one line, exit 1.
provided_manifest lambda-exec <<'YML'
  nob: { s3_bucket: no-such-bucket }
YML
lc deploy nob
check_status 1 "a missing bucket fails with exit 1"
check_err_has "no-such-bucket" "the message names the bucket"
check_err_has "NoSuchBucket|does not exist" "the message says it does not exist"
check "one line on stderr" test "$(wc -l <"$ERR")" -eq 1
check "no CreateFunction was sent" test "$(proxy_count POST /2015-03-31/functions)" -eq 0

# NoSuchKey at CreateFunction time: Lambda's answer (moto accepts a missing
# key, so a stub plays Lambda; S3 stays moto, through the proxy).
cat >stub.json <<'JSON'
{"routes": [
 {"method": "GET", "path": "^/2015-03-31/functions/", "responses": [{"status": 404, "headers": {"x-amzn-ErrorType": "ResourceNotFoundException"}, "body": {"Type": "User", "message": "Function not found"}}]},
 {"method": "POST", "path": "^/2015-03-31/functions$", "responses": [{"status": 400, "headers": {"x-amzn-ErrorType": "InvalidParameterValueException"}, "body": {"Type": "User", "message": "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."}}]}
]}
JSON
start_stub stub.json
provided_manifest lambda-exec <<'YML'
  gone: { s3_bucket: artifacts }
YML
AWS_ENDPOINT_URL_LAMBDA=$STUB_URL lc deploy gone
check_status 1 "NoSuchKey at CreateFunction fails with exit 1"
check_err_has "^lambdactl: gone: CreateFunction: .*NoSuchKey" "one line naming the function, the call and NoSuchKey"
check "one line on stderr" test "$(wc -l <"$ERR")" -eq 1
stop_stub

# Someone else's object under our key (same size, our sha256 metadata):
# HEAD says "there", but the deployed CodeSha256 is not the package's.
provided_manifest lambda-exec <<'YML'
  imp: { s3_bucket: artifacts }
YML
printf '#!/bin/sh\necho imposter test\n' >target/bootstrap
lc package imp
check_status 0 "imp: packaged"
IKEY="bootstrap/$(pkg_hex imp).zip"
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 3] ^= 0x20
open(sys.argv[2], "wb").write(d)' .lambdactl/imp.zip imposter.zip
ref_aws s3api put-object --bucket artifacts --key "$IKEY" --body imposter.zip --metadata "sha256=$(pkg_hex imp)" >/dev/null
lc deploy imp
check_status 1 "another object under our key: exit 1"
check_err_has "s3://artifacts/$IKEY: Lambda deployed code with CodeSha256 .*, not the package's $(pkg_b64 imp)" "another object under our key: named"
check "another object under our key: one line" test "$(wc -l <"$ERR")" -eq 1

# SIGTERM during the upload: aborted, exit 143 (130 is SIGINT's).
cat >slow-s3.json <<'JSON'
{"routes": [{"method": "HEAD", "responses": [{"status": 404}]},
 {"method": "PUT", "responses": [{"delay": 60, "headers": {"ETag": "\"e\""}}]}]}
JSON
start_stub slow-s3.json
provided_manifest lambda-exec <<'YML'
  term: { s3_bucket: artifacts }
YML
AWS_ENDPOINT_URL_S3=$STUB_URL "$LAMBDACTL" deploy term >"$OUT" 2>"$ERR" </dev/null &
pid=$!
for i in $(seq 600); do
	[ "$(jq -s '[.[] | select(.method == "PUT")] | length' "$STUB_LOG")" = 1 ] && break
	sleep 0.05
done
kill -TERM "$pid"
wait_bounded "$pid" 30
check_status 143 "SIGTERM during deploy's upload: exit 143"
ref_aws lambda get-function --function-name term >/dev/null 2>&1
check "SIGTERM: no function created" test $? -ne 0
stop_stub

finish
