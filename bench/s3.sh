#!/bin/bash
# S3 uploads: `lambdactl package --upload` (multipart, parts streamed from
# the file) against `aws s3 cp` of the same zip, on the same moto_server,
# for 60 MB and 200 MB incompressible artifacts; `lambdactl package` alone
# too, since --upload zips first.  Each run goes to a fresh key, so every
# run uploads.  Then a whole release: `lambdactl deploy` through S3 (zip,
# upload, UpdateFunctionCode, wait; the artifact changed by a byte each
# run, so every run sends code) against `aws s3 cp` + `aws lambda
# update-function-code --s3-bucket --s3-key` of a zip made beforehand.
# The artifacts are random bytes: package stores them (deflate would not
# shrink them), as it does jars, images and archives.  Last, two functions
# shipping one artifact with deploy -j 2: one upload.
# Wall seconds (median of N) and peak RSS (MB, the largest).
. "$(dirname "$0")/lib.sh"

N=${N:-3}
export HOME=$BENCH_TMP/home AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$HOME"
start_moto
export AWS_ENDPOINT_URL_S3=$MOTO_URL AWS_ENDPOINT_URL_LAMBDA=$MOTO_URL
export AWS_ENDPOINT_URL_IAM=$MOTO_URL AWS_ENDPOINT_URL_STS=$MOTO_URL
aws --endpoint-url "$MOTO_URL" s3api create-bucket --bucket bench >/dev/null
aws --endpoint-url "$MOTO_URL" iam create-role --role-name lambda-exec \
	--assume-role-policy-document '{}' >/dev/null
cd "$BENCH_TMP" || exit 1

# measure LABEL CMD... (CMD may use $i, the run's number): N runs.
measure() {
	local label=$1 i out
	shift
	for i in $(seq "$N"); do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%e %M' -o "$BENCH_TMP/t" bash -c "$*" >/dev/null 2>&1 ||
				{ echo "bench: failed: $*" >&2; return 1; }
			cat "$BENCH_TMP/t"
		else
			python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(["bash", "-c", sys.argv[1]], check=True, capture_output=True)
print("%.2f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))' "$*"
		fi
	done | sort -n | awk -v l="$label" '{ w[NR] = $1; if ($2 > m) m = $2 } END {
		printf "%-46s %8.2f s %8.1f MB\n", l, w[int((NR + 1) / 2)], m / 1024 }'
}
export -f measure 2>/dev/null

printf '%-46s %10s %11s\n' "command (median of $N)" wall "peak RSS"
# The floor: loading libcurl (and its 37 libraries) and OpenSSL 3's start.
measure "lambdactl --version" "'$LAMBDACTL' --version"
for mb in 60 200; do
	head -c $((mb * 1000 * 1000)) /dev/urandom >art$mb.bin
	cat >lambda.yml <<YML
role: lambda-exec
functions:
  f$mb:
    runtime: java21
    handler: a.B
    artifact: art$mb.bin
YML
	measure "lambdactl package, $mb MB" "'$LAMBDACTL' package f$mb"
	measure "lambdactl package --upload, $mb MB" \
		"'$LAMBDACTL' package --upload --s3-bucket bench --s3-prefix \"r\$RANDOM\$RANDOM/\" f$mb"
	measure "aws s3 cp, $mb MB" \
		"aws --endpoint-url '$MOTO_URL' s3 cp .lambdactl/f$mb.zip \"s3://bench/cp\$RANDOM\$RANDOM.zip\""
	# The release: the function exists; every run sends new code.
	sed -i '1i s3_bucket: bench' lambda.yml
	"$LAMBDACTL" deploy f$mb >/dev/null 2>&1 || { echo "bench: first deploy failed" >&2; exit 1; }
	measure "lambdactl deploy via S3, $mb MB" \
		"printf x >>art$mb.bin && '$LAMBDACTL' deploy f$mb"
	measure "aws s3 cp + update-function-code, $mb MB" \
		"k=cp\$RANDOM\$RANDOM.zip && aws --endpoint-url '$MOTO_URL' s3 cp .lambdactl/f$mb.zip s3://bench/\$k && aws --endpoint-url '$MOTO_URL' lambda update-function-code --function-name f$mb --s3-bucket bench --s3-key \$k"
	if [ "$mb" = 60 ]; then
		# Two functions, one artifact, at once: one upload between them.
		cat >>lambda.yml <<YML
  g1: { runtime: java21, handler: a.B, artifact: art$mb.bin }
  g2: { runtime: java21, handler: a.B, artifact: art$mb.bin }
YML
		"$LAMBDACTL" deploy -j 2 g1 g2 >/dev/null 2>&1 || { echo "bench: first deploy -j 2 failed" >&2; exit 1; }
		measure "lambdactl deploy -j 2, 2 fns, 1 artifact, $mb MB" \
			"printf x >>art$mb.bin && '$LAMBDACTL' deploy -j 2 g1 g2"
	fi
	rm -f art$mb.bin
done
