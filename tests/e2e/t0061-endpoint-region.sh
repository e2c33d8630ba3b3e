#!/bin/bash
# Region and endpoint validation: a region that would choose the host, an
# endpoint URL with a user name and password (never printed, never sent),
# from each source: flag, environment, profile.
. "$(dirname "$0")/lib.sh"
use_env_creds

jq -n '[{status: 200, body: ""}]' >"$TMP/script.json"
start_stub "$TMP/script.json"
n_req() { wc -l <"$STUB_LOG" 2>/dev/null || echo 0; }
PORT=${STUB_URL##*:}

lc --region 'x@127.0.0.1:1/' whoami
check_status 3 "a region holding '@', ':' and '/' is refused"
check_err_eq "lambdactl: invalid region 'x@127.0.0.1:1/' (from --region): a region is 1 to 63 letters, digits and hyphens, like 'us-east-1'" \
	"the message names the region and --region"
AWS_REGION="us-east-1.127.0.0.1.nip.io:$PORT/#" lc whoami
check_status 3 "a bad AWS_REGION is refused"
check_err_has "^lambdactl: invalid region .* \(from AWS_REGION\)" "the message names AWS_REGION"
AWS_REGION= AWS_DEFAULT_REGION=-bad lc whoami
check_err_has "\(from AWS_DEFAULT_REGION\)" "AWS_DEFAULT_REGION is checked too"
mkdir -p "$HOME/.aws"
printf '[profile p]\nregion = eu west 1\naws_access_key_id = AKIDP\naws_secret_access_key = sk\n' >"$HOME/.aws/config"
env -u AWS_REGION -u AWS_DEFAULT_REGION "$LAMBDACTL" --profile p whoami >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 3 "a bad profile region is refused"
check_err_has "\(from profile 'p'\)" "the message names the profile"
for r in us-east-1 us-gov-west-1 cn-north-1 local; do
	lc --region "$r" --endpoint-url "$STUB_URL" whoami
	check "region '$r' is accepted (the request is sent)" test "$status" -ne 3
done
check "nothing was sent for the bad regions" test "$(n_req)" -eq 4

# user:password@ in the endpoint URL.
: >"$STUB_LOG"
lc --endpoint-url "http://user:s3cretPW@127.0.0.1:$PORT/" --debug whoami
check_status 3 "an endpoint URL with a password is refused"
check_err_eq "lambdactl: invalid endpoint URL (from --endpoint-url): a user name or password ('...@') is not allowed" \
	"the message names --endpoint-url, not the password"
check_err_lacks "s3cretPW" "--debug does not show the password"
check "nothing was sent" test "$(n_req)" -eq 0
AWS_ENDPOINT_URL="http://user:s3cretPW@127.0.0.1:$PORT" lc whoami
check_err_eq "lambdactl: invalid endpoint URL (from AWS_ENDPOINT_URL): a user name or password ('...@') is not allowed" \
	"AWS_ENDPOINT_URL is checked"
AWS_ENDPOINT_URL_STS="https://s3cretPW@127.0.0.1:$PORT" lc whoami
check_err_eq "lambdactl: invalid endpoint URL (from AWS_ENDPOINT_URL_STS): a user name or password ('...@') is not allowed" \
	"AWS_ENDPOINT_URL_STS is checked"
printf '[default]\nendpoint_url = http://u:s3cretPW@127.0.0.1:%s\n' "$PORT" >"$HOME/.aws/config"
lc whoami
check_err_eq "lambdactl: invalid endpoint URL (from profile 'default'): a user name or password ('...@') is not allowed" \
	"the profile's endpoint_url is checked"
check_out_lacks "s3cretPW" "stdout never shows the password"
check "nothing was sent" test "$(n_req)" -eq 0
rm "$HOME/.aws/config"

# Other malformed endpoints.
lc --endpoint-url "http://127.0.0.1:99999/" whoami
check_err_eq "lambdactl: invalid endpoint 'http://127.0.0.1:99999/' (from --endpoint-url): the port must be a number from 1 to 65535" "a bad port"
lc --endpoint-url "http:///path" whoami
check_err_eq "lambdactl: invalid endpoint 'http:///path' (from --endpoint-url): no host" "no host"
lc --endpoint-url "ftp://127.0.0.1/" whoami
check_err_eq "lambdactl: invalid endpoint URL (from --endpoint-url): it must start with http:// or https://" "another scheme"
lc --endpoint-url "http://127.0.0.1:$PORT/base?x=1" whoami
check_status 3 "a query in the endpoint is refused"
lc --endpoint-url "http://[::1]:$PORT/" whoami
check "an IPv6 literal is accepted" test "$status" -ne 3
lc --endpoint-url "http://localhost:$PORT/" whoami
check "a host name is accepted" test "$status" -ne 3
stop_stub

finish
