#!/bin/bash
# package refuses what would escape or loop: zip entries with '..' or an
# absolute path, symlinks pointing out (by their text or through a chain
# of links) and symlink loops, in a zip or a directory artifact; one line
# naming the entry.
. "$(dirname "$0")/lib.sh"

# mkzip OUT NAME:MODE:CONTENT...: a zip made on Unix (MODE in octal).
mkzip() {
	python3 - "$@" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for spec in sys.argv[2:]:
        name, mode, data = spec.split(':', 2)
        i = zipfile.ZipInfo(name)
        i.create_system = 3
        i.external_attr = int(mode, 8) << 16
        z.writestr(i, data)
PY
}

boot='bootstrap:100755:#!/bin/sh'
mkzip dotdot.zip "$boot" '../../etc/cron.d/evil:100644:x'
mkzip abs.zip "$boot" '/etc/cron.d/evil:100644:x'
mkzip inner.zip "$boot" 'lib/../../evil:100644:x'
mkzip link-out.zip "$boot" 'lib/libc.so:120777:../../lib/libc.so.6'
mkzip link-abs.zip "$boot" 'passwd:120777:/etc/passwd'
mkzip link-chain.zip "$boot" 'a:120777:u/..' 'u:120777:.'
mkzip link-cycle.zip "$boot" 'l1:120777:l2' 'l2:120777:l1'

mkdir -p up/lib two/a two/b cycle chain ok/lib/v1
for d in up two cycle chain ok; do printf '#!/bin/sh\n' >$d/bootstrap; done
ln -s .. up/lib/up
ln -s ../b two/a/x
ln -s ../a two/b/y
ln -s l2 cycle/l1
ln -s l1 cycle/l2
ln -s . chain/u
ln -s u/.. chain/a
printf 'elf' >ok/lib/v1/libfoo.so
ln -s v1 ok/lib/current
ln -s current ok/lib/latest

cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  dotdot: { artifact: dotdot.zip }
  abs: { artifact: abs.zip }
  inner: { artifact: inner.zip }
  linkout: { artifact: link-out.zip }
  linkabs: { artifact: link-abs.zip }
  linkchain: { artifact: link-chain.zip }
  linkcycle: { artifact: link-cycle.zip }
  up: { artifact: up }
  two: { artifact: two }
  cycle: { artifact: cycle }
  chain: { artifact: chain }
  ok: { artifact: ok }
YML

refused() {	# refused FUNCTION LINE DESC
	lc package "$1"
	check_status 3 "$3: exit 3"
	check_err_eq "lambdactl: $1: $2" "$3: one line naming the entry"
}
refused dotdot "zip 'dotdot.zip': refusing entry '../../etc/cron.d/evil' (absolute path or '..')" "a zip entry with '..'"
refused abs "zip 'abs.zip': refusing entry '/etc/cron.d/evil' (absolute path or '..')" "an absolute zip entry"
refused inner "zip 'inner.zip': refusing entry 'lib/../../evil' (absolute path or '..')" "a zip entry with '..' inside"
refused linkout "zip 'link-out.zip': symlink 'lib/libc.so' points outside the root ('../../lib/libc.so.6')" "a zip symlink out of the root"
refused linkabs "zip 'link-abs.zip': symlink 'passwd' points outside the root ('/etc/passwd')" "an absolute zip symlink"
refused linkchain "zip 'link-chain.zip': symlink 'a' points outside the root ('u/..')" "a chain of zip symlinks out of the root"
refused linkcycle "zip 'link-cycle.zip': symlink 'l1' makes a loop ('l2')" "a cycle of zip symlinks"
refused up "symlink 'lib/up' makes a loop in the artifact directory ('..')" "a link to its own parent"
refused two "symlink 'b/y' makes a loop in the artifact directory ('../a')" "two links leading to each other's directories"
refused cycle "symlink 'l1' makes a loop in the artifact directory ('l2')" "a cycle of links"
refused chain "symlink 'a' points outside the artifact directory ('u/..')" "a chain of links out of the tree"
check "nothing is left behind" test -z "$(ls -A .lambdactl 2>/dev/null)"

lc package ok
check_status 0 "links to directories that make no loop are fine"
check "they stay links" sh -c "zipinfo .lambdactl/ok.zip | grep -Eq '^lrwxrwxrwx .* lib/latest\$'"

finish
