#!/bin/bash
# The one grammar for durations and times (lambdactl(1), DURATIONS AND
# TIMES) in every place that takes one: --wait-timeout of new, update and
# deploy (1h30m was refused), --since and --until of logs (a bare 300 was
# refused; "10m ago"), --connect-timeout, --read-timeout and
# --request-timeout, --build-timeout of package, invoke --local and serve
# (all took plain seconds only), and a credential_process's Expiration.  Bad values
# are refused with the usage status and one line naming the option and the
# value.  moto plays Lambda, CloudWatch Logs and STS.
. "$(dirname "$0")/lib.sh"
start_moto
use_env_creds
ref_aws iam create-role --role-name lambda-exec --assume-role-policy-document '{}' >/dev/null
provided_manifest lambda-exec <<'YML'
  f1: { memory: 128 }
YML

# Refused everywhere a duration goes: garbage, a bare number after a unit,
# units out of order or repeated, signs, fractions, spaces, upper case, and
# numbers too large to hold.
BAD_DURATIONS=(1h30 30m1h 1m1m 5s5s -5m +5m 1.5h '' '5 m' ' 5m' 5M 1H x
	99999999999999999999s 36500d1s)

# -h points at the grammar where an option takes a duration or a time.
for cmd in new update deploy logs package invoke serve; do
	lc $cmd -h
	check_out_has "^Durations and times: see DURATIONS AND TIMES in 'man lambdactl'\.\$" "$cmd -h points at the grammar"
done
lc whoami -h
check_out_lacks "DURATIONS AND TIMES" "whoami -h, which takes neither, does not"

# ---- --wait-timeout: a duration from 1s to 24h. ----
for cmd in new deploy; do
	for good in 1h30m 1h30m15s 90m 300 0h0m1s 1d 24h 1s; do
		lc --endpoint-url "$MOTO_URL" $cmd --dry-run --wait-timeout "$good" f1
		check_status 5 "$cmd --wait-timeout '$good' is accepted (--dry-run: changes pending)"
	done
	for bad in "${BAD_DURATIONS[@]}" '10m ago' 0 0s 1d1s 1w 25h 86401; do
		lc --endpoint-url "$MOTO_URL" $cmd --dry-run --wait-timeout "$bad" f1
		check_status 2 "$cmd --wait-timeout '$bad' is a usage error"
		check_err_eq "lambdactl: option '--wait-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '$bad'" \
			"$cmd --wait-timeout '$bad': one line, the option and the value"
	done
done
lc --endpoint-url "$MOTO_URL" deploy f1
check_status 0 "f1 deployed, for update"
lc --endpoint-url "$MOTO_URL" update --dry-run --wait-timeout 1h30m f1
check_status 0 "update --wait-timeout 1h30m is accepted"
check_out_eq "f1: no changes" "update --wait-timeout 1h30m: the update runs"
lc --endpoint-url "$MOTO_URL" update --wait-timeout 30m1h f1
check_status 2 "update --wait-timeout 30m1h is a usage error"
check_err_eq "lambdactl: option '--wait-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '30m1h'" \
	"update --wait-timeout 30m1h: one line"

# ---- The global timeouts: a duration from 1s to 24h. ----
for opt in connect-timeout read-timeout request-timeout; do
	lc --endpoint-url "$MOTO_URL" --$opt 1m30s whoami
	check_status 0 "--$opt 1m30s is accepted"
	lc --endpoint-url "$MOTO_URL" whoami --$opt 90
	check_status 0 "--$opt 90 (seconds, after the command) still is"
	for bad in x 1h30 30m1h 0 0s 25h 86401; do
		lc --endpoint-url "$MOTO_URL" --$opt "$bad" whoami
		check_status 2 "--$opt '$bad' is a usage error"
		check_err_eq "lambdactl: option '--$opt' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '$bad'" \
			"--$opt '$bad': one line, the option and the value"
	done
done

# ---- logs --since and --until: durations ago, "ago", ISO-8601. ----
export AWS_ENDPOINT_URL=$MOTO_URL
NOW=$(( $(date +%s) * 1000 ))
ref_aws logs create-log-group --log-group-name /t0070
ref_aws logs create-log-stream --log-group-name /t0070 --log-stream-name s
ref_aws logs put-log-events --log-group-name /t0070 --log-stream-name s \
	--log-events "timestamp=$((NOW - 1000000)),message=a thousand seconds ago" \
	"timestamp=$((NOW - 200000)),message=two hundred seconds ago" >/dev/null
BOTH="a thousand seconds ago
two hundred seconds ago"
iso() { date -u -d "@$(( $(date +%s) - $1 ))" "+$2"; }	# iso SECS-AGO FORMAT

logs_is() {	# logs_is WANT DESC ARGS...
	local want=$1 desc=$2
	shift 2
	lc logs --group /t0070 --format raw "$@"
	check_status 0 "$desc: accepted"
	check_out_eq "$want" "$desc: the events between"
}
logs_is "two hundred seconds ago" "--since 300 (seconds)" --since 300
logs_is "two hundred seconds ago" "--since '300 ago'" --since "300 ago"
logs_is "two hundred seconds ago" "--since 5m" --since 5m
logs_is "$BOTH" "--since '20m ago'" --since "20m ago"
logs_is "$BOTH" "--since 1h30m" --since 1h30m
logs_is "a thousand seconds ago" "--since 1200 --until 300" --since 1200 --until 300
logs_is "a thousand seconds ago" "--since '1h ago' --until '10m ago'" --since "1h ago" --until "10m ago"
logs_is "a thousand seconds ago" "--since 0h20m0s --until 0h5m" --since 0h20m0s --until 0h5m
logs_is "two hundred seconds ago" "--since ISO-8601 with Z" --since "$(iso 600 %FT%TZ)"
logs_is "two hundred seconds ago" "--since ISO-8601, a space, no seconds, +00:00" \
	--since "$(iso 660 '%F %H:%M+00:00')"
logs_is "$BOTH" "--since ISO-8601 with a fraction and an offset" \
	--since "$(TZ=Etc/GMT-2 date -d "@$(( $(date +%s) - 1800 ))" +%FT%T,5+0200)"
logs_is "$BOTH" "--since a date alone (yesterday, midnight UTC)" --since "$(iso 86400 %F)"
logs_is "" "--until 1w: nothing that old" --since 2w --until 1w

for opt in since until; do
	for bad in "${BAD_DURATIONS[@]}" ago '10m  ago' '10m ago ' '1h30 ago' \
	    2024-02-30 2024-05-01T12:00:00 2024-05-01T24:00Z \
	    2024-05-01T12:00:60Z 2024-05-01T12:00:00+24:00 \
	    '2024-05-01T12:00:00Z ago' 1969-12-31T23:59:59Z 100000d; do
		lc logs --group /t0070 --"$opt" "$bad"
		check_status 2 "--$opt '$bad' is a usage error"
		check_err_eq "lambdactl: option '--$opt' wants a duration (30s, 10m, 2h, 1d, 1w) or an ISO-8601 time (2024-05-01T12:00:00Z), not '$bad'" \
			"--$opt '$bad': one line, the option and the value"
	done
done
unset AWS_ENDPOINT_URL

# ---- A credential_process's Expiration: the same ISO-8601 times. ----
export AWS_CONFIG_FILE=$TMP/config
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
proc() {	# proc PROFILE EXPIRATION: a profile whose process sets it
	printf '[profile %s]\ncredential_process = printf '"'"'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s", "Expiration": "%s"}'"'"'\n' "$1" "$2"
}
{
	proc date 2099-01-01
	proc comma 2099-01-01T00:00:00,5Z
	proc minutes '2099-01-01 00:00+01'
	proc feb30 2099-02-30T00:00:00Z
	proc leap 2099-01-01T12:00:60Z
	proc past 1999-12-31T23:59:60Z
} >"$TMP/config"
for p in date comma minutes; do
	lc --endpoint-url "$MOTO_URL" whoami --profile "$p"
	check_status 0 "Expiration of profile '$p' is accepted"
	check_out_has "^credentials +process \\(profile $p\\)" "profile '$p': the process's credentials are used"
done
for p in feb30 leap; do
	lc --endpoint-url "$MOTO_URL" whoami --profile "$p"
	check_status 3 "Expiration of profile '$p' is refused"
	check_err_has "^lambdactl: credential_process for profile '$p': invalid Expiration '[^']*' \\(expected RFC 3339, e.g. 2026-01-01T00:00:00Z\\)\$" \
		"profile '$p': one line naming the profile and the value"
done
lc --endpoint-url "$MOTO_URL" whoami --profile past
check_status 3 "a leap second in the past has expired"
check_err_eq "lambdactl: credential_process for profile 'past': the credentials expired at 1999-12-31T23:59:59Z (Expiration is in the past)" \
	"the leap second counts as the second before it"

# ---- --build-timeout: a duration from 1s to 24h. ----
unset AWS_CONFIG_FILE
export TMPDIR=$TMP
cat >>lambda.yml <<'YML'
  quick: { build: "exit 7" }
  hung: { build: "sleep 70.70" }
YML
# bounded ARGS...: lc, killed after 60 s (serve would otherwise stay).
bounded() {
	timeout -s KILL 60 "$LAMBDACTL" "$@" >"$OUT" 2>"$ERR" </dev/null
	status=$?
}
for cmd in package "invoke --local" "serve --port 0"; do
	# A build that fails at once: the option was taken.
	bounded $cmd quick --build-timeout 1m30s
	check_status 1 "$cmd --build-timeout 1m30s is accepted (the build then fails)"
	check_err_has "^lambdactl: quick: build command 'exit 7' " "$cmd --build-timeout 1m30s: the build ran"
	# 0m1s is one second.
	bounded $cmd hung --build-timeout 0m1s
	check_status 1 "$cmd --build-timeout 0m1s: the hung build is stopped"
	check_err_has "timed out after 1 s" "$cmd --build-timeout 0m1s: after 1 s"
	for bad in x 1h30 0 25h; do
		bounded $cmd quick --build-timeout "$bad"
		check_status 2 "$cmd --build-timeout '$bad' is a usage error"
		check_err_eq "lambdactl: option '--build-timeout' wants a duration from 1s to 24h such as 300, 90s, 5m or 1h, not '$bad'" \
			"$cmd --build-timeout '$bad': one line, the option and the value"
	done
done

finish
