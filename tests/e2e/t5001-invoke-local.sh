#!/bin/bash
# invoke --local: bootstraps run here through the Runtime API emulator, with
# the remote invoke's output contract and exit statuses.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
# Task roots under this test's directory: what is left is ours to see.
export TMPDIR=$TMP

lc invoke --local echo --payload '{"a": [1, 2], "b": "x"}'
check_status 0 "a local invoke succeeds without any AWS credentials"
check_out_eq '{"a": [1, 2], "b": "x"}' "the response is the bootstrap's, byte for byte"

lc invoke --local echo --payload '{"n": 1}' --log
check_err_has '^START RequestId: [0-9a-f-]{36} Version: \$LATEST$' "--log shows the START line"
check_err_has '^echo: handling [0-9a-f-]{36}$' "--log shows the function's own output"
check_err_has '^END RequestId: [0-9a-f-]{36}$' "--log shows the END line"
check_err_has '^REPORT RequestId: [0-9a-f-]{36}	Duration: [0-9.]+ ms	Billed Duration: [0-9]+ ms	Memory Size: 128 MB	Max Memory Used: [0-9]+ MB	Init Duration: [0-9.]+ ms$' "--log shows the REPORT line of a cold start"

lc invoke --local fail
check_status 4 "a function error exits 4"
check_err_eq "lambdactl: fail: function error (Unhandled): HelloError: asked to fail" "the errorType and errorMessage are named"
check "the error body is on stdout" jq -e '.errorType == "HelloError"' "$OUT"

start=$(date +%s%N)
lc invoke --local slow
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check_status 4 "a timeout is a function error"
check_err_has "^lambdactl: slow: function error \(Unhandled\): Sandbox\.Timedout: RequestId: [0-9a-f-]+ Error: Task timed out after 1\.00 seconds$" "the timeout is reported as Lambda does"
check "the function was stopped at about its 1 s timeout (took ${elapsed} ms)" test "$elapsed" -lt 4000
check "nothing of the timed-out bootstrap is left running" sh -c '! pgrep -f "$0/.cache/lambdactl/tasks/" >/dev/null' "$HOME"
check "no task root is left in TMPDIR (they are cached, read-only)" sh -c '! ls -d "$0"/lambdactl-task.* 2>/dev/null' "$TMP"

lc invoke --local crash --log
check_status 4 "a crash during init is a function error"
check_err_has "Runtime\.ExitError" "a crash is reported as Runtime.ExitError"
check_err_has "exit status 3" "the exit status is named"
check_err_has "^crash: cannot load config$" "the crash's own output is in the log"

AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local-secret-key-0000 lc invoke --local env
check_status 0 "the env function runs"
check "Lambda's environment: name, memory, handler, TZ, task root" \
	jq -e '.name == "env" and .memory == "256" and .handler == "my.handler" and .tz == ":UTC" and (.root | length > 0)' "$OUT"
check "the manifest's environment reaches the function" jq -e '.greeting == "hello"' "$OUT"
check "the caller's AWS secret is not passed by default" jq -e '.secret == "none"' "$OUT"
AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=local-secret-key-0000 AWS_REGION=eu-west-3 lc invoke --local env --pass-credentials
check "--pass-credentials passes them, and the region" jq -e '.secret == "local-secret-key-0000" and .region == "eu-west-3"' "$OUT"

lc invoke --local ruby
check_status 3 "a runtime lambdactl does not run (ruby3.3) cannot run locally"
check_err_has "^lambdactl: ruby: --local runs provided\.\*, java\*, python3\.\* and nodejs\* runtimes; 'ruby3\.3' runs only in Lambda" "the runtime restriction is explained"
lc invoke --local nosuch
check_status 3 "a function not in lambda.yml cannot run locally"
lc invoke --local echo --repeat 3
check_status 2 "--repeat does not go with --local"
lc invoke echo --pass-credentials
check_status 2 "--pass-credentials needs --local"

lc invoke --local echo -o json --payload '{"k": 1}' --log
check "-o json: StatusCode, Payload, LogResult" \
	jq -e '.status_code == 200 and .payload.k == 1 and (.log_tail | test("REPORT RequestId"))' "$OUT"

finish
