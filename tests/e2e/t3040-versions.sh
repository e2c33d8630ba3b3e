#!/bin/bash
# versions, rollback and promote against moto, with the aws CLI as the
# oracle: three published versions listed (text and JSON, checked against
# list-versions-by-function and list-aliases); rollback to the previous
# version, --to 1, forward again, and its refusals (nothing older, --to 99,
# --to $LATEST, --to where it is); --dry-run moves nothing; a weighted alias
# made with the aws CLI shown on both of its versions, promoted by promote,
# removed by rollback; nothing is ever deleted.  Bad input: unknown flag, no
# FUNCTION, a missing function, a missing alias, no alias to move, -o json
# errors.  The stub: a garbled ListAliases answer and a concurrent change
# (UpdateAlias's PreconditionFailedException) each give one clear line.
. "$(dirname "$0")/lib.sh"
start_lambda_env

alias_version() { ref_aws lambda get-alias --function-name app --name "${1:-live}" --query FunctionVersion --output text; }
# The routing of live, compact JSON ({} when none).
alias_weights() { ref_aws lambda get-alias --function-name app --name live --output json | jq -c '.RoutingConfig.AdditionalVersionWeights // {}'; }
no_routing() { test "$(alias_weights)" = "{}"; }
# The published versions, newest first, as the aws CLI lists them: the
# members lambdactl's JSON has, but aliases.
ref_versions() {
	ref_aws lambda list-versions-by-function --function-name app --output json |
	    jq '[.Versions[] | select(.Version != "$LATEST") | {version: .Version,
		last_modified: .LastModified, code_sha256: .CodeSha256,
		code_size: .CodeSize, description: (.Description // ""),
		state: .State}] | sort_by(.version | tonumber) | reverse'
}

# manifest [ALIAS]: lambda.yml with function app (and its alias:).
manifest() {
	printf 'role: lambda-exec\nfunctions:\n  app:\n' >lambda.yml
	printf '    runtime: provided.al2023\n    artifact: target/bootstrap\n' >>lambda.yml
	[ -z "${1-}" ] || printf '    alias: %s\n' "$1" >>lambda.yml
}

mkdir -p target
printf '#!/bin/sh\necho v0\n' >target/bootstrap
manifest

# No versions yet.
lc deploy
check_status 0 "deploy without publishing creates the function"
lc versions app
check_status 0 "versions of a function without versions exits 0"
check_out_eq "app has no published versions" "versions says there are none"
lc -o json versions app
check_status 0 "versions -o json without versions exits 0"
check "versions -o json without versions prints []" jq -e '. == []' "$OUT"

# Three versions, live at the newest; beta at the oldest; the third with
# a description.
for i in 1 2; do
	printf '#!/bin/sh\necho v%s\n' "$i" >target/bootstrap
	lc deploy --alias live
	check_status 0 "deploy --alias live publishes version $i"
done
printf '#!/bin/sh\necho v3\n' >target/bootstrap
lc deploy
check_status 0 "a third code change, not published by deploy"
ref_aws lambda publish-version --function-name app --description 'build 3, "quoted"' >/dev/null
ref_aws lambda update-alias --function-name app --name live --function-version 3 >/dev/null
ref_aws lambda create-alias --function-name app --name beta --function-version 1 >/dev/null
check "the aws CLI sees live at 3" test "$(alias_version)" = 3

proxy_reset
lc versions app
check_status 0 "versions exits 0"
check_out_has "^VERSION +LAST MODIFIED +CODESHA256 +ALIASES +DESCRIPTION\$" "versions prints the header"
check "versions lists 3, 2, 1, newest first" test "$(awk 'NR > 1 { print $1 }' "$OUT" | tr '\n' ' ')" = "3 2 1 "
for v in 1 2 3; do
	sha=$(ref_aws lambda get-function-configuration --function-name app --qualifier "$v" --query CodeSha256 --output text)
	lm=$(ref_aws lambda get-function-configuration --function-name app --qualifier "$v" --query LastModified --output text)
	check "version $v: its date and CodeSha256 as Lambda gives them" \
	    test "$(awk -v v="$v" '$1 == v { print $2, $3 }' "$OUT")" = "$lm $sha"
done
check "version 3: alias live and the description" \
    grep -Eq '^3 .* live  +build 3, "quoted"$' "$OUT"
check "version 2: no alias, no trailing blanks" grep -Eq '^2 .*[^ ] +-$' "$OUT"
check "version 1: alias beta" grep -Eq '^1 .* beta$' "$OUT"
check "versions only reads" test "$(proxy_writes)" -eq 0

lc -o json versions app
check_status 0 "versions -o json exits 0"
ref_versions >"$TMP/ref.json"
check "versions -o json: the versions as list-versions-by-function has them" \
    jq -e --slurpfile ref "$TMP/ref.json" '[.[] | del(.aliases)] == $ref[0]' "$OUT"
check "versions -o json: the aliases on each" \
    jq -e '[.[] | .aliases] == [[{"name": "live", "weight": 1}], [], [{"name": "beta", "weight": 1}]]' "$OUT"
check "versions -o json: the description of version 3" \
    jq -e '.[0].description == "build 3, \"quoted\""' "$OUT"

# --dry-run moves nothing.
proxy_reset
lc rollback app --alias live --dry-run
check_status 5 "rollback --dry-run exits 5: the alias would move"
check_out_eq "live: 3 -> 2 (dry run: not moved)" "rollback --dry-run says where it would go"
check "rollback --dry-run left live at 3" test "$(alias_version)" = 3
check "rollback --dry-run wrote nothing" test "$(proxy_writes)" -eq 0

# Back to the previous version.
proxy_reset
lc rollback app --alias live
check_status 0 "rollback exits 0"
check_out_eq "live: 3 -> 2" "rollback prints where the alias went"
check "get-alias: live at 2" test "$(alias_version)" = 2
check "one UpdateAlias, no other write" \
    test "$(proxy_count PUT /2015-03-31/functions/app/aliases/live)" -eq 1 -a "$(proxy_writes)" -eq 1

# --to 1, JSON.
lc -o json rollback app --alias live --to 1
check_status 0 "rollback --to 1 exits 0"
check "rollback -o json: function, alias, from, to, dry_run" \
    jq -e '. == {"function": "app", "alias": "live", "from": "2", "to": "1", "dry_run": false}' "$OUT"
check "get-alias: live at 1" test "$(alias_version)" = 1

# Refusals.
lc rollback app --alias live
check_status 1 "rollback at the oldest version exits 1"
check_err_eq "lambdactl: app: live is at 1, the oldest published version: nothing to roll back to" \
    "rollback at the oldest version says so in one line"
check "live stayed at 1" test "$(alias_version)" = 1
lc rollback app --alias live --to 99
check_status 1 "rollback --to 99 exits 1"
check_err_eq "lambdactl: app: no published version 99 (the newest is 3)" "rollback --to 99: no such version"
lc rollback app --alias live --to '$LATEST'
check_status 2 "rollback --to \$LATEST is a usage error"
check_err_eq "lambdactl: option '--to' wants a published version number (1, 2, ...), not '\$LATEST'" \
    "rollback --to \$LATEST: a published version number is wanted"
lc rollback app --alias live --to 1
check_status 1 "rollback --to where the alias is exits 1"
check_err_eq "lambdactl: app: live is at 1 already" "rollback --to the current version says so"
lc rollback app --alias live --to 2.5
check_status 2 "rollback --to 2.5 is a usage error"
check "the refusals left live at 1" test "$(alias_version)" = 1

# Forward again.
lc rollback app --alias live --to 3
check_status 0 "rollback --to a newer version exits 0"
check_out_eq "live: 1 -> 3" "rollback --to 3 moves live forward"
check "get-alias: live at 3" test "$(alias_version)" = 3

# A canary made with the aws CLI: 10% of live to version 3, the rest to 2.
ref_aws lambda update-alias --function-name app --name live --function-version 2 \
    --routing-config '{"AdditionalVersionWeights":{"3":0.1}}' >/dev/null
lc versions app
check_status 0 "versions with a weighted alias exits 0"
check "version 3: live (10%)" grep -Eq '^3 .* live \(10%\) ' "$OUT"
check "version 2: live (90%)" grep -Eq '^2 .* live \(90%\)$' "$OUT"
lc -o json versions app
check "versions -o json: the weights, 0.1 and 0.9" \
    jq -e '[.[] | .aliases] == [[{"name": "live", "weight": 0.1}], [{"name": "live", "weight": 0.9}], [{"name": "beta", "weight": 1}]]' "$OUT"

proxy_reset
lc promote app --alias live --dry-run
check_status 5 "promote --dry-run exits 5"
check_out_eq "live: 2 (+3 at 10%) -> 3 (dry run: not moved)" "promote --dry-run says where it would go"
check "promote --dry-run wrote nothing" test "$(proxy_writes)" -eq 0
check "the routing is still there" test "$(alias_weights)" = '{"3":0.1}'
lc promote app --alias live
check_status 0 "promote exits 0"
check_out_eq "live: 2 (+3 at 10%) -> 3" "promote prints the move"
check "get-alias: live at 3" test "$(alias_version)" = 3
check "get-alias: no routing left" no_routing
lc promote app --alias live
check_status 1 "promote without a canary exits 1"
check_err_eq "lambdactl: app: live has no canary: nothing to promote" "promote without a canary says so"

# 1 - 0.7 is shown as 0.3 (and 30%), not 0.30000000000000004.
ref_aws lambda update-alias --function-name app --name live --function-version 2 \
    --routing-config '{"AdditionalVersionWeights":{"3":0.7}}' >/dev/null
lc -o json versions app
check "versions -o json: the weights 0.7 and 0.3" \
    jq -e '[.[0:2][] | .aliases[0].weight] == [0.7, 0.3]' "$OUT"
check "versions -o json: 0.3 printed as such" grep -Eq '"weight":[[:space:]]*0\.3([,}]|$)' "$OUT"
lc versions app
check "versions: live (70%) and live (30%)" \
    test "$(grep -oE 'live \([0-9]+%\)' "$OUT" | tr '\n' ' ')" = "live (70%) live (30%) "

# rollback of a canary: the routing goes, the primary stays.
ref_aws lambda update-alias --function-name app --name live --function-version 2 \
    --routing-config '{"AdditionalVersionWeights":{"3":0.25}}' >/dev/null
lc -o json rollback app --alias live
check_status 0 "rollback of a canary exits 0"
check "rollback -o json of a canary: from 2 to 2, the canary named" \
    jq -e '. == {"function": "app", "alias": "live", "from": "2", "to": "2", "dry_run": false, "canary": {"version": "3", "weight": 0.25}}' "$OUT"
check "get-alias: live at 2" test "$(alias_version)" = 2
check "get-alias: the canary is gone" no_routing
ref_aws lambda update-alias --function-name app --name live --function-version 2 \
    --routing-config '{"AdditionalVersionWeights":{"3":0.1}}' >/dev/null
lc rollback app --alias live
check_out_eq "live: 2 (+3 at 10%) -> 2" "rollback of a canary, text"

# Nothing was ever deleted.
check "all three versions are still there" \
    test "$(ref_aws lambda list-versions-by-function --function-name app --query 'Versions[].Version' --output text)" = "\$LATEST	1	2	3"
check "no DELETE was ever sent" test "$(proxy_count DELETE '.*')" -eq 0

# The manifest's alias, once lambda.yml reads alias:.
manifest live
if "$LAMBDACTL" validate >/dev/null 2>&1; then
	lc rollback app --dry-run
	check_status 5 "rollback without --alias moves lambda.yml's alias"
	check_out_eq "live: 2 -> 1 (dry run: not moved)" "lambda.yml's alias live is the one"
else
	ok "rollback without --alias moves lambda.yml's alias # SKIP lambda.yml's alias: is not read yet"
fi
manifest

# Bad input.
lc rollback app --bogus
check_status 2 "rollback --bogus exits 2"
check_err_has "^lambdactl: rollback: unknown option '--bogus'" "rollback --bogus is named"
lc promote app --to 1
check_status 2 "promote has no --to"
for c in versions rollback promote; do
	lc "$c"
	check_status 2 "$c without FUNCTION exits 2"
	check_err_has "^lambdactl: usage: lambdactl $c " "$c without FUNCTION: its usage"
done
lc versions app extra
check_status 2 "versions with two arguments exits 2"
lc rollback app
check_status 2 "rollback without an alias anywhere exits 2"
check_err_eq "lambdactl: rollback: no alias to move: give --alias NAME (or set alias: for app in lambda.yml)" \
    "rollback without an alias says to give --alias"
lc promote app
check_status 2 "promote without an alias anywhere exits 2"
lc versions ghost
check_status 1 "versions of a missing function exits 1"
check_err_has "^lambdactl: ghost: ListAliases: ResourceNotFoundException: .*ghost" "versions: the missing function in one line"
check "versions of a missing function: one line" test "$(wc -l <"$ERR")" -eq 1
lc rollback ghost --alias live
check_status 1 "rollback of a missing function exits 1"
check_err_has "^lambdactl: ghost: ListAliases: ResourceNotFoundException: " "rollback: the missing function"
lc promote ghost --alias live
check_status 1 "promote of a missing function exits 1"
lc rollback app --alias nope
check_status 1 "rollback of a missing alias exits 1"
check_err_eq "lambdactl: app: no alias 'nope' (aliases: beta, live)" "rollback: the missing alias and the ones there are"
lc promote app --alias nope
check_status 1 "promote of a missing alias exits 1"
lc -o json rollback app --alias nope
check_status 1 "rollback -o json of a missing alias exits 1"
check "rollback -o json: the error as JSON" \
    jq -e '.error.message == "app: no alias '"'nope'"' (aliases: beta, live)" and .error.status == 1' "$OUT"
lc -o json versions ghost
check_status 1 "versions -o json of a missing function exits 1"
check "versions -o json: the error's code" \
    jq -e '.error.code == "ResourceNotFoundException" and .error.status == 1' "$OUT"
lc -o json rollback app --alias live --to x
check_status 2 "rollback -o json --to x exits 2"
check "rollback -o json --to x: a usage error as JSON" jq -e '.error.status == 2' "$OUT"
lc -o json promote app --alias live
check_status 1 "promote -o json without a canary exits 1"
check "promote -o json: the refusal as JSON" \
    jq -e '.error.message == "app: live has no canary: nothing to promote"' "$OUT"
check "bad input moved nothing" test "$(alias_version)" = 2

# The stub: what moto cannot answer.
stop_proxy
ALIASES='^/2015-03-31/functions/app/aliases'
cat >"$TMP/script.json" <<JSON
{"routes": [
 {"method": "GET", "path": "$ALIASES\\\\?", "responses": [
  {"status": 200, "body": {"Aliases": [{"Name": "live", "FunctionVersion": "2", "RoutingConfig": {"AdditionalVersionWeights": {"3": 0.1, "4": 0.2}}}]}},
  {"status": 200, "body": {"Aliases": [{"Name": "live", "FunctionVersion": "3", "RevisionId": "rev-1"}]}}]},
 {"method": "GET", "path": "^/2015-03-31/functions/app/versions", "responses": [
  {"status": 200, "body": {"Versions": [{"Version": "\$LATEST"}, {"Version": "1"}, {"Version": "2"}, {"Version": "3"}]}}]},
 {"method": "PUT", "path": "$ALIASES/live", "responses": [
  {"status": 412, "headers": {"x-amzn-ErrorType": "PreconditionFailedException"}, "body": {"Type": "User", "message": "The Revision Id provided does not match the latest Revision Id."}}]}
]}
JSON
start_stub "$TMP/script.json"
export AWS_ENDPOINT_URL_LAMBDA=$STUB_URL
lc versions app
check_status 1 "a ListAliases answer routing two versions exits 1"
check_err_eq "lambdactl: app: ListAliases: unexpected response: RoutingConfig.AdditionalVersionWeights holds more than one version" \
    "the garbled answer in one clear line"
lc rollback app --alias live
check_status 1 "an alias changed under rollback exits 1"
check_err_eq "lambdactl: app: UpdateAlias: PreconditionFailedException: The Revision Id provided does not match the latest Revision Id." \
    "the concurrent change in one line"
check "one UpdateAlias, straight after the listings (no GetAlias)" \
    jq -se '[.[] | .method + " " + (.path | sub("\\?.*"; ""))] == ["GET /2015-03-31/functions/app/aliases", "GET /2015-03-31/functions/app/aliases", "GET /2015-03-31/functions/app/versions", "PUT /2015-03-31/functions/app/aliases/live"]' "$STUB_LOG"

finish
