# tests/e2e/creds-meta-lib.sh - sourced after lib.sh by the tests of the
# container and IMDS credential providers and of refreshing (t0058, t0059,
# t0063).
#
#   meta_setup            moto recording every request's headers
#                         ($MOTO_REC), STS at moto, region, no config files
#   moto_role_creds ROLE  temporary credentials of ROLE from moto's
#                         AssumeRole: ROLE_AK ROLE_SK ROLE_TOK ROLE_ARN
#                         (moto's GetCallerIdentity then names the role: the
#                         ARN shows which key signed)
#   lc_timed ARGS...      lc, setting $elapsed (seconds, fractional)
#   check_faster SECS DESC  the last lc_timed took less than SECS
#   signed_by AKID        lambdactl's requests moto recorded signed with AKID
#   moto_rec_reset        forget what moto recorded so far
#   check_no_secret DESC SECRET...  stderr shows none of them
#   check_oracle SOURCE [WRAPPER...]  the aws CLI and then 'lambdactl
#                         whoami' (each run through WRAPPER) report ROLE_ARN,
#                         lambdactl with source SOURCE and its one STS call
#                         signed with ROLE_AK; credstub's log then holds
#                         lambdactl's requests only

meta_setup() {
	MOTO_REC=$TMP/moto-rec.jsonl
	start_moto MOTO_ENABLE_RECORDING=1 MOTO_RECORDER_FILEPATH="$MOTO_REC"
	# AWS_DEFAULT_REGION for the aws CLI v1, which ignores AWS_REGION.
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL_STS=$MOTO_URL
	export AWS_CONFIG_FILE=$TMP/no-config AWS_SHARED_CREDENTIALS_FILE=$TMP/no-credentials
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

lc_timed() {
	local t0=$EPOCHREALTIME
	lc "$@"
	elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}

check_faster() {
	if awk -v e="$elapsed" -v m="$1" 'BEGIN { exit !(e < m) }'; then ok "$2 (${elapsed} s)"
	else not_ok "$2" "took $elapsed s, expected under $1 s"; fi
}

signed_by() {
	[ -s "$MOTO_REC" ] || { echo 0; return; }
	jq -s --arg k "$1" '[.[] | select((.headers["User-Agent"] // "" | startswith("lambdactl/"))
		and (.headers.Authorization // "" | contains("Credential=" + $k + "/")))] | length' "$MOTO_REC"
}

moto_rec_reset() { : >"$MOTO_REC"; }

check_no_secret() {
	local desc=$1 s
	shift
	for s in "$@"; do
		if grep -qF -- "$s" "$ERR" "$OUT"; then
			not_ok "$desc" "a secret is shown: ${s:0:6}..."
			return
		fi
	done
	ok "$desc"
}

check_oracle() {
	local src=$1 ref
	shift
	ref=$("$@" aws sts get-caller-identity --output json 2>"$TMP/aws.err")
	[ -n "$ref" ] || echo "# aws: $(tail -3 "$TMP/aws.err")"
	check "aws CLI: $src credentials give $ROLE_ARN" test "$(jq -r .Arn <<<"$ref")" = "$ROLE_ARN"
	: >"$CREDSTUB_LOG"
	moto_rec_reset
	"$@" lc -o json whoami
	check_status 0 "whoami with $src credentials"
	check "whoami reports the aws CLI's ARN and account, source $src" \
		jq -e --arg a "$ROLE_ARN" --arg c "$(jq -r .Account <<<"$ref")" --arg s "$src" \
		'.Arn == $a and .Account == $c and .CredentialSource == $s' "$OUT"
	check "moto saw lambdactl's call signed with the key $src handed out" \
		test "$(signed_by "$ROLE_AK")" = 1
}
