#!/bin/bash
# The CI recipes of examples/ci/ run here, against moto, as their CI would
# run them (tests/e2e/cirecipe.py parses each with PyYAML and runs its
# steps' shell in bash, with the environment the recipe sets): validate,
# plan (exit 5, changes pending, accepted by the recipe) and deploy, after
# which the function exists in moto as the AWS CLI sees it, deployed with
# the credentials the recipe's CI would give:
#   github-actions.yml  its OIDC step runs as written (curl to
#       $ACTIONS_ID_TOKEN_REQUEST_URL, audience sts.amazonaws.com, jq, the
#       token file named in $GITHUB_ENV) against a loopback stub standing
#       in for GitHub's token service; lambdactl then trades the token with
#       moto's STS (AssumeRoleWithWebIdentity) for the role the recipe names;
#       the plan step writes its Markdown summary to $GITHUB_STEP_SUMMARY
#       (when this lambdactl has plan --summary).  The token file holds the
#       token byte for byte (no newline for STS to take as part of it); a
#       token service answering 500 fails the token step, the last to run
#       (steps run in GitHub's shell: the workflow's bash, with pipefail).
#   gitlab-ci.yml  GitLab's id_tokens token comes as $ID_TOKEN (a test-made
#       token); the recipe's own line writes it to the token file, whose path
#       the test moves from /tmp into its own directory.
#   buildspec.yml  CodeBuild's AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is on
#       169.254.170.2, which no test may reach: the test gives
#       AWS_CONTAINER_CREDENTIALS_FULL_URI at tests/e2e/credstub.py on
#       127.0.0.1 instead, serving a moto role's credentials, and sets
#       AWS_REGION as CodeBuild does.
# Not run: the steps installing lambdactl from the .deb (the binary under
# test is on PATH) and GitHub's actions/checkout.  Everything goes to
# 127.0.0.1 only (AWS_ENDPOINT_URL is moto).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/creds-lib.sh"
python3 -c 'import yaml' 2>/dev/null || { echo "1..0 # SKIP PyYAML is not installed"; exit 0; }
RECIPES=$SRC_DIR/examples/ci
start_moto_rec
export AWS_ENDPOINT_URL=$MOTO_URL
ref() { AWS_ACCESS_KEY_ID=AKIDREFERENCE AWS_SECRET_ACCESS_KEY=reference/secret/EXAMPLE00000 ref_aws "$@"; }
ref iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
has_summary=0
"$LAMBDACTL" plan --help 2>&1 | grep -q -- '--summary' && has_summary=1

# recipe NAME KIND FUNCTION RECIPE STEPS: a project directory NAME holding lambda.yml
# (one provided.al2023 function FUNCTION), the recipe run in it with the
# overrides in $TMP/NAME.json; checks that the STEPS steps ran and passed
# and that plan said it would create the function (its exit 5 accepted).
recipe() {
	local name=$1 kind=$2 fn=$3 rc step n=0
	mkdir -p "$TMP/$name/out" && cd "$TMP/$name" || exit 1
	provided_manifest arn:aws:iam::123456789012:role/lambda-exec <<<"  $fn: { timeout: 3 }"
	python3 "$E2E_DIR/cirecipe.py" "$kind" "$RECIPES/$4" out "$TMP/$name.json"
	check "$name: the recipe parses and runs" test $? -eq 0
	while IFS=$'\t' read -r rc step; do
		n=$((n + 1))
		if [ "$rc" -eq 0 ]; then ok "$name: step '$step' passed"
		else not_ok "$name: step '$step' passed" "exit $rc" "$(tail -3 "out/$n.err")"; fi
	done <out/steps
	check "$name: $5 steps ran" test "$(wc -l <out/steps)" -eq "$5"
	check "$name: plan said it would create $fn" grep -Pzq "(^|\n)$fn:\n  \+ create " out/*.out
	check "$name: deploy said it created $fn" grep -Eq "^$fn: created" out/*.out
	for c in validate plan deploy; do
		check "$name: the recipe runs lambdactl $c" grep -Eq "^ *(- |run: )?lambdactl $c( |$)" "$RECIPES/$4"
	done
	cd "$TMP" || exit 1
}

# deployed FUNCTION REGION DESC: the AWS CLI finds it in moto.
deployed() {
	check "$3: $1 exists in moto ($2), as the AWS CLI sees it" \
		test "$(ref --region "$2" lambda get-function --function-name "$1" --query Configuration.Runtime --output text)" = provided.al2023
}

# --- GitHub Actions ---------------------------------------------------------
GH_TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBpOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.Z2l0aHVi
printf '[{"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"count": 1, "value": "%s"}}]' \
	"$GH_TOKEN" >"$TMP/oidc.json"
start_stub "$TMP/oidc.json"
mkdir -p "$TMP/runner"
cat >"$TMP/github.json" <<JSON
{"GITHUB_ACTIONS": "true", "CI": "true",
 "GITHUB_ENV": "$TMP/github-env", "GITHUB_STEP_SUMMARY": "$TMP/summary.md",
 "RUNNER_TEMP": "$TMP/runner",
 "ACTIONS_ID_TOKEN_REQUEST_URL": "$STUB_URL/token?api-version=2.0",
 "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runtime-request-token"}
JSON
: >"$TMP/github-env" >"$TMP/summary.md"
rec_reset
recipe github github gh-hello github-actions.yml 4
region=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["env"]["AWS_REGION"])' "$RECIPES/github-actions.yml")
role=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["env"]["AWS_ROLE_ARN"])' "$RECIPES/github-actions.yml")
check "github: permissions id-token: write" python3 -c 'import sys, yaml
assert yaml.safe_load(open(sys.argv[1]))["permissions"]["id-token"] == "write"' "$RECIPES/github-actions.yml"
check "github: the token was asked for with audience sts.amazonaws.com and the request token" \
	jq -s -e 'length == 1 and (.[0].query | test("(^|&)audience=sts.amazonaws.com(&|$)")) and
	(.[0].headers | to_entries | map(select(.key | ascii_downcase == "authorization")) | .[0].value == "bearer runtime-request-token")' "$STUB_LOG"
check "github: the token file holds the token byte for byte (no newline after it)" \
	cmp -s <(printf %s "$GH_TOKEN") "$TMP/runner/web-identity-token"
check "github: the token file is 0600" test "$(stat -c %a "$TMP/runner/web-identity-token")" = 600
check "github: \$GITHUB_ENV names it" grep -qx "AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/runner/web-identity-token" "$TMP/github-env"
check "github: lambdactl traded the token with STS (AssumeRoleWithWebIdentity)" \
	test "$(rec_count AssumeRoleWithWebIdentity)" -ge 1
check "github: ... for the recipe's role" grep -qF "RoleArn=$(jq -rn --arg s "$role" '$s | @uri')" <(rec_body AssumeRoleWithWebIdentity)
check "github: ... with the token the OIDC step wrote" grep -qE "(^|&)WebIdentityToken=${GH_TOKEN//./\\.}(&|$)" <(rec_body AssumeRoleWithWebIdentity)
check "github: ... and no newline after it (%0A)" \
	test "$(rec_body AssumeRoleWithWebIdentity | grep -ciF "WebIdentityToken=$GH_TOKEN%0A")" -eq 0
deployed gh-hello "$region" github
if [ "$has_summary" -eq 1 ]; then
	check "github: the plan step wrote its summary to \$GITHUB_STEP_SUMMARY, naming the function" grep -q 'gh-hello' "$TMP/summary.md"
else
	ok "github: plan summary # SKIP this lambdactl has no plan --summary"
fi
stop_stub

# The token service failing: the token step fails (curl's failure is not
# lost in its pipe: the workflow's shell is bash, with pipefail), and GitHub
# runs no step after it.
check "github: the workflow's default shell is bash (pipefail)" python3 -c 'import sys, yaml
assert yaml.safe_load(open(sys.argv[1]))["defaults"]["run"]["shell"] == "bash"' "$RECIPES/github-actions.yml"
printf '[{"status": 500, "headers": {"Content-Type": "application/json"}, "body": {"message": "down"}}]' >"$TMP/oidc-down.json"
start_stub "$TMP/oidc-down.json"
mkdir -p "$TMP/github-down/out" "$TMP/runner-down"
jq --arg u "$STUB_URL/token?api-version=2.0" --arg r "$TMP/runner-down" --arg e "$TMP/github-env-down" \
	'. + {ACTIONS_ID_TOKEN_REQUEST_URL: $u, RUNNER_TEMP: $r, GITHUB_ENV: $e}' "$TMP/github.json" >"$TMP/github-down.json"
(cd "$TMP/github-down" && python3 "$E2E_DIR/cirecipe.py" github "$RECIPES/github-actions.yml" out "$TMP/github-down.json")
check "github, token service down: the token step failed, and was the last to run" \
	awk -F '\t' 'END { exit !(NR == 1 && $1 != 0 && $2 ~ /OIDC token/) }' "$TMP/github-down/out/steps"
check "github, token service down: \$GITHUB_ENV names no token file" test ! -s "$TMP/github-env-down"
stop_stub

# --- GitLab CI/CD -----------------------------------------------------------
GL_TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6YWNtZS9hcGkifQ.Z2l0bGFi
cat >"$TMP/gitlab.json" <<JSON
{"GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_ID": "777",
 "ID_TOKEN": "$GL_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE": "$TMP/gitlab-token"}
JSON
check "gitlab: id_tokens ID_TOKEN with aud sts.amazonaws.com" python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d[".lambdactl"]["id_tokens"]["ID_TOKEN"]["aud"] == "sts.amazonaws.com"' "$RECIPES/gitlab-ci.yml"
rec_reset
CI_PIPELINE_ID=777 recipe gitlab gitlab gl-hello gitlab-ci.yml 2
region=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["variables"]["AWS_REGION"])' "$RECIPES/gitlab-ci.yml")
check "gitlab: the recipe's line wrote \$ID_TOKEN to the token file, 0600" \
	test "$(cat "$TMP/gitlab-token")" = "$GL_TOKEN" -a "$(stat -c %a "$TMP/gitlab-token")" = 600
check "gitlab: lambdactl traded it with STS (AssumeRoleWithWebIdentity)" grep -qF "WebIdentityToken=$GL_TOKEN" <(rec_body AssumeRoleWithWebIdentity)
check "gitlab: ... as session gitlab-777 (the recipe's variables expanded)" grep -qF "RoleSessionName=gitlab-777" <(rec_body AssumeRoleWithWebIdentity)
deployed gl-hello "$region" gitlab

# --- AWS CodeBuild ----------------------------------------------------------
moto_role_creds codebuild-service
cat >"$TMP/stub.json" <<JSON
{"container": {"path": "/creds", "AccessKeyId": "$ROLE_AK", "SecretAccessKey": "$ROLE_SK",
  "Token": "$ROLE_TOK", "expires_in": 3600}}
JSON
start_credstub "$TMP/stub.json"
cat >"$TMP/codebuild.json" <<JSON
{"CODEBUILD_BUILD_ID": "lambdactl:1", "AWS_REGION": "us-east-1",
 "AWS_CONTAINER_CREDENTIALS_FULL_URI": "$CREDSTUB_URL/creds"}
JSON
rec_reset
recipe codebuild codebuild cb-hello buildspec.yml 1
check "codebuild: lambdactl asked the container credentials endpoint" test "$(credstub_count container)" -ge 1
check "codebuild: CreateFunction signed with the role's key" test "$(rec_count POST:/2015-03-31/functions "$ROLE_AK")" -ge 1
check "codebuild: every call to moto signed with the container's key" \
	test "$(rec_signers lambdactl/)" = "$ROLE_AK "
deployed cb-hello us-east-1 codebuild

finish
