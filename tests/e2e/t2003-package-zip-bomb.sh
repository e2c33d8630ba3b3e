#!/bin/bash
# Zip bombs: an artifact whose headers lie about its size is refused after
# inflating about what it claims, by package and by invoke --local, with
# one line and nothing written; honest sizes over Lambda's 250 MB limit are
# refused before any inflating.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$TMP

# bomb OUT REAL CLAIM: bootstrap plus "blob", REAL bytes of zeros deflated,
# whose local and central headers then claim CLAIM bytes.
bomb() {
	python3 - "$@" <<'PY'
import struct, sys, zipfile
out, real, claim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    i = zipfile.ZipInfo('bootstrap')
    i.external_attr = 0o100755 << 16
    z.writestr(i, '#!/bin/sh\n')
    with z.open('blob', 'w') as f:
        for _ in range(real >> 20):
            f.write(bytes(1 << 20))
b = bytearray(open(out, 'rb').read())
n = 0
for sig, off, noff, nlen in ((b'PK\x03\x04', 22, 30, 26), (b'PK\x01\x02', 24, 46, 28)):
    i = 0
    while (i := b.find(sig, i)) >= 0:
        if b[i+noff:i+noff+4] == b'blob' and struct.unpack_from('<H', b, i + nlen)[0] == 4:
            struct.pack_into('<I', b, i + off, claim)
            n += 1
        i += 4
assert n == 2
open(out, 'wb').write(b)
PY
}

bomb bomb.zip $((64 << 20)) 1024		# 64 MB claiming 1 KB, ~64 KB zipped
bomb liar.zip $((1 << 20)) 300000000		# 1 MB claiming 300 MB
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  bomb: { artifact: bomb.zip }
  liar: { artifact: liar.zip }
YML
check "the bomb is small" test "$(stat -c %s bomb.zip)" -lt 200000

start=$(date +%s%N)
lc package bomb
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_status 3 "package refuses a zip bomb"
check_err_eq "lambdactl: bomb: zip 'bomb.zip': entry 'blob' unzips to more than the 1024 bytes it declares" "one line names the entry and what it claims"
check "it stopped early (${ms} ms)" test "$ms" -lt 3000
check "no zip is left behind" test -z "$(ls -A .lambdactl 2>/dev/null)"

lc package liar
check_status 3 "declared sizes over the limit are refused"
check_err_eq "lambdactl: liar: artifact 'liar.zip' unzips to 286.1 MB, over Lambda's 250 MB limit" "the unzipped limit is explained"

# invoke --local packages first; unpacking is bounded on its own (the
# normalised zip is what it unpacks, so the bomb never gets that far).
lc invoke --local bomb --payload '{}'
check_status 3 "invoke --local refuses the bomb"
check_err_eq "lambdactl: bomb: zip 'bomb.zip': entry 'blob' unzips to more than the 1024 bytes it declares" "the same line"
check "no task root was written" sh -c '! ls -d "$0"/lambdactl-task.* 2>/dev/null' "$TMP"
check "nothing big was written anywhere under the test dir" test "$(du -sk "$TMP" | cut -f1)" -lt 10000

finish
