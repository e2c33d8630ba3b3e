#!/bin/bash
# make install / uninstall honour PREFIX and DESTDIR and install the binary,
# every man page, the three completion scripts and the JSON schemas.
. "$(dirname "$0")/lib.sh"

mk() {	# the binary under test is installed as it is: nothing is rebuilt
	make -s -C "$SRC_DIR" -o all BIN="$LAMBDACTL" DESTDIR="$TMP/root" "$@" >"$TMP/make.log" 2>&1
}

check "make install with DESTDIR and PREFIX" mk install PREFIX=/opt/lc
root=$TMP/root/opt/lc
check "the binary is installed and runs" "$root/bin/lambdactl" --version
check "the binary is executable by all" test "$(stat -c %a "$root/bin/lambdactl")" = 755
for page in "$SRC_DIR"/man/*.1; do
	check "man page $(basename "$page") is installed" cmp "$page" "$root/share/man/man1/$(basename "$page")"
done
for page in "$SRC_DIR"/man/*.5; do
	[ -e "$page" ] || continue
	check "man page $(basename "$page") is installed" cmp "$page" "$root/share/man/man5/$(basename "$page")"
done
check "bash completion is installed" cmp "$SRC_DIR/completions/lambdactl.bash" "$root/share/bash-completion/completions/lambdactl"
check "zsh completion is installed" cmp "$SRC_DIR/completions/_lambdactl" "$root/share/zsh/site-functions/_lambdactl"
check "fish completion is installed" cmp "$SRC_DIR/completions/lambdactl.fish" "$root/share/fish/vendor_completions.d/lambdactl.fish"
for s in "$SRC_DIR"/schema/*.json; do	# the -o json schemas, once the tree has them
	[ -e "$s" ] || continue
	check "schema $(basename "$s") is installed" cmp "$s" "$root/share/lambdactl/schema/$(basename "$s")"
done
check "nothing is installed outside DESTDIR/PREFIX" test -z "$(find "$TMP/root" -mindepth 1 -maxdepth 1 ! -name opt)"

check "make uninstall" mk uninstall PREFIX=/opt/lc
check "uninstall removes every file it installed" test -z "$(find "$TMP/root" -type f)"
check "uninstall removes lambdactl's own share directory" test ! -e "$root/share/lambdactl"

finish
