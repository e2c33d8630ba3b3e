#!/bin/bash
# The command line itself: version, help, usage errors and their exit codes.
. "$(dirname "$0")/lib.sh"

lc --version
check_status 0 "--version exits 0"
check_out_has '^lambdactl [0-9]+\.[0-9]+\.[0-9]+ \(libcurl ' "--version names the version and libcurl"

lc
check_status 2 "no command is a usage error"
check_err_has '^usage: lambdactl ' "no command prints usage on stderr"

lc -h
check_status 0 "-h exits 0"
check_out_has '^  whoami +Show the account' "-h lists whoami with its summary"
check_out_has '^  +--endpoint-url URL' "-h lists the global options"

lc whoamii
check_status 2 "an unknown command exits 2"
check_err_eq "lambdactl: unknown command 'whoamii' (did you mean 'whoami'?)" "an unknown command suggests the nearest"

lc va
check_status 2 "an unknown command that begins a command exits 2"
check_err_eq "lambdactl: unknown command 'va' (did you mean 'validate'?)" "the one command an unknown word of two letters begins is suggested"

lc frobnicate
check_err_eq "lambdactl: unknown command 'frobnicate' (see 'lambdactl -h')" "an unknown command with no near name"

lc whoami --regoin eu-west-1
check_status 2 "an unknown option exits 2"
check_err_eq "lambdactl: whoami: unknown option '--regoin' (did you mean '--region'?)" "an unknown option suggests the nearest"

lc whoami --reg eu-west-1
check_status 2 "an abbreviated option is not accepted"
check_err_eq "lambdactl: whoami: unknown option '--reg' (did you mean '--region'?)" "an abbreviation is refused with a hint"

lc whoami -z
check_err_eq "lambdactl: whoami: unknown option '-z'" "an unknown short option"

lc whoami --region
check_status 2 "an option without its value exits 2"
check_err_eq "lambdactl: whoami: option '--region' needs a value (REGION)" "the missing value is named"

lc whoami --debug=yes
check_err_eq "lambdactl: whoami: option '--debug' takes no value" "a flag given a value"

lc whoami surplus
check_status 2 "a surplus argument exits 2"
check_err_eq "lambdactl: whoami: unexpected argument 'surplus' (usage: lambdactl whoami [--profile NAME] [--output json])" "a surplus argument is named, with the usage line"

lc --output yaml whoami
check_status 2 "a bad --output exits 2"
check_err_eq "lambdactl: option '--output' wants 'text' or 'json', not 'yaml'" "a bad --output is named"

lc --connect-timeout soon whoami
check_err_eq "lambdactl: option '--connect-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not 'soon'" "a bad timeout is named"
lc --read-timeout 0 whoami
check_status 2 "a zero timeout is refused"

lc --output json whoamii
check_status 2 "errors under --output json keep the exit status"
check "errors under --output json are one JSON object on stdout" \
	jq -e '.error.status == 2 and (.error.message | test("unknown command .whoamii."))' "$OUT"
check_err_eq "" "errors under --output json leave stderr empty"

lc -o json whoami --bogus
check_status 2 "an unknown option under -o json exits 2"
check "an unknown option under -o json is a JSON error on stdout" \
	jq -e '.error.message == "whoami: unknown option '"'"'--bogus'"'"'"' "$OUT"

lc --debug -- whoami -h
check_status 0 "'--' ends the global options before the command"
check_out_has '^usage: lambdactl whoami ' "the command after '--' runs"

lc whoami --version
check_out_has '^lambdactl [0-9.]+ ' "--version works after the command too"

lc help whoami
check_status 0 "help COMMAND exits 0"
check_out_has '^usage: lambdactl whoami ' "help COMMAND prints the command's usage"

lc whoami -h
check_status 0 "COMMAND -h exits 0"
check_out_has '^usage: lambdactl whoami ' "COMMAND -h prints the usage"

lc help nosuch
check_status 2 "help for an unknown command exits 2"
check_err_eq "lambdactl: unknown command 'nosuch' (see 'lambdactl -h')" "help names the unknown command"

lc --list-commands
check_out_has '^whoami	' "--list-commands lists whoami"

lc whoami --list-options
check_out_has '^--profile	NAME	' "COMMAND --list-options lists the global options"

# --list-functions: the manifest lambdactl would read, as it reads it.
lc --list-functions
check_status 0 "--list-functions without lambda.yml exits 0"
check_out_eq "" "--list-functions without lambda.yml prints nothing"
provided_manifest arn:aws:iam::123456789012:role/r <<'YML'
  zeta:
    environment: { K: "${env:LC_T0001_UNSET}" }
  # alpha: commented out
  "alpha-2": {}
YML
lc --list-functions
check_status 0 "--list-functions exits 0"
check_out_eq "$(printf 'zeta\nalpha-2')" \
	"--list-functions prints lambda.yml's functions in file order, an unset \${env:} no matter"
printf 'region: us-east-1\nfunctions: {"fn-one": {runtime: python3.12, handler: a.h, role: r, artifact: a.py}, two: {runtime: python3.12, handler: a.h, role: r, artifact: a.py}}\n' >flow.yml
lc -f flow.yml --list-functions
check_out_eq "$(printf 'fn-one\ntwo')" "-f FILE --list-functions reads FILE (YAML flow style too)"
lc --manifest=flow.yml --list-functions
check_out_eq "$(printf 'fn-one\ntwo')" "--manifest=FILE --list-functions reads FILE"
LAMBDACTL_MANIFEST=flow.yml lc --list-functions
check_out_eq "$(printf 'fn-one\ntwo')" "LAMBDACTL_MANIFEST chooses the manifest too"
lc -f missing.yml --list-functions
check_status 3 "--list-functions with a missing -f FILE exits 3"
check_err_eq "lambdactl: cannot read 'missing.yml': No such file or directory" \
	"--list-functions names the missing manifest"
printf 'functions:\n  bad name!: {}\n' >bad.yml
lc -f bad.yml --list-functions
check_status 3 "--list-functions with an invalid manifest exits 3"
check_out_eq "" "--list-functions lists nothing of an invalid manifest"
lc whoami --list-functions
check_status 2 "--list-functions after a command is a usage error"
check_err_eq "lambdactl: option '--list-functions' takes global options only, not 'whoami'" \
	"--list-functions names what it does not take"
rm -f lambda.yml flow.yml bad.yml

# --list-profiles: the profiles of the config and credentials files, as
# creds.c reads them: "[profile X]" and "[default]" in the config file
# (not sso-session or services sections, nor a nested sub-section), "[X]"
# in the credentials file; sorted, no repeats.
lc --list-profiles
check_status 0 "--list-profiles without ~/.aws exits 0"
check_out_eq "" "--list-profiles without ~/.aws prints nothing"
mkdir -p "$HOME/.aws"
printf '[default]\nregion = us-east-1\n[profile zed]\n[sso-session corp]\n[ profile   b ]\ns3 =\n  [nested]\n[services local]\n[profile default]\n[profile]\n' \
	>"$HOME/.aws/config"
printf '[b]\naws_access_key_id = AKIDB\n[ci]\n' >"$HOME/.aws/credentials"
lc --list-profiles
check_status 0 "--list-profiles exits 0"
check_out_eq "$(printf 'b\nci\ndefault\nzed')" \
	"--list-profiles lists ~/.aws's profiles, sorted, without repeats"
printf '[profile other]\n' >"$TMP/cfg"
printf '[another]\n' >"$TMP/cred"
AWS_CONFIG_FILE=$TMP/cfg AWS_SHARED_CREDENTIALS_FILE=$TMP/cred lc --list-profiles
check_out_eq "$(printf 'another\nother')" \
	"--list-profiles honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
printf '[default]\nno equals sign\n' >"$TMP/cfg"
AWS_CONFIG_FILE=$TMP/cfg lc --list-profiles
check_status 3 "--list-profiles with a malformed config exits 3"
check_err_eq "lambdactl: $TMP/cfg:2: expected '[section]' or 'key = value'" \
	"--list-profiles says where the config is malformed"
rm -rf "$HOME/.aws"

lc -h
check_out_lacks 'list-functions|list-profiles' "-h does not show the hidden options"
lc --list-options
check_out_lacks 'list-functions|list-profiles' "--list-options does not list the hidden options"

# An empty value is refused before anything runs: --endpoint-url '' must
# never fall back to AWS itself (a script's unset variable).
for o in endpoint-url region profile manifest; do
	AWS_ACCESS_KEY_ID=AKID AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 \
		lc --$o '' --connect-timeout 1 invoke f
	check_status 2 "--$o '': a usage error"
	check_err_eq "lambdactl: option '--$o' wants a value, not ''" "--$o '': says so, and sends nothing"
done
AWS_ACCESS_KEY_ID=AKID AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 \
	lc invoke --endpoint-url= f
check_status 2 "invoke --endpoint-url=: a usage error"
check_err_eq "lambdactl: option '--endpoint-url' wants a value, not ''" "invoke --endpoint-url=: says so"

finish
