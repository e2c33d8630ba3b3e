#!/bin/bash
# Table-driven doc check (git t0012, curl test1139): the binary's own tables
# (--list-commands, --list-options) drive it, so a new command or option is
# checked without touching this file.  For every command: -h answers with its
# usage; man/lambdactl-CMD.1 exists, passes mandoc -Tlint and documents each
# of the command's own options; lambdactl.1 documents every global option and
# mentions every command; bash, zsh and fish complete every option.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/e2e/lib.sh"

MAN=$ROOT/man
COMP=$ROOT/completions

# Sections every page must have.
SECTIONS=("NAME" "SYNOPSIS" "DESCRIPTION" "EXIT STATUS" "EXAMPLES" "SEE ALSO")
# A file format (section 5) has no synopsis and no exit status.
SECTIONS_5=("NAME" "DESCRIPTION" "EXAMPLES" "SEE ALSO")

have() { command -v "$1" >/dev/null 2>&1; }
# Forget the last lc's output, so that not_ok does not show it for checks
# that do not run lambdactl.
lc_done() { : >"$OUT"; : >"$ERR"; }
skip() { ok "$1 # SKIP $2"; }

# render PAGE: the page as plain text.
render() { mandoc -Tascii "$1" 2>/dev/null | col -b; }

# mentions FILE WORD: WORD appears in FILE as a whole option name (so that
# --dry does not pass for --dry-run).
mentions() {
	grep -Eq -- "(^|[^-[:alnum:]])$2([^-[:alnum:]]|\$)" "$1"
}

# lint_page PAGE: mandoc -Tlint -W warning prints nothing.
lint_page() {
	local page=$1 name=${1#"$ROOT"/} out
	if ! have mandoc; then
		skip "$name: mandoc -Tlint" "mandoc not installed"
		return
	fi
	out=$(mandoc -Tlint -W warning "$page" 2>&1)
	if [ -z "$out" ]; then ok "$name: mandoc -Tlint -W warning is clean"
	else not_ok "$name: mandoc -Tlint -W warning is clean" "$out"; fi
}

# sections_page PAGE: every page has the sections of SECTIONS (SECTIONS_5
# for a section-5 page).
sections_page() {
	local page=$1 name=${1#"$ROOT"/} s
	local -a want=("${SECTIONS[@]}")
	[[ $page == *.5 ]] && want=("${SECTIONS_5[@]}")
	for s in "${want[@]}"; do
		if grep -q "^\.Sh $s\$" "$page"; then ok "$name: has section $s"
		else not_ok "$name: has section $s" "no '.Sh $s' line"; fi
	done
}

# The tables, from the binary.
lc --list-commands
check_status 0 "--list-commands exits 0"
commands=$(cut -f1 "$OUT")
if [ -n "$commands" ]; then ok "--list-commands lists commands"
else not_ok "--list-commands lists commands"; fi

lc --list-options
check_status 0 "--list-options exits 0"
globals=$(cut -f1 "$OUT")
if [ -n "$globals" ]; then ok "--list-options lists the global options"
else not_ok "--list-options lists the global options"; fi
lc_done

# The README's paragraph on global options names only options the parser
# takes (it once listed a global -v that was refused), and its man commands
# work from a checkout.
readme_globals=$(sed -n '/^Global options go before or after/,/^$/p' "$ROOT/README.md" |
    tr '\n' ' ' | sed 's/([^)]*)//g' | grep -oE '`-{1,2}[a-z][-a-z]*' | tr -d '`')
if [ -n "$readme_globals" ]; then ok "README names global options"
else not_ok "README names global options" "paragraph not found"; fi
for o in $readme_globals; do
	case " $(printf '%s ' $globals) $(lc --list-options; cut -f4 "$OUT" | tr '\n' ' ') " in
	*" $o "*) ok "README's global option $o is accepted" ;;
	*) not_ok "README's global option $o is accepted" \
	    "'$o' is not in lambdactl --list-options" ;;
	esac
done
lc_done
if grep -q 'man -l' "$ROOT/README.md"; then
	ok "README shows man -l for pages not installed yet"
else
	not_ok "README shows man -l for pages not installed yet"
fi

# Every page: lint, sections (man/*.5 too, once they exist).
for page in "$MAN"/*.1 "$MAN"/*.5; do
	[ -e "$page" ] || continue
	lint_page "$page"
	sections_page "$page"
done

# A page for a command that does not exist is stale.
for page in "$MAN"/lambdactl-*.1; do
	[ -e "$page" ] || continue
	c=$(basename "$page" .1)
	c=${c#lambdactl-}
	if printf '%s\n' "$commands" | grep -qx -- "$c"; then
		ok "man/lambdactl-$c.1 is the page of a command"
	else
		not_ok "man/lambdactl-$c.1 is the page of a command" \
		    "'$c' is not in lambdactl --list-commands"
	fi
done

# lambdactl.1: every global option, --version and every command.
top=$TMP/lambdactl.1.txt
if [ -f "$MAN/lambdactl.1" ]; then
	ok "man/lambdactl.1 exists"
	render "$MAN/lambdactl.1" >"$top"
else
	not_ok "man/lambdactl.1 exists"
	: >"$top"
fi
for o in $globals --version; do
	if mentions "$top" "$o"; then ok "lambdactl.1 documents global option $o"
	else not_ok "lambdactl.1 documents global option $o" \
	    "'$o' not found in the rendered man/lambdactl.1"; fi
done
for c in $commands; do
	if grep -Fq -- "lambdactl-$c(1)" "$top"; then
		ok "lambdactl.1 mentions command $c (lambdactl-$c(1))"
	else
		not_ok "lambdactl.1 mentions command $c (lambdactl-$c(1))" \
		    "no 'lambdactl-$c(1)' in the rendered man/lambdactl.1"
	fi
done

# bash: the candidates for COMP_WORDS=(lambdactl WORDS...), the last word
# being completed, one a line.
bash_complete() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=(lambdactl "$@")
		COMP_CWORD=$#
		_lambdactl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP/lambdactl.bash" "$@" \
	    2>"$TMP/bash.err"
}

# zsh: the same through _lambdactl, with the completion system's output
# builtins replaced by functions that print the candidates.
zsh_complete() {
	zsh -f -c '
		fpath=("$1" $fpath)
		shift
		autoload -Uz _lambdactl
		_describe() { local a=${@[-1]}; print -rl -- ${${(P)a}%%:*}; }
		compadd() {
			if [[ $1 == -a ]]; then print -rl -- ${(P)2}
			else while [[ $1 != -- && $# -gt 0 ]]; do shift; done
				shift; print -rl -- "$@"; fi
		}
		_files() { :; }
		_message() { :; }
		compset() { :; }
		words=(lambdactl "$@")
		CURRENT=$#words
		_lambdactl' _ "$COMP" "$@" 2>"$TMP/zsh.err"
}

# fish: complete -C on the command line "lambdactl WORDS...".
fish_complete() {
	fish --no-config -c 'source $argv[1]; and complete -C"lambdactl $argv[2]"' \
	    "$COMP/lambdactl.fish" "$*" 2>"$TMP/fish.err" | cut -f1
}

# has_line TEXT LINE
has_line() { printf '%s\n' "$1" | grep -Fqx -- "$2"; }

# check_completes SHELL WHAT CANDIDATES WANTED...
check_completes() {
	local sh=$1 what=$2 got=$3 w
	shift 3
	for w in "$@"; do
		if has_line "$got" "$w"; then
			ok "$sh completes '$what' with $w"
		else
			not_ok "$sh completes '$what' with $w" \
			    "candidates: $(printf '%s ' $got)" \
			    "$(cat "$TMP/$sh.err" 2>/dev/null)"
		fi
	done
}

have zsh && zshok=1 || zshok=0
have fish && fishok=1 || fishok=0

# The completion scripts themselves.
if [ -f "$COMP/lambdactl.bash" ]; then
	check "bash: completions/lambdactl.bash parses" \
	    bash --norc -n "$COMP/lambdactl.bash"
	check "bash: completions/lambdactl.bash registers _lambdactl" \
	    bash --norc -c '. "$1" && complete -p lambdactl | grep -q "_lambdactl"' \
	    _ "$COMP/lambdactl.bash"
else
	not_ok "completions/lambdactl.bash exists"
fi
if [ "$zshok" = 1 ]; then
	check "zsh: completions/_lambdactl passes zsh -n" zsh -n "$COMP/_lambdactl"
	check "zsh: completions/_lambdactl starts with #compdef lambdactl" \
	    grep -qx '#compdef lambdactl' "$COMP/_lambdactl"
	check "zsh: completions/_lambdactl loads with compinit" \
	    zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2"; autoload -Uz _lambdactl; whence -w _lambdactl | grep -q function' \
	    _ "$COMP" "$TMP/zcd"
else
	skip "zsh: completions/_lambdactl" "zsh not installed"
fi
if [ "$fishok" = 1 ]; then
	check "fish: completions/lambdactl.fish parses" \
	    fish --no-config --no-execute "$COMP/lambdactl.fish"
else
	skip "fish: completions/lambdactl.fish" "fish not installed"
fi

# Command names at the first position, and as help's argument.
set -- $commands
check_completes bash "lambdactl " "$(bash_complete '')" "$@"
check_completes bash "lambdactl help " "$(bash_complete help '')" "$@"
[ "$zshok" = 1 ] && check_completes zsh "lambdactl " "$(zsh_complete '')" "$@"
[ "$fishok" = 1 ] &&
    check_completes fish "lambdactl " "$(fish_complete '')" "$@"

# Global options before the command, and --output's values.
set -- $globals --version
check_completes bash "lambdactl --" "$(bash_complete --)" "$@"
check_completes bash "lambdactl --output " "$(bash_complete --output '')" \
    text json
[ "$zshok" = 1 ] &&
    check_completes zsh "lambdactl --" "$(zsh_complete --)" "$@"
[ "$fishok" = 1 ] &&
    check_completes fish "lambdactl --" "$(fish_complete --)" "$@"

# Each command.
for c in $commands; do
	lc "$c" -h
	check_status 0 "$c: 'lambdactl $c -h' exits 0"
	check_out_has "^usage: lambdactl $c( |\$)" \
	    "$c: 'lambdactl $c -h' prints 'usage: lambdactl $c'"

	lc "$c" --list-options
	check_status 0 "$c: 'lambdactl $c --list-options' exits 0"
	all=$(cut -f1 "$OUT")
	own=$(printf '%s\n' "$all" | grep -Fvx -f <(printf '%s\n' $globals))
	lc_done

	page=$MAN/lambdactl-$c.1
	if [ -f "$page" ]; then
		ok "$c: man/lambdactl-$c.1 exists"
		render "$page" >"$TMP/$c.txt"
		if grep -Fq -- "lambdactl $c" "$TMP/$c.txt"; then
			ok "$c: man/lambdactl-$c.1 shows 'lambdactl $c'"
		else
			not_ok "$c: man/lambdactl-$c.1 shows 'lambdactl $c'"
		fi
	else
		not_ok "$c: man/lambdactl-$c.1 exists"
		: >"$TMP/$c.txt"
	fi
	for o in $own; do
		if mentions "$TMP/$c.txt" "$o"; then
			ok "$c: option $o documented in lambdactl-$c.1"
		else
			not_ok "$c: option $o documented in lambdactl-$c.1" \
			    "'$o' not found in the rendered man/lambdactl-$c.1"
		fi
	done

	set -- $all
	check_completes bash "lambdactl $c --" "$(bash_complete "$c" --)" "$@"
	[ "$zshok" = 1 ] &&
	    check_completes zsh "lambdactl $c --" "$(zsh_complete "$c" --)" "$@"
	[ "$fishok" = 1 ] &&
	    check_completes fish "lambdactl $c --" "$(fish_complete "$c" --)" "$@"
done


# The completion scripts ask the binary for function and profile names
# (lambdactl [-f FILE] --list-functions, lambdactl --list-profiles) rather
# than parse lambda.yml and ~/.aws themselves: a manifest in YAML flow
# style, which no line-by-line parse reads, given with -f or --manifest,
# and profiles from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
for f in "$COMP/lambdactl.bash" "$COMP/_lambdactl" "$COMP/lambdactl.fish"; do
	name=completions/${f##*/}
	for o in --list-functions --list-profiles; do
		if grep -qF -- "$o" "$f"; then ok "$name calls lambdactl $o"
		else not_ok "$name calls lambdactl $o"; fi
	done
	if grep -nE '^[^#]*(lambda\.yml|\.aws|AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE)' "$f" >"$TMP/reads"; then
		not_ok "$name reads no manifest or AWS file itself" "$(cat "$TMP/reads")"
	else
		ok "$name reads no manifest or AWS file itself"
	fi
done
printf '%s\n' 'functions: {"fn-one": {runtime: python3.12, handler: a.h, role: r, artifact: a.py},' \
    '  fn-two: {runtime: python3.12, handler: a.h, role: r, artifact: a.py}}' >"$TMP/flow.yml"
printf '[profile cfg-only]\n[sso-session not-a-profile]\n' >"$TMP/aws-config"
printf '[cred-only]\n' >"$TMP/aws-credentials"
export AWS_CONFIG_FILE=$TMP/aws-config AWS_SHARED_CREDENTIALS_FILE=$TMP/aws-credentials
fl=$TMP/flow.yml
check_completes bash "lambdactl -f FILE invoke " \
    "$(bash_complete -f "$fl" invoke '')" fn-one fn-two
check_completes bash "lambdactl deploy --manifest FILE " \
    "$(bash_complete deploy --manifest "$fl" '')" fn-one fn-two
check_completes bash "lambdactl --profile " "$(bash_complete --profile '')" \
    cfg-only cred-only
if has_line "$(bash_complete --profile '')" not-a-profile; then
	not_ok "bash does not offer an sso-session as a profile"
else
	ok "bash does not offer an sso-session as a profile"
fi
if [ "$zshok" = 1 ]; then
	check_completes zsh "lambdactl -f FILE invoke " \
	    "$(zsh_complete -f "$fl" invoke '')" fn-one fn-two
	check_completes zsh "lambdactl deploy --manifest=FILE " \
	    "$(zsh_complete deploy "--manifest=$fl" '')" fn-one fn-two
	check_completes zsh "lambdactl --profile " \
	    "$(zsh_complete --profile '')" cfg-only cred-only
fi
if [ "$fishok" = 1 ]; then
	check_completes fish "lambdactl -f FILE invoke " \
	    "$(fish_complete -f "$fl" invoke '')" fn-one fn-two
	check_completes fish "lambdactl deploy --manifest FILE " \
	    "$(fish_complete deploy --manifest "$fl" '')" fn-one fn-two
	check_completes fish "lambdactl --profile " \
	    "$(fish_complete --profile '')" cfg-only cred-only
fi
unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE


# new, update and plan are deploy in other modes (src/cmd-deploy.c): their
# pages refer to lambdactl-deploy.1 for what they share instead of
# repeating it, so that page must document every option of theirs too, and
# name each mode's page.
deploy_txt=$TMP/deploy.txt
render "$MAN/lambdactl-deploy.1" >"$deploy_txt"
for c in new update plan; do
	page=$MAN/lambdactl-$c.1
	render "$page" >"$TMP/$c.txt"
	if grep -Fq "lambdactl-deploy(1)" "$TMP/$c.txt"; then
		ok "$c: lambdactl-$c.1 refers to lambdactl-deploy(1)"
	else
		not_ok "$c: lambdactl-$c.1 refers to lambdactl-deploy(1)"
	fi
	if grep -Fq "lambdactl-$c(1)" "$deploy_txt"; then
		ok "$c: lambdactl-deploy.1 names lambdactl-$c(1)"
	else
		not_ok "$c: lambdactl-deploy.1 names lambdactl-$c(1)"
	fi
	lc "$c" --list-options
	for o in $(cut -f1 "$OUT" | grep -Fvx -f <(printf '%s\n' $globals)); do
		if mentions "$deploy_txt" "$o"; then
			ok "$c: option $o is documented in lambdactl-deploy.1"
		else
			not_ok "$c: option $o is documented in lambdactl-deploy.1" \
			    "'$o' not found in the rendered man/lambdactl-deploy.1"
		fi
	done
	lc_done
	# Not repeated: under 10% of the page's runs of 8 words are also in
	# deploy's (the pages that repeated it had 12% to 38%).
	rep=$(python3 - "$deploy_txt" "$TMP/$c.txt" <<'PY'
import re, sys
def runs(path):
    w = re.findall(r"[\w'.,:;()-]+", open(path).read())
    return {" ".join(w[i:i + 8]) for i in range(len(w) - 7)}
deploy, mine = runs(sys.argv[1]), runs(sys.argv[2])
print(100 * len(mine & deploy) // max(1, len(mine)))
PY
)
	if [ "${rep:-100}" -lt 10 ]; then
		ok "$c: lambdactl-$c.1 does not repeat lambdactl-deploy.1 ($rep% shared)"
	else
		not_ok "$c: lambdactl-$c.1 does not repeat lambdactl-deploy.1" \
		    "$rep% of its runs of 8 words are also in lambdactl-deploy.1"
	fi
done

finish
