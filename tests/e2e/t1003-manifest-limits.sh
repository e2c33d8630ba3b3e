#!/bin/bash
# Hostile manifests are refused quickly, with FILE:LINE:COL and exit 3
# (issue 9, defects 6, 11 and 19): a 200,000-deep YAML sequence (it hung
# validate), deep maps, 40,000 environment keys (the duplicate-key check
# was quadratic: 5 s), aliases used over and over (a "billion laughs"), a
# manifest over 1 MiB, /dev/zero.  Each run is bounded by `timeout`.
. "$(dirname "$0")/lib.sh"

# fast SECONDS ARGS...: lc under timeout; also fails when it took longer.
fast() {
	local limit=$1 t0 t1
	shift
	t0=$(date +%s%N)
	timeout 60 "$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" </dev/null
	status=$?
	t1=$(date +%s%N)
	elapsed_ms=$(( (t1 - t0) / 1000000 ))
	check "lambdactl $1 $2 took ${elapsed_ms} ms (limit ${limit} s)" test "$elapsed_ms" -lt $((limit * 1000))
}

python3 -c 'print("functions: " + "[" * 200000 + "]" * 200000)' >deep-seq.yml
fast 5 validate -f deep-seq.yml
check_status 3 "a 200,000-deep sequence is a manifest error"
check_err_eq "lambdactl: deep-seq.yml:1:43: nested deeper than 32 levels (maps and lists)" "the 33rd level is named"

python3 -c '
print("functions:")
for i in range(1, 40):
    print("  " * i + "k%d:" % i)' >deep-map.yml
fast 5 validate -f deep-map.yml
check_status 3 "block maps 39 deep"
check_err_eq "lambdactl: deep-map.yml:33:65: nested deeper than 32 levels (maps and lists)" "block nesting is counted too"

# 32 levels are allowed (the schema then says what is wrong).
python3 -c 'print("functions: " + "[" * 31 + "]" * 31)' >deep-ok.yml
fast 5 validate -f deep-ok.yml
check_status 3 "31 nested lists under a map: within the limit"
check_err_eq "lambdactl: deep-ok.yml:1:12: 'functions' must be a map of function names to their settings" "the schema's message, not the nesting limit"

# 40,000 environment keys: far over Lambda's 4 KB, found without
# comparing every key with every other.
python3 -c '
print("role: lambda-exec\nfunctions:\n  jobs:\n    runtime: provided.al2023\n    artifact: bootstrap\n    environment:")
for i in range(40000):
    print("      KEY_%05d: v" % i)' >keys.yml
fast 10 validate -f keys.yml
check_status 3 "40,000 environment keys"
check_err_eq "lambdactl: keys.yml:3:3: function 'jobs': environment is 400000 bytes, over Lambda's 4 KB limit" "the size is the error"
{ cat keys.yml; echo "      KEY_00007: again"; } >keys-dup.yml
fast 10 validate -f keys-dup.yml
check_status 3 "40,000 keys and a duplicate at the end"
check_err_eq "lambdactl: keys-dup.yml:40007:7: duplicate key 'KEY_00007' (first at line 14)" "the duplicate and its first line"
python3 -c '
print("role: lambda-exec\nruntime: provided.al2023\nartifact: b\nfunctions:")
for i in range(20000):
    print("  f%05d: {}" % i)
print("  f00123: {}")' >fns-dup.yml
fast 10 validate -f fns-dup.yml
check_status 3 "20,000 functions and a duplicate"
check_err_eq "lambdactl: fns-dup.yml:20005:3: duplicate key 'f00123' (first at line 128)" "a duplicate function name"

# Aliases: 3,000 keys used by 2,000 functions would be 6 million values.
python3 -c '
print("role: r\nruntime: provided\nartifact: b\nfunctions:\n  f0:\n    environment: &e")
for i in range(3000):
    print("      K%04d: v" % i)
for i in range(1, 2000):
    print("  f%d: {environment: *e}" % i)' >laughs.yml
fast 10 validate -f laughs.yml
check_status 3 "aliases multiplied past the bound"
check_err_has "^lambdactl: laughs\.yml:[0-9]+:[0-9]+: the manifest has over 200000 values, counting each use of an alias and each inherited setting\$" "aliases are counted each time they are used"

head -c 1100000 /dev/zero | tr '\0' '#' >huge.yml
fast 5 validate -f huge.yml
check_status 3 "a manifest over 1 MiB"
check_err_eq "lambdactl: manifest 'huge.yml' is over 1 MiB" "the size limit is named"
fast 5 validate -f /dev/zero
check_status 3 "/dev/zero as the manifest ends"
check_err_eq "lambdactl: manifest '/dev/zero' is over 1 MiB" "and is named"

finish
