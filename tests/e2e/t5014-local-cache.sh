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
mkdir -p task/watched && cp task/app/bootstrap task/watched/ && echo v1 >task/watched/app
cat >>lambda.yml <<YML
  applink: { artifact: task/applink }
  watched: { artifact: task/watched }
  nothing: { artifact: task/nothing }
  scribble: { artifact: task/scribble }
YML

# 1. A symlinked artifact directory: its target's content is what counts.
lc invoke --local applink
check_status 0 "a symlinked artifact directory runs"
check "... the function's answer" jq -e '.app == "one"' "$OUT"
echo two >task/app/app
lc invoke --local applink
check_status 0 "... again"
check "... and a change behind the link is seen" jq -e '.app == "two"' "$OUT"

# 2. A write into a cached task root (root can) never reaches the next
# cold invoke: each starts from the tree as packaged.
want=1
[ "$(id -u)" = 0 ] || want=0
for i in 1 2 3; do
	lc invoke --local scribble
	check_status 0 "cold invoke $i runs"
	check "cold invoke $i of a function writing into its task root: a fresh tree" \
		jq -e --argjson w "$want" '.lines == $w' "$OUT"
done

# 3. A cache inside the artifact (artifact: . with HOME=$PWD, as in
# docker -v $PWD:/w -e HOME=/w) is never packaged: each new tree would
# hold all the earlier ones.
mkdir -p self && cp task/app/bootstrap self/ && echo self >self/app
printf 'role: lambda-exec\nruntime: provided.al2023\nfunctions:\n  self: { artifact: . }\n' >self/lambda.yml
cd self
HOME=$PWD XDG_CACHE_HOME= lc invoke --local self
check_status 0 "artifact: . with HOME inside it runs"
check "... the function's answer" jq -e '.app == "self"' "$OUT"
echo self2 >app
HOME=$PWD XDG_CACHE_HOME= lc invoke --local self
check_status 0 "... again"
check "... a change is seen" jq -e '.app == "self2"' "$OUT"
check "... and the cache is not in the new task root" test ! -e "$(jq -r .root "$OUT")/.cache"
HOME=$PWD XDG_CACHE_HOME= lc package self
cd "$TMP"
check "package leaves the cache out too" sh -c 'unzip -l self/.lambdactl/self.zip | grep -q bootstrap && ! unzip -l self/.lambdactl/self.zip | grep -q "[.]cache/lambdactl"'

# 4. No usable HOME: the cache falls back to $TMPDIR/lambdactl-UID (0700).
uid=$(id -u)
HOME=/nonexistent XDG_CACHE_HOME= lc invoke --local applink
check_status 0 "HOME=/nonexistent: invoke --local still runs"
check "... the function's answer" jq -e '.app == "two"' "$OUT"
check "... its task root under \$TMPDIR/lambdactl-UID" \
	jq -e --arg d "$TMP/lambdactl-$uid/lambdactl/tasks/" '.root | startswith($d)' "$OUT"
check "... made 0700" test "$(stat -c %a "$TMP/lambdactl-$uid")" = 700
mkdir -p "$TMP/open/lambdactl-$uid" && chmod 0777 "$TMP/open/lambdactl-$uid"
HOME=/nonexistent XDG_CACHE_HOME= TMPDIR=$TMP/open lc invoke --local applink
check_status 3 "a fallback open to others is refused"
check "... in one clear line" test "$(cat "$ERR")" = "lambdactl: applink: refusing cache directory '$TMP/open/lambdactl-$uid': open to other users (mode not 0700)"

# 5. A rewrite within one timestamp tick keeps the key (size and times the
# same): the files racy when a tree was made (changed within 2 s) are
# listed beside it with the digest of their content, read again before it
# is used.  The tick cannot be hit from a shell: the digest is made stale.
echo racy >task/app/app
lc invoke --local applink
root=$(jq -r .root "$OUT")
entry=${root%/task}
check "a tree made from just-changed files lists them" grep -q "task/app/app" "$entry/racy"
lc invoke --local applink
check "... reused while they read the same" test "$(jq -r .root "$OUT")" = "$root"
zeros=$(printf '%064d' 0)
printf '%s' "$zeros" | dd of="$entry/racy" conv=notrunc status=none
echo scribbled >"$TMP/mark" && cp "$TMP/mark" "$entry/mark"
lc invoke --local applink
check_status 0 "... and when they read otherwise"
check "... the tree is made again (a new entry, its digest true)" \
	sh -c 'test ! -e "$0/mark" && test "$(head -c 64 "$0/racy")" != "$1"' "$entry" "$zeros"
root=$(jq -r .root "$OUT")
entry=${root%/task}
sleep 3		# time itself: the files settle (2 s past their change)
lc invoke --local applink
check "once the files settled and read the same, the same tree" test "$(jq -r .root "$OUT")" = "$root"
check "... and its list of racy files is gone" test ! -e "$entry/racy"
lc invoke --local nothing
check_status 3 "a missing artifact is an error"
check_err_has "nothing: artifact 'task/nothing' not found" "... saying so"

# 6. serve --watch compares keys, not the newest mtime: cp -p of an older
# file, whose content changed, reloads.
use_env_creds
start_serve --watch watched
lc --endpoint-url "$URL" invoke watched
check_status 0 "serve --watch: an invoke"
check "serve --watch: the first code" jq -e '.app == "v1"' "$OUT"
echo v2 >"$TMP/stage" && touch -d 2020-01-01 "$TMP/stage" && cp -p "$TMP/stage" task/watched/app
for i in $(seq 200); do
	grep -q 'watched: reloaded' "$TMP/serve.err" && break
	sleep 0.1
done
check "cp -p of an older file reloads" grep -q 'watched: reloaded' "$TMP/serve.err"
lc --endpoint-url "$URL" invoke watched
check "... and the new code answers" jq -e '.app == "v2"' "$OUT"
stop_serve

finish
