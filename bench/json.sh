#!/bin/bash
# The JSON printer on a big answer: 'invoke --local' of a function echoing
# a 4.7 MB event (60,000 objects of three members) with the text output (the
# payload as it came) against -o json piped (one line: the payload re-laid
# token by token, every number's digits kept), and jq -c on the same bytes
# as a reference.  The local run's own cost (package, bootstrap, Runtime
# API) is in both lambdactl rows: their difference is the printer's.
. "$(dirname "$0")/lib.sh"
M="python3 $BENCH_DIR/measure.py"
local_bench
echo_bootstrap echo
printf 'role: lambda-exec\nruntime: provided.al2023\nfunctions:\n  echo: { artifact: echo }\n' >lambda.yml
python3 - <<'PY'
import json, random
random.seed(16)
rows = [{"id": 9007199254740993 + i, "v": random.random() * 1e6, "ok": i % 2 == 0}
        for i in range(60000)]
open("event.json", "w").write(json.dumps({"rows": rows}, indent=1))
PY
echo "event: $(stat -c %s event.json) bytes"
"$LAMBDACTL" invoke --local echo --payload event.json -o json >out.json ||
	{ echo "bench: invoke --local failed" >&2; exit 1; }
jq -e '.payload.rows | length == 60000' out.json >/dev/null ||
	{ echo "bench: the payload did not come back whole" >&2; exit 1; }
row "command" wall_ms cpu_ms rss_mb
row "invoke --local, text output" $($M 5 "$LAMBDACTL" invoke --local echo --payload event.json)
row "invoke --local -o json, piped" $($M 5 "$LAMBDACTL" invoke --local echo --payload event.json -o json)
row "jq -c . on the event (reference)" $($M 5 jq -c . event.json)
