#!/bin/bash
# plan -o json's structured changes and plan's Markdown summary, against
# moto: a create, a memory change (numbers as numbers), an environment
# change (hidden: no value anywhere), a new schedule and the alias's move,
# each as {field, action, from, to, text}; plan, deploy --dry-run, deploy,
# update and new outputs valid against schema/lambdactl-*.json (new's and
# update's copies of deploy's), which do refuse an undocumented field, a
# hidden value, an unknown action; --summary FILE and
# $GITHUB_STEP_SUMMARY (under GITHUB_ACTIONS=true) append the summary,
# escaped for Markdown, never overwriting what the file held.
. "$(dirname "$0")/lib.sh"
start_lambda_env
# Every plan here is checked for a change whose from equals its to.
PLAN_SAME=$TMP/plan-same.json
: >"$PLAN_SAME"
SCHEMAS=$SRC_DIR/schema
SECRETS='s3cr3t-value-one|s3cr3t-value-two'

# valid NAME FILE: FILE is a JSON text valid against lambdactl-NAME.json.
valid() {
	python3 - "$SCHEMAS/lambdactl-$1.json" "$2" <<'EOF'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
errors = list(Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors:
    print("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message))
sys.exit(1 if errors else 0)
EOF
}
no_secrets() {	# no_secrets WHAT FILE...
	local what=$1
	shift
	if grep -Eq -- "$SECRETS" "$@"; then not_ok "$what shows no environment value" "a value was printed"
	else ok "$what shows no environment value"; fi
}

mkdir -p target
printf '#!/bin/sh\necho api\n' >target/bootstrap
chmod 0755 target/bootstrap
cat >base.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  api:
    memory: 128
    alias: live
    environment:
      TOKEN: s3cr3t-value-one
YML
lc -f base.yml -o json deploy
check_status 0 "deploy base.yml -o json"
check "deploy -o json (created) is valid against lambdactl-deploy.json" valid deploy "$OUT"
check "deploy -o json: created, version 1, alias live on it, the create line" \
	jq -e 'length == 1 and .[0].status == "created" and .[0].version == "1" and .[0].alias == {"name": "live", "version": "1"} and (.[0].changes | length == 1 and .[0].field == "create" and .[0].action == "add" and (.[0] | has("from") or has("to") | not))' "$OUT"

cat >next.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
artifact: target/bootstrap
functions:
  api:
    memory: 256
    alias: live
    description: "a | b `c`"
    environment:
      TOKEN: s3cr3t-value-two
    events:
      - schedule: rate(5 minutes)
  fresh:
    memory: 128
YML

lc -f next.yml -o json plan
check_status 5 "plan -o json with changes exits 5"
cp "$OUT" "$TMP/plan.json"
check "plan -o json is valid against lambdactl-plan.json" valid plan "$OUT"
no_secrets "plan -o json" "$OUT"
check "memory: exactly {field, action, from: 128, to: 256} and its text, numbers as numbers" \
	jq -e '.[0].changes[] | select(.field == "memory") | (del(.text) == {"field": "memory", "action": "change", "from": 128, "to": 256}) and .text == "~ memory 128 -> 256" and (.from | type) == "number"' "$OUT"
check "environment: hidden, no from nor to" \
	jq -e '[.[0].changes[] | select(.field | startswith("environment."))] == [{"field": "environment.TOKEN", "action": "change", "hidden": true, "text": "~ environment.TOKEN (value hidden)"}]' "$OUT"
check "description: from null (none) to the string" \
	jq -e '.[0].changes[] | select(.field == "description") | .from == null and (has("from")) and .to == "a | b `c`" and .text == "~ description (none) -> a | b `c`"' "$OUT"
check "the schedule: added, to its expression" \
	jq -e '.[0].changes[] | select(.field == "events.schedule.lambdactl-api-1") | .action == "add" and .from == null and .to == "rate(5 minutes)" and .text == "+ schedule rate(5 minutes) (rule lambdactl-api-1)"' "$OUT"
check "the alias: a version published, from 1 to new" \
	jq -e '.[0].changes[] | select(.field == "alias") | .action == "add" and .from == "1" and .to == "new" and .text == "+ publish a version, alias live -> new"' "$OUT"
check "fresh: exists false, the create line alone" \
	jq -e '.[1].function == "fresh" and .[1].exists == false and (.[1].changes | length == 1 and .[0].field == "create" and (.[0].text | startswith("+ create (provided.al2023, 128 MB, 3 s, x86_64, code ")))' "$OUT"
check "api: the order of the text output, every change an object" \
	jq -e '.[0].exists == true and [.[0].changes[].field] == ["memory", "description", "environment.TOKEN", "events.schedule.lambdactl-api-1", "alias"]' "$OUT"
# The text is that of the text output, line for line.
lc -f next.yml plan
jq -r '.[] | .function as $f | if .changes == [] then "\($f): no changes" else "\($f):", (.changes[] | "  \(.text)") end' "$TMP/plan.json" >"$TMP/from-json.txt"
check "each change's text is the text output's line" diff -u "$TMP/from-json.txt" "$OUT"

# new's and update's schemas are deploy's (copies, the title aside).
for c in new update; do
	check "lambdactl-$c.json is lambdactl-deploy.json but its title and description" \
		test "$(jq -cS 'del(.title, .description)' "$SCHEMAS/lambdactl-$c.json")" = "$(jq -cS 'del(.title, .description)' "$SCHEMAS/lambdactl-deploy.json")"
done
# plan's definitions of a plan, a change and an error are deploy's.
defs() { jq -cS '.["$defs"] | {plan, error, change}' "$SCHEMAS/lambdactl-$1.json"; }
check "lambdactl-plan.json's \$defs plan, error, change are lambdactl-deploy.json's" \
	test "$(defs plan)" = "$(defs deploy)" -a "$(defs plan | jq '[.[] | select(. == null)] | length')" -eq 0
check "lambdactl-list.json's change (its differences) is lambdactl-plan.json's" \
	test "$(jq -cS '.["$defs"].change' "$SCHEMAS/lambdactl-list.json")" = "$(jq -cS '.["$defs"].change' "$SCHEMAS/lambdactl-plan.json")"
# The schemas refuse what they do not document.
jq '.[0].changes[0].extra = 1' "$TMP/plan.json" >"$TMP/bad1.json"
check "lambdactl-plan.json refuses an undocumented field in a change" \
	test "$(valid plan "$TMP/bad1.json" >/dev/null; echo $?)" -eq 1
jq '.[0].changes |= map(if .hidden then .to = "x" else . end)' "$TMP/plan.json" >"$TMP/bad2.json"
check "lambdactl-plan.json refuses a hidden change with a value" \
	test "$(valid plan "$TMP/bad2.json" >/dev/null; echo $?)" -eq 1
jq '.[0].changes[0].action = "replace"' "$TMP/plan.json" >"$TMP/bad3.json"
check "lambdactl-plan.json refuses an action it does not name" \
	test "$(valid plan "$TMP/bad3.json" >/dev/null; echo $?)" -eq 1

lc -f next.yml -o json deploy --dry-run
check_status 5 "deploy --dry-run -o json exits 5"
check "deploy --dry-run -o json is valid against lambdactl-deploy.json" valid deploy "$OUT"
check "deploy --dry-run -o json is plan -o json" \
	test "$(jq -cS . "$OUT")" = "$(jq -cS . "$TMP/plan.json")"

# The Markdown summary: appended to --summary FILE.
printf '# earlier step\n' >summary.md
lc -f next.yml plan --summary summary.md
check_status 5 "plan --summary exits 5 with changes"
check_out_has "^  ~ memory 128 -> 256\$" "plan --summary still prints the plan"
check "what the file held stays first" test "$(head -1 summary.md)" = "# earlier step"
check "the heading" grep -Fqx '### lambdactl plan' summary.md
check "the count" grep -Fqx '2 functions, 2 with changes.' summary.md
check "the table's head" grep -Fqx '| function | action | changes |' summary.md
check "api's row: each change, escaped for Markdown, the value hidden" grep -Fqx \
	'| api | update | \~ memory 128 -> 256<br>\~ description (none) -> a \| b \`c\`<br>\~ environment.TOKEN (value hidden)<br>+ schedule rate(5 minutes) (rule lambdactl-api-1)<br>+ publish a version, alias live -> new |' summary.md
check "fresh's row: create" grep -Eqx '\| fresh \| create \| \+ create \(provided.al2023, 128 MB, 3 s, x86\\_64, code [A-Za-z0-9+/=]+\) \|' summary.md
no_secrets "the summary" summary.md
lc -f next.yml plan --summary summary.md api
check_status 5 "plan --summary again, api only"
check "a second plan is appended after the first" \
	test "$(grep -c '^### lambdactl plan$' summary.md)" -eq 2 -a "$(head -1 summary.md)" = "# earlier step"
check "the second summary counts one function" \
	test "$(grep -Fx '1 function, 1 with changes.' summary.md | wc -l)" -eq 1

# GitHub Actions: $GITHUB_STEP_SUMMARY when GITHUB_ACTIONS=true.
printf 'step one\n' >step.md
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$TMP/step.md lc -f base.yml plan
check_status 0 "plan under GitHub Actions with nothing to change exits 0"
check "GITHUB_STEP_SUMMARY: appended after what the file held" \
	test "$(head -1 step.md)" = "step one" -a "$(grep -c '^### lambdactl plan$' step.md)" -eq 1
check "GITHUB_STEP_SUMMARY: api has no changes" grep -Fqx '| api | no changes |  |' step.md
GITHUB_ACTIONS=false GITHUB_STEP_SUMMARY=$TMP/other.md lc -f base.yml plan
check "no summary unless GITHUB_ACTIONS=true" test ! -e other.md
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$TMP/step.md lc -f next.yml plan --summary given.md
check "--summary wins over GITHUB_STEP_SUMMARY" \
	test "$(grep -c '^### lambdactl plan$' step.md)" -eq 1 -a "$(grep -c '^### lambdactl plan$' given.md)" -eq 1
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$TMP/step.md lc -f next.yml deploy --dry-run
check "deploy --dry-run writes no summary" test "$(grep -c '^### lambdactl plan$' step.md)" -eq 1
lc -f next.yml plan --summary "$TMP/no/such/dir/s.md"
check_status 1 "a summary that cannot be written: exit 1"
check_err_has "cannot write the summary to '.*/no/such/dir/s.md': No such file or directory" "and says why"
check_out_has "^  ~ memory 128 -> 256\$" "the plan is printed all the same"
# A write that fails part way (the file size limit) leaves the file as it
# was, not a summary cut short.
head -c 1000 /dev/zero | tr '\0' x >limited.md
(ulimit -f 1 && trap "" XFSZ && { lc -f next.yml plan --summary limited.md; echo "$status" >limited.status; })
check "a summary cut short by the size limit: exit 1" test "$(cat limited.status)" = 1
check_err_has "cannot write the summary to 'limited.md': File too large" "and says why"
check "the file is as it was, not a part summary" test "$(wc -c <limited.md)" -eq 1000 -a "$(tr -d x <limited.md | wc -c)" -eq 0
# A run that stops before comparing (an artifact missing) still writes its
# summary: the error, the secrets in it redacted.
sed 's|artifact: target/bootstrap|artifact: target/AWS_SECRET_ACCESS_KEY=hunter2|' base.yml >gone.yml
lc -f gone.yml plan --summary stopped.md
check_status 3 "plan whose artifact is missing: exit 3"
check "its summary: the heading and the error" \
	test "$(cat stopped.md)" = "$(printf '%s\n\n%s' '### lambdactl plan' "No plan: api: artifact 'target/AWS\\_SECRET\\_ACCESS\\_KEY=\\<redacted>' not found (relative to '.')")"
check "the secret is not in it" test "$(grep -c hunter2 stopped.md)" -eq 0

# deploy, then update and new, each against its schema.
lc -f next.yml -o json deploy
check_status 0 "deploy next.yml -o json"
cp "$OUT" "$TMP/deploy.json"
check "deploy -o json (updated, created) is valid against lambdactl-deploy.json" valid deploy "$OUT"
no_secrets "deploy -o json" "$OUT"
check "deploy -o json: api's changes as objects, the alias on version 2" \
	jq -e '.[0].status == "updated" and .[0].version == "2" and .[0].alias == {"name": "live", "version": "2"} and ([.[0].changes[] | select(.field == "memory")] == [{"field": "memory", "action": "change", "from": 128, "to": 256, "text": "~ memory 128 -> 256"}]) and ([.[0].changes[].field] | index("alias") == null)' "$OUT"
sed -i 's/memory: 256/memory: 384/' next.yml
lc -f next.yml -o json update api
check_status 0 "update -o json"
check "update -o json is valid against lambdactl-update.json" valid update "$OUT"
check "update -o json: memory 256 -> 384" \
	jq -e '.[0].changes[] | select(.field == "memory") | .from == 256 and .to == 384' "$OUT"
cat >>next.yml <<'YML'
  third:
    memory: 128
YML
lc -f next.yml -o json new third
check_status 0 "new -o json"
check "new -o json is valid against lambdactl-new.json" valid new "$OUT"
lc -f next.yml -o json new third
check_status 1 "new of an existing function fails"
check "new -o json with a failed function is valid against lambdactl-new.json (function, error)" \
	jq -e '.[0] | keys == ["error", "function"]' "$OUT"
check "and valid against the schema" valid new "$OUT"

check "no plan had a change whose from equals its to" test ! -s "$PLAN_SAME"

finish
