#!/bin/bash
# GitHub Actions annotations: with GITHUB_ACTIONS=true an error or warning
# that points at a file also prints the workflow command the runner turns
# into an annotation, "::error file=F,line=L,col=C::MESSAGE", on stderr
# after the human line (the runner reads commands on stderr as on stdout;
# stdout keeps -o json clean).  Each case asserts the whole stderr: the
# human line unchanged, the annotation exact (the message without its
# "FILE:LINE:COL: ", '%' CR LF escaped, and in file= ':' ',' too).  The
# cases: an unknown key, a bad value, a YAML syntax error, an unset
# ${env:...} reported only when invoke --local needs it, a payload file
# that is not JSON, init's warning for a lambda.yml that does not read back
# (moto holds a function of a runtime lambdactl does not know), doctor's
# manifest error and deferred-variable warning; then that nothing is
# printed without GITHUB_ACTIONS=true (unset, "false", "1"), nor for errors
# that point at no file (inline or stdin payloads).  A key or a file name
# holding a line break cannot forge a workflow command: the human line
# stays one line ("\n" shown, other controls as "^["), the annotation has
# %0A.  Under GITHUB_WORKSPACE the annotation's file is relative to it.
. "$(dirname "$0")/lib.sh"
unset GITHUB_WORKSPACE GITHUB_STEP_SUMMARY

# annotated DESC STATUS STDERR ARGS...: lambdactl ARGS under
# GITHUB_ACTIONS=true exits STATUS with exactly STDERR; without it, with
# only STDERR's first line (the human one).
annotated() {
	local desc=$1 want_status=$2 want=$3 v
	shift 3
	GITHUB_ACTIONS=true lc "$@"
	check_status "$want_status" "$desc: exit $want_status"
	check_err_eq "$want" "$desc: the human line, then the annotation"
	for v in unset false 1 TRUE; do
		if [ "$v" = unset ]; then lc "$@"; else GITHUB_ACTIONS=$v lc "$@"; fi
		check_err_eq "$(head -1 <<<"$want")" "$desc: GITHUB_ACTIONS $v: the human line only"
	done
}

printf 'role: arn:aws:iam::123456789012:role/r\nruntime: provided.al2023\nfunctions:\n  api:\n    handler: x\n    artifact: a.zip\n    memroy: 5\n' >unknown.yml
annotated "an unknown key" 3 "lambdactl: unknown.yml:7:5: unknown key 'memroy' (did you mean 'memory'?)
::error file=unknown.yml,line=7,col=5::unknown key 'memroy' (did you mean 'memory'?)" \
	validate -f unknown.yml

printf 'role: arn:aws:iam::123456789012:role/r\nruntime: provided.al2023\nfunctions:\n  api:\n    handler: x\n    artifact: a.zip\n    memory: 99999\n' >value.yml
annotated "a bad value" 3 "lambdactl: value.yml:7:13: 'memory' must be from 128 to 10240 MB, not '99999'
::error file=value.yml,line=7,col=13::'memory' must be from 128 to 10240 MB, not '99999'" \
	validate -f value.yml

printf 'functions:\n  api: [\n' >syntax.yml
annotated "a YAML syntax error" 3 "lambdactl: syntax.yml:3:1: did not find expected node content
::error file=syntax.yml,line=3,col=1::did not find expected node content" \
	validate -f syntax.yml

# An unset ${env:...} that only invoke --local needs (kept from the load
# until the run asks for every value): where it is used.
unset LC_T1004_UNSET
printf 'role: arn:aws:iam::123456789012:role/r\nruntime: provided.al2023\nfunctions:\n  api:\n    artifact: a.zip\n    environment:\n      DB: ${env:LC_T1004_UNSET}\n' >deferred.yml
annotated "an unset variable, reported later" 3 "lambdactl: deferred.yml:7:11: environment variable 'LC_T1004_UNSET' is not set (used as \${env:LC_T1004_UNSET})
::error file=deferred.yml,line=7,col=11::environment variable 'LC_T1004_UNSET' is not set (used as \${env:LC_T1004_UNSET})" \
	invoke api --local -f deferred.yml

# The escaping: a directory whose name holds ',' ':' '%', a key holding '%'
# and ',' (the message keeps ',' and ':'; '%' is %25 everywhere).
mkdir -p 'd,x:50%'
printf 'functions:\n  api:\n    "a%%b,c: d": 1\n' >'d,x:50%/lambda.yml'
annotated "escaping" 3 "lambdactl: d,x:50%/lambda.yml:3:5: unknown key 'a%b,c: d'
::error file=d%2Cx%3A50%25/lambda.yml,line=3,col=5::unknown key 'a%25b,c: d'" \
	validate -f 'd,x:50%/lambda.yml'

# Forged workflow commands: a message quoting a line break (a YAML key, a
# -f file name) stays one human line, "\n" shown, and the annotation has
# it as %0A: no line the runner would run as a command of its own.
printf 'functions:\n  api:\n    "x\\n::warning file=README.md,line=1::forged": 1\n' >forged.yml
annotated "a key forging a command" 3 "lambdactl: forged.yml:3:5: unknown key 'x\\n::warning file=README.md,line=1::forged'
::error file=forged.yml,line=3,col=5::unknown key 'x%0A::warning file=README.md,line=1::forged'" \
	validate -f forged.yml
forged_dir=$'n\r\n::warning file=x,line=1::f'
mkdir -p "$forged_dir"
printf 'functions:\n  api:\n    memroy: 1\n' >"$forged_dir/lambda.yml"
annotated "a file name forging a command" 3 "lambdactl: n\\r\\n::warning file=x,line=1::f/lambda.yml:3:5: unknown key 'memroy' (did you mean 'memory'?)
::error file=n%0D%0A%3A%3Awarning file=x%2Cline=1%3A%3Af/lambda.yml,line=3,col=5::unknown key 'memroy' (did you mean 'memory'?)" \
	validate -f "$forged_dir/lambda.yml"
printf 'functions:\n  api:\n    "a\\x1b]0;t\\x07\\tb": 1\n' >controls.yml
lc validate -f controls.yml
check_err_eq "lambdactl: controls.yml:3:5: unknown key 'a^[]0;t^G	b'" \
	"other control characters in caret notation, tab as it is"

# The file relative to GITHUB_WORKSPACE when it lies under it (the runner
# reads it so), else as given; the human line keeps it as given.
mkdir -p ws/svc
cp unknown.yml ws/svc/lambda.yml
(cd ws/svc && GITHUB_ACTIONS=true GITHUB_WORKSPACE=$TMP/ws "$LAMBDACTL" validate -f lambda.yml >"$OUT" 2>"$ERR")
check_err_eq "lambdactl: lambda.yml:7:5: unknown key 'memroy' (did you mean 'memory'?)
::error file=svc/lambda.yml,line=7,col=5::unknown key 'memroy' (did you mean 'memory'?)" \
	"GITHUB_WORKSPACE above the working directory: the file relative to it"
(cd ws/svc && GITHUB_ACTIONS=true GITHUB_WORKSPACE=$TMP/ws "$LAMBDACTL" validate -f "$TMP/ws/svc/lambda.yml" >"$OUT" 2>"$ERR")
check_err_has "^::error file=svc/lambda.yml,line=7,col=5::" "GITHUB_WORKSPACE, an absolute -f under it: relative to it"
ln -s ws ws-link
(cd ws-link/svc && GITHUB_ACTIONS=true GITHUB_WORKSPACE=$TMP/ws-link "$LAMBDACTL" validate -f lambda.yml >"$OUT" 2>"$ERR")
check_err_has "^::error file=svc/lambda.yml,line=7,col=5::" "GITHUB_WORKSPACE through a symbolic link: relative to it all the same"
GITHUB_ACTIONS=true GITHUB_WORKSPACE=$TMP/ws lc validate -f unknown.yml
check_err_has "^::error file=unknown.yml,line=7,col=5::" "GITHUB_WORKSPACE elsewhere: the file as given"

# -o json: stdout holds the JSON error object only; the annotation is on stderr.
GITHUB_ACTIONS=true lc validate -f unknown.yml -o json
check_status 3 "-o json: exit 3"
check "-o json: stdout is the error object alone" jq -e '.error.status == 3 and (.error.message | startswith("unknown.yml:7:5: "))' "$OUT"
check_out_lacks '::error' "-o json: no annotation on stdout"
check_err_eq "::error file=unknown.yml,line=7,col=5::unknown key 'memroy' (did you mean 'memory'?)" \
	"-o json: the annotation on stderr"

# Payloads: read before any call (the endpoint is a dead port, never reached).
export AWS_ACCESS_KEY_ID=AKIDANNOT AWS_SECRET_ACCESS_KEY=annot/secret/key/EXAMPLE0000 \
	AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:9
mkdir -p pl && cd pl || exit 1
printf '{"a": 1,\n  "b": }\n' >event.json
annotated "a payload file" 3 "lambdactl: event.json:2:8: invalid JSON: expected a value, found '}'
::error file=event.json,line=2,col=8::invalid JSON: expected a value, found '}'" \
	invoke api --payload event.json
annotated "a payload file://" 3 "lambdactl: event.json:2:8: invalid JSON: expected a value, found '}'
::error file=event.json,line=2,col=8::invalid JSON: expected a value, found '}'" \
	invoke api --payload file://event.json
GITHUB_ACTIONS=true lc invoke api --payload '{"a": }'
check_status 3 "inline payload: exit 3"
check_err_eq "lambdactl: --payload:1:7: invalid JSON: expected a value, found '}'" \
	"inline payload: points at no file, no annotation"
GITHUB_ACTIONS=true "$LAMBDACTL" invoke api --payload - <<<'{' >"$OUT" 2>"$ERR"
check_err_lacks '^::' "stdin payload: points at no file, no annotation"
check_err_has '^lambdactl: \(stdin\):2:1: invalid JSON' "stdin payload: the human line"
cd .. || exit 1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_ENDPOINT_URL

# doctor: lambda.yml's error, or the warning of a variable only deploying
# needs, annotated too (the endpoint a dead port: that check fails fast).
export AWS_ACCESS_KEY_ID=AKIDANNOT AWS_SECRET_ACCESS_KEY=annot/secret/key/EXAMPLE0000 \
	AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:9
GITHUB_ACTIONS=true lc doctor -f unknown.yml
check_status 3 "doctor, an unknown key: exit 3"
check_err_has "^::error file=unknown.yml,line=7,col=5::unknown key 'memroy' \(did you mean 'memory'\?\)$" \
	"doctor, an unknown key: the error annotation"
check "doctor, an unknown key: one annotation" test "$(grep -c '^::' "$ERR")" -eq 1
GITHUB_ACTIONS=true lc doctor -f deferred.yml
check_err_has "^::warning file=deferred.yml,line=7,col=11::environment variable 'LC_T1004_UNSET' is not set \(used as \\\$\{env:LC_T1004_UNSET\}\) \(deploying needs it\)$" \
	"doctor, a variable only deploying needs: the warning annotation"
check "doctor, a variable only deploying needs: one annotation" test "$(grep -c '^::' "$ERR")" -eq 1
lc doctor -f unknown.yml
check_err_lacks '^::' "doctor without GITHUB_ACTIONS: no annotation"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_ENDPOINT_URL

# A warning: init writes a lambda.yml that does not read back (a runtime
# this lambdactl does not know) and says where, as a warning annotation.
start_lambda_env
python3 -c 'import zipfile, sys
with zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("bootstrap", "#!/bin/sh\n")' code.zip
check "aws lambda create-function old (runtime nodejs16.x)" ref_aws lambda create-function \
	--function-name old --runtime nodejs16.x --handler index.handler \
	--role arn:aws:iam::123456789012:role/lambda-exec --zip-file fileb://code.zip
mkdir -p w1 w2
(cd w1 && GITHUB_ACTIONS=true "$LAMBDACTL" init --from old >"$OUT" 2>"$ERR")
check "init: exit 0" test $? -eq 0
check_err_has "^lambdactl: warning: lambda.yml:[0-9]+:[0-9]+: unknown runtime 'nodejs16.x'.* \(edit it before deploying\)$" \
	"init: the warning's human line"
line=$(grep -n '^ *runtime: nodejs16.x' w1/lambda.yml | cut -d: -f1)
col=$(grep '^ *runtime: nodejs16.x' w1/lambda.yml | sed 's/runtime:.*//' | wc -c)
col=$((col + 9))
human=$(grep '^lambdactl: warning: lambda.yml' "$ERR" | sed 's/^lambdactl: warning: lambda.yml:[0-9]*:[0-9]*: //')
check_err_has "^::warning file=lambda.yml,line=$line,col=$col::$(printf '%s' "$human" | sed 's/[][().*^$?+{}|\\]/\\&/g')$" \
	"init: the warning annotation, at the runtime's value (line $line, col $col)"
check "init: two lines on stderr only for this warning" test "$(grep -c 'unknown runtime' "$ERR")" = 2
(cd w2 && "$LAMBDACTL" init --from old >"$OUT" 2>"$ERR")
check_err_lacks '^::' "init without GITHUB_ACTIONS: no annotation"
check_err_has "^lambdactl: warning: lambda.yml:$line:$col: unknown runtime 'nodejs16.x'" \
	"init without GITHUB_ACTIONS: the same human line"

finish
