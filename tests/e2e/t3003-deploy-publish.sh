#!/bin/bash
# deploy --publish --alias: versions and the alias as the aws CLI sees them
# in moto, moved on each change; text and JSON output name both.
. "$(dirname "$0")/lib.sh"
start_lambda_env

versions() { ref_aws lambda list-versions-by-function --function-name app --query 'Versions[].Version' --output text; }
alias_version() { ref_aws lambda get-alias --function-name app --name live --query FunctionVersion --output text; }
version_sha() {	# version_sha N: the CodeSha256 of version N
	ref_aws lambda get-function-configuration --function-name app --qualifier "$1" --query CodeSha256 --output text
}
pkg_sha() { openssl dgst -sha256 -binary .lambdactl/app.zip | base64 -w0; }

mkdir -p target
printf '#!/bin/sh\necho v1\n' >target/bootstrap
cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  app:
    runtime: provided.al2023
    artifact: target/bootstrap
    memory: 256
YML

lc deploy --publish --alias live
check_status 0 "deploy --publish --alias live creates, publishes and aliases"
check_out_eq "app: created, version 1, alias live" "text output names the version and the alias"
check "list-versions-by-function shows \$LATEST and version 1" test "$(versions)" = "\$LATEST	1"
check "get-alias live points at version 1" test "$(alias_version)" = 1
check "version 1 has the packaged code" test "$(version_sha 1)" = "$(pkg_sha)"
check "the alias was created with one POST .../aliases" \
	test "$(proxy_count POST /2015-03-31/functions/app/aliases)" -eq 1

# A code change: version 2, the alias moves.
printf '#!/bin/sh\necho v2\n' >target/bootstrap
proxy_reset
lc deploy --publish --alias live
check_status 0 "a second change with --publish --alias live"
check_out_eq "app: updated (code), version 2, alias live" "text output names version 2 and the alias"
check "list-versions-by-function shows \$LATEST, 1 and 2" test "$(versions)" = "\$LATEST	1	2"
check "get-alias live now points at version 2" test "$(alias_version)" = 2
check "version 2 has the new code, version 1 kept the old" \
	test "$(version_sha 2)" = "$(pkg_sha)" -a "$(version_sha 1)" != "$(pkg_sha)"
check "the alias was moved with one PUT .../aliases/live, not created again" \
	test "$(proxy_count PUT /2015-03-31/functions/app/aliases/live)" -eq 1 -a "$(proxy_count POST /2015-03-31/functions/app/aliases)" -eq 0
check "one PublishVersion (POST .../versions)" test "$(proxy_count POST /2015-03-31/functions/app/versions)" -eq 1

# A configuration change, JSON output.
sed -i 's/memory: 256/memory: 384/' lambda.yml
lc -o json deploy --publish --alias live
check_status 0 "a configuration change with --publish --alias live, -o json"
check "JSON: status updated, version 3, the change listed" \
	jq -e '.[0].function == "app" and .[0].status == "updated" and .[0].version == "3" and .[0].changes == [{"field": "memory", "action": "change", "from": 256, "to": 384, "text": "~ memory 256 -> 384"}]' "$OUT"
check "get-alias live points at version 3" test "$(alias_version)" = 3
check "version 3 has memory 384" \
	test "$(ref_aws lambda get-function-configuration --function-name app --qualifier 3 --query MemorySize --output text)" = 384

# --publish alone: a version, no alias change.
printf '#!/bin/sh\necho v4\n' >target/bootstrap
lc deploy --publish
check_status 0 "deploy --publish without --alias"
check_out_eq "app: updated (code), version 4" "text output names the version, no alias"
check "the alias stayed at version 3" test "$(alias_version)" = 3

# --alias alone implies --publish.
printf '#!/bin/sh\necho v5\n' >target/bootstrap
lc deploy --alias live
check_status 0 "deploy --alias without --publish"
check_out_eq "app: updated (code), version 5, alias live" "--alias publishes a version by itself"
check "get-alias live points at version 5" test "$(alias_version)" = 5

# Without --publish, no version is made.
printf '#!/bin/sh\necho v6\n' >target/bootstrap
lc deploy
check_status 0 "deploy without --publish"
check_out_eq "app: updated (code)" "no version in the output"
check "no new version was published" test "$(versions)" = "\$LATEST	1	2	3	4	5"

# Publishing twice with nothing changed: Lambda gives back the same version.
lc deploy --publish --alias live
check_status 0 "deploy --publish --alias live after an unpublished change"
check_out_eq "app: unchanged, version 6, alias live" "the unpublished change becomes version 6"
lc deploy --publish --alias live
check_status 0 "deploy --publish --alias live with nothing changed"
check_out_eq "app: unchanged, version 6, alias live" "nothing changed: the same version 6 again"
check "no version 7 was made" test "$(versions)" = "\$LATEST	1	2	3	4	5	6"
check "get-alias live points at version 6" test "$(alias_version)" = 6

finish
