# fish completion for lambdactl(1).
#
# Thin: the commands and options come from the binary itself,
#   lambdactl --list-commands        NAME<TAB>summary
#   lambdactl --list-options         --name<TAB>ARG-or-empty<TAB>help (globals)
#   lambdactl CMD --list-options     the command's options, then the globals
#   lambdactl [-f FILE] --list-functions   the manifest's function names
#   lambdactl --list-profiles        the profiles of ~/.aws/config, credentials
# so that this file does not change when a command or option is added, and
# reads neither lambda.yml nor ~/.aws itself.
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

# __lambdactl_profiles BIN: the profile names, as lambdactl reads the shared
# config and credentials files.
function __lambdactl_profiles
    $argv[1] --list-profiles 2>/dev/null
end

# __lambdactl_functions BIN [MANIFEST]: the function names of the manifest
# lambdactl would read (MANIFEST: the value of -f/--manifest, if given).
function __lambdactl_functions
    # (string with no argument would read the standard input.)
    if test -n "$argv[2]"
        set -l m (string replace -r -- '^~/' "$HOME/" $argv[2])
        $argv[1] --manifest $m --list-functions 2>/dev/null
    else
        $argv[1] --list-functions 2>/dev/null
    end
end

# Prints the candidates for the token being completed.
function __lambdactl_complete
    set -l bin (__lambdactl_bin)
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l optlist ($bin --list-options 2>/dev/null)
    set -l cmd
    set -l manifest
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
        else if string match -qr -- '^--manifest=' $w
            set manifest (string replace -r -- '^--manifest=' '' $w)
        else if string match -qr -- '^--[^=]+$' $w
            # Skip the value of an option that takes one, keeping the
            # manifest's to list the functions of.
            set -l re (string escape --style=regex -- $w)
            if string match -qr -- "^$re\t[^\t]" $optlist
                set i (math $i + 1)
                test "$w" = --manifest; and set manifest $words[$i]
            end
        else if string match -qr -- '^-[^-]$' $w
            # A short option: skip its value if its long form takes one.
            if string match -qr -- "^--[^\t]*\t[^\t]+\t[^\t]*\t$w\$" $optlist
                set i (math $i + 1)
                if string match -qr -- "^--manifest\t.*\t$w\$" $optlist
                    set manifest $words[$i]
                end
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
                    printf '%s\n' {$pfx}(__lambdactl_profiles $bin)
                case '*:FUNCTION'
                    printf '%s\n' {$pfx}(__lambdactl_functions $bin $manifest)
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

    # A command whose usage names a FUNCTION takes function names.
    if string match -q -- 'usage:*FUNCTION*' ($bin $cmd -h 2>/dev/null)[1]
        __lambdactl_functions $bin $manifest
    end
end

complete -c lambdactl -f -a '(__lambdactl_complete)'
