#!/bin/bash
# invoke --local stopped by SIGTERM or SIGINT: the bootstrap and everything
# it started (also in a session of its own) are killed, no task root is
# left in TMPDIR (they are cached), --out's temporary file is removed,
# the exit status is 128 + the signal and
# stderr says what was interrupted.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR" outdir
# Each process gets a marker in its command line for pgrep: sleep 5005.N.
# .1 in a session of its own, .4 orphaned by a double fork as daemons do.
bootstrap hang "setsid sleep 5005.1 </dev/null >/dev/null 2>&1 &
	(setsid sleep 5005.4 </dev/null >/dev/null 2>&1 &)
	sleep 5005.2 &
	touch '$TMP/ready'
	sleep 5005.3"
cat >>lambda.yml <<'YML'
  hang: { artifact: task/hang, timeout: 120 }
YML

left() { pgrep -f 'sleep 5005\.' >/dev/null; }

# interrupt SIGNAL: starts the invoke, waits until the bootstrap runs, sends
# SIGNAL, waits for lambdactl (bounded); sets $status, $elapsed (ms).
interrupt() {
	rm -f "$TMP/ready"
	# Job control: a background job keeps SIGINT (not ignored).
	set -m
	"$LAMBDACTL" invoke --local hang --out outdir/resp.json \
		>"$OUT" 2>"$ERR" </dev/null &
	pid=$!
	set +m
	for _ in $(seq 200); do
		[ -e "$TMP/ready" ] && break
		sleep 0.05
	done
	sleep 0.2
	start=$(date +%s%N)
	kill -"$1" "$pid"
	# Bounded: a lambdactl that ignores the signal is killed after 10 s.
	wait_bounded "$pid" 10
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
}

for sig in TERM INT; do
	interrupt $sig
	code=$((128 + $(kill -l $sig)))
	check_status $code "SIG$sig: exit status $code"
	check_err_has "^lambdactl: hang: interrupted by SIG$sig while the function ran \(stopped its bootstrap and every process it started\)$" \
		"SIG$sig: stderr says what was interrupted"
	check "SIG$sig: stopped promptly (${elapsed} ms)" test "$elapsed" -lt 3000
	check "SIG$sig: no process of the bootstrap survives (setsid'd ones included)" sh -c '! pgrep -fa "sleep 5005\."'
	check "SIG$sig: no task root is left in TMPDIR" sh -c '[ -z "$(ls -A "$0")" ]' "$TMPDIR"
	check "SIG$sig: no --out temporary file is left" sh -c '[ -z "$(ls -A outdir)" ]'
	pkill -KILL -f 'sleep 5005\.' 2>/dev/null
done

# A remote invoke with --out: its temporary file goes too.
echo '[{"status": 200, "body": {"late": true}, "delay": 30}]' >slow.json
start_stub slow.json
set -m
AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=test-secret-0000 AWS_REGION=us-east-1 \
	"$LAMBDACTL" --endpoint-url "$STUB_URL" invoke echo --out outdir/remote.json \
	>"$OUT" 2>"$ERR" </dev/null &
pid=$!
set +m
for _ in $(seq 200); do
	[ -s "$STUB_LOG" ] && break
	sleep 0.05
done
check "remote: the invoke reached the server" test -s "$STUB_LOG"
check "remote: the temporary file exists while it waits" sh -c 'ls outdir/remote.json.tmp.*'
kill -TERM "$pid"
wait_bounded "$pid" 10
check_status 143 "remote: SIGTERM ends it (143)"
check_err_has "^lambdactl: interrupted: the response was not written$" "remote: stderr says so"
check "remote: no --out temporary file is left" sh -c '[ -z "$(ls -A outdir)" ]'

finish
