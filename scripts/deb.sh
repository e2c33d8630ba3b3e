#!/bin/sh
# deb.sh VERSION - builds build/deb/lambdactl_VERSION_ARCH.deb with dpkg-dev's
# own tools (no debhelper, no fakeroot).  Run by `make deb`, which passes
# its VERSION and, in MAKE, itself to call back.
#
#   1. the binary, in its own build dir (build/deb/obj: build/rel is left
#      alone), with the Makefile's flags plus dpkg-buildflags' (hardening,
#      _FORTIFY_SOURCE, -ffile-prefix-map: no build path in the binary);
#   2. staged into build/deb/root by the Makefile's own `install`, with
#      Debian's paths (PREFIX=/usr, zsh's vendor-completions);
#   3. what debhelper would do: the binary stripped, man pages and the
#      changelog gzipped -9n, copyright, lintian overrides, md5sums;
#   4. Depends from dpkg-shlibdeps (the libraries the binary links),
#      DEBIAN/control from dpkg-gencontrol (debian/control, debian/changelog,
#      version VERSION), the .deb from dpkg-deb --root-owner-group.
#
# debian/ holds the package's metadata, not a source package (there is no
# debian/rules): dpkg-buildpackage is not how this is built.  Timestamps
# are the newest changelog entry's (SOURCE_DATE_EPOCH): the same tree
# gives the same package.
set -eu
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/deb.sh VERSION}
make=${MAKE:-make}
out=build/deb
obj=$out/obj
root=$out/root
umask 022

for t in dpkg-buildflags dpkg-shlibdeps dpkg-gencontrol dpkg-deb strip; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "deb.sh: '$t' not found: run scripts/install-deps.sh (dpkg-dev, binutils)" >&2
		exit 1
	}
done

# The package's version is the Makefile's, and its changelog must say what
# that version is: one place to bump (dch -v) would silently lie otherwise.
cl_version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
if [ "$cl_version" != "$version" ]; then
	echo "deb.sh: the Makefile's VERSION is $version but debian/changelog's newest entry is $cl_version: add an entry for $version (dch -v $version)" >&2
	exit 1
fi
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l debian/changelog -STimestamp)
export SOURCE_DATE_EPOCH

# dpkg-buildflags' flags come after the Makefile's own; its bare -Wformat
# would lower the Makefile's -Wformat=2 back to level 1, so it is left out.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags=
for f in $(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS); do
	[ "$f" = -Wformat ] || cflags="$cflags $f"
done
ldflags="$(dpkg-buildflags --get LDFLAGS) -Wl,--as-needed"

# 1 and 2: build and stage (never with the sanitizers or clang's fuzzing
# build, whatever the calling make was told).
rm -rf "$root" "$out"/*.deb "$out/substvars" "$out/files"
"$make" --no-print-directory SANITIZE= FUZZ= BUILD="$obj" BIN="$obj/lambdactl" \
	CFLAGS="${cflags# }" LDFLAGS="$ldflags" \
	DESTDIR="$PWD/$root" PREFIX=/usr \
	ZSHCOMPDIR=/usr/share/zsh/vendor-completions install

# 3: Debian's finishing.
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/lambdactl"
gzip -9n "$root"/usr/share/man/man*/*
doc=$root/usr/share/doc/lambdactl
install -d "$doc" "$root/DEBIAN"
install -m 644 debian/copyright "$doc/copyright"
gzip -9nc debian/changelog >"$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"
# Overrides, when some tag has to be lived with: each with its reason.
if [ -e debian/lambdactl.lintian-overrides ]; then
	install -d "$root/usr/share/lintian/overrides"
	install -m 644 debian/lambdactl.lintian-overrides \
		"$root/usr/share/lintian/overrides/lambdactl"
fi
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"

# 4: control and package.
dpkg-shlibdeps -T"$out/substvars" "$root/usr/bin/lambdactl"
dpkg-gencontrol -plambdactl -v"$version" -cdebian/control \
	-ldebian/changelog -T"$out/substvars" -P"$root" -f"$out/files"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
dpkg-deb --root-owner-group -Zxz --build "$root" \
	"$out/lambdactl_${version}_$arch.deb"
