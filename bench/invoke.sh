#!/bin/bash
# invoke: lambdactl against the AWS CLI on the same moto function, per call
# (median wall and CPU time), then --repeat throughput over reused
# connections.
. "$(dirname "$0")/lib.sh"
M="python3 $BENCH_DIR/measure.py"

export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
start_moto
curl -fs -X POST "$MOTO_URL/moto-api/config" -d '{"lambda": {"use_docker": false}}' >/dev/null
aws --endpoint-url "$MOTO_URL" iam create-role --role-name lambda-exec \
	--assume-role-policy-document '{}' >/dev/null
cd "$BENCH_TMP" || exit 1
mkdir -p target && printf '#!/bin/sh\n' >target/bootstrap
printf 'role: lambda-exec\nruntime: provided.al2023\nfunctions:\n  bench: { artifact: target/bootstrap }\n' >lambda.yml
"$LAMBDACTL" --endpoint-url "$MOTO_URL" deploy >/dev/null || exit 1
echo '{"bench": true, "n": [1, 2, 3]}' >event.json

printf '%-46s %9s %9s %9s\n' "one invoke (median)" "wall ms" "cpu ms" "rss MB"
printf '%-46s %9s %9s %9s\n' "lambdactl invoke --payload event.json (x30)" \
	$($M 30 "$LAMBDACTL" --endpoint-url "$MOTO_URL" invoke bench --payload event.json)
printf '%-46s %9s %9s %9s\n' "aws lambda invoke --payload file:// (x10)" \
	$($M 10 aws --endpoint-url "$MOTO_URL" lambda invoke --function-name bench \
		--payload fileb://event.json "$BENCH_TMP/out.json")
echo
for c in 1 4; do
	echo "lambdactl invoke --repeat 200 --concurrency $c:"
	"$LAMBDACTL" --endpoint-url "$MOTO_URL" invoke bench --payload event.json \
		--repeat 200 --concurrency "$c" | sed 's/^/  /'
done
