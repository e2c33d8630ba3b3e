#!/bin/bash
# Bad input is data: every tests/fixtures/bad/*.yml names its exact error
# line and exit status in its first two lines; the real binary must agree.
#   # expect-status: 3
#   # expect: 7:5: unknown key 'memroy' (did you mean 'memory'?)
. "$(dirname "$0")/lib.sh"

count=0
for f in "$SRC_DIR"/tests/fixtures/bad/*.yml; do
	name=$(basename "$f")
	want_status=$(sed -n 's/^# expect-status: //p' "$f" | head -1)
	want=$(sed -n 's/^# expect: //p' "$f" | head -1)
	if [ -z "$want_status" ] || [ -z "$want" ]; then
		not_ok "$name has '# expect-status:' and '# expect:' lines"
		continue
	fi
	count=$((count + 1))
	cp "$f" "$TMP/$name"
	lc validate -f "$name"
	if [ "$status" -eq "$want_status" ] && [ "$(cat "$ERR")" = "lambdactl: $name:$want" ] && [ ! -s "$OUT" ]; then
		ok "$name: $want"
	else
		not_ok "$name" "exit $status, want $want_status" "want stderr: lambdactl: $name:$want"
	fi
done
check "the corpus has at least 25 cases ($count)" test "$count" -ge 25

finish
