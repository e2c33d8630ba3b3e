#!/bin/bash
# plan: its exact output against golden files (tests/fixtures/plan/*.txt)
# for creation, configuration, environment, code and layer changes; exit 0
# with nothing to do and 5 with changes pending; environment values never
# shown; deploy --dry-run prints the same and writes nothing (a recording
# proxy in front of moto).  UPDATE_GOLDEN=1 rewrites the golden files.
#
# Nothing in the golden files varies between runs: the artifacts are
# written byte for byte with fixed modes (the zips are deterministic, so
# their CodeSha256 is too), moto's account and layer ARNs are fixed.
. "$(dirname "$0")/lib.sh"
start_lambda_env
GOLDEN=$SRC_DIR/tests/fixtures/plan

# Secrets that must never be printed.
SECRETS='hunter2-base-Secret|hunter2-new-Secret|feature-value-7f3a|info-level-9c1d|debug-level-2b8e'
export DB_PASSWORD=hunter2-base-Secret

# golden NAME DESC: stdout is exactly tests/fixtures/plan/NAME.txt.
golden() {
	local f=$GOLDEN/$1.txt
	[ -n "${UPDATE_GOLDEN:-}" ] && cp "$OUT" "$f"
	if [ ! -f "$f" ]; then not_ok "$2" "no golden file $f (run with UPDATE_GOLDEN=1)"
	elif diff -u "$f" "$OUT" >"$TMP/golden.diff"; then ok "$2"
	else not_ok "$2" "diff -u $f stdout:" "$(cat "$TMP/golden.diff")"; fi
}
# no_secrets DESC: neither stdout nor stderr holds an environment value.
no_secrets() {
	if grep -Eq -- "$SECRETS" "$OUT" "$ERR"; then not_ok "$1" "an environment value was printed"
	else ok "$1"; fi
}
# plan_case NAME MANIFEST STATUS DESC: plan, its golden file, no secret, no
# write; then deploy --dry-run prints the same, exits the same, writes nothing.
plan_case() {
	proxy_reset
	lc -f "$2" plan
	check_status "$3" "plan ($4) exits $3"
	golden "$1" "plan ($4) matches $1.txt"
	no_secrets "plan ($4) shows no environment value"
	cp "$OUT" "$TMP/plan.out"
	lc -f "$2" deploy --dry-run
	check_status "$3" "deploy --dry-run ($4) exits $3 like plan"
	check "deploy --dry-run ($4) prints exactly what plan printed" diff -u "$TMP/plan.out" "$OUT"
	no_secrets "deploy --dry-run ($4) shows no environment value"
	check "plan and deploy --dry-run ($4) made no write request (got $(proxy_writes))" test "$(proxy_writes)" -eq 0
}

# Byte-for-byte artifacts with fixed modes.
mkdir -p target layers
printf '#!/bin/sh\necho api v1\n' >target/bootstrap
chmod 0755 target/bootstrap
printf 'def main(event, context):\n    return "worker"\n' >worker.py
chmod 0644 worker.py
python3 - <<'EOF'
import zipfile
for name in ("libs", "tools"):
    with zipfile.ZipFile("layers/%s.zip" % name, "w") as z:
        z.writestr(zipfile.ZipInfo("python/%s.py" % name, (1980, 1, 1, 0, 0, 0)), "x = 1\n")
EOF
for l in libs tools; do
	ref_aws lambda publish-layer-version --layer-name "$l" --zip-file "fileb://layers/$l.zip" >/dev/null
done

# base.yml is what gets deployed; each other manifest changes one aspect.
cat >base.yml <<'YML'
role: lambda-exec
functions:
  api:
    runtime: provided.al2023
    artifact: target/bootstrap
    memory: 256
    timeout: 10
    description: the API
    environment:
      LOG_LEVEL: info-level-9c1d
      DB_PASSWORD: ${env:DB_PASSWORD}
  worker:
    runtime: python3.12
    handler: worker.main
    artifact: worker.py
YML
sed -e 's/memory: 256/memory: 512/' -e 's/timeout: 10/timeout: 30/' \
	-e 's/description: the API/description: the public API/' base.yml >config.yml
cat >>config.yml <<'YML'
    role: arn:aws:iam::123456789012:role/worker-role
YML
# env.yml: LOG_LEVEL removed, DB_PASSWORD changed, FEATURE_X added.
sed -e '/LOG_LEVEL/d' -e 's/\${env:DB_PASSWORD}/hunter2-new-Secret/' base.yml >env.yml
sed -i 's/^\(      DB_PASSWORD: .*\)$/\1\n      FEATURE_X: feature-value-7f3a/' env.yml
sed -e 's/LOG_LEVEL: info-level-9c1d/LOG_LEVEL: debug-level-2b8e/' base.yml >env-change.yml
cat >layers.yml <<'YML'
role: lambda-exec
functions:
  api:
    runtime: provided.al2023
    artifact: target/bootstrap
    memory: 256
    timeout: 10
    description: the API
    environment:
      LOG_LEVEL: info-level-9c1d
      DB_PASSWORD: ${env:DB_PASSWORD}
    layers:
      - arn:aws:lambda:us-east-1:123456789012:layer:libs:1
      - arn:aws:lambda:us-east-1:123456789012:layer:tools:1
  worker:
    runtime: python3.12
    handler: worker.main
    artifact: worker.py
    layers: [ "arn:aws:lambda:us-east-1:123456789012:layer:libs:1" ]
YML

# Nothing deployed yet.
plan_case create base.yml 5 "nothing deployed"
check "nothing was created" test "$(ref_aws lambda list-functions --query 'length(Functions)')" -eq 0
lc -f base.yml -o json plan
check_status 5 "plan -o json with functions to create exits 5"
check "plan -o json: exists false and the create line, per function" \
	jq -e 'length == 2 and .[0].function == "api" and .[0].exists == false and (.[0].changes | length == 1 and (.[0].text | startswith("+ create (provided.al2023, 256 MB, 10 s, x86_64, code "))) and .[1].function == "worker" and .[1].exists == false' "$OUT"
no_secrets "plan -o json shows no environment value"

lc -f base.yml deploy
check_status 0 "deploy base.yml"
plan_case nochange base.yml 0 "nothing changed"
lc -f base.yml -o json plan
check_status 0 "plan -o json with nothing to do exits 0"
check "plan -o json: exists true and no changes" \
	jq -e 'length == 2 and all(.[]; .exists == true and .changes == [])' "$OUT"

plan_case config config.yml 5 "memory, timeout, description, role"
plan_case env env.yml 5 "environment added, removed, changed"
lc -f env.yml -o json plan
check "plan -o json: environment changes named, values hidden" \
	jq -e '[.[0].changes[] | [.action, .field, .text]] == [["change", "environment.DB_PASSWORD", "~ environment.DB_PASSWORD (value hidden)"], ["add", "environment.FEATURE_X", "+ environment.FEATURE_X"], ["remove", "environment.LOG_LEVEL", "- environment.LOG_LEVEL"]] and all(.[0].changes[]; .hidden == true and (has("from") or has("to") | not))' "$OUT"
no_secrets "plan -o json (environment) shows no environment value"
plan_case env-change env-change.yml 5 "one environment value changed"

printf '#!/bin/sh\necho api v2\n' >target/bootstrap
plan_case code base.yml 5 "code changed"
lc -f base.yml plan --config-only
check_status 0 "plan --config-only ignores a code change"
check_out_eq "api: no changes
worker: no changes" "plan --config-only says no changes"
lc -f config.yml plan --code-only api
check_status 5 "plan --code-only api sees the code change only"
check_out_eq "api:
$(grep '^  ~ code ' "$GOLDEN/code.txt")" \
	"plan --code-only shows only the code line of code.txt"
printf '#!/bin/sh\necho api v1\n' >target/bootstrap

plan_case layers layers.yml 5 "layers added"
lc -f layers.yml deploy
check_status 0 "deploy with layers"
check "get-function shows both layers, in order" \
	test "$(ref_aws lambda get-function-configuration --function-name api --query 'Layers[].Arn' --output text)" = "arn:aws:lambda:us-east-1:123456789012:layer:libs:1	arn:aws:lambda:us-east-1:123456789012:layer:tools:1"
plan_case layers-removed base.yml 5 "layers removed"

# --debug shows requests and responses, but no body: still no value.
lc -f env.yml --debug deploy
check_status 0 "deploy --debug of the environment change"
check_err_has "debug: > PUT .*/2015-03-31/functions/api/configuration" "--debug shows the UpdateFunctionConfiguration request"
no_secrets "deploy --debug shows no environment value, sent or received"
check "the new values landed nonetheless" \
	test "$(ref_aws lambda get-function-configuration --function-name api --query 'Environment.Variables' --output json | jq -c -S .)" = '{"DB_PASSWORD":"hunter2-new-Secret","FEATURE_X":"feature-value-7f3a"}'

lc -f base.yml plan nosuch
check_status 2 "plan of a function not in the manifest is a usage error"

finish
