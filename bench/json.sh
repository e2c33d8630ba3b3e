#!/bin/bash
# The JSON printer on a big answer: 'invoke --local' of a function echoing
# a 4.7 MB event (60,000 objects of three members) with the text output (the
# payload as it came) against -o json piped (one line: the payload re-laid
# token by token, every number's digits kept), and jq -c on the same bytes
# as a reference.  The local run's own cost (package, bootstrap, Runtime
# API) is in both lambdactl rows: their difference is the printer's.
. "$(dirname "$0")/lib.sh"
M="python3 $BENCH_DIR/measure.py"
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export XDG_CACHE_HOME=$BENCH_TMP/cache
cd "$BENCH_TMP" || exit 1
mkdir -p echo
cat >echo/bootstrap <<'BOOT'
#!/bin/sh
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while :; do
	curl -sS -D h -o e "$api/invocation/next" || exit 1
	id=$(tr -d '\r' <h | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
	curl -sS -o /dev/null -X POST --data-binary @e "$api/invocation/$id/response"
done
BOOT
chmod 0755 echo/bootstrap
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
