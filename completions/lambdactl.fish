# fish completion for lambdactl(1).
#
# Thin: the commands and options come from the binary itself,
#   lambdactl --list-commands        NAME<TAB>summary
#   lambdactl --list-options         --name<TAB>ARG-or-empty<TAB>help (globals)
#   lambdactl CMD --list-options     the command's options, then the globals
# so that this file does not change when a command or option is added.
#
# Install as share/fish/vendor_completions.d/lambdactl.fish.

# The lambdactl to ask: the one being completed if it runs, else PATH's.
function __lambdactl_bin
    set -l b (commandline -opc)[1]
    if test -n "$b"; and command -sq -- $b
        echo $b
    else
        echo lambdactl
    end
end

# Profile names: "[profile X]" and "[default]" sections of the config file,
# "[X]" sections of the credentials file.
function __lambdactl_profiles
    set -l cfg ~/.aws/config
    set -q AWS_CONFIG_FILE; and test -n "$AWS_CONFIG_FILE"; and set cfg $AWS_CONFIG_FILE
    set -l cred ~/.aws/credentials
    set -q AWS_SHARED_CREDENTIALS_FILE; and test -n "$AWS_SHARED_CREDENTIALS_FILE"
    and set cred $AWS_SHARED_CREDENTIALS_FILE
    begin
        test -r "$cfg"; and awk '
        /^[ \t]*\[/ {
            s = $0
            sub(/^[ \t]*\[[ \t]*/, "", s)
            sub(/[ \t]*\].*$/, "", s)
            if (s == "default")
                print s
            else if (s ~ /^profile[ \t]/) {
                sub(/^profile[ \t]+/, "", s)
                print s
            }
        }' $cfg
        test -r "$cred"; and awk '
        /^[ \t]*\[/ {
            s = $0
            sub(/^[ \t]*\[[ \t]*/, "", s)
            sub(/[ \t]*\].*$/, "", s)
            if (s != "")
                print s
        }' $cred
    end 2>/dev/null | sort -u
end

# HOOK: function names from ./lambda.yml.  For now, the keys directly under
# a top-level "functions:" mapping; replace with the binary's own listing
# once lambdactl can print it.
function __lambdactl_functions
    test -r lambda.yml; or return 0
    awk '
    /^functions:[ \t]*(#.*)?$/ { infn = 1; ind = -1; next }
    /^[^ \t#]/ { infn = 0 }
    infn && /^[ \t]+[^ \t#-][^:]*:/ {
        match($0, /^[ \t]+/)
        if (ind < 0)
            ind = RLENGTH
        if (RLENGTH != ind)
            next
        s = $0
        sub(/^[ \t]+/, "", s)
        sub(/[ \t]*:.*$/, "", s)
        gsub(/^["\047]|["\047]$/, "", s)
        print s
    }' lambda.yml 2>/dev/null
end

# Prints the candidates for the token being completed.
function __lambdactl_complete
    set -l bin (__lambdactl_bin)
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l optlist ($bin --list-options 2>/dev/null)
    set -l cmd
    set -l npos 0
    set -l dashdash 0

    # The command is the first word that is neither an option nor an
    # option's value; npos counts the arguments after it.
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        if test $dashdash -eq 1; or not string match -qr -- '^-.' $w
            if test -z "$cmd"
                set cmd $w
                set optlist ($bin $cmd --list-options 2>/dev/null)
            else
                set npos (math $npos + 1)
            end
        else if test "$w" = --
            set dashdash 1
        else if string match -qr -- '^--[^=]+$' $w
            # Skip the value of an option that takes one.
            set -l re (string escape --style=regex -- $w)
            if string match -qr -- "^$re\t[^\t]" $optlist
                set i (math $i + 1)
            end
        else if string match -qr -- '^-[^-]$' $w
            # A short option: skip its value if its long form takes one.
            if string match -qr -- "^--[^\t]*\t[^\t]+\t[^\t]*\t$w\$" $optlist
                set i (math $i + 1)
            end
        end
        set i (math $i + 1)
    end
    test -z "$cmd"; and set dashdash 0

    # The value of an option: "--opt value", "--opt=value" or "-o value".
    set -l opt
    set -l pfx ''
    if string match -qr -- '^--[^=]+=' $cur
        set opt (string replace -r -- '=.*' '' $cur)
        set pfx $opt=
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    else if test (count $words) -ge 2
        set opt $words[-1]
    end
    if string match -qr -- '^-[^-]$' $opt
        set -l line (string match -r -- "^--[^\t]*\t.*\t$opt\$" $optlist)[1]
        test -n "$line"; and set opt (string split -- \t $line)[1]
    end
    if string match -qr -- '^--.' $opt
        set -l re (string escape --style=regex -- $opt)
        set -l line (string match -r -- "^$re\t.*" $optlist)[1]
        set -l arg (string split -- \t $line)[2]
        if test -n "$line" -a -n "$arg"
            switch $opt:$arg
                case '--output:*'
                    printf '%s\t%s\n' {$pfx}text 'for people (the default)' \
                        {$pfx}json 'one JSON document, for scripts'
                case '--profile:*'
                    printf '%s\n' {$pfx}(__lambdactl_profiles)
                case '*:FUNCTION'
                    printf '%s\n' {$pfx}(__lambdactl_functions)
                case '*:FILE' '*:PATH'
                    printf '%s\n' {$pfx}(__fish_complete_path $cur)
                case '*:DIR'
                    printf '%s\n' {$pfx}(__fish_complete_directories $cur)
            end
            return
        end
    end

    # Options.
    if string match -q -- '-*' $cur; and test $dashdash -eq 0
        for line in $optlist
            set -l f (string split -- \t $line)
            printf '%s\t%s\n' $f[1] $f[3]
        end
        return
    end

    # Command names: first, or as help's argument.
    if test -z "$cmd"; or test "$cmd" = help -a $npos -eq 0
        $bin --list-commands 2>/dev/null
        return
    end
    test "$cmd" = help; and return

    # HOOK: a command whose usage names a FUNCTION takes function names.
    if string match -q -- 'usage:*FUNCTION*' ($bin $cmd -h 2>/dev/null)[1]
        __lambdactl_functions
    end
end

complete -c lambdactl -f -a '(__lambdactl_complete)'
