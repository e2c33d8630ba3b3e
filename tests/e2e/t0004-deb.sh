#!/bin/bash
# make deb (scripts/deb.sh): the package's control fields (Depends computed
# from the linked libraries), every file where Debian wants it, a stripped
# and hardened binary, reproducible output; then the extracted binary runs,
# its man pages render, and lintian has nothing to say (an override counts
# only with its reason above it).  The package's own build is
# incremental: a few seconds once build/deb/obj exists, a release build
# (about 30 s on two cores) from a clean tree.
. "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^VERSION *= *//p' "$SRC_DIR/Makefile")
arch=$(dpkg --print-architecture)
deb=$SRC_DIR/build/deb/lambdactl_${version}_$arch.deb
x=$TMP/x
xbin=$x/usr/bin/lambdactl

# make deb in the tree under test, whatever make (and its knobs, such as
# SANITIZE=1) this test runs under.
mk_deb() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC_DIR" -j2 deb
}
# The other builds of the tree (build/rel, the release binary, build/san
# with the binary under test) must not be touched by make deb.
touch "$TMP/stamp"
check "make deb builds build/deb/lambdactl_${version}_$arch.deb" mk_deb
[ -f "$deb" ] || { echo "Bail out! no $deb: $(tail -5 "$TMP/check.log")"; exit 1; }
others=$(cd "$SRC_DIR" && find build/rel build/san lambdactl -newer "$TMP/stamp" 2>/dev/null | head -3)
check "make deb leaves build/rel, build/san and ./lambdactl alone" test -z "$others"

# --- control ---
field() { dpkg-deb -f "$deb" "$1"; }
check "Package is lambdactl" test "$(field Package)" = lambdactl
check "Version is the Makefile's VERSION ($version)" test "$(field Version)" = "$version"
check "Architecture is the build's ($arch)" test "$(field Architecture)" = "$arch"
check "Maintainer, Section, Priority, Installed-Size are set" \
	test -n "$(field Maintainer)" -a "$(field Section)" = utils -a \
	"$(field Priority)" = optional -a "$(field Installed-Size)" -gt 0
depends=$(field Depends)
for lib in libc6 libcurl4 'libssl[0-9]+' libyaml-0-2 'libcjson[0-9]+' \
	'libzip[0-9]+' 'libmicrohttpd[0-9]+' libxml2 zlib1g; do
	check "Depends names $lib (from dpkg-shlibdeps)" \
		grep -Eq "(^|, )$lib( \(>= [^)]+\))?(,|$)" <<<"$depends"
done
check "Depends names no -dev package and no unresolved substvar" \
	test -z "$(grep -E -- '-dev|\$\{' <<<"$depends")"
dpkg-deb -I "$deb" >"$TMP/info"
check "dpkg-deb -I shows the description" grep -q '^ Description: deploy, invoke and run AWS Lambda' "$TMP/info"
check "no build path in the control data" test -z "$(grep -F "$SRC_DIR" "$TMP/info")"

# --- files ---
dpkg-deb -c "$deb" >"$TMP/list"
awk '{ print $6 }' "$TMP/list" | sed 's|^\./|/|; s|/$||' >"$TMP/paths"
has() { grep -qxF "$1" "$TMP/paths"; }
wanted="/usr/bin/lambdactl /usr/share/doc/lambdactl/copyright
/usr/share/doc/lambdactl/changelog.gz
/usr/share/bash-completion/completions/lambdactl
/usr/share/zsh/vendor-completions/_lambdactl
/usr/share/fish/vendor_completions.d/lambdactl.fish"
for p in $wanted; do
	check "the package holds $p" has "$p"
done
for page in "$SRC_DIR"/man/*.[15]; do
	n=$(basename "$page")
	check "the package holds man page $n.gz" has "/usr/share/man/man${n##*.}/$n.gz"
done
nschema=0
for s in "$SRC_DIR"/schema/*.json; do
	[ -e "$s" ] || continue
	nschema=$((nschema + 1))
	check "the package holds schema $(basename "$s")" has "/usr/share/lambdactl/schema/$(basename "$s")"
done
echo "# $nschema schema files in the tree"
check "every entry is owned by root:root" test -z "$(awk '$2 != "root/root"' "$TMP/list")"
check "nothing outside /usr, nothing under /usr/local" \
	test -z "$(grep -Ev '^(/usr|/usr/.*)?$' "$TMP/paths" | head -1; grep '^/usr/local' "$TMP/paths")"
check "the binary is mode 0755" grep -Eq '^-rwxr-xr-x .* \./usr/bin/lambdactl$' "$TMP/list"
check "every other file is mode 0644" \
	test -z "$(grep '^-' "$TMP/list" | grep -v '^-rw-r--r-- ' | grep -v ' \./usr/bin/lambdactl$')"

check "dpkg-deb -x extracts it" dpkg-deb -x "$deb" "$x"
check "dpkg-deb -e extracts its control files" dpkg-deb -e "$deb" "$TMP/ctl"
check "md5sums holds every file, and they match" \
	test "$(wc -l <"$TMP/ctl/md5sums")" = "$(find "$x" -type f | wc -l)" -a \
	-z "$(cd "$x" && md5sum -c --quiet "$TMP/ctl/md5sums" 2>&1)"
check "no file in the package holds the build path" test -z "$(grep -rlaF "$SRC_DIR" "$x")"

for f in lambdactl.bash:bash-completion/completions/lambdactl \
	_lambdactl:zsh/vendor-completions/_lambdactl \
	lambdactl.fish:fish/vendor_completions.d/lambdactl.fish; do
	check "completion ${f%%:*} is the tree's" cmp "$SRC_DIR/completions/${f%%:*}" "$x/usr/share/${f#*:}"
done
for s in "$SRC_DIR"/schema/*.json; do
	[ -e "$s" ] || continue
	check "schema $(basename "$s") is the tree's" cmp "$s" "$x/usr/share/lambdactl/schema/$(basename "$s")"
done
# gzip -9n: no file name, no timestamp in the header (bytes 3-7 all zero).
gz_ok() {	# SRC GZ: GZ is SRC, gzipped without name nor time
	zcat "$2" | cmp -s - "$1" && test "$(od -An -tx1 -j3 -N5 "$2" | tr -d ' ')" = 0000000000
}
for page in "$SRC_DIR"/man/*.[15]; do
	n=$(basename "$page")
	check "man page $n is gzipped -n, unchanged" gz_ok "$page" "$x/usr/share/man/man${n##*.}/$n.gz"
done
check "changelog.gz is debian/changelog, gzipped -n" gz_ok "$SRC_DIR/debian/changelog" "$x/usr/share/doc/lambdactl/changelog.gz"
check "the changelog's newest entry is this version" \
	grep -q "^lambdactl ($version) " <(zcat "$x/usr/share/doc/lambdactl/changelog.gz")
check "copyright is in DEP-5 form" \
	grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$x/usr/share/doc/lambdactl/copyright"
check "copyright says no license is named yet" grep -qx 'License: none' "$x/usr/share/doc/lambdactl/copyright"

# --- the binary: stripped, with dpkg-buildflags' hardening ---
readelf -SW "$xbin" >"$TMP/sections"
check "the binary is stripped (no .symtab, no debug info, no .comment)" \
	test -z "$(grep -E '\.(symtab|debug_[a-z]+|comment) ' "$TMP/sections")" -a -s "$TMP/sections"
check "the binary is bound now (-z now) and relro" \
	test -n "$(readelf -dW "$xbin" | grep -E 'FLAGS.*(BIND_NOW|NOW)')" -a \
	-n "$(readelf -lW "$xbin" | grep GNU_RELRO)"
check "the binary calls fortified functions (_FORTIFY_SOURCE)" \
	test -n "$(readelf --dyn-syms -W "$xbin" | grep -E '__[a-z_]+_chk')"

# --- the extracted binary runs ---
xlc() {
	"$xbin" "$@" >"$OUT" 2>"$ERR" </dev/null
	status=$?
}
xlc --version
check_status 0 "the extracted binary: --version"
check_out_has "^lambdactl $version " "--version names the package's version"
xlc help
check_status 0 "the extracted binary: help"
check_out_has '^ +deploy ' "help lists the commands"
cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  hello:
    memory: 256
    artifact: target/bootstrap
YML
xlc validate
check_status 0 "the extracted binary validates a lambda.yml"
check_out_has '^hello +provided\.al2023 +256 MB' "validate prints the function's line"
printf 'functions:\n  hello:\n    memroy: 256\n' >bad.yml
xlc -f bad.yml validate
check_status 3 "the extracted binary refuses a bad lambda.yml (exit 3)"
check_err_has '^lambdactl: bad\.yml:3:5: ' "the error points at file:line:col"

# --- man pages render, groff silent ---
for page in "$x"/usr/share/man/man1/lambdactl.1.gz "$x"/usr/share/man/man5/lambda.yml.5.gz; do
	MANWIDTH=80 man --warnings -P cat -l "$page" >"$OUT" 2>"$ERR" </dev/null
	status=$?
	check_status 0 "man -l $(basename "$page") renders"
	check_out_has '^(NAME|SYNOPSIS|DESCRIPTION)$' "$(basename "$page") has its sections"
	check "$(basename "$page") renders without a warning" test ! -s "$ERR"
done

# --- the same tree gives the same package ---
cp "$deb" "$TMP/first.deb"
check "make deb again" mk_deb
check "the package is reproducible (byte for byte)" cmp "$TMP/first.deb" "$deb"

# A Makefile VERSION the changelog does not know is refused, nothing built.
cp "$deb" "$TMP/before.deb"
"$SRC_DIR/scripts/deb.sh" 99.0.0 >"$OUT" 2>"$ERR"
status=$?
check_status 1 "deb.sh refuses a version debian/changelog has no entry for"
check_err_has "debian/changelog's newest entry is $version" "and says which entry it found"
check "the package built before is left alone" cmp "$TMP/before.deb" "$deb"

# --- lintian: no error, no warning; every override with its reason ---
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on none -I --pedantic "$deb" >"$TMP/lintian" 2>"$TMP/lintian.err"
	status=$?
	sed 's/^/# lintian: /' "$TMP/lintian"
	check_status 0 "lintian ran"
	check "lintian reports no E: and no W: tag" test -z "$(grep -E '^[EW]: ' "$TMP/lintian")"
	ovr=$SRC_DIR/debian/lambdactl.lintian-overrides
	if [ -e "$ovr" ]; then
		# A comment explains the overrides right below it, up to a blank line.
		check "every lintian override has its reason (a comment) above it" \
			test -z "$(awk '/^#/ { why = 1; next } !NF { why = 0; next } !why' "$ovr")"
	fi
else
	ok "lintian # SKIP lintian is not installed"
fi

finish
