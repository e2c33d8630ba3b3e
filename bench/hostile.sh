#!/bin/bash
# Hostile input, bounded: what lambdactl spends refusing what issue 9's
# field test fed it.  Wall time (median of RUNS) and peak RSS of each
# refusal: a 300 MB invoke response (chunked, so nothing announces it),
# a zip bomb, a 200,000-deep YAML sequence, 40,000 environment keys.
. "$(dirname "$0")/lib.sh"

: "${RUNS:=3}"
E2E=$BENCH_DIR/../tests/e2e
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key-0000
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
cd "$BENCH_TMP" || exit 1

# measure LABEL CMD...: the median wall ms and the peak RSS in MB of CMD,
# and the line it refused the input with (or ACCEPTED: an older build).
measure() {
	local label=$1
	shift
	python3 - "$RUNS" "$label" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, label, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
walls = []
for _ in range(runs):
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    walls.append((time.monotonic() - t0) * 1000)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
err = r.stderr.decode(errors="replace").strip().splitlines()
msg = err[-1][:70] if r.returncode and err else "ACCEPTED (exit %d)" % r.returncode
print("%-44s %9.1f %9.1f   %s" % (label, statistics.median(walls), rss, msg))
PY
}

printf '%-44s %9s %9s   %s\n' "refusal (x$RUNS)" "wall ms" "rss MB" "message"

# A 300 MB chunked invoke response from a loopback stub.
echo '[{"status": 200, "size": 314572800, "chunked": true}]' >big.json
python3 "$E2E/stub.py" big.json stub.port stub.log 2>/dev/null &
STUB=$!
trap 'kill $STUB 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
for _ in $(seq 100); do [ -s stub.port ] && break; sleep 0.05; done
# In lambda.yml, so that its timeout needs no GetFunction (which the same
# stub would answer with 300 MB too, refused at the general 64 MiB cap).
printf 'functions:\n  big:\n    runtime: provided.al2023\n    role: arn:aws:iam::123456789012:role/r\n    artifact: bootstrap\n' >big.yml
measure "invoke: 300 MB response, chunked" "$LAMBDACTL" -f big.yml \
	--endpoint-url "http://127.0.0.1:$(cat stub.port)" invoke big

# A zip bomb: 64 MB of zeros deflated to ~64 KB, declaring 1 KB.
python3 - bomb.zip <<'PY'
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("blob", b"\0" * (64 << 20))
data = bytearray(open(sys.argv[1], "rb").read())
# Patch the declared uncompressed size in the local and central headers.
i = data.find(b"PK\x03\x04"); struct.pack_into("<I", data, i + 22, 1024)
j = data.find(b"PK\x01\x02"); struct.pack_into("<I", data, j + 24, 1024)
open(sys.argv[1], "wb").write(data)
PY
printf 'functions:\n  bomb:\n    runtime: java21\n    handler: a.B\n    role: arn:aws:iam::123456789012:role/r\n    artifact: bomb.zip\n' >bomb.yml
measure "package: zip bomb (64 MB declaring 1 KB)" "$LAMBDACTL" -f bomb.yml \
	package --out out bomb

# 200,000 nested sequences.
python3 -c 'print("functions: " + "[" * 200000 + "]" * 200000)' >deep.yml
measure "validate: 200,000-deep YAML" "$LAMBDACTL" -f deep.yml validate

# 40,000 environment keys (over Lambda's 4 KB: refused, not slowly).
python3 - keys.yml <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("role: arn:aws:iam::123456789012:role/r\nruntime: provided.al2023\n"
            "functions:\n  f:\n    artifact: bootstrap\n    environment:\n")
    for i in range(40000):
        f.write("      KEY_%05d: v\n" % i)
PY
measure "validate: 40,000 environment keys" "$LAMBDACTL" -f keys.yml validate
