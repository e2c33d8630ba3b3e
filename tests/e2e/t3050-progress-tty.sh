#!/bin/bash
# deploy -j 4's progress board on a terminal (tmux, a server of its own):
# one line per function redrawn in place, then a summary table; Ctrl-C
# stops cleanly and says what each function left half-done (exit 130);
# not a terminal, NO_COLOR or TERM=dumb: no escape code at all.
. "$(dirname "$0")/lib.sh"
start_lambda_env

SOCK=lambdactl-test-$$
tmx() { tmux -L "$SOCK" "$@"; }
trap 'tmx kill-server 2>/dev/null; stop_proxy; cleanup' EXIT

# pane SESSION: what the pane shows now.
pane() { tmx capture-pane -p -t "$1" 2>/dev/null; }
# wait_pane SESSION ERE [SECS]: until the pane shows a match (default 60 s).
wait_pane() {
	local i
	for i in $(seq $((${3:-60} * 10))); do
		pane "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
# wait_file FILE [SECS]
wait_file() {
	local i
	for i in $(seq $((${2:-60} * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# run_pane SESSION [VAR=VALUE...] lambdactl ARGS...: that in a new 120x40 tmux
# session (its raw output also in $TMP/SESSION.raw, its exit status in
# $TMP/SESSION.status once it ends).  The shell catches SIGINT with a
# handler (not ignored: lambdactl gets the default), so that it outlives
# lambdactl's Ctrl-C and records its status.
run_pane() {
	local s=$1
	shift
	export -p >"$TMP/env.sh"
	{
		echo '. "$1"; shift; trap : INT'
		# Not before the raw output is being recorded.
		echo 'for i in $(seq 600); do [ -e "$STATUS.go" ] && break; sleep 0.1; done'
		echo 'env "$@"; echo "$?" >"$STATUS.tmp"; mv "$STATUS.tmp" "$STATUS"'
		echo 'sleep 600'
	} >"$TMP/pane.sh"
	rm -f "$TMP/$s.status" "$TMP/$s.raw" "$TMP/$s.status.go"
	tmx new-session -d -s "$s" -x 120 -y 40 \
		"STATUS=$TMP/$s.status bash $TMP/pane.sh $TMP/env.sh $*"
	tmx pipe-pane -o -t "$s" "cat >>$TMP/$s.raw"
	: >"$TMP/$s.status.go"
}

mkdir -p target
printf '#!/bin/sh\necho v1\n' >target/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  alpha: { memory: 128 }
  bravo: { memory: 128 }
  charlie: { memory: 128 }
  delta: { memory: 128 }
YML
lc deploy -j 4
check_status 0 "the four functions are created"

# A change of code and memory for every function; delta's configuration
# update is held at the proxy while the others finish (results print in
# lambda.yml's order: theirs come above the board at once).
printf '#!/bin/sh\necho v2\n' >target/bootstrap
sed -i 's/memory: 128/memory: 256/' lambda.yml
H=$TMP/hold-delta
: >"$H"
echo "[{\"method\": \"PUT\", \"path\": \"functions/delta/configuration\", \"hold\": \"$H\"}]" >"$PROXY_FAULTS"
run_pane live lambdactl deploy -j 4 --publish --read-timeout 300
check "live: delta's configuration update is held" wait_file "$H.held"
check "live: the others show done with their version" \
	wait_pane live '^alpha +done: updated \(code, memory\), version 1$'
wait_pane live '^bravo +done' && wait_pane live '^charlie +done'
pane live >"$TMP/during"
check "live: delta shows updating configuration" grep -Eq '^delta +updating configuration$' "$TMP/during"
for f in alpha bravo charlie delta; do
	check "live: $f has one line on the board ($(grep -Ec "^$f +" "$TMP/during"))" \
		test "$(grep -Ec "^$f +" "$TMP/during")" -eq 1
done
check "live: the finished print their result above the board" grep -Eq '^bravo: updated \(code, memory\), version 1$' "$TMP/during"
rm -f "$H"
check "live: the summary table comes" wait_pane live '^[0-9]+ functions in '
check "live: and it exits 0" wait_file "$TMP/live.status"
check "live: exit status 0" test "$(cat "$TMP/live.status" 2>/dev/null)" = 0
pane live >"$TMP/after"
check "live: the table's header" grep -Eq '^FUNCTION +RESULT +VERSION +TIME$' "$TMP/after"
for f in alpha bravo charlie delta; do
	check "live: $f once in the table, done, version 1, a time" \
		test "$(grep -Ec "^$f +done: updated \(code, memory\) +1 +[0-9.]+s$" "$TMP/after")" -eq 1
	check "live: $f has no board line left" test "$(grep -Ec "^$f +" "$TMP/after")" -eq 1
done
check "live: redrawn in place (cursor up, erase line)" grep -aq $'\e\\[[0-9]*A' "$TMP/live.raw"
check "live: erase-line codes" grep -aq $'\e\\[2K' "$TMP/live.raw"
check "live: no line as wide as the pane (none wraps)" \
	sh -c '! awk "length > 119" "$1" | grep -q .' _ "$TMP/after"
tmx kill-session -t live

# Ctrl-C while bravo's and alpha's code updates are held: both finish
# that call, then stop before their configuration; charlie and delta
# (-j 2) are never started.
printf '#!/bin/sh\necho v3\n' >target/bootstrap
sed -i 's/memory: 256/memory: 384/' lambda.yml
HA=$TMP/hold-a HB=$TMP/hold-b
: >"$HA"
: >"$HB"
rm -f "$HA.held" "$HB.held"
echo "[{\"method\": \"PUT\", \"path\": \"functions/alpha/code\", \"hold\": \"$HA\"},
 {\"method\": \"PUT\", \"path\": \"functions/bravo/code\", \"hold\": \"$HB\"}]" >"$PROXY_FAULTS"
proxy_reset
run_pane stop lambdactl deploy -j 2 --read-timeout 300
check "Ctrl-C: alpha's code update is held" wait_file "$HA.held"
check "Ctrl-C: bravo's code update is held" wait_file "$HB.held"
check "Ctrl-C: the board shows them updating code" wait_pane stop '^bravo +updating code'
check "Ctrl-C: charlie is queued" wait_pane stop '^charlie +queued$'
tmx send-keys -t stop C-c
# The terminal echoes ^C as it sends the signal; the held calls then end.
wait_pane stop '\^C' 10
rm -f "$HA" "$HB"
check "Ctrl-C: lambdactl ends" wait_file "$TMP/stop.status"
check "Ctrl-C: exit status 130" test "$(cat "$TMP/stop.status" 2>/dev/null)" = 130
pane stop >"$TMP/stopped"
for f in alpha bravo; do
	check "Ctrl-C: $f says code updated, configuration not applied" \
		grep -Eq "^lambdactl: $f: stopped: code updated, configuration not applied$" "$TMP/stopped"
	check "Ctrl-C: $f's row says the same" \
		grep -Eq "^$f +stopped: code updated, configuration not applied +- +[0-9.]+s$" "$TMP/stopped"
done
for f in charlie delta; do
	check "Ctrl-C: $f: not started" grep -Eq "^$f +stopped: not started +- +-$" "$TMP/stopped"
done
check "Ctrl-C: no configuration update was sent" test "$(proxy_count PUT '.*/configuration')" -eq 0
check "Ctrl-C: nothing sent for charlie and delta" test "$(proxy_count '.*' '.*/functions/(charlie|delta)($|[/?].*)')" -eq 0
check "Ctrl-C: alpha's configuration stayed (memory 256)" \
	test "$(ref_aws lambda get-function-configuration --function-name alpha --query MemorySize --output text)" = 256
check "Ctrl-C: alpha's code did change (the call in flight finished)" \
	test "$(ref_aws lambda get-function-configuration --function-name alpha --query CodeSha256 --output text)" = "$(openssl dgst -sha256 -binary .lambdactl/alpha.zip | base64 -w0)"
tmx kill-session -t stop

# Ctrl-C while alpha's configuration update is held, which then fails:
# the failure is reported as it is (not as "stopped"), with what alpha
# had done by then.
printf '#!/bin/sh\necho v3b\n' >target/bootstrap
sed -i 's/memory: 384/memory: 512/' lambda.yml
HC=$TMP/hold-c
: >"$HC"
rm -f "$HC.held"
echo "[{\"method\": \"PUT\", \"path\": \"functions/alpha/configuration\", \"hold\": \"$HC\"}]" >"$PROXY_FAULTS"
run_pane both lambdactl deploy alpha --read-timeout 300
check "Ctrl-C and a failure: alpha's configuration update is held" wait_file "$HC.held"
tmx send-keys -t both C-c
wait_pane both '\^C' 10
echo '[{"method": "PUT", "path": "functions/alpha/configuration", "status": 400, "headers": {"Content-Type": "application/json"}, "body": "{\"__type\": \"InvalidParameterValueException\", \"message\": \"no\"}"}]' >"$PROXY_FAULTS.tmp"
mv "$PROXY_FAULTS.tmp" "$PROXY_FAULTS"
rm -f "$HC"
check "Ctrl-C and a failure: lambdactl ends" wait_file "$TMP/both.status"
check "Ctrl-C and a failure: exit status 130" test "$(cat "$TMP/both.status" 2>/dev/null)" = 130
# -J: the error line is wider than the pane.
tmx capture-pane -p -J -t both >"$TMP/both"
check "Ctrl-C and a failure: the error, and what was done" \
	grep -Fxq "lambdactl: alpha: UpdateFunctionConfiguration: InvalidParameterValueException: no (code updated, configuration not applied)" "$TMP/both"
check "Ctrl-C and a failure: not called stopped" sh -c '! grep -q "stopped" "$1"' _ "$TMP/both"
tmx kill-session -t both
rm -f "$PROXY_FAULTS"

# package of many functions: the same board, a line each, the table.
run_pane pkg lambdactl package
check "package: ends" wait_file "$TMP/pkg.status"
check "package: exit 0" test "$(cat "$TMP/pkg.status" 2>/dev/null)" = 0
wait_pane pkg '^[0-9]+ functions in ' 10
pane pkg >"$TMP/pkg"
for f in alpha bravo charlie delta; do
	check "package: $f once in the table, done with its size" \
		test "$(grep -Ec "^$f +done: [0-9.]+ (B|KB|MB) +- +[0-9.]+s$" "$TMP/pkg")" -eq 1
	check "package: $f's result line above it" grep -Eq "^$f  \.lambdactl/$f\.zip  " "$TMP/pkg"
done
check "package: the board was drawn (erase-line codes)" grep -aq $'\e\\[2K' "$TMP/pkg.raw"
tmx kill-session -t pkg

# Not a terminal: plain results on stdout, nothing on stderr, no ESC.
printf '#!/bin/sh\necho v4\n' >target/bootstrap
lc deploy -j 4
check_status 0 "not a terminal: exit 0"
check "not a terminal: no ESC on stdout or stderr" sh -c '! grep -aq $(printf "\\033") "$1" "$2"' _ "$OUT" "$ERR"
check "not a terminal: one result line per function" test "$(grep -Ec '^(alpha|bravo|charlie|delta): updated \(code' "$OUT")" -eq 4
check_err_eq "" "not a terminal: nothing on stderr"

# NO_COLOR and TERM=dumb on a terminal: plain step lines and the table,
# no escape code at all.
n=5
for e in NO_COLOR=1 TERM=dumb; do
	printf '#!/bin/sh\necho v%s\n' "$n" >target/bootstrap
	n=$((n + 1))
	s=plain${e%%=*}
	run_pane "$s" "$e" lambdactl deploy -j 4
	check "$e: ends" wait_file "$TMP/$s.status"
	check "$e: exit 0" test "$(cat "$TMP/$s.status" 2>/dev/null)" = 0
	wait_pane "$s" '^[0-9]+ functions in ' 10
	check "$e: no ESC in what lambdactl wrote" sh -c '! grep -aq $(printf "\\033") "$1"' _ "$TMP/$s.raw"
	check "$e: a plain step line per function" \
		test "$(grep -Ec '^lambdactl: (alpha|bravo|charlie|delta): updating code' "$TMP/$s.raw")" -eq 4
	check "$e: the summary table" grep -Eq '^FUNCTION +RESULT +VERSION +TIME' "$TMP/$s.raw"
	tmx kill-session -t "$s"
done

finish
