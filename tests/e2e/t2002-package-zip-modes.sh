#!/bin/bash
# package of a ready-made .zip: exec bits, symlinks and the bootstrap's
# 0755 survive normalising (zip -r -y as a custom runtime's packager
# would), byte for byte the same on every build, and invoke --local runs it.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$TMP

sha_b64() { openssl dgst -sha256 -binary "$1" | base64 -w0; }
# The size as package prints it: "812 B", "4.0 KB".
human() {
	stat -c %s "$1" | awk '{ if ($1 < 1024) printf "%d B", $1;
		else printf "%.1f KB", $1 / 1024 }'
}
# Python's zipfile as the independent reader: "name mode".
zip_modes() {
	python3 -c '
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.filename, oct(i.external_attr >> 16))
' "$1"
}

# A custom runtime: bootstrap runs bin/app, which reads lib/ through a
# .so-style symlink.
mkdir -p rt/bin rt/lib
cat >rt/bootstrap <<'BOOT'
#!/bin/sh
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while :; do
	curl -sS -D "$TMPDIR/h.$$" -o /dev/null "$api/invocation/next" || exit 1
	id=$(tr -d '\r' <"$TMPDIR/h.$$" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
	out=$(bin/app)
	curl -sS -o /dev/null -X POST --data "\"$out\"" "$api/invocation/$id/response"
done
BOOT
printf '#!/bin/sh\nprintf "app:%%s" "$(cat lib/libfoo.so)"\n' >rt/bin/app
printf 'v1' >rt/lib/libfoo.so.1
ln -s libfoo.so.1 rt/lib/libfoo.so
chmod 0644 rt/bootstrap			# the exec bit hand-made zips lose
chmod 0750 rt/bin/app
chmod 0600 rt/lib/libfoo.so.1
(cd rt && zip -q -r -y ../rt.zip .)

cat >lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  rt: { artifact: rt.zip }
  py: { artifact: rt.zip, runtime: python3.12, handler: app.main }
YML

lc package rt
check_status 0 "a zip -r -y custom runtime is packaged"
zip=.lambdactl/rt.zip
check_out_eq "rt  $zip  $(human "$zip")  $(sha_b64 "$zip")" "the line names the zip and its CodeSha256"
check_eq_modes() { [ "$(zip_modes "$1")" = "$2" ]; }
check "python zipfile: exec bits normalised and kept, bootstrap 0755, the symlink a symlink" \
	check_eq_modes "$zip" "bin/ 0o40755
bin/app 0o100755
bootstrap 0o100755
lib/ 0o40755
lib/libfoo.so 0o120777
lib/libfoo.so.1 0o100644"
check "zipinfo agrees on bin/app" sh -c "zipinfo '$zip' | grep -Eq '^-rwxr-xr-x .* bin/app\$'"
check "zipinfo agrees on the symlink" sh -c "zipinfo '$zip' | grep -Eq '^lrwxrwxrwx .* lib/libfoo\.so\$'"
check "the symlink holds its target" test "$(unzip -p "$zip" lib/libfoo.so)" = libfoo.so.1
mkdir unz && (cd unz && unzip -q "../$zip")
check "unzip restores a runnable tree" test -x unz/bootstrap -a -x unz/bin/app -a -L unz/lib/libfoo.so

# Zipped again a second later, other timestamps, another umask: same bytes.
cp "$zip" first.zip
sleep 1
touch rt/bootstrap rt/bin/app rt/lib/libfoo.so.1
chmod 0700 rt/bin/app
rm rt.zip && (cd rt && umask 077 && zip -q -r -y ../rt.zip .)
lc package rt
check "a rebuilt zip with the same contents is byte-identical" cmp first.zip "$zip"

# Not provided.*: bootstrap is a file like any other.
lc package py
check_status 0 "the same zip for python3.12"
check "only provided.* forces bootstrap 0755" sh -c "zipinfo .lambdactl/py.zip | grep -Eq '^-rw-r--r-- .* bootstrap\$'"

lc invoke --local rt --payload '{}'
check_status 0 "invoke --local runs the zip's bootstrap"
check_out_eq '"app:v1"' "bin/app ran and read lib/ through the symlink"
check "the task root is removed" sh -c '! ls -d "$0"/lambdactl-task.* 2>/dev/null' "$TMP"

finish
