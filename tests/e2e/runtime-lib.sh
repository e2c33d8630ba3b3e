# tests/e2e/runtime-lib.sh - sourced after lib.sh by the local runtime
# tests: writes small shell bootstraps that speak the Lambda Runtime API
# with curl, and a lambda.yml naming them.
#
#   echo      answers with the event
#   fail      posts an error (HelloError; Unhandled, as Lambda says)
#   slow      sleeps past its 1 s timeout
#   crash     exits 3 during init
#   env       answers with parts of its environment
#   once      answers, then exits (a crash between invocations)

# bootstrap NAME BODY: task/NAME/bootstrap, BODY run per event with
# $ID (request id) and $EVENT (the event file) set.
bootstrap() {
	mkdir -p "task/$1"
	cat >"task/$1/bootstrap" <<BOOT
#!/bin/sh
api="http://\$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while :; do
	curl -sS -D /tmp/lc-rt-h.\$\$ -o /tmp/lc-rt-e.\$\$ "\$api/invocation/next" || exit 1
	ID=\$(tr -d '\r' </tmp/lc-rt-h.\$\$ | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
	EVENT=/tmp/lc-rt-e.\$\$
	$2
done
BOOT
	chmod 0755 "task/$1/bootstrap"
}

write_runtime_fixtures() {
	bootstrap echo 'echo "echo: handling $ID" >&2
	curl -sS -o /dev/null -X POST --data-binary @$EVENT "$api/invocation/$ID/response"'
	bootstrap fail 'curl -sS -o /dev/null -X POST -H "Lambda-Runtime-Function-Error-Type: HelloError" \
		-d "{\"errorType\":\"HelloError\",\"errorMessage\":\"asked to fail\"}" "$api/invocation/$ID/error"'
	bootstrap slow 'echo "slow: sleeping" >&2; sleep 30'
	mkdir -p task/crash
	printf '#!/bin/sh\necho "crash: cannot load config" >&2\nexit 3\n' >task/crash/bootstrap
	chmod 0755 task/crash/bootstrap
	bootstrap env 'printf "{\"name\":\"%s\",\"memory\":\"%s\",\"handler\":\"%s\",\"tz\":\"%s\",\"greeting\":\"%s\",\"secret\":\"%s\",\"root\":\"%s\",\"region\":\"%s\"}" \
		"$AWS_LAMBDA_FUNCTION_NAME" "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" "$_HANDLER" "$TZ" "$GREETING" "${AWS_SECRET_ACCESS_KEY:-none}" "$LAMBDA_TASK_ROOT" "$AWS_REGION" >/tmp/lc-rt-o.$$
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
	bootstrap once 'curl -sS -o /dev/null -X POST --data-binary @$EVENT "$api/invocation/$ID/response"; exit 0'
	cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  echo: { artifact: task/echo }
  fail: { artifact: task/fail }
  slow: { artifact: task/slow, timeout: 1 }
  crash: { artifact: task/crash }
  env:
    artifact: task/env
    handler: my.handler
    memory: 256
    environment: { GREETING: hello }
  once: { artifact: task/once }
  ruby:
    runtime: ruby3.3
    handler: app.main
    artifact: task/echo
YML
}
