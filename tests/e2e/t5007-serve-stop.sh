#!/bin/bash
# serve stops promptly on SIGINT/SIGTERM while an invocation runs: the
# client gets an error at once, the bootstrap and everything it started
# (setsid'd and orphaned processes too) are killed, none left in TMPDIR,
# stderr says what was interrupted; a hung build at start is stopped too.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP/tmpdir
export AWS_ACCESS_KEY_ID=AKIDSERVE AWS_SECRET_ACCESS_KEY=serve-secret-0000 AWS_REGION=us-east-1
mkdir -p "$TMPDIR"
# Markers for pgrep: sleep 5007.N.  The handler runs 50 s.
bootstrap long "setsid sleep 5007.1 </dev/null >/dev/null 2>&1 &
	(setsid sleep 5007.4 </dev/null >/dev/null 2>&1 &)
	sleep 5007.2 &
	touch '$TMP/ready'
	sleep 50"
cat >>lambda.yml <<'YML'
  long: { artifact: task/long, timeout: 120 }
  hungbuild:
    artifact: task/echo
    build: "setsid sleep 5007.5 </dev/null >/dev/null 2>&1 & sleep 5007.6"
YML

# wait_stop PID SECONDS: wait_bounded, and $elapsed (ms since $start).
wait_stop() {
	wait_bounded "$1" "$2"
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
}

for sig in INT TERM; do
	rm -f "$TMP/ready"
	start_serve long
	"$LAMBDACTL" --endpoint-url "$URL" --read-timeout 100 invoke long \
		>"$OUT" 2>"$ERR" </dev/null &
	cpid=$!
	for _ in $(seq 200); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
	sleep 0.2
	start=$(date +%s%N)
	kill -"$sig" "$SERVE_PID"
	wait_stop "$SERVE_PID" 10
	SERVE_PID=
	check "SIG$sig: serve exits 0" test "$status" -eq 0
	check "SIG$sig: serve stopped promptly, not after the 50 s handler (${elapsed} ms)" test "$elapsed" -lt 3000
	check "SIG$sig: serve says it is stopping" grep -q "^lambdactl: SIG$sig: stopping$" "$TMP/serve.err"
	check "SIG$sig: serve names the interrupted invocation" \
		grep -Eq "^lambdactl: warning: long: interrupted by SIG$sig while the function ran" "$TMP/serve.err"
	wait_stop "$cpid" 10
	check "SIG$sig: the bootstrap was running when the signal came" test -e "$TMP/ready"
	check "SIG$sig: the client got an error at once (status $status, ${elapsed} ms)" \
		sh -c "[ $status -ne 0 ] && [ $elapsed -lt 3000 ]"
	check_err_has "lambdactl serve is stopping: the invocation was interrupted" \
		"SIG$sig: the client was answered (503), not dropped"
	check "SIG$sig: no process of the bootstrap survives" sh -c '! pgrep -fa "sleep 5007[.]|$0/.cache/lambdactl/task[s]/"' "$HOME"
	check "SIG$sig: the task roots are removed" sh -c '[ -z "$(ls -A "$0")" ]' "$TMPDIR"
	pkill -KILL -f 'sleep 5007\.' 2>/dev/null
done

# A second signal exits at once.  A client that stalls mid-request keeps
# the first stop waiting (up to 2 s) for it; the second cuts that short.
start_serve long
port=${URL##*:}
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /2015-03-31/functions/long/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
open(sys.argv[2], "w").close()
time.sleep(20)
' "$port" "$TMP/stalled" &
stall=$!
# Python can take seconds to start on a loaded machine: signal only once
# the stalled request is really in serve's hands.
for _ in $(seq 200); do [ -e "$TMP/stalled" ] && break; sleep 0.05; done
# ...and serve has read it (its end of the connection holds no unread
# byte), so that the request has begun when the first signal comes.
if command -v ss >/dev/null; then
	for _ in $(seq 200); do
		ss -Htn state established "( sport = :$port )" |
			awk '$1 == 0 { ok = 1 } END { exit !ok }' && break
		sleep 0.05
	done
fi
sleep 0.5
kill -INT "$SERVE_PID"
sleep 0.3
start=$(date +%s%N)
kill -TERM "$SERVE_PID"
wait_stop "$SERVE_PID" 10
SERVE_PID=
check "a second signal: exit 143 at once (got $status after ${elapsed} ms)" \
	sh -c "[ $status -eq 143 ] && [ $elapsed -lt 1000 ]"
check "a second signal: says so" grep -q '^lambdactl: second signal: exiting now$' "$TMP/serve.err"
kill "$stall" 2>/dev/null
wait "$stall" 2>/dev/null

# SIGTERM during a hung build at start: the sh -c and its children go.
: >"$TMP/serve.out"
"$LAMBDACTL" serve --port 0 hungbuild >"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
spid=$!
for _ in $(seq 100); do pgrep -f 'sleep 5007\.6' >/dev/null && break; sleep 0.05; done
start=$(date +%s%N)
kill -TERM "$spid"
wait_stop "$spid" 10
check "a build interrupted by SIGTERM: exit 143 (got $status)" test "$status" -eq 143
check "and promptly (${elapsed} ms)" test "$elapsed" -lt 3000
check "the error says the build was interrupted" grep -Eq "^lambdactl: hungbuild: build command '.*' interrupted by SIGTERM \(stopped it and every process it started\)$" "$TMP/serve.err"
check "nothing of the build survives" sh -c '! pgrep -fa "sleep 5007\."'
pkill -KILL -f 'sleep 5007\.' 2>/dev/null

# The same for package.
"$LAMBDACTL" package hungbuild >"$OUT" 2>"$ERR" </dev/null &
ppid_=$!
for _ in $(seq 100); do pgrep -f 'sleep 5007\.6' >/dev/null && break; sleep 0.05; done
start=$(date +%s%N)
kill -TERM "$ppid_"
wait_stop "$ppid_" 10
check "package: a build interrupted by SIGTERM exits 143 (got $status)" test "$status" -eq 143
check_err_has "^lambdactl: hungbuild: build command '.*' interrupted by SIGTERM" "package: says so"
check "package: nothing of the build survives" sh -c '! pgrep -fa "sleep 5007\."'
pkill -KILL -f 'sleep 5007\.' 2>/dev/null

finish
