#!/bin/bash
# The cache of task roots (pool.c) against what can go wrong with it: a
# symlinked artifact directory, writes into a task root, a cache inside the
# artifact, no usable HOME, a rewrite within one timestamp tick.  Local
# only: invoke --local, no AWS endpoint at all.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP
tasks=$HOME/.cache/lambdactl/tasks

# app: answers with its file "app" and the task root it runs in.
bootstrap app 'jq -n --arg app "$(cat "$LAMBDA_TASK_ROOT/app")" --arg root "$LAMBDA_TASK_ROOT" \
		"{app: \$app, root: \$root}" >/tmp/lc-rt-o.$$
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
echo one >task/app/app
ln -s app task/applink
cat >>lambda.yml <<YML
  applink: { artifact: task/applink }
YML

# 1. A symlinked artifact directory: its target's content is what counts.
lc invoke --local applink
check "a symlinked artifact directory runs" jq -e '.app == "one"' "$OUT"
echo two >task/app/app
lc invoke --local applink
check "... and a change behind the link is seen" jq -e '.app == "two"' "$OUT"

finish
