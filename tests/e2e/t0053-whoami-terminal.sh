#!/bin/bash
# whoami on a terminal: what STS sent (account, ARN, user id) may hold
# escape sequences; on a real pseudo-terminal they are shown escaped, piped
# they pass byte for byte.  A scripted server plays STS.
. "$(dirname "$0")/lib.sh"
use_env_creds

python3 - "$TMP/sts.json" <<'PY'
import json, sys
xml = ("<GetCallerIdentityResponse><GetCallerIdentityResult>"
       "<Arn>arn:aws:iam::123456789012:user/\x1b]0;pwned\x07me</Arn>"
       "<UserId>AIDA\x1b[2JX</UserId><Account>123456789012</Account>"
       "</GetCallerIdentityResult></GetCallerIdentityResponse>")
json.dump([{"status": 200, "headers": {"Content-Type": "text/xml"},
            "body": xml}], open(sys.argv[1], "w"))
PY
start_stub "$TMP/sts.json"
export AWS_ENDPOINT_URL=$STUB_URL

pty_run "$TMP/tty" lambdactl whoami
check_status 0 "whoami on a terminal succeeds"
check "on a terminal, the ARN's escape sequence is shown as ^[ and ^G" \
	grep -qxF 'arn          arn:aws:iam::123456789012:user/^[]0;pwned^Gme' "$TMP/tty"
check "on a terminal, the user id's too" \
	grep -qxF 'user_id      AIDA^[[2JX' "$TMP/tty"
check "on a terminal, no ESC or BEL byte reaches it" \
	bash -c "! grep -q \$'\\e\\|\\a' '$TMP/tty'"

lc whoami
check_status 0 "whoami piped succeeds"
check "piped, the bytes pass as they are" \
	grep -qF $'user/\e]0;pwned\ame' "$OUT"

finish
