#!/bin/bash
# The release after a deploy's change: an alias moved (nothing written when
# it serves the newest version already), --keep-versions pruning (never an
# aliased version; plan shows it), a canary (--weight: routing checked with
# the aws CLI), their usage errors; and with stub.py scripting Lambda, the
# wait for a published version to be Active (SnapStart) before the alias
# moves: Pending then Active, Failed with its reason, never Active.
. "$(dirname "$0")/lib.sh"
start_lambda_env

versions() {	# versions FN: its published versions, "1 2 3"
	ref_aws lambda list-versions-by-function --function-name "$1" \
		--query 'Versions[?Version!=`$LATEST`].Version' --output text | tr '\t' ' '
}
alias_of() {	# alias_of FN NAME: the alias's version
	ref_aws lambda get-alias --function-name "$1" --name "$2" --query FunctionVersion --output text
}
code() {	# code FN TEXT: a new bootstrap for FN
	mkdir -p "target/$1"
	printf '#!/bin/sh\necho %s\n' "$2" >"target/$1/bootstrap"
}
# proxy_seq: the requests since proxy_reset, "METHOD PATH;" each.
proxy_seq() { jq -r '"\(.method) \(.path)"' "$PROXY_LOG" | tr '\n' ';'; }
FN=/2015-03-31/functions

code app v1
code cny v1
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  app:
    artifact: target/app/bootstrap
  cny:
    artifact: target/cny/bootstrap
YML

# ---- Usage errors: before any request. ----
proxy_reset
lc deploy --weight 10 app
check_status 2 "--weight without an alias is a usage error"
check_err_eq "lambdactl: --weight needs an alias: give --alias NAME (function 'app' has no alias: in lambda.yml)" \
	"the message says how to give one"
for bad in 0 100 abc -5 ''; do
	lc deploy --alias live --weight "$bad" app
	check_status 2 "--weight '$bad' is a usage error"
	check_err_eq "lambdactl: option '--weight' wants a number from 1 to 99, not '$bad'" "--weight '$bad': the range"
done
for bad in 0 abc -1 ''; do
	lc deploy --keep-versions "$bad" app
	check_status 2 "--keep-versions '$bad' is a usage error"
	check_err_has "^lambdactl: option '--keep-versions' wants a number from 1 to [0-9]+, not '$bad'\$" \
		"--keep-versions '$bad': the range"
done
lc new --weight 10 --alias live app
check_status 2 "new has no --weight (a canary needs a version to stay on)"
check "no usage error sent a request" test "$(proxy_count '.*' '.*')" -eq 0

# ---- A canary needs its alias: refused before any write. ----
lc deploy --alias live --weight 10 app
check_status 1 "--weight on a function not created yet fails"
check_err_eq "lambdactl: app: alias live does not exist: --weight needs it on a version to stay on (deploy --alias live first)" \
	"one line saying to deploy --alias live first"
check "nothing was written (the function was not created)" test "$(proxy_writes)" -eq 0

# ---- Pruning: three deploys with --keep-versions 2, an old alias. ----
lc deploy --alias live --keep-versions 2 app
check_status 0 "deploy --alias live --keep-versions 2 creates app"
check_out_eq "app: created, version 1, alias live" "version 1, alias live; nothing to prune"
ref_aws lambda create-alias --function-name app --name old --function-version 1 >/dev/null
code app v2
lc deploy --alias live --keep-versions 2 app
check_status 0 "second deploy: version 2"
code app v3
lc deploy --alias live --keep-versions 2 app
check_status 0 "third deploy: version 3"
check_out_eq "app: updated (code), version 3, alias live" "nothing pruned: 1 is aliased (old), 2 and 3 are the newest two"
check "versions 1 2 3 remain" test "$(versions app)" = "1 2 3"

# A missing alias with --weight on an existing function: one read, no write.
code app v4
proxy_reset
lc deploy --alias canary --weight 10 app
check_status 1 "--weight with an alias that does not exist fails"
check_err_eq "lambdactl: app: alias canary does not exist: --weight needs it on a version to stay on (deploy --alias canary first)" \
	"the message names the alias and the way out"
check "before any write: not even the code was updated" test "$(proxy_writes)" -eq 0
ref_aws lambda create-alias --function-name app --name head --function-version '$LATEST' >/dev/null
proxy_reset
lc deploy --alias head --weight 10 app
check_status 1 "--weight with an alias on \$LATEST fails"
check_err_eq "lambdactl: app: alias head points at \$LATEST, not a published version: --weight needs one to stay on (deploy --alias head first)" \
	"one line: no published version to stay on"
check "no write" test "$(proxy_writes)" -eq 0
ref_aws lambda delete-alias --function-name app --name head

lc plan --alias live --keep-versions 2 app
check_status 5 "plan shows the release and the pruning (exit 5)"
check_out_eq "app:
  ~ code $(ref_aws lambda get-function-configuration --function-name app --query CodeSha256 --output text) -> $(openssl dgst -sha256 -binary .lambdactl/app.zip | base64 -w0)
  + publish a version, alias live -> new
  - version 2 (keep_versions 2)" "plan: the new version counts as the newest; 1 (aliased) stays"
lc -o json plan --alias live --keep-versions 2 app
check "plan -o json lists the same lines" \
	jq -e '[.[0].changes[1:][].text] == ["+ publish a version, alias live -> new", "- version 2 (keep_versions 2)"]' "$OUT"

proxy_reset
lc deploy --alias live --keep-versions 2 app
check_status 0 "fourth deploy: version 4, then pruning"
check_out_eq "app: updated (code), version 4, alias live
app: pruned version 2" "the deleted version is printed"
check "versions 1 3 4 remain (1 is alias old's)" test "$(versions app)" = "1 3 4"
check "live is at 4, old still at 1" test "$(alias_of app live) $(alias_of app old)" = "4 1"
check "the version was deleted after the alias moved" \
	eval 'proxy_seq | grep -Eq "PUT $FN/app/aliases/live;.*DELETE $FN/app\?Qualifier=2;"'

# ---- Nothing changed, live on the newest version: nothing written. ----
proxy_reset
lc deploy --alias live app
check_status 0 "a deploy with nothing changed and --alias live"
check_out_eq "app: unchanged, version 4, alias live" "it reports the version live serves"
check "no write at all" test "$(proxy_writes)" -eq 0
check "four reads: the function, the alias, the versions, the newest one's configuration" \
	test "$(proxy_seq)" = "GET $FN/app;GET $FN/app/aliases/live;GET $FN/app/versions?MaxItems=50;GET $FN/app/configuration?Qualifier=4;"
proxy_reset
lc deploy app
check "without an alias or keep_versions: GetFunction alone" test "$(proxy_seq)" = "GET $FN/app;"

# Pruning with nothing else to do: once old lets version 1 go.
ref_aws lambda delete-alias --function-name app --name old
lc plan --alias live --keep-versions 2 app
check_status 5 "plan: version 1 would go now"
check_out_eq "app:
  - version 1 (keep_versions 2)" "plan: only the prune line"
proxy_reset
lc -o json deploy --alias live --keep-versions 2 app
check_status 0 "deploy -o json prunes version 1, nothing else"
check "JSON: unchanged, version 4, alias live at 4, pruned [\"1\"]" \
	jq -e '.[0] | .status == "unchanged" and .version == "4" and .alias == {"name": "live", "version": "4"} and .pruned == ["1"] and .changes == []' "$OUT"
check "one write: the DELETE of version 1" \
	test "$(proxy_writes)" -eq 1 -a "$(proxy_count DELETE "$FN/app\\?Qualifier=1")" -eq 1
check "versions 3 4 remain" test "$(versions app)" = "3 4"

# ---- A canary (--weight). ----
alias_json() { ref_aws lambda get-alias --function-name cny --name live --output json; }
lc deploy --alias live cny
check_status 0 "cny: version 1, alias live"
code cny v2
lc plan --alias live --weight 10 cny
check_out_has "^  \+ publish a version, alias live -> new \(10%\)\$" "plan shows the canary's weight"
lc deploy --alias live --weight 10 cny
check_status 0 "deploy --alias live --weight 10"
check_out_eq "cny: updated (code), version 2, alias live: 1 (+2 at 10%)" "live stays on 1, 2 gets 10%"
check "get-alias: live on 1 with routing {2: 0.1}" \
	eval 'alias_json | jq -e ".FunctionVersion == \"1\" and .RoutingConfig.AdditionalVersionWeights == {\"2\": 0.1}"'
proxy_reset
lc deploy --alias live --weight 10 cny
check_status 0 "the same canary again, nothing changed"
check_out_eq "cny: unchanged, version 2, alias live: 1 (+2 at 10%)" "reported as it is"
check "no write" test "$(proxy_writes)" -eq 0
code cny v3
lc -o json deploy --alias live --weight 20 cny
check_status 0 "a new canary replaces the old one"
check "JSON: the alias stays on 1, 3 at 20%" \
	jq -e '.[0].alias == {"name": "live", "version": "1", "canary_version": "3", "canary_weight": 20}' "$OUT"
check "get-alias: routing {3: 0.2}" \
	eval 'alias_json | jq -e ".FunctionVersion == \"1\" and .RoutingConfig.AdditionalVersionWeights == {\"3\": 0.2}"'
proxy_reset
lc deploy --alias live cny
check_status 0 "plain --alias with nothing changed"
check_out_eq "cny: unchanged, version 3, alias live: 1 (+3 at 20%)" "the canary in progress is left as it is"
check "no write: promote, not deploy, ends a canary" test "$(proxy_writes)" -eq 0
check "get-alias: still live on 1, routing {3: 0.2}" \
	eval 'alias_json | jq -e ".FunctionVersion == \"1\" and .RoutingConfig.AdditionalVersionWeights == {\"3\": 0.2}"'

# ---- $LATEST as lambda.yml has it, but configured otherwise than the
# newest version (a deploy whose UpdateFunctionConfiguration landed and
# whose PublishVersion did not): the rerun publishes and moves the alias. ----
ref_aws lambda update-function-configuration --function-name cny --memory-size 256 >/dev/null
sed -i 's|^    artifact: target/cny/bootstrap$|&\n    memory: 256|' lambda.yml
lc plan --alias live cny
check_status 5 "plan: a version to publish though \$LATEST has nothing to change"
check_out_eq "cny:
  + publish a version, alias live -> new" "plan: publish, live -> new"
lc deploy --alias live cny
check_status 0 "deploy --alias live publishes the configuration"
check_out_eq "cny: unchanged, version 4, alias live" "version 4, alias live (\$LATEST itself unchanged)"
check "a new version: plain --alias moves live wholly, the canary gone" \
	eval 'alias_json | jq -e ".FunctionVersion == \"4\" and ((.RoutingConfig.AdditionalVersionWeights // {}) == {})"'
check "live is at 4, which has 256 MB" test "$(alias_of cny live) $(ref_aws lambda get-function-configuration \
	--function-name cny --qualifier 4 --query MemorySize --output text)" = "4 256"
proxy_reset
lc deploy --alias live cny
check_out_eq "cny: unchanged, version 4, alias live" "then nothing is left to do"
check "no write" test "$(proxy_writes)" -eq 0
stop_proxy
stop_moto

# ---- The wait for the published version (stub.py plays Lambda). ----
cat >lambda.yml <<'YML'
role: arn:aws:iam::123456789012:role/lambda-exec
runtime: provided.al2023
artifact: target/app/bootstrap
functions:
  snap: {}
YML
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_LAMBDA
SNAP=$FN/snap
# conf STATE [STATE_REASON]: a FunctionConfiguration of snap (version 1
# with a State, or $LATEST Active and settled when STATE is "latest").
conf() {
	jq -nc --arg s "$1" --arg r "${2:-}" '{FunctionName: "snap",
		FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:snap",
		Runtime: "provided.al2023", Role: "arn:aws:iam::123456789012:role/lambda-exec",
		MemorySize: 128, Timeout: 3, CodeSha256: "b2xkIGNvZGU=", RevisionId: "rev-1",
		Architectures: ["x86_64"], EphemeralStorage: {Size: 512}}
		+ (if $s == "latest" then {Version: "$LATEST", State: "Active", LastUpdateStatus: "Successful"}
		   else {Version: "1", State: $s} end)
		+ (if $r != "" then {StateReason: $r} else {} end)'
}
# stub_snap QUALIFIER_STATES_JSON: GetFunction, the code update, publish
# (Pending), the version's states in turn, no alias yet, CreateAlias.
stub_snap() {
	jq -n --argjson l "$(conf latest)" --argjson p "$(conf Pending)" --argjson q "$1" --arg fn "^$SNAP\$" '{routes: [
		{method: "GET", path: $fn, responses: [{body: {Configuration: $l, Code: {}}}]},
		{method: "PUT", path: "/code$", responses: [{body: $l}]},
		{method: "POST", path: "/versions$", responses: [{status: 201, body: $p}]},
		{method: "GET", path: "/configuration\\?Qualifier=1$", responses: [$q[] | {body: .}]},
		{method: "GET", path: "/aliases/live$", responses: [{status: 404,
			headers: {"x-amzn-ErrorType": "ResourceNotFoundException"},
			body: {Type: "User", Message: "Alias not found"}}]},
		{method: "POST", path: "/aliases$", responses: [{status: 201, body: {Name: "live",
			FunctionVersion: "1", Description: "", RevisionId: "rev-a",
			AliasArn: "arn:aws:lambda:us-east-1:123456789012:function:snap:live"}}]}]}' >"$TMP/script.json"
	start_stub "$TMP/script.json"
}
stub_seq() { jq -r '"\(.method) \(.path)"' "$STUB_LOG" | tr '\n' ';'; }
timed_lc() {
	local t0=$(date +%s%N)
	lc --endpoint-url "$STUB_URL" "$@"
	elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

stub_snap "[$(conf Pending), $(conf Active)]"
timed_lc deploy --alias live --wait-timeout 30
check_status 0 "PublishVersion Pending, then Active: the deploy succeeds"
check_out_eq "snap: updated (code), version 1, alias live" "version 1, alias live"
check "the alias moved only once the version was Active" \
	test "$(stub_seq)" = "GET $SNAP;GET $SNAP/aliases/live;PUT $SNAP/code;GET $SNAP;POST $SNAP/versions;GET $SNAP/configuration?Qualifier=1;GET $SNAP/configuration?Qualifier=1;GET $SNAP/aliases/live;POST $SNAP/aliases;"
stop_stub

stub_snap "[$(conf Pending), $(conf Failed 'SnapStart: the init phase timed out after 10 s')]"
lc --endpoint-url "$STUB_URL" deploy --alias live --wait-timeout 30
check_status 1 "a version that fails: exit 1"
check_err_eq "lambdactl: snap: version 1 failed: SnapStart: the init phase timed out after 10 s (alias live not moved)" \
	"one line with the reason, saying the alias did not move"
check "nothing was sent to the alias" eval '! stub_seq | grep -Eq "(POST|PUT) [^;]*aliases"'
stop_stub

stub_snap "[$(conf Pending)]"
timed_lc deploy --alias live --wait-timeout 2
check_status 1 "a version never Active: exit 1"
check_err_eq "lambdactl: snap: timed out after 2 s waiting for version 1 to become Active (State Pending) (alias live not moved)" \
	"the timeout names the version and its state"
check "the wait ended within --wait-timeout (took ${elapsed_ms} ms)" test "$elapsed_ms" -ge 2000 -a "$elapsed_ms" -lt 12000
check "nothing was sent to the alias" eval '! stub_seq | grep -Eq "(POST|PUT) [^;]*aliases"'
stop_stub

finish
