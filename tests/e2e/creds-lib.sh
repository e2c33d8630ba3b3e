# tests/e2e/creds-lib.sh - sourced after lib.sh by the credential tests
# (t0054-t0059, t0063): moto recording every request, which shows the
# access key that signed each call (lambdactl's and the AWS CLI's, told
# apart by User-Agent), the AWS CLI as the oracle, the caches' file names,
# and the check that nothing secret was shown.
#
#   start_moto_rec        moto recording every request into $MOTO_REC, STS
#                         at it (AWS_ENDPOINT_URL_STS) for both tools
#   creds_env             region us-east-1 for both tools, AWS_CONFIG_FILE
#                         and AWS_SHARED_CREDENTIALS_FILE at $TMP/aws-config,
#                         $TMP/aws-credentials (absent until written)
#   rec_reset             forget what moto recorded so far
# The rec_ readers take an optional AGENT, a User-Agent prefix
# ("lambdactl/", "aws-cli/"): only the requests of that client.
#   rec_calls [AGENT]     "ACTION KEY" a line, in order: ACTION the query
#                         API's Action (else METHOD:PATH), KEY the access key
#                         that signed ("-": unsigned)
#   rec_keys [AGENT]      the KEYs in order, on one line: "K1 K2 "
#   rec_signers [AGENT]   the distinct KEYs, sorted: "K1 K2 "
#   rec_count ACTION [KEY]  how many ACTION requests (signed by KEY)
#   rec_body ACTION       the form bodies of the ACTION requests
#   cache_file DIR KEY    DIR/<sha1 of KEY>.json, the name the AWS CLI
#                         gives a cache entry; DIR $CLI_CACHE (assume-role,
#                         web identity) or $SSO_CACHE (tokens, registrations)
#   keep_output           appends the last lc's stdout and stderr to $SHOWN
#   check_no_secret DESC SECRET...  one check: no SECRET (a fixed string) in
#                         the last lc's stdout or stderr, nor in $SHOWN
#   aws_identity ARGS...  `aws sts get-caller-identity ARGS` as JSON (its
#                         stderr in $TMP/aws.err)
#   aws_arn ARGS...       the ARN it reports (a message if it failed)
#   check_oracle SOURCE [WRAPPER...]  the AWS CLI and then 'lambdactl
#                         whoami' (each run through WRAPPER) report ROLE_ARN,
#                         lambdactl with source SOURCE and its only call to
#                         moto a GetCallerIdentity signed with ROLE_AK;
#                         credstub's log then holds lambdactl's requests only
#   moto_role_creds ROLE  temporary credentials of ROLE from moto's
#                         AssumeRole: ROLE_AK ROLE_SK ROLE_TOK ROLE_ARN
#                         (moto's GetCallerIdentity then names the role: the
#                         ARN shows which key signed)
#   stub_sts JSON ARGS... runs `lambdactl whoami ARGS` with STS a stub.py
#                         answering the script JSON
#   lc_timed ARGS...      lc, setting $elapsed (seconds, fractional)
#   check_faster SECS DESC  the last lc_timed took less than SECS

MOTO_REC=$TMP/moto-rec.jsonl
SHOWN=$TMP/shown
CLI_CACHE=$HOME/.aws/cli/cache
SSO_CACHE=$HOME/.aws/sso/cache

start_moto_rec() {
	start_moto MOTO_ENABLE_RECORDING=1 MOTO_RECORDER_FILEPATH="$MOTO_REC"
	export AWS_ENDPOINT_URL_STS=$MOTO_URL
}

creds_env() {
	# AWS_DEFAULT_REGION for the AWS CLI v1, which ignores AWS_REGION.
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
	export AWS_CONFIG_FILE=$TMP/aws-config AWS_SHARED_CREDENTIALS_FILE=$TMP/aws-credentials
}

rec_reset() { : >"$MOTO_REC"; }

# moto writes a request's line before it answers: once a client has its
# answer, the request is in the file.
rec_calls() {
	[ -s "$MOTO_REC" ] || return 0
	jq -r --arg ua "${1:-}" '
		select((.url | test("^[a-z]+://[^/]*/moto-api/") | not) and
			(.headers["User-Agent"] // "" | startswith($ua))) |
		(if .body_encoded then .body | @base64d else .body // "" end) as $b |
		(($b | capture("(^|&)Action=(?<a>[A-Za-z0-9]+)").a) //
			(.method + ":" + (.url | sub("^[a-z]+://[^/]*"; "") | sub("[?].*"; "")))) + " " +
		((.headers.Authorization // "" | capture("Credential=(?<k>[^/]+)/").k) // "-")' "$MOTO_REC"
}
rec_keys() { rec_calls "$@" | awk '{ printf "%s ", $NF }'; }
rec_signers() { rec_calls "$@" | awk '{ print $NF }' | sort -u | tr '\n' ' '; }
rec_count() { rec_calls | awk -v a="$1" -v k="${2:-}" '$1 == a && (k == "" || $2 == k) { n++ } END { print n + 0 }'; }
rec_body() {
	[ -s "$MOTO_REC" ] || return 0
	jq -r --arg a "$1" 'select(.body_encoded) | .body | @base64d | select(test("(^|&)Action=" + $a + "&"))' "$MOTO_REC"
}

cache_file() { printf '%s/%s.json\n' "$1" "$(printf '%s' "$2" | sha1sum | cut -c1-40)"; }

keep_output() { cat "$OUT" "$ERR" >>"$SHOWN"; }
check_no_secret() {
	local desc=$1 s files=("$OUT" "$ERR")
	shift
	[ $# -gt 0 ] || { not_ok "$desc" "no secret given to look for"; return; }
	[ -e "$SHOWN" ] && files+=("$SHOWN")
	for s in "$@"; do
		if [ -z "$s" ] || grep -qF -- "$s" "${files[@]}" 2>/dev/null; then
			not_ok "$desc" "a secret is shown (or empty): '${s:0:6}...'"
			return
		fi
	done
	ok "$desc"
}

aws_identity() { aws sts get-caller-identity --output json "$@" 2>"$TMP/aws.err"; }
aws_arn() {
	local id
	if id=$(aws_identity "$@"); then jq -r .Arn <<<"$id"
	else echo "(the AWS CLI failed: $(tail -1 "$TMP/aws.err"))"; fi
}

check_oracle() {
	local src=$1 ref
	shift
	ref=$("$@" aws_identity)
	[ -n "$ref" ] || echo "# aws: $(tail -3 "$TMP/aws.err")"
	check "aws CLI: $src credentials give $ROLE_ARN" test "$(jq -r .Arn <<<"$ref")" = "$ROLE_ARN"
	: >"$CREDSTUB_LOG"
	rec_reset
	"$@" lc -o json whoami
	check_status 0 "whoami with $src credentials"
	check "whoami reports the aws CLI's ARN and account, source $src" \
		jq -e --arg a "$ROLE_ARN" --arg c "$(jq -r .Account <<<"$ref")" --arg s "$src" \
		'.arn == $a and .account == $c and .credential_source == $s' "$OUT"
	check "moto saw lambdactl's call signed with the key $src handed out" \
		test "$(rec_calls lambdactl/)" = "GetCallerIdentity $ROLE_AK"
}

moto_role_creds() {
	local out
	out=$(AWS_ACCESS_KEY_ID=AKIDMOTOSETUP AWS_SECRET_ACCESS_KEY=moto-setup-secret \
		aws --endpoint-url "$MOTO_URL" --region us-east-1 --output json \
		sts assume-role --role-arn "arn:aws:iam::123456789012:role/$1" \
		--role-session-name "$1-session") || { echo "Bail out! moto AssumeRole failed"; exit 1; }
	ROLE_AK=$(jq -r .Credentials.AccessKeyId <<<"$out")
	ROLE_SK=$(jq -r .Credentials.SecretAccessKey <<<"$out")
	ROLE_TOK=$(jq -r .Credentials.SessionToken <<<"$out")
	ROLE_ARN=$(jq -r .AssumedRoleUser.Arn <<<"$out")
}

stub_sts() {
	printf '%s' "$1" >"$TMP/stub.json"
	shift
	start_stub "$TMP/stub.json"
	AWS_ENDPOINT_URL_STS=$STUB_URL lc whoami "$@"
	stop_stub
}

lc_timed() {
	local t0=$EPOCHREALTIME
	lc "$@"
	elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}
check_faster() {
	if awk -v e="$elapsed" -v m="$1" 'BEGIN { exit !(e < m) }'; then ok "$2 (${elapsed} s)"
	else not_ok "$2" "took $elapsed s, expected under $1 s"; fi
}
