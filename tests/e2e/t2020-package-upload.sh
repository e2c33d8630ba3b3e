#!/bin/bash
# package --upload: PutObject and multipart against moto (the AWS CLI as the
# oracle), nothing sent again, every S3 request re-signed by botocore's
# S3SigV4Auth (sigcheck.py), and the failures (no bucket, NoSuchBucket, a
# dropped part retried, a refused part aborted, Ctrl-C aborted) on a stub.
. "$(dirname "$0")/lib.sh"

start_moto
use_env_creds
ref_aws s3api create-bucket --bucket art >/dev/null

# The signature checker's recording proxy in front of moto.
start_py_server sig sigcheck.py proxy "$MOTO_URL"
SIG_PID=$SERVER_PID SIG_LOG=$TMP/sig.log
trap 'stop_pid SIG_PID; cleanup' EXIT
export AWS_ENDPOINT_URL_S3=$SERVER_URL

head -c 3000000 /dev/urandom >small.bin
head -c 20000000 /dev/urandom >big.bin
cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  small:
    runtime: java21
    handler: a.B
    artifact: small.bin
  big:
    runtime: java21
    handler: a.B
    artifact: big.bin
    s3_prefix: builds/
  odd:
    runtime: java21
    handler: a.B
    artifact: "a b+c:ü%.bin"
    s3_prefix: "p a b+c/ü:%/"
YML
cp small.bin "a b+c:ü%.bin"

sig_count() {	# METHOD PATH_RE: logged requests
	jq -s --arg m "$1" --arg p "$2" '[.[] | select(.method == $m and (.path | test($p)))] | length' "$SIG_LOG"
}

# No bucket: a usage error, before anything is built.
lc package --upload small
check_status 2 "no bucket: exit 2"
check_err_has "--s3-bucket BUCKET or 's3_bucket' in lambda.yml" "no bucket: names the flag and the key"
check "no bucket: nothing packaged" test ! -e .lambdactl/small.zip
lc package --s3-bucket art small
check_status 2 "--s3-bucket without --upload: exit 2"
# The flags get lambda.yml's checks, before anything is built.
lc package --upload --s3-bucket Art small
check_status 2 "--s3-bucket not a bucket name: exit 2"
check_err_has "--s3-bucket must be an S3 bucket name" "--s3-bucket: named"
for p in "a/../" "./x/" "/abs/"; do
	lc package --upload --s3-bucket art --s3-prefix "$p" small
	check_status 2 "--s3-prefix '$p': exit 2"
	check_err_has "--s3-prefix must not" "--s3-prefix '$p': named"
done
check "bad flags: nothing packaged" test ! -e .lambdactl/small.zip

lc package --upload --s3-bucket art -o json small big
check_status 0 "upload: exit 0"
small_hex=$(sha256sum .lambdactl/small.zip | cut -c1-64)
big_hex=$(sha256sum .lambdactl/big.zip | cut -c1-64)
small_key=small.bin/$small_hex.zip big_key=builds/big.bin/$big_hex.zip
check "upload: JSON names the keys, both uploaded" test "$(jq -r 'map("\(.s3_bucket) \(.s3_key) \(.uploaded)") | join(",")' "$OUT")" = "art $small_key true,art $big_key true"
for fk in "small $small_key" "big $big_key"; do
	f=.lambdactl/${fk%% *}.zip k=${fk#* }
	ref_aws s3api head-object --bucket art --key "$k" >"$TMP/head.json"
	check "$k: the AWS CLI sees its size" test "$(jq .ContentLength "$TMP/head.json")" = "$(stat -c %s "$f")"
	check "$k: and its sha256 as metadata" test "$(jq -r .Metadata.sha256 "$TMP/head.json")" = "$(sha256sum "$f" | cut -c1-64)"
	ref_aws s3 cp "s3://art/$k" "$TMP/back.zip" >/dev/null
	check "$k: the object's bytes are the zip's" cmp -s "$TMP/back.zip" "$f"
done
ref_aws s3api head-object --bucket art --key "$small_key" --checksum-mode ENABLED >"$TMP/head.json"
check "small: S3's own SHA-256 checksum is the zip's" test "$(jq -r .ChecksumSHA256 "$TMP/head.json")" = "$(openssl dgst -sha256 -binary .lambdactl/small.zip | base64 -w0)"
ref_aws s3api head-object --bucket art --key "$big_key" --checksum-mode ENABLED >"$TMP/head.json"
composite=$(python3 -c '
import base64, hashlib, sys
d = open(sys.argv[1], "rb").read()
p = 8 * 1024 * 1024
parts = [hashlib.sha256(d[i:i + p]).digest() for i in range(0, len(d), p)]
print(base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode() + "-%d" % len(parts))' .lambdactl/big.zip)
# (moto leaves out the "-3" that S3 appends.)
got=$(jq -r .ChecksumSHA256 "$TMP/head.json")
check "big: S3's composite checksum is the parts' SHA-256s" test "${got%-*}" = "${composite%-*}"
check "small: one PutObject, no multipart" test "$(sig_count PUT "^/art/small.bin/.*zip$")" = 1 -a "$(sig_count POST "^/art/small.bin/")" = 0
check "big: CreateMultipartUpload once" test "$(sig_count POST "^/art/builds/big.bin/.*[?]uploads=$")" = 1
check "big: three UploadParts (20 MB in 8 MiB parts)" test "$(sig_count PUT "^/art/builds/big.bin/.*[?]partNumber=[123]&uploadId=")" = 3
check "big: CompleteMultipartUpload once" test "$(sig_count POST "^/art/builds/big.bin/.*[?]uploadId=")" = 1

: >"$SIG_LOG"
lc package --upload --s3-bucket art small big
check_status 0 "second run: exit 0"
check_out_has "^small  s3://art/$small_key  already there$" "second run: small already there"
check_out_has "^big  s3://art/$big_key  already there$" "second run: big already there"
check "second run: HEAD only" test "$(jq -r .method "$SIG_LOG" | sort -u)" = HEAD
# The other runs' requests were checked as they came; this one has all.
lc package --upload --s3-bucket art --s3-prefix again/ small big
check_status 0 "a new prefix uploads again"
# A key S3 must see encoded once: space, '+', ':', '%' and non-ASCII.
: >"$TMP/odd.log"
lc package --upload --s3-bucket art -o json odd
check_status 0 "odd key: exit 0"
odd_key=$(jq -r '.[0].s3_key' "$OUT")
check "odd key: as documented" test "$odd_key" = "p a b+c/ü:%/a b+c:ü%.bin/$(sha256sum .lambdactl/odd.zip | cut -c1-64).zip"
check "odd key: the AWS CLI finds it" ref_aws s3api head-object --bucket art --key "$odd_key"
check "odd key: botocore's S3SigV4Auth agrees" python3 "$E2E_DIR/sigcheck.py" check "$SIG_LOG" us-east-1

# The bucket from lambda.yml (top level), the flag winning over it.
sed 's/^role: lambda-exec$/role: lambda-exec\ns3_bucket: art/' lambda.yml >with-bucket.yml
lc -f with-bucket.yml package --upload small
check_status 0 "s3_bucket from lambda.yml: exit 0"
check_out_has "^small  s3://art/$small_key  already there$" "s3_bucket from lambda.yml: used"
lc -f with-bucket.yml package --upload --s3-bucket nosuch small
check_err_has "s3://nosuch" "--s3-bucket wins over lambda.yml's s3_bucket"
# --endpoint-url is Lambda's: S3 requests never go there.
lc --endpoint-url http://127.0.0.1:9 package --upload --s3-bucket art small
check_status 0 "--endpoint-url: S3 not sent there, exit 0"
check_out_has "^small  s3://art/$small_key  already there$" "--endpoint-url: S3 at AWS_ENDPOINT_URL_S3"

# On a terminal: the progress line, ending at 100%.
pty_run "$TMP/pty.out" "$LAMBDACTL" package --upload --s3-bucket art --s3-prefix tty/ big
check_status 0 "on a terminal: exit 0"
check "on a terminal: progress shown up to 100%" grep -Eq 'big +uploading 19\.1/19\.1 MB  100%' "$TMP/pty.out"
check "on a terminal: and in between, with rate and ETA" grep -Eq 'big +uploading [0-9.]+/19\.1 MB  +[1-9][0-9]?%  [0-9.]+ MB/s  ETA [0-9]+s' "$TMP/pty.out"
check "on a terminal: the line ends done, uploaded" grep -Eq 'big +done: 19\.1 MB, uploaded' "$TMP/pty.out"
check "not on a terminal: no progress" sh -c '! grep -q uploading "$1"' _ "$ERR"

check "every S3 request passes botocore's S3SigV4Auth" python3 "$E2E_DIR/sigcheck.py" check "$SIG_LOG" us-east-1
check "the checker can fail (a wrong secret)" sh -c '! python3 "$1" check "$2" us-east-1 AKIDLAMBDACTLTEST wrong-secret' _ "$E2E_DIR/sigcheck.py" "$SIG_LOG"

lc package --upload --s3-bucket nosuch small
check_status 1 "NoSuchBucket: exit 1"
check "NoSuchBucket: one line" test "$(wc -l <"$ERR")" = 1
check_err_has "s3://nosuch.*NoSuchBucket" "NoSuchBucket: named, with the bucket"

# The stub: multipart answers, with faults per test.
export AWS_ENDPOINT_URL_S3=
mpu_script() {	# PART2_STEPS [HEAD_STEPS [DELETE_STEPS]]: the stub's script
	local head='[{"status": 404}]' del='[{"status": 204}]'
	[ -n "${2:-}" ] && head=$2
	[ -n "${3:-}" ] && del=$3
	cat <<JSON
{"routes": [
 {"method": "HEAD", "responses": $head},
 {"method": "POST", "path": "[?]uploads=", "responses": [{"body": "<InitiateMultipartUploadResult><UploadId>up/1+x</UploadId></InitiateMultipartUploadResult>"}]},
 {"method": "PUT", "path": "partNumber=2&", "responses": $1},
 {"method": "PUT", "responses": [{"headers": {"ETag": "\"e\""}}]},
 {"method": "POST", "path": "[?]uploadId=", "responses": [{"body": "<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>"}]},
 {"method": "DELETE", "responses": $del}]}
JSON
}
# stub_upload NAME PART2_STEPS FUNCTION [HEAD_STEPS]: package --upload on
# the stub.
stub_upload() {
	stop_stub
	mpu_script "$2" "${4:-}" >"$TMP/$1.json"
	start_stub "$TMP/$1.json"
	export AWS_ENDPOINT_URL_S3=$STUB_URL
	lc package --upload --s3-bucket art "$3"
}
stub_count() { jq -s --arg m "$1" --arg p "$2" '[.[] | select(.method == $m and (.path | test($p)))] | length' "$STUB_LOG"; }

stub_upload drop '[{"drop": true}, {"headers": {"ETag": "\"e2\""}}]' big
check_status 0 "a part dropped mid-way: retried, exit 0"
check "dropped part: sent twice" test "$(stub_count PUT 'partNumber=2&uploadId=up%2F1%2Bx$')" = 2
check "dropped part: completed, not aborted" test "$(stub_count POST 'uploadId=up%2F1%2Bx$')" = 1 -a "$(stub_count DELETE .)" = 0

stub_upload deny '[{"status": 403, "body": "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}]' big
check_status 1 "a refused part: exit 1"
check_err_has "AccessDenied" "a refused part: AccessDenied named"
check "a refused part: AbortMultipartUpload sent" test "$(stub_count DELETE 'uploadId=up%2F1%2Bx$')" = 1
check "a refused part: not completed" test "$(stub_count POST '[?]uploadId=')" = 0

# HeadObject 404 in the bucket's own region, and 403 (no s3:ListBucket):
# not known to be there, so the PUT goes and tells.
stub_upload head404 '[]' small '[{"status": 404, "headers": {"x-amz-bucket-region": "us-east-1"}}]'
check_status 0 "HEAD 404 naming our region: uploaded, exit 0"
check "HEAD 404 naming our region: one PutObject" test "$(stub_count PUT .)" = 1
stub_upload head403 '[]' small '[{"status": 403}]'
check_status 0 "HEAD 403: uploaded all the same, exit 0"
check "HEAD 403: one PutObject" test "$(stub_count PUT .)" = 1
stop_stub
cat >"$TMP/deny2.json" <<'JSON'
{"routes": [{"method": "HEAD", "responses": [{"status": 403}]},
 {"method": "PUT", "responses": [{"status": 403, "body": "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}]}]}
JSON
start_stub "$TMP/deny2.json"
export AWS_ENDPOINT_URL_S3=$STUB_URL
lc package --upload --s3-bucket art small
check_status 1 "HEAD 403 and PUT 403: exit 1"
check_err_has "s3://art.*PutObject: AccessDenied" "HEAD 403 and PUT 403: AccessDenied from the PUT"

# ctrl_c_upload SCRIPT ARG...: lambdactl ARG... in the background on a stub
# playing SCRIPT, SIGINT once part 2 is being sent; sets pid.
ctrl_c_upload() {
	local script=$1 i
	shift
	start_stub "$script"
	export AWS_ENDPOINT_URL_S3=$STUB_URL
	set -m
	"$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" </dev/null &
	pid=$!
	set +m
	for i in $(seq 600); do
		[ "$(stub_count PUT 'partNumber=2&')" = 1 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
}

# A signal stops the loop even after an earlier function failed: exit 130,
# the next function not started.
cat >loop.yml <<'YML'
role: lambda-exec
functions:
  broken:
    runtime: java21
    handler: a.B
    artifact: missing.bin
  big:
    runtime: java21
    handler: a.B
    artifact: big.bin
  small:
    runtime: java21
    handler: a.B
    artifact: small.bin
YML
stop_stub
mpu_script '[{"delay": 60, "headers": {"ETag": "\"e2\""}}]' >"$TMP/slow.json"
ctrl_c_upload "$TMP/slow.json" -f loop.yml package --upload --s3-bucket art
wait_bounded "$pid" 30
check_status 130 "Ctrl-C after an earlier failure: exit 130"
check_err_has "broken" "Ctrl-C after an earlier failure: that failure said"
check "Ctrl-C after an earlier failure: the next function not started" test "$(stub_count HEAD 'small.bin')" = 0

# A refused part cancels the parts in flight (here held 20 s by S3).
stop_stub
mpu_script '[{"status": 403, "body": "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}]' | sed 's/{"method": "PUT", "responses": \[{"headers"/{"method": "PUT", "responses": [{"delay": 20, "headers"/' >"$TMP/cancel.json"
grep -q '"delay": 20' "$TMP/cancel.json" || echo "Bail out! cancel.json"
start_stub "$TMP/cancel.json"
export AWS_ENDPOINT_URL_S3=$STUB_URL
t0=$SECONDS
lc package --upload --s3-bucket art big
check_status 1 "a refused part, others slow: exit 1"
check "a refused part: the others cancelled, over in under 10 s ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 10
check_err_has "AccessDenied" "a refused part, others slow: AccessDenied named"
check "a refused part, others slow: AbortMultipartUpload sent" test "$(stub_count DELETE 'uploadId=')" = 1

stub_upload region '[]' small '[{"status": 301, "headers": {"x-amz-bucket-region": "eu-west-3"}}]'
check_status 3 "a bucket in another region: exit 3"
check_err_has "bucket 'art' is in region eu-west-3, not us-east-1" "another region: both named"

stop_stub
ctrl_c_upload "$TMP/slow.json" package --upload --s3-bucket art big
wait_bounded "$pid" 30
check_status 130 "Ctrl-C during a part: exit 130"
check_err_has "interrupted" "Ctrl-C: says interrupted"
check "Ctrl-C: AbortMultipartUpload sent" test "$(stub_count DELETE 'uploadId=up%2F1%2Bx$')" = 1
check "Ctrl-C: not completed" test "$(stub_count POST '[?]uploadId=')" = 0
stop_stub

# An AbortMultipartUpload that hangs: its own short limit, 2 attempts.
mpu_script '[{"delay": 60, "headers": {"ETag": "\"e2\""}}]' '' '[{"delay": 60, "status": 204}]' >"$TMP/slow.json"
ctrl_c_upload "$TMP/slow.json" package --upload --s3-bucket art big
t0=$SECONDS
wait_bounded "$pid" 40
check_status 130 "Ctrl-C, Abort hanging: exit 130"
check "Ctrl-C, Abort hanging: over within 15 s ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 15
check "Ctrl-C, Abort hanging: tried twice" test "$(stub_count DELETE 'uploadId=')" = 2
check_err_has "AbortMultipartUpload failed" "Ctrl-C, Abort hanging: says the abort failed"
stop_stub
# A second Ctrl-C while the abort waits kills at once.
ctrl_c_upload "$TMP/slow.json" package --upload --s3-bucket art big
for i in $(seq 600); do
	[ "$(stub_count DELETE 'uploadId=')" = 1 ] && break
	sleep 0.05
done
t0=$SECONDS
kill -INT "$pid"
wait_bounded "$pid" 40
check_status 130 "a second Ctrl-C: killed (130)"
check "a second Ctrl-C: at once ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 3
stop_stub

finish
