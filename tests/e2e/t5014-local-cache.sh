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
# scribble: appends to a file in its task root (only root can: the tree
# has no w bits) and answers with how many lines it holds.
bootstrap scribble 'echo x >>"$LAMBDA_TASK_ROOT/state.txt" 2>/dev/null
	printf "{\"lines\":%s}" "$(cat "$LAMBDA_TASK_ROOT/state.txt" 2>/dev/null | wc -l)" >/tmp/lc-rt-o.$$
	curl -sS -o /dev/null -X POST --data-binary @/tmp/lc-rt-o.$$ "$api/invocation/$ID/response"'
cat >>lambda.yml <<YML
  applink: { artifact: task/applink }
  scribble: { artifact: task/scribble }
YML

# 1. A symlinked artifact directory: its target's content is what counts.
lc invoke --local applink
check "a symlinked artifact directory runs" jq -e '.app == "one"' "$OUT"
echo two >task/app/app
lc invoke --local applink
check "... and a change behind the link is seen" jq -e '.app == "two"' "$OUT"

# 2. A write into a cached task root (root can) never reaches the next
# cold invoke: each starts from the tree as packaged.
want=1
[ "$(id -u)" = 0 ] || want=0
for i in 1 2 3; do
	lc invoke --local scribble
	check "cold invoke $i of a function writing into its task root: a fresh tree" \
		jq -e --argjson w "$want" '.lines == $w' "$OUT"
done

# 4. No usable HOME: the cache falls back to $TMPDIR/lambdactl-UID (0700).
uid=$(id -u)
(unset XDG_CACHE_HOME; HOME=/nonexistent lc invoke --local applink; echo "$status" >"$TMP/st")
check "HOME=/nonexistent: invoke --local still runs" jq -e '.app == "two"' "$OUT"
check "... its task root under \$TMPDIR/lambdactl-UID" \
	jq -e --arg d "$TMP/lambdactl-$uid/lambdactl/tasks/" '.root | startswith($d)' "$OUT"
check "... made 0700" test "$(stat -c %a "$TMP/lambdactl-$uid")" = 700
mkdir -p "$TMP/open/lambdactl-$uid" && chmod 0777 "$TMP/open/lambdactl-$uid"
(unset XDG_CACHE_HOME; HOME=/nonexistent TMPDIR=$TMP/open lc invoke --local applink; echo "$status" >"$TMP/st")
check "a fallback open to others is refused" test "$(cat "$TMP/st")" != 0
check "... in one clear line" test "$(cat "$ERR")" = "lambdactl: applink: refusing cache directory '$TMP/open/lambdactl-$uid': open to other users (mode not 0700)"

finish
