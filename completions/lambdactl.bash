# bash completion for lambdactl(1)                         -*- shell-script -*-
#
# Thin: the commands and options come from the binary itself,
#   lambdactl --list-commands        NAME<TAB>summary
#   lambdactl --list-options         --name<TAB>ARG-or-empty<TAB>help (globals)
#   lambdactl CMD --list-options     the command's options, then the globals
#   lambdactl [-f FILE] --list-functions   the manifest's function names
#   lambdactl --list-profiles        the profiles of ~/.aws/config, credentials
# so that this file does not change when a command or option is added, and
# reads neither lambda.yml nor ~/.aws itself.
# Needs nothing but bash itself (no bash-completion helpers).
#
# Install as share/bash-completion/completions/lambdactl, or source it.

# The lambdactl to ask: the one being completed if it runs, else PATH's.
_lambdactl_bin() {
	local b=${COMP_WORDS[0]}

	# shellcheck disable=SC2088 # a literal "~/", left by the shell
	if [[ $b == "~/"* ]]; then
		b=$HOME/${b#"~/"}
	fi
	if type -P -- "$b" >/dev/null 2>&1; then
		printf '%s\n' "$b"
	else
		printf '%s\n' lambdactl
	fi
}

# _lambdactl_profiles BIN: the profile names, as lambdactl reads the shared
# config and credentials files.
_lambdactl_profiles() {
	"$1" --list-profiles 2>/dev/null
}

# _lambdactl_functions BIN [MANIFEST]: the function names of the manifest
# lambdactl would read (MANIFEST: the value of -f/--manifest, if given).
_lambdactl_functions() {
	local m=${2-}

	# shellcheck disable=SC2088 # a literal "~/", left by the shell
	[[ $m == "~/"* ]] && m=$HOME/${m#"~/"}
	if [[ -n $m ]]; then
		"$1" --manifest "$m" --list-functions 2>/dev/null
	else
		"$1" --list-functions 2>/dev/null
	fi
}

# _lambdactl_long OPTLIST -x: the long option whose short form is -x.
_lambdactl_long() {
	printf '%s\n' "$1" | awk -F '\t' -v s="$2" '$4 == s { print $1; exit }'
}

_lambdactl() {
	local bin cur prev opt arg optlist cmd='' i w names pfx='' manifest=''

	COMPREPLY=()
	bin=$(_lambdactl_bin)
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# "--opt=value": bash may split it at "=" (COMP_WORDBREAKS).
	if [[ $cur == "=" ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	elif [[ $prev == "=" ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		# Unsplit: the candidates replace the whole word.
		prev=${cur%%=*}
		pfx=$prev=
		cur=${cur#*=}
	fi

	# The global options, to skip their values while finding the command.
	optlist=$("$bin" --list-options 2>/dev/null)

	# The command is the first word that is neither an option nor an
	# option's value; npos counts the arguments after it.
	local npos=0 dashdash=0
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((dashdash)) || [[ $w != -?* ]]; then
			if [[ -z $cmd ]]; then
				cmd=$w
				# The command's options may differ from here on.
				optlist=$("$bin" "$cmd" --list-options 2>/dev/null)
			else
				((npos++))
			fi
			continue
		fi
		case $w in
		--)
			dashdash=1 ;;
		--manifest=*)
			manifest=${w#*=} ;;
		--*=*) ;;
		--*)
			if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
				((i += 2))
			elif [[ $'\n'$optlist == *$'\n'"$w"$'\t'[!$'\t']* ]]; then
				((i++))
			else
				continue
			fi
			# The manifest to list the functions of.
			[[ $w == --manifest ]] && manifest=${COMP_WORDS[i]}
			;;
		-?)
			# A short option: skip its value if its long form takes one.
			w=$(_lambdactl_long "$optlist" "$w")
			if [[ -n $w && $'\n'$optlist == *$'\n'"$w"$'\t'[!$'\t']* ]]; then
				((i++))
				[[ $w == --manifest ]] && manifest=${COMP_WORDS[i]}
			fi
			;;
		esac
	done
	# Before the command, "--" only ends the global options.
	[[ -z $cmd ]] && dashdash=0
	# The value of an option.
	opt=$prev
	[[ $opt == -? ]] && opt=$(_lambdactl_long "$optlist" "$opt")
	if [[ $opt == --?* ]]; then
		arg=$(printf '%s\n' "$optlist" |
		    awk -F '\t' -v o="$opt" '$1 == o { print $2; exit }')
		if [[ -n $arg ]]; then
			case $opt:$arg in
			--output:*)
				names=$'text\njson' ;;
			--profile:*)
				names=$(_lambdactl_profiles "$bin") ;;
			*:FUNCTION)
				names=$(_lambdactl_functions "$bin" "$manifest") ;;
			*:FILE | *:PATH)
				compopt -o filenames 2>/dev/null
				names=$(compgen -f -- "$cur") ;;
			*:DIR)
				compopt -o filenames 2>/dev/null
				names=$(compgen -d -- "$cur") ;;
			*)
				return 0 ;;
			esac
			local IFS=$'\n'
			mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
			[[ -n $pfx ]] && COMPREPLY=("${COMPREPLY[@]/#/$pfx}")
			return 0
		fi
	fi

	# Options.
	if [[ $cur == -* ]] && ((!dashdash)); then
		names=$(printf '%s\n' "$optlist" | cut -f1)
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
		return 0
	fi

	# Command names: first, or as help's argument.
	if [[ -z $cmd ]] || [[ $cmd == help ]] && ((npos == 0)); then
		names=$("$bin" --list-commands 2>/dev/null | cut -f1)
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
		return 0
	fi

	[[ $cmd == help ]] && return 0

	# A command whose usage names a FUNCTION takes function names.
	if "$bin" "$cmd" -h 2>/dev/null | head -n 1 | grep -q FUNCTION; then
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -W \
		    "$(_lambdactl_functions "$bin" "$manifest")" -- "$cur")
	fi
	return 0
}

complete -F _lambdactl lambdactl
