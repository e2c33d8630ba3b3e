#!/bin/bash
# Endpoint URLs through libcurl's URL API: the Host header sent (and
# signed) is libcurl's host and port, never the URL's text; a user name or
# password is refused from every source without being sent or shown, even
# under --debug and in a URL wrong in other ways too; an '@' in the path is
# no password.  (The AWS CLI accepts user:password@ and silently drops it;
# lambdactl refuses it, as lambdactl.1 says under --endpoint-url.)
. "$(dirname "$0")/lib.sh"
use_env_creds

sts_ok='<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDSTUB</UserId><Account>210987654321</Account><Arn>arn:aws:iam::210987654321:user/stub</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>'
jq -n --arg b "$sts_ok" '[{status: 200, headers: {"Content-Type": "text/xml"}, body: $b}]' \
	>"$TMP/script.json"
start_stub "$TMP/script.json"
PORT=${STUB_URL##*:}
n_req() { wc -l <"$STUB_LOG"; }
last() { tail -n 1 "$STUB_LOG" | jq -r "$1"; }

# Accepted: the port written with leading zeros, a base path with '@'.
: >"$STUB_LOG"
lc --endpoint-url "http://127.0.0.1:0$PORT/base@x//" --debug whoami
check_status 0 "an endpoint with '@' in its path is accepted"
check "one request was sent" test "$(n_req)" -eq 1
check "the Host header is libcurl's host and port" \
	test "$(last '.headers.Host')" = "127.0.0.1:$PORT"
check "the path is the base path, trailing '/' trimmed" \
	test "$(last '.path')" = "/base@x/"
check "the Host header is signed" \
	grep -q 'SignedHeaders=[^,]*host' <<<"$(last '.headers.Authorization')"
check_err_has "^lambdactl: debug: > POST http://127\.0\.0\.1:$PORT/base@x/\$" \
	"--debug shows the URL sent"
check_err_has "^lambdactl: debug: > Host: 127\.0\.0\.1:$PORT\$" \
	"--debug shows the Host header sent"

# Refused, from each source, under --debug: nothing sent, nothing shown.
: >"$STUB_LOG"
msg() { echo "lambdactl: invalid endpoint URL (from $1): a user name or password ('...@') is not allowed"; }
refused() {	# refused SOURCE DESC: the last lc refused it and hid the password
	check_status 3 "$2: refused"
	check_err_eq "$(msg "$1")" "$2: the message names $1, not the password"
	check_err_lacks "s3cretPW" "$2: stderr (--debug) does not show the password"
	check_out_lacks "s3cretPW" "$2: stdout does not show the password"
	check "$2: nothing was sent" test "$(n_req)" -eq 0
}
lc --debug --endpoint-url "http://user:s3cretPW@127.0.0.1:$PORT/" whoami
refused --endpoint-url "user:password@ in --endpoint-url"
lc --debug -o json --endpoint-url "http://user:s3cretPW@127.0.0.1:$PORT/" whoami
check_out_lacks "s3cretPW" "-o json: the JSON error does not show the password"
check_out_has "user name or password" "-o json: the JSON error says why"
lc --debug --endpoint-url "http://user:s3cretPW@127.0.0.1:99999/" whoami
refused --endpoint-url "a password and a bad port"
lc --debug --endpoint-url "http://user:s3cretPW@[::1/" whoami
refused --endpoint-url "a password and a bad IPv6 address"
lc --debug --endpoint-url "http://127.0.0.1\\s3cretPW@127.0.0.1:$PORT/" whoami
refused --endpoint-url "a backslash before the '@'"
AWS_ENDPOINT_URL_STS="https://:s3cretPW@127.0.0.1:$PORT" lc --debug whoami
refused AWS_ENDPOINT_URL_STS "a password alone in AWS_ENDPOINT_URL_STS"
mkdir -p "$HOME/.aws"
printf '[profile p]\nendpoint_url = http://u:s3cretPW@127.0.0.1:%s\n' "$PORT" \
	>"$HOME/.aws/config"
printf '[p]\naws_access_key_id = AKIDP\naws_secret_access_key = skp\n' \
	>"$HOME/.aws/credentials"
lc --debug --profile p whoami
refused "profile 'p'" "user:password@ in the profile's endpoint_url"
rm "$HOME/.aws/config" "$HOME/.aws/credentials"

stop_stub
finish
