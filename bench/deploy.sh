#!/bin/bash
# Deploying to one moto_server: a 40 MB artifact with `lambdactl deploy`
# against `aws lambda create-function --zip-file fileb://...` (the same
# zip, the function deleted between runs), wall time and peak RSS; then
# eight small functions with `deploy -j 1` and `-j 4` (deleted between
# runs).  The artifact is generated from a seeded generator (random bytes,
# so deflate cannot shrink it) with fixed timestamps: every run uploads the
# same bytes.  lambdactl streams the base64 body from the file, so its peak
# RSS should stay under 32 MB whatever the zip's size.
# POSIX sh: `make bench` runs it with sh.
. "$(dirname "$0")/lib.sh"

: "${RUNS:=5}"
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1  # awscli v1 reads only the latter
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
ROLE=arn:aws:iam::123456789012:role/bench
RSS_TARGET_KB=32768
APP=$BENCH_TMP/app
mkdir -p "$APP/small"
start_moto
aws --endpoint-url "$MOTO_URL" iam create-role --role-name bench \
    --assume-role-policy-document '{}' >/dev/null ||
    { echo "bench: cannot create the role" >&2; exit 1; }

# The 40 MB zip: "bootstrap" and 40 MiB of seeded random bytes.
python3 - "$APP/big.zip" <<'EOF' || { echo "bench: cannot generate the zip" >&2; exit 1; }
import random, sys, zipfile
rng = random.Random(20240607)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name, data, mode in (("bootstrap", b"#!/bin/sh\nexec ./data.bin\n", 0o755),
                             ("data.bin", rng.randbytes(40 * 1024 * 1024), 0o644)):
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
EOF
printf '#!/bin/sh\necho small\n' >"$APP/small/bootstrap"
chmod 0755 "$APP/small/bootstrap"
{
	echo "role: $ROLE"
	echo "runtime: provided.al2023"
	echo "functions:"
	echo "  big: { artifact: big.zip, memory: 1024 }"
	for i in 1 2 3 4 5 6 7 8; do
		echo "  small$i: { artifact: small/bootstrap, memory: $((128 * i)) }"
	done
} >"$APP/lambda.yml"

# measure CMD...: runs CMD (output discarded), prints "wall_ms peak_rss_kb".
measure() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t0 = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
wall = (time.monotonic() - t0) * 1000
print("%.0f %d" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
EOF
}
# stats "wall rss" lines on stdin: "median_wall min_wall max_wall max_rss".
stats() {
	sort -n | awk '{ w[NR] = $1; if ($2 > r) r = $2 } END {
		printf "%d %d %d %d\n", w[int((NR + 1) / 2)], w[1], w[NR], r }'
}
lc() { "$LAMBDACTL" -f "$APP/lambda.yml" --endpoint-url "$MOTO_URL" "$@"; }
delete_fns() { lc delete "$@" >/dev/null 2>&1; }

run_lambdactl_big() { measure "$LAMBDACTL" -f "$APP/lambda.yml" --endpoint-url "$MOTO_URL" deploy big; }
run_aws_big() {
	measure aws --endpoint-url "$MOTO_URL" lambda create-function \
	    --function-name big --runtime provided.al2023 --role "$ROLE" \
	    --handler bootstrap --memory-size 1024 --zip-file "fileb://$APP/big.zip"
}

zip_bytes=$(stat -c %s "$APP/big.zip")
echo "artifact: big.zip, $zip_bytes bytes; $RUNS runs each; moto $(python3 -c 'import moto; print(moto.__version__)')"
: >"$BENCH_TMP/lc.txt"
: >"$BENCH_TMP/aws.txt"
for i in $(seq "$RUNS"); do
	run_lambdactl_big >>"$BENCH_TMP/lc.txt" || { echo "bench: lambdactl deploy failed" >&2; exit 1; }
	delete_fns big
	run_aws_big >>"$BENCH_TMP/aws.txt" || { echo "bench: aws lambda create-function failed" >&2; exit 1; }
	delete_fns big
done
set -- $(stats <"$BENCH_TMP/lc.txt")
lc_wall="$1 $2 $3" lc_rss=$4
set -- $(stats <"$BENCH_TMP/aws.txt")
aws_wall="$1 $2 $3" aws_rss=$4

printf '%-44s %9s %9s %9s %12s\n' "deploy 40 MB (ms)" median min max "peak RSS KB"
printf '%-44s %9s %9s %9s %12s\n' "lambdactl deploy" $lc_wall "$lc_rss"
printf '%-44s %9s %9s %9s %12s\n' "aws lambda create-function --zip-file" $aws_wall "$aws_rss"
verdict=met
[ "$lc_rss" -lt "$RSS_TARGET_KB" ] || verdict="MISSED"
echo "lambdactl peak RSS: $lc_rss KB ($((lc_rss / 1024)) MB); target < $((RSS_TARGET_KB / 1024)) MB: $verdict"

# Eight small functions, fresh each time.
smalls="small1 small2 small3 small4 small5 small6 small7 small8"
echo
row "deploy 8 small functions (x$RUNS, ms)" median min max
for j in 1 4; do
	: >"$BENCH_TMP/j$j.txt"
	for i in $(seq "$RUNS"); do
		measure "$LAMBDACTL" -f "$APP/lambda.yml" --endpoint-url "$MOTO_URL" \
		    deploy -j "$j" $smalls >>"$BENCH_TMP/j$j.txt" ||
		    { echo "bench: deploy -j $j failed" >&2; exit 1; }
		delete_fns $smalls
	done
	set -- $(stats <"$BENCH_TMP/j$j.txt")
	row "lambdactl deploy -j $j" "$1" "$2" "$3"
done
echo "binary: $("$LAMBDACTL" --version)"
