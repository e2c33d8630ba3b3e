#!/bin/bash
# Credentials that cannot be trusted: a credential_process that never ends
# (killed with its whole process group after
# LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT), one that never stops printing, one
# whose credentials have expired, and keys with a newline or another
# control character in them, from the environment, the shared files and a
# credential_process; the secret itself is never printed.  A prompting
# credential_process gets the terminal (a real pseudo-terminal).  A stub
# plays STS.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/sts.json" <<'JSON'
[{"status": 200, "headers": {"Content-Type": "text/xml"},
  "body": "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AIDT</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"}]
JSON
start_stub "$TMP/sts.json"
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$STUB_URL
export AWS_CONFIG_FILE=$TMP/config AWS_SHARED_CREDENTIALS_FILE=$TMP/credentials
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
GOOD="{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"$SECRET\"}"

# A process that hangs, with a child of its own that hangs too.
cat >"$TMP/hang.sh" <<SH
#!/bin/sh
sleep 300 &
echo \$! >"$TMP/child.pid"
wait
SH
chmod +x "$TMP/hang.sh"
cat >"$TMP/config" <<CONF
[profile hang]
credential_process = $TMP/hang.sh

[profile chatty]
credential_process = yes

[profile expired]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$SECRET", "Expiration": "2020-01-01T00:00:00Z"}'

[profile future]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$SECRET", "Expiration": "2099-01-01T00:00:00+01:00"}'

[profile newline]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$SECRET\\\\n"}'

[profile slow]
credential_process = sh -c 'sleep 1; printf "%s" '"'"'$GOOD'"'"''

[profile prompt]
credential_process = sh -c 'printf "MFA code: " >/dev/tty; read -r code </dev/tty; [ "\$code" = 123456 ] && printf "%s" '"'"'$GOOD'"'"''
CONF

t0=$(date +%s%N)
LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT=1 timeout 60 "$LAMBDACTL" whoami --profile hang >"$OUT" 2>"$ERR" </dev/null
status=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_status 3 "a credential_process that never ends is a credentials error"
check_err_eq "lambdactl: credential_process for profile 'hang': command did not finish within 1 s; killed it (LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT sets the limit)" \
	"the timeout names the profile and how to change the limit"
check "it gave up after the 1 s limit, not later ($ms ms)" test "$ms" -ge 900 -a "$ms" -lt 10000
child=$(cat "$TMP/child.pid" 2>/dev/null)
gone() {
	local i
	for i in $(seq 100); do
		[ -e "/proc/$1" ] || return 0
		grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
check "the command's own child was killed with it (process group)" gone "$child"

LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT=forever timeout 60 "$LAMBDACTL" whoami --profile hang >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 3 "a bad timeout value is a configuration error"
check_err_eq "lambdactl: LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT wants a number of seconds from 1 to 86400, not 'forever'" \
	"a bad timeout value names the variable"

timeout 60 "$LAMBDACTL" whoami --profile chatty >"$OUT" 2>"$ERR" </dev/null
status=$?
check_status 3 "a credential_process that never stops printing is stopped"
check_err_eq "lambdactl: credential_process for profile 'chatty': output is larger than 65536 bytes" \
	"the output bound names the profile"

lc whoami --profile expired
check_status 3 "expired credential_process credentials are refused"
check_err_eq "lambdactl: credential_process for profile 'expired': the credentials expired at 2020-01-01T00:00:00Z (Expiration is in the past)" \
	"the expiry names the profile and the time"
lc whoami --profile future
check_status 0 "credentials expiring in the future (with an offset) are used"

lc whoami --profile newline
check_status 3 "a newline in credential_process's secret key is refused"
check_err_eq "lambdactl: credential_process for profile 'newline': 'SecretAccessKey' contains a newline" \
	"the newline is named, with the profile and the field"

# The environment.
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$SECRET
" lc whoami
check_status 3 "a newline in AWS_SECRET_ACCESS_KEY is refused"
check_err_eq "lambdactl: environment variable AWS_SECRET_ACCESS_KEY contains a newline" \
	"the variable is named"
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$'tok\x1b[2Jen' lc whoami
check_status 3 "an escape in AWS_SESSION_TOKEN is refused"
check_err_eq "lambdactl: environment variable AWS_SESSION_TOKEN contains control character 0x1b" \
	"the token's variable is named"

# The credentials file: the file and line.
printf '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = %s\r\r\n' "${SECRET:0:20}"$'\r'"${SECRET:20}" >"$TMP/credentials"
lc whoami
check_status 3 "a carriage return inside a file's secret key is refused"
check_err_eq "lambdactl: $TMP/credentials:3: aws_secret_access_key contains a carriage return" \
	"the file and line are named"
check "no message shows the secret" bash -c "! grep -rqF '${SECRET:0:20}' '$ERR' '$OUT'"
rm -f "$TMP/credentials"

# A prompt on the terminal: the command gets the terminal while it runs.
LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT=10 pty_run "$TMP/tty" --answer "MFA code: " 123456 lambdactl -o json whoami --profile prompt
check_status 0 "a credential_process prompting on the terminal gets its answer"
check "whoami went on with its credentials" grep -qF '"credential_source": "process (profile prompt)"' "$TMP/tty"

# The terminal is lent only on demand: the rest of a pipeline (a pager
# setting the terminal's modes) is not disturbed by a quiet command.
pty_run "$TMP/tty-pipe" sh -c 'lambdactl whoami --profile slow | (sleep 0.3; stty echo </dev/tty && echo sibling-ok)'
check "a pipeline's pager can use the terminal while credential_process runs" \
	grep -qx 'sibling-ok' "$TMP/tty-pipe"
check "the pager's terminal calls did not fail" \
	bash -c "! grep -q 'Input/output error' '$TMP/tty-pipe'"

# In the background, there is no terminal to lend: said at once.
LAMBDACTL_CREDENTIAL_PROCESS_TIMEOUT=20 pty_run "$TMP/tty-bg" sh -c 'set -m; lambdactl whoami --profile prompt & wait $!; echo "exit $?"'
check "in the background, a prompting credential_process fails (exit 3)" \
	grep -qx 'exit 3' "$TMP/tty-bg"
check "in the background, the message says it wanted the terminal" \
	grep -qF "lambdactl: credential_process for profile 'prompt': command stopped to use the terminal, which lambdactl does not have (in the background?)" "$TMP/tty-bg"

finish
