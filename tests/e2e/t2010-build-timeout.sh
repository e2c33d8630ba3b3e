#!/bin/bash
# A build command that hangs is stopped after --build-timeout seconds, with
# everything it started (its process group, setsid'd and orphaned
# processes), and says so; the default bound is 600 s.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
# Markers for pgrep: sleep 2010.N; .1 in a session of its own whose parent
# stays, .4 orphaned by a double fork (reparented to lambdactl).
BUILD="setsid sleep 2010.1 </dev/null >/dev/null 2>&1 & (setsid sleep 2010.4 </dev/null >/dev/null 2>&1 &); sleep 2010.2 & sleep 2010.3"
cat >>lambda.yml <<YML
  hung:
    artifact: task/echo
    build: "$BUILD"
YML
left() { pgrep -fa 'sleep 2010\.'; }

# run CMD...: lambdactl bounded by 20 s; sets $status, $elapsed (ms).
run() {
	local start
	start=$(date +%s%N)
	timeout -s KILL 20 "$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" </dev/null
	status=$?
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
}

run package hung --build-timeout 1
check_status 1 "package: a timed-out build fails with exit 1"
check_err_has "^lambdactl: hung: build command '.*sleep 2010\.3' timed out after 1 s \(stopped it and every process it started\)$" \
	"package: the error names the command and the bound"
check "package: stopped at about 1 s (took ${elapsed} ms)" test "$elapsed" -lt 4000
check "package: nothing the build started survives" sh -c '! pgrep -fa "sleep 2010\."'
pkill -KILL -f 'sleep 2010\.' 2>/dev/null

run invoke --local hung --build-timeout 1
check_status 1 "invoke --local: a timed-out build fails with exit 1"
check_err_has "^lambdactl: hung: build command '.*' timed out after 1 s" "invoke --local: says so"
check "invoke --local: nothing the build started survives" sh -c '! pgrep -fa "sleep 2010\."'
pkill -KILL -f 'sleep 2010\.' 2>/dev/null

run serve --port 0 hung --build-timeout 1
check_status 1 "serve: a timed-out build fails with exit 1"
check_err_has "^lambdactl: hung: build command '.*' timed out after 1 s" "serve: says so"
check "serve: nothing the build started survives" sh -c '! pgrep -fa "sleep 2010\."'
pkill -KILL -f 'sleep 2010\.' 2>/dev/null

# lambda.yml's build_timeout bounds it too, and --build-timeout beats it.
cat >>lambda.yml <<YML
  hungkey:
    artifact: task/echo
    build_timeout: 1
    build: "sleep 2010.7"
YML
run package hungkey
check_status 1 "build_timeout: a timed-out build fails with exit 1"
check_err_has "^lambdactl: hungkey: build command 'sleep 2010\.7' timed out after 1 s \(stopped it and every process it started\)$" \
	"build_timeout: the error names the command and lambda.yml's bound"
check "build_timeout: stopped at about 1 s (took ${elapsed} ms)" test "$elapsed" -lt 4000
run package hungkey --build-timeout 2
check_err_has "timed out after 2 s" "--build-timeout beats build_timeout"
pkill -KILL -f 'sleep 2010\.' 2>/dev/null

run package hung --build-timeout 0
check_status 2 "--build-timeout 0 is a usage error"
check_err_eq "lambdactl: option '--build-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '0'" "and says what it wants"
run invoke hung --build-timeout 5
check_status 2 "--build-timeout goes with --local"

# A build within its bound still runs, and its output still goes to stderr.
cat >>lambda.yml <<'YML'
  quick:
    artifact: task/echo
    build: "echo built-2010"
YML
run package quick --build-timeout 5
check_status 0 "a build within its bound succeeds"
check_err_has "^built-2010$" "its output is on stderr"

# What a successful build leaves running on purpose (a Gradle daemon) is
# not killed with the bootstrap's strays.
cat >>lambda.yml <<'YML'
  daemon:
    artifact: task/echo
    build: "(setsid sleep 2010.9 </dev/null >/dev/null 2>&1 &); echo daemon started"
YML
run invoke --local daemon --payload '{"d": 1}'
check_status 0 "a build that leaves a daemon, then a local invoke"
check_out_eq '{"d": 1}' "the invoke answers"
check "the build's daemon is left running" pgrep -f 'sleep 2010\.9'
pkill -KILL -f 'sleep 2010\.' 2>/dev/null

finish
