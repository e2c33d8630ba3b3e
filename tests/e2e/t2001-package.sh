#!/bin/bash
# package: the bootstrap exec bit, byte-identical rebuilds, CodeSha256
# against an independent computation, directories, jars, builds, limits.
. "$(dirname "$0")/lib.sh"

sha_b64() { openssl dgst -sha256 -binary "$1" | base64 -w0; }
# The size as package prints it: "812 B", "4.0 KB", "12.3 MB".
human() {
	stat -c %s "$1" | awk '{ if ($1 < 1024) printf "%d B", $1;
		else if ($1 < 1048576) printf "%.1f KB", $1 / 1024;
		else printf "%.1f MB", $1 / 1048576 }'
}
# Python's zipfile as the independent reader: "name mode date_time extra".
zip_list() {
	python3 -c '
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.filename, oct(i.external_attr >> 16), "%04d-%02d-%02d_%02d:%02d:%02d" % i.date_time, len(i.extra), i.create_system)
' "$1"
}

mkdir -p target dist/lib dist/bin
printf '#!/bin/sh\necho native\n' >target/bootstrap
chmod 0600 target/bootstrap		# lost exec bit on purpose
printf '#!/bin/sh\nexec bin/app\n' >dist/bootstrap
chmod 0644 dist/bootstrap
printf 'binary\n' >dist/bin/app && chmod 0750 dist/bin/app
printf 'lib\n' >dist/lib/b.txt && printf 'lib\n' >dist/lib/a.txt && chmod 0600 dist/lib/a.txt
ln -s a.txt dist/lib/link-inside
printf 'print("hi")\n' >handler.py

cat >lambda.yml <<'YML'
role: lambda-exec
functions:
  native:
    runtime: provided.al2023
    artifact: target/bootstrap
  tree:
    runtime: provided.al2
    artifact: dist
  py:
    runtime: python3.12
    handler: handler.main
    artifact: handler.py
YML

lc package native
check_status 0 "package a single bootstrap"
zip=.lambdactl/native.zip
check "the zip exists where it is said to be" test -f "$zip"
check_out_eq "native  $zip  $(human "$zip")  $(sha_b64 "$zip")" "the line names the zip, its size and its CodeSha256"
check "zipinfo lists bootstrap as -rwxr-xr-x" sh -c "zipinfo '$zip' | grep -Eq '^-rwxr-xr-x .* bootstrap\$'"
check_eq_list() { [ "$(zip_list "$1")" = "$2" ]; }
check "python zipfile: one entry, bootstrap 0100755, 1980-01-01, no extra field, made on Unix" \
	check_eq_list "$zip" "bootstrap 0o100755 1980-01-01_00:00:00 0 3"
first=$(sha_b64 "$zip")

# Same input, different timestamps and permissions: the same bytes.
cp "$zip" "$TMP/first.zip"
sleep 1
touch target/bootstrap
chmod 0700 target/bootstrap
(umask 077 && "$LAMBDACTL" package native >/dev/null 2>&1)
check "a second packaging is byte-identical" cmp "$TMP/first.zip" "$zip"

lc package -o json native tree py
check_status 0 "package -o json, three kinds of artifact"
check "JSON: the CodeSha256 is base64(sha256(zip)) for each" \
	bash -c 'for i in 0 1 2; do p=$(jq -r ".[$i].path" '"$OUT"'); [ "$(jq -r ".[$i].code_sha256" '"$OUT"')" = "$(openssl dgst -sha256 -binary "$p" | base64 -w0)" ] || exit 1; [ "$(jq -r ".[$i].size" '"$OUT"')" = "$(stat -c %s "$p")" ] || exit 1; done'
check "JSON: the native hash did not change" test "$(jq -r '.[0].code_sha256' "$OUT")" = "$first"
check "a directory: sorted relative paths, exec bits kept, bootstrap forced 0755, symlink kept" \
	check_eq_list .lambdactl/tree.zip "bin/app 0o100755 1980-01-01_00:00:00 0 3
bootstrap 0o100755 1980-01-01_00:00:00 0 3
lib/a.txt 0o100644 1980-01-01_00:00:00 0 3
lib/b.txt 0o100644 1980-01-01_00:00:00 0 3
lib/link-inside 0o120777 1980-01-01_00:00:00 0 3"
mkdir unz && (cd unz && unzip -q ../.lambdactl/tree.zip)
check "the directory zip unpacks to the same contents" diff -r dist unz
check "a non-provided single file keeps its name" check_eq_list .lambdactl/py.zip "handler.py 0o100644 1980-01-01_00:00:00 0 3"

lc package nativ
check_status 2 "an unknown function is a usage error"
check_err_eq "lambdactl: no function 'nativ' in 'lambda.yml' (did you mean 'native'?)" "an unknown function gets a hint"

lc package --out "$TMP/zips" py
check "--out puts the zip there" test -f "$TMP/zips/py.zip"
check_out_has "^py  $TMP/zips/py.zip  " "--out is reflected in the printed path"

# Jars are used as they are; a corrupt one is refused.
(cd unz && zip -q -X -r ../app.jar .)
printf 'not a zip' >bad.jar
cat >jar.yml <<'YML'
role: arn:aws:iam::123456789012:role/lambda-exec
runtime: java21
handler: jobs.aws-lambda::handleRequest
functions:
  jobs: { artifact: app.jar }
  broken: { artifact: bad.jar }
  absent: { artifact: target/none.jar, build: "true" }
YML
lc -f jar.yml package jobs
check_status 0 "a jar is packaged"
check_out_eq "jobs  .lambdactl/jobs.zip  $(human .lambdactl/jobs.zip)  $(sha_b64 .lambdactl/jobs.zip)" "a jar becomes a normalised zip, with its hash"
check "the normalised jar unpacks to the same contents" sh -c 'mkdir jar1 && cd jar1 && unzip -q ../.lambdactl/jobs.zip && diff -r ../unz .'
stamps=$(zip_list .lambdactl/jobs.zip | awk '{ print $3, $4 }' | sort -u)
check "the normalised jar has fixed timestamps and no extra fields" test "$stamps" = "1980-01-01_00:00:00 0"
first=$(sha_b64 .lambdactl/jobs.zip)
# The same classes jarred again a second later (lein uberjar stamps every
# entry with the build time): different jar bytes, the same package.
sleep 1
touch unz/* unz/*/*
rm app.jar && (cd unz && zip -q -X -r ../app.jar .)
lc -f jar.yml package jobs
check "a rebuilt jar with the same contents gets the same CodeSha256" test "$(sha_b64 .lambdactl/jobs.zip)" = "$first"
printf 'changed\n' >unz/lib/b.txt
rm app.jar && (cd unz && zip -q -X -r ../app.jar .)
lc -f jar.yml package jobs
check "a jar with changed contents gets another CodeSha256" test "$(sha_b64 .lambdactl/jobs.zip)" != "$first"
lc -f jar.yml package broken
check_status 3 "a corrupt jar is refused"
check_err_has "^lambdactl: broken: .*bad\.jar" "the corrupt jar is named"
lc -f jar.yml package absent
check_status 3 "a missing artifact is an error"
check_err_has "^lambdactl: absent: artifact 'target/none\.jar' not found" "the missing artifact is named"

# Builds: run in the manifest's directory, output to stderr, once per command.
mkdir proj
cat >proj/lambda.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
build: echo building >&1; echo n >>count; mkdir -p out; printf '#!/bin/sh\n' >out/bootstrap
functions:
  one: { artifact: out/bootstrap }
  two: { artifact: out/bootstrap }
YML
lc -f proj/lambda.yml package
check_status 0 "packaging with a build step"
check "a build shared by two functions runs once" test "$(wc -l <proj/count)" -eq 1
check_out_lacks building "the build's stdout does not reach our stdout"
check_err_has '^building$' "the build's output goes to stderr"
check "the zips land beside the manifest" test -f proj/.lambdactl/one.zip -a -f proj/.lambdactl/two.zip
lc -f proj/lambda.yml package --no-build one
check "--no-build skips the build" test "$(wc -l <proj/count)" -eq 1

cat >fail.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  bad: { artifact: out/bootstrap, build: "echo compiling; exit 7" }
YML
lc -f fail.yml package
check_status 1 "a failing build is a runtime error"
check_err_has "^lambdactl: bad: build command 'echo compiling; exit 7' failed with exit status 7$" "the failing build is named with its status"

# Errors found before anything could be uploaded.
mkdir nobs && printf 'x\n' >nobs/app
mkdir escape && printf '#!/bin/sh\n' >escape/bootstrap && ln -s ../../etc/passwd escape/leak
mkdir huge && printf '#!/bin/sh\n' >huge/bootstrap && truncate -s 300M huge/blob
cat >limits.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  nobs: { artifact: nobs }
  escape: { artifact: escape }
  huge: { artifact: huge }
YML
lc -f limits.yml package nobs
check_status 3 "a provided.* directory without bootstrap is refused"
check_err_eq "lambdactl: nobs: artifact directory 'nobs' has no 'bootstrap' at its root (runtime provided.al2023 needs one)" "the missing bootstrap is explained"
lc -f limits.yml package escape
check_status 3 "a symlink out of the tree is refused"
check_err_eq "lambdactl: escape: symlink 'leak' points outside the artifact directory ('../../etc/passwd')" "the escaping symlink is named"
lc -f limits.yml package huge
check_status 3 "over 250 MB unzipped is refused before zipping"
check_err_has "^lambdactl: huge: artifact 'huge' unzips to 300\.0 MB, over Lambda's 250 MB limit$" "the unzipped limit is explained"
check "nothing is left behind after failures" test -z "$(find .lambdactl -name 'nobs*' -o -name 'escape*' -o -name 'huge*' -o -name '*.tmp*' 2>/dev/null)"

# Entries deflate would not shrink are stored (method 0), as their content
# alone decides (the first 64 KiB of a file of 64 KiB or more): random
# bytes stored, text deflated, a small file deflated whatever it holds; the
# same input still gives the same bytes.
mkdir mixed
head -c 300000 /dev/urandom >mixed/random.bin
yes 'a line of text for the zip' | head -c 300000 >mixed/text.txt
head -c 1000 /dev/urandom >mixed/small.bin
printf '#!/bin/sh\n' >mixed/bootstrap
cat >mixed.yml <<'YML'
role: lambda-exec
runtime: provided.al2023
functions:
  mixed: { artifact: mixed }
YML
methods() {
	python3 -c '
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.filename, i.compress_type)
' "$1"
}
lc -f mixed.yml package mixed
check_status 0 "a tree of random and text files is packaged"
zip=.lambdactl/mixed.zip
check "random bytes stored (0), text and small files deflated (8)" \
	test "$(methods "$zip" | tr '\n' ,)" = "bootstrap 8,random.bin 0,small.bin 8,text.txt 8,"
check "unzip -t finds every entry sound" unzip -tq "$zip"
check "the stored entry holds the file's bytes" sh -c 'unzip -p "$1" random.bin | cmp -s - mixed/random.bin' _ "$zip"
check "the deflated text comes back whole" sh -c 'unzip -p "$1" text.txt | cmp -s - mixed/text.txt' _ "$zip"
check "the stored entry takes its size, the text much less" python3 -c '
import sys, zipfile
z = {i.filename: i for i in zipfile.ZipFile(sys.argv[1]).infolist()}
sys.exit(not (z["random.bin"].compress_size == 300000 and z["text.txt"].compress_size < 30000))' "$zip"
cp "$zip" "$TMP/mixed-first.zip"
touch mixed/random.bin mixed/text.txt
lc -f mixed.yml package mixed
check "stored or deflated, packaged again: byte-identical" cmp "$TMP/mixed-first.zip" "$zip"

finish
