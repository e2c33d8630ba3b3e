#!/bin/sh
# Installs the Debian packages lambdactl needs to build and test, when they
# are missing.  Idempotent and non-interactive; does nothing when all are there.
set -eu

# --fuzz: also what `make fuzz` needs (clang and its libFuzzer runtime).
fuzz=
[ "${1:-}" = --fuzz ] && fuzz=1

PKGS="gcc make pkg-config ca-certificates curl zip unzip jq openssl procps
libcurl4-openssl-dev libssl-dev libyaml-dev libcjson-dev libzip-dev
libcmocka-dev libmicrohttpd-dev libxml2-dev mandoc bash-completion zsh
fish"
[ -n "$fuzz" ] && PKGS="$PKGS clang libclang-rt-dev"
# make deb and its test (t0004-deb.sh): dpkg-dev's tools, strip and
# readelf, lintian, man to render the packaged pages.
PKGS="$PKGS dpkg-dev binutils lintian man-db"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	SUDO=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "install-deps: need root (or sudo) to install:$missing" >&2
			exit 1
		}
		SUDO="sudo -n"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The end-to-end tests need the AWS emulator and the reference clients; they
# come from Python, not Debian, and are expected on the machine.
for t in moto_server aws python3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "install-deps: '$t' not found: the end-to-end tests need moto 5.x, awscli and boto3 (pip install 'moto[server]' awscli boto3)" >&2
		exit 1
	}
done
python3 -c 'import boto3, moto' 2>/dev/null || {
	echo "install-deps: python3 cannot import boto3 and moto" >&2
	exit 1
}
