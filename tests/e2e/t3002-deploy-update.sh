#!/bin/bash
# update and deploy through a recording proxy in front of moto: only what
# changed is sent (code, configuration, or nothing at all), the change lands
# (the aws CLI as the reference), --code-only / --config-only, a missing
# function, and back-to-back updates.
. "$(dirname "$0")/lib.sh"
start_lambda_env

CODE=/2015-03-31/functions/app/code
CONF=/2015-03-31/functions/app/configuration
ref_conf() {	# ref_conf QUERY: one field of app's configuration
	ref_aws lambda get-function-configuration --function-name app --query "$1" --output json
}
pkg_sha() { openssl dgst -sha256 -binary .lambdactl/app.zip | base64 -w0; }
# write_manifest MEMORY ENV_FLOW_MAP
write_manifest() {
	cat >lambda.yml <<YML
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  app:
    memory: $1
    timeout: 5
    environment: $2
  ghost:
    memory: 128
YML
}
code_version() { printf '#!/bin/sh\necho %s\n' "$1" >target/bootstrap; }
# check_requests DESC CODE_PUTS CONFIG_PUTS: what the last run sent.
check_requests() {
	local c f
	c=$(proxy_count PUT "$CODE")
	f=$(proxy_count PUT "$CONF")
	if [ "$c" = "$2" ] && [ "$f" = "$3" ]; then ok "$1"
	else not_ok "$1" "PUT code: $c (want $2), PUT configuration: $f (want $3)" "$(proxy_requests)"; fi
}

mkdir -p target
code_version v1
write_manifest 256 '{ A: one, B: two }'
lc deploy app
check_status 0 "deploy creates app"
check_out_eq "app: created" "deploy reports the creation"
check "the create went through the proxy (one POST /2015-03-31/functions)" \
	test "$(proxy_count POST /2015-03-31/functions)" -eq 1

# Code only.
code_version v2
proxy_reset
lc update app
check_status 0 "update with only the code changed"
check_out_eq "app: updated (code)" "update names code as the change"
check_requests "code only: exactly one PUT .../code and no PUT .../configuration" 1 0
check "code only: nothing else was written" test "$(proxy_writes)" -eq 1
check "code only: get-function shows the new CodeSha256" test "$(ref_conf CodeSha256)" = "\"$(pkg_sha)\""
check "code only: the memory is untouched" test "$(ref_conf MemorySize)" = 256

# Configuration only.
write_manifest 512 '{ A: one, B: two }'
proxy_reset
lc -o json update app
check_status 0 "update with only the memory changed"
check "JSON: updated, with the one change listed" \
	jq -e 'length == 1 and .[0].function == "app" and .[0].status == "updated" and .[0].changes == [{"field": "memory", "action": "change", "from": 256, "to": 512, "text": "~ memory 256 -> 512"}]' "$OUT"
check_requests "memory only: no PUT .../code and exactly one PUT .../configuration" 0 1
check "memory only: nothing else was written" test "$(proxy_writes)" -eq 1
check "memory only: get-function shows MemorySize 512" test "$(ref_conf MemorySize)" = 512
check "memory only: the code is untouched" test "$(ref_conf CodeSha256)" = "\"$(pkg_sha)\""

# Environment: A changed, B removed, C added.
write_manifest 512 '{ A: uno, C: three }'
proxy_reset
lc update app
check_status 0 "update with environment keys added, removed and changed"
check_out_eq "app: updated (environment.A, environment.B, environment.C)" "update names each environment key that changed"
check_requests "environment only: one PUT .../configuration, no code" 0 1
check "get-function shows exactly the new environment {A: uno, C: three}" \
	test "$(ref_conf Environment.Variables | jq -c -S .)" = '{"A":"uno","C":"three"}'

# Removing every variable empties the environment.
write_manifest 512 '{}'
lc update app
check_status 0 "update removing every environment variable"
check "get-function shows no environment variable left" \
	test "$(ref_conf 'Environment.Variables' | jq -c '. // {}')" = '{}'
write_manifest 512 '{ A: uno, C: three }'
lc update app
check_status 0 "update restoring the environment"

# Nothing changed: not a single write.
proxy_reset
lc deploy app
check_status 0 "deploy with nothing changed"
check_out_eq "app: unchanged" "deploy reports unchanged"
check "nothing changed: zero POST/PUT/DELETE requests (got $(proxy_writes))" test "$(proxy_writes)" -eq 0
check "nothing changed: the function was still read (GET seen by the proxy)" \
	test "$(proxy_count GET /2015-03-31/functions/app)" -ge 1
lc update app
check_status 0 "update with nothing changed"
check "update with nothing changed: zero writes either" test "$(proxy_writes)" -eq 0

# Code and memory both pending; each restriction sends only its half.
code_version v3
write_manifest 1024 '{ A: uno, C: three }'
before_sha=$(ref_conf CodeSha256)
proxy_reset
lc update --config-only app
check_status 0 "update --config-only"
check_out_eq "app: updated (memory)" "--config-only reports only the memory"
check_requests "--config-only: one PUT .../configuration, no PUT .../code" 0 1
check "--config-only: the memory landed, the code did not" \
	test "$(ref_conf MemorySize)/$(ref_conf CodeSha256)" = "1024/$before_sha"
lc plan app
check_status 5 "plan still sees the code change"
check_out_eq "app:
  ~ code ${before_sha//\"/} -> $(pkg_sha)" "plan lists only the pending code change"
proxy_reset
lc update --code-only app
check_status 0 "update --code-only"
check_out_eq "app: updated (code)" "--code-only reports only the code"
check_requests "--code-only: one PUT .../code, no PUT .../configuration" 1 0
check "--code-only: the code landed" test "$(ref_conf CodeSha256)" = "\"$(pkg_sha)\""
lc plan app
check_status 0 "plan: in sync after both halves"
check_out_eq "app: no changes" "plan says no changes"

# --code-only ignores a configuration change; --config-only a code change.
write_manifest 2048 '{ A: uno, C: three }'
proxy_reset
lc update --code-only app
check_status 0 "update --code-only with only the configuration changed"
check_out_eq "app: unchanged" "--code-only ignores the configuration"
check "--code-only with no code change: zero writes" test "$(proxy_writes)" -eq 0
check "the memory was not changed" test "$(ref_conf MemorySize)" = 1024
write_manifest 1024 '{ A: uno, C: three }'
code_version v4
proxy_reset
lc deploy --config-only app
check_status 0 "deploy --config-only with only the code changed"
check_out_eq "app: unchanged" "--config-only ignores the code"
check "--config-only with no configuration change: zero writes" test "$(proxy_writes)" -eq 0

lc update --code-only --config-only app
check_status 2 "--code-only with --config-only is a usage error"
check_err_eq "lambdactl: --code-only and --config-only exclude each other" "the usage error names both options"

# Code and configuration in one run: code first, waited for, then config.
write_manifest 768 '{ A: uno, C: three }'
proxy_reset
lc deploy app
check_status 0 "deploy with code and memory changed"
check_out_eq "app: updated (code, memory)" "deploy names both changes"
check_requests "code and memory: one PUT .../code and one PUT .../configuration" 1 1
seq=$(jq -r '"\(.method) \(.path)"' "$PROXY_LOG" | tr '\n' ';')
check "the code went first, then a GetFunction wait, then the configuration, then a wait" \
	grep -Eq "PUT $CODE;(GET /2015-03-31/functions/app;)+PUT $CONF;(GET /2015-03-31/functions/app;)+\$" <<<"$seq"

# Right after a code update, another deploy works (no conflict).
code_version v5
lc deploy app
check_status 0 "a code update"
write_manifest 640 '{ A: uno, C: three }'
lc deploy app
check_status 0 "a second deploy right after a code update succeeds"
check_err_lacks "ResourceConflictException" "no ResourceConflictException"
check "the second deploy's memory landed" test "$(ref_conf MemorySize)" = 640

# update refuses what does not exist, and writes nothing.
proxy_reset
lc update ghost
check_status 1 "update on a function that does not exist fails with exit 1"
check_err_eq "lambdactl: ghost: no such function (create it with 'lambdactl new' or 'lambdactl deploy')" \
	"the missing function is named with a hint to use new or deploy"
check "update on a missing function: zero writes" test "$(proxy_writes)" -eq 0
check "the function still does not exist" bash -c "! aws --endpoint-url '$MOTO_URL' lambda get-function --function-name ghost >/dev/null 2>&1"

finish
