# tests/e2e/sso-lib.sh - sourced after lib.sh (and start_moto) by the SSO
# tests: the token cache's file names, a secret check over everything
# lambdactl printed, and moto's request recorder, which shows the access
# key IDs that signed STS calls (lambdactl's and the AWS CLI's).
#
#   cache_file KEY      ~/.aws/sso/cache/<sha1 of KEY>.json
#   all_out             appends the last lc's stdout and stderr to
#                       $TMP/all-output
#   check_never_shown S...  one check per string: not in $TMP/all-output
#   signers             the access key IDs of the STS requests moto
#                       recorded since the last call ("AKID1 AKID2 ")

CACHE=$HOME/.aws/sso/cache
cache_file() { printf '%s/%s.json' "$CACHE" "$(printf '%s' "$1" | sha1sum | cut -c1-40)"; }
all_out() { cat "$OUT" "$ERR" >>"$TMP/all-output"; }
check_never_shown() {
	local s
	for s in "$@"; do
		if grep -q -- "$s" "$TMP/all-output"; then not_ok "never shown: $s"
		else ok "never shown: $s"; fi
	done
}
signers() {
	curl -fs "$MOTO_URL/moto-api/recorder/download-recording" |
		jq -r '.headers.Authorization // empty' |
		sed -n 's/.*Credential=\([^/]*\)\/.*/\1/p' | sort -u | tr '\n' ' '
	curl -fs -X POST "$MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
	curl -fs -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
}
curl -fs -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
