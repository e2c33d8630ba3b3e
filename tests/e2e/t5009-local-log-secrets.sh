#!/bin/bash
# A local function's log, under serve and invoke --local --log: the
# credentials --pass-credentials gave it never show (a function printing
# its environment once put the secret key on serve's stderr), and on a
# terminal its escape sequences are shown escaped as invoke's are (serve
# once printed them raw); piped, or with --raw, they pass.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP
SECRET=t5009-secret-key-0123456789abcdef
TOKEN=t5009-session-token-fedcba9876543210
export AWS_ACCESS_KEY_ID=AKIDT5009 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN AWS_REGION=eu-west-1
ESC=$'\e'

# dump: its environment, the secrets in other words, and a colour, in its
# log; "{}" as its answer.
bootstrap dump 'env >&2
	echo "key is $AWS_SECRET_ACCESS_KEY, token $AWS_SESSION_TOKEN" >&2
	printf "colour \033[31mred\033[0m\n" >&2
	curl -sS -o /dev/null -X POST -d "{}" "$api/invocation/$ID/response"'
cat >>lambda.yml <<'YML'
  dump: { artifact: task/dump }
YML

# serve-once.sh URLFILE ARGS...: serve dump with ARGS (its stderr ours),
# one invocation through it, then SIGTERM.
cat >"$TMP/serve-once.sh" <<'SH'
url=$1
shift
: >"$url"	# before serve starts: no URL of a previous run is read
lambdactl serve --port 0 "$@" dump >"$url" &
pid=$!
for i in $(seq 400); do
	[ -s "$url" ] && break
	sleep 0.05
done
curl -sS -o /dev/null -X POST -d '{}' "$(head -1 "$url")/2015-03-31/functions/dump/invocations"
kill -TERM "$pid"
wait "$pid"
SH

# no_secrets WHAT FILE...: neither the secret key nor the token in them.
no_secrets() {
	local what=$1
	shift
	check "$what: the secret key never shows" bash -c '! grep -qF -- "$0" "$@"' "$SECRET" "$@"
	check "$what: the session token never shows" bash -c '! grep -qF -- "$0" "$@"' "$TOKEN" "$@"
}

# ---- Piped. ----
lc invoke --local dump --pass-credentials --log
check_status 0 "invoke --local --pass-credentials --log runs"
check_err_has "^AWS_ACCESS_KEY_ID=AKIDT5009\$" "the function got the credentials (the key id shows)"
check_err_has "^AWS_SECRET_ACCESS_KEY=<redacted>\$" "invoke --local --log: the environment's secret key is redacted"
check_err_has "^AWS_SESSION_TOKEN=<redacted>\$" "invoke --local --log: the environment's token is redacted"
check_err_has "^key is <redacted>, token <redacted>\$" "invoke --local --log: the values are redacted wherever they are"
check "piped, the function's escape sequence passes" grep -qF "colour ${ESC}[31mred" "$ERR"
no_secrets "invoke --local --log" "$OUT" "$ERR"

lc invoke --local dump --pass-credentials --log --output json
check_status 0 "invoke --local --output json runs"
check "--output json: LogResult has the log, redacted" \
	jq -e '.log_tail | test("AWS_SECRET_ACCESS_KEY=<redacted>")' "$OUT"
no_secrets "invoke --local --output json" "$OUT" "$ERR"

bash "$TMP/serve-once.sh" "$TMP/url" --pass-credentials >"$OUT" 2>"$ERR"
check_status 0 "serve --pass-credentials: one invocation, then SIGTERM"
check_err_has "^AWS_ACCESS_KEY_ID=AKIDT5009\$" "serve: the function got the credentials"
check_err_has "^AWS_SECRET_ACCESS_KEY=<redacted>\$" "serve: the environment's secret key is redacted"
check_err_has "^key is <redacted>, token <redacted>\$" "serve: the values are redacted wherever they are"
check "serve, piped: the function's escape sequence passes" grep -qF "colour ${ESC}[31mred" "$ERR"
no_secrets "serve" "$OUT" "$ERR"

# ---- On a terminal. ----
# on_tty WHAT FILE: escaped, no ESC byte, no secret.
on_tty() {
	check "$1: the function's escape sequence is escaped" grep -qxF 'colour ^[[31mred^[[0m' "$2"
	check "$1: no ESC byte reaches the terminal" bash -c "test -s '$2' && ! grep -q \$'\\e' '$2'"
	check "$1: the secret key is redacted" grep -qxF 'AWS_SECRET_ACCESS_KEY=<redacted>' "$2"
	no_secrets "$1" "$2"
}
pty_run "$TMP/tty-invoke" lambdactl invoke --local dump --pass-credentials --log
check_status 0 "invoke --local --log on a terminal runs"
on_tty "invoke --local --log on a terminal" "$TMP/tty-invoke"
pty_run "$TMP/tty-serve" bash "$TMP/serve-once.sh" "$TMP/url" --pass-credentials
check_status 0 "serve on a terminal: one invocation, then SIGTERM"
on_tty "serve on a terminal" "$TMP/tty-serve"

# --raw: the bytes as the function wrote them, still without the secrets.
pty_run "$TMP/tty-raw" bash "$TMP/serve-once.sh" "$TMP/url" --pass-credentials --raw
check_status 0 "serve --raw on a terminal"
check "serve --raw: the escape sequence passes, even on a terminal" grep -qF "colour ${ESC}[31mred" "$TMP/tty-raw"
no_secrets "serve --raw" "$TMP/tty-raw"
pty_run "$TMP/tty-raw" lambdactl invoke --local dump --pass-credentials --log --raw
check "invoke --local --log --raw: the escape sequence passes" grep -qF "colour ${ESC}[31mred" "$TMP/tty-raw"
no_secrets "invoke --local --log --raw" "$TMP/tty-raw"

finish
