#!/bin/bash
# Packaging a ~100 MB tree: `lambdactl package` against `zip -X -r -q` (both
# deflate at level 6), wall time (median of N runs, milliseconds) and peak
# RSS.  The tree is generated from a seeded generator, so every run of the
# benchmark zips the same bytes: 4000 small text files, 40 medium files
# (text and binary) and 4 large files of 64 KB blocks, one in three random,
# the others repetitive text.
. "$(dirname "$0")/lib.sh"
set -o pipefail		# so that time_runs fails with the command

: "${RUNS:=3}"
TREE=$BENCH_TMP/app/tree
LC_OUT=$BENCH_TMP/lc-out
ZIP_OUT=$BENCH_TMP/zip-out/bench.zip
mkdir -p "$BENCH_TMP/app" "$BENCH_TMP/zip-out"

python3 - "$TREE" <<'EOF'
import os, random, sys

root = sys.argv[1]
rng = random.Random(20240601)
words = ["lambda", "handler", "event", "context", "request", "response",
         "function", "const", "return", "await", "export", "import", "data",
         "value", "error", "result", "config", "module", "index", "json"]
corpus = " ".join(rng.choice(words) for _ in range(300000)).encode()

def text(n):
    off = rng.randrange(0, len(corpus) - n)
    return corpus[off:off + n]

def write(rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

for i in range(4000):
    write("node_modules/pkg%02d/lib/file%04d.js" % (i % 40, i),
          text(rng.randrange(1024, 6 * 1024)))
for i in range(40):
    n = rng.randrange(200 * 1024, 800 * 1024)
    write("assets/medium%02d.%s" % (i, "json" if i % 2 else "bin"),
          text(n) if i % 2 else rng.randbytes(n))
for i in range(4):
    blocks = []
    for b in range(256):                    # 256 x 64 KB = 16 MB
        blocks.append(rng.randbytes(65536) if b % 3 == 0 else
                      text(4096) * 16)
    write("models/large%d.dat" % i, b"".join(blocks))
write("index.js", b"exports.handler = async () => 'ok';\n")
EOF
[ $? -eq 0 ] || { echo "bench: cannot generate the tree" >&2; exit 1; }

cat >"$BENCH_TMP/app/lambda.yml" <<'EOF'
functions:
  bench:
    runtime: nodejs20.x
    handler: index.handler
    role: arn:aws:iam::123456789012:role/bench
    artifact: tree
EOF

# peak_rss_kb DIR CMD...: the peak resident set of CMD run in DIR, in KB.
peak_rss_kb() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys
subprocess.run(sys.argv[2:], cwd=sys.argv[1], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}

run_lambdactl() {
	rm -rf "$LC_OUT"
	"$LAMBDACTL" -f "$BENCH_TMP/app/lambda.yml" package --out "$LC_OUT" \
	    bench
}

run_zip() {
	rm -f "$ZIP_OUT"	# zip would update an existing archive
	(cd "$TREE" && zip -X -r -q "$ZIP_OUT" .)
}

echo "tree: $(find "$TREE" -type f | wc -l) files," \
    "$(du -sb "$TREE" | cut -f1) bytes"
row "command (x$RUNS, ms)" median min max
t_lc=$(time_runs "$RUNS" run_lambdactl) || exit 1
t_zip=$(time_runs "$RUNS" run_zip) || exit 1
row "lambdactl package" $t_lc
row "zip -X -r -q" $t_zip

first=$(sha256sum <"$LC_OUT/bench.zip")
rm -rf "$LC_OUT"
lc_rss=$(peak_rss_kb "$BENCH_TMP/app" "$LAMBDACTL" -f lambda.yml package \
    --out "$LC_OUT" bench) || exit 1
rm -f "$ZIP_OUT"
zip_rss=$(peak_rss_kb "$TREE" zip -X -r -q "$ZIP_OUT" .) || exit 1
echo
printf '%-44s %12s %12s\n' "" "peak RSS KB" "zip bytes"
printf '%-44s %12s %12s\n' "lambdactl package" "$lc_rss" \
    "$(stat -c %s "$LC_OUT/bench.zip")"
printf '%-44s %12s %12s\n' "zip -X -r -q" "$zip_rss" \
    "$(stat -c %s "$ZIP_OUT")"
same=no
[ "$(sha256sum <"$LC_OUT/bench.zip")" = "$first" ] && same=yes
echo "lambdactl's zip identical across runs: $same"

# A ready-made zip (the one zip just made, 4,045 entries, as an uberjar
# would be): normalising copies the compressed data untouched but inflates
# every entry once, counting its real bytes against zip bombs.
cat >"$BENCH_TMP/app/jar.yml" <<EOF2
functions:
  bench:
    runtime: java21
    handler: bench.Handler
    role: arn:aws:iam::123456789012:role/bench
    artifact: $ZIP_OUT
EOF2
run_normalise() {
	rm -rf "$LC_OUT"
	"$LAMBDACTL" -f "$BENCH_TMP/app/jar.yml" package --out "$LC_OUT" bench
}
echo
row "ready-made zip (x$RUNS, ms)" median min max
t_norm=$(time_runs "$RUNS" run_normalise) || exit 1
row "lambdactl package (normalise)" $t_norm
rm -rf "$LC_OUT"
norm_rss=$(peak_rss_kb "$BENCH_TMP/app" "$LAMBDACTL" -f jar.yml package \
    --out "$LC_OUT" bench) || exit 1
printf '%-44s %12s\n' "peak RSS KB" "$norm_rss"
