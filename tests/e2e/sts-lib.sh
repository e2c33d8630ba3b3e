# tests/e2e/sts-lib.sh - sourced after lib.sh by the STS credential tests
# (t0054, t0055): moto with its request recording on, and what the tests
# read in it and in ~/.aws/cli/cache.
#
#   start_sts_moto        moto recording every request into $REC
#   rec_reset             empties the recording
#   rec_calls             "ACTION KEY" a line: the access key that signed, "-"
#                         for an unsigned request
#   rec_count ACTION      how many ACTION requests
#   rec_body ACTION       the form bodies of the ACTION requests
#   cache_file KEY_JSON   the cache file the AWS CLI names after KEY_JSON
#   aws_arn ARGS...       the ARN `aws sts get-caller-identity ARGS` reports
#   stub_sts JSON ARGS... runs `lambdactl whoami ARGS` with STS a stub.py
#                         answering the script JSON

REC=$TMP/moto-rec.jsonl
CACHE=$HOME/.aws/cli/cache

start_sts_moto() {
	start_moto MOTO_ENABLE_RECORDING=1 MOTO_RECORDER_FILEPATH="$REC"
}
rec_reset() { : >"$REC"; }
rec_calls() {
	jq -r 'select(.body_encoded) | ((.body | @base64d | capture("Action=(?<a>[A-Za-z]+)").a) + " " +
		((.headers.Authorization // "-") | capture("^(AWS4-HMAC-SHA256 Credential=)?(?<k>[^/]*)").k))' "$REC"
}
rec_count() { rec_calls | grep -c "^$1 "; }
rec_body() { jq -r --arg a "$1" 'select(.body_encoded) | .body | @base64d | select(test("Action=" + $a + "&"))' "$REC"; }
cache_file() { echo "$CACHE/$(printf '%s' "$1" | sha1sum | cut -d' ' -f1).json"; }
aws_arn() { aws sts get-caller-identity --output text --query Arn "$@" 2>"$TMP/aws.err"; }
stub_sts() {
	printf '%s' "$1" >"$TMP/stub.json"
	shift
	start_stub "$TMP/stub.json"
	AWS_ENDPOINT_URL_STS=$STUB_URL lc whoami "$@"
	stop_stub
}
