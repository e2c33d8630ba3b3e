#!/bin/bash
# The examples, invoked locally on the example events: each returns the
# JSON its README promises; errors exit 4 with their errorType.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$TMP
# A copy: hello-c builds its bootstrap where it lives.
cp -r "$SRC_DIR/examples" ex
EV=ex/events

for e in s3-put scheduled apigw-proxy; do
	lc -f ex/hello-sh/lambda.yml invoke --local hello-sh --payload "$EV/$e.json"
	check_status 0 "hello-sh on $e exits 0"
	check "hello-sh on $e returns the event inside its greeting" \
		test "$(jq -cS . "$OUT")" = "$(jq -cS '{message: "hello from sh", input: .}' "$EV/$e.json")"
done
lc -f ex/hello-sh/lambda.yml invoke --local hello-sh --payload '{"fail": true}'
check_status 4 "hello-sh asked to fail exits 4"
check_err_eq "lambdactl: hello-sh: function error (Unhandled): HelloError: asked to fail" "hello-sh's errorType and message"

lc -f ex/hello-c/lambda.yml invoke --local hello-c --payload "$EV/s3-put.json" --log
check_status 0 "hello-c builds and runs on the S3 put event"
check_err_has "^lambdactl: hello-c: running 'make'$" "hello-c's build command ran"
check_out_eq '{"bucket":"acme-data-lake","key":"events/dt=2026-11-21/part-0001.parquet","size":1048576,"partition":"dt=2026-11-21"}' \
	"hello-c computes the data-lake partition of the S3 object"
check_err_has '^REPORT RequestId: ' "--log shows hello-c's REPORT line"
lc -f ex/hello-c/lambda.yml invoke --local --no-build hello-c --payload "$EV/scheduled.json"
check "hello-c on a scheduled event lists its keys" \
	jq -e '.message == "hello from C" and (.received | index("detail-type")) != null' "$OUT"
lc -f ex/hello-c/lambda.yml invoke --local --no-build hello-c --payload "$EV/apigw-proxy.json"
check "hello-c on an API Gateway event lists its keys" \
	jq -e '.received | index("httpMethod") != null and index("requestContext") != null' "$OUT"
lc -f ex/hello-c/lambda.yml invoke --local --no-build hello-c --payload '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {}}}]}'
check_status 4 "hello-c on an S3 event without bucket or key exits 4"
check_err_has "^lambdactl: hello-c: function error \(Unhandled\): InvalidEvent: " "hello-c names the InvalidEvent error"

finish
