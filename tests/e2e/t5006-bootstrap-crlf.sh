#!/bin/bash
# A bootstrap with CRLF line endings, or whose #! interpreter is missing:
# exec says "No such file or directory" of a file that exists; lambdactl
# names the real cause.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/runtime-lib.sh"
write_runtime_fixtures
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR" task/crlf task/nointerp
printf '#!/bin/sh\r\necho hi\r\n' >task/crlf/bootstrap
printf '#!/nonexistent/bin/lc-shell-5006\necho hi\n' >task/nointerp/bootstrap
chmod 0755 task/crlf/bootstrap task/nointerp/bootstrap
cat >>lambda.yml <<'YML'
  crlf: { artifact: task/crlf }
  nointerp: { artifact: task/nointerp }
YML

lc invoke --local crlf
check_status 3 "a CRLF bootstrap is a configuration error (exit 3)"
check_err_has "^lambdactl: crlf: cannot start the bootstrap: '[^']*/bootstrap' has CRLF line endings \(its first line is '#!/bin/sh\\\\r'\): convert it with dos2unix$" \
	"the error names the CRLF line endings and the fix"
check_err_lacks "No such file or directory" "not the misleading 'No such file or directory'"
check "no task root is left" sh -c '[ -z "$(ls -A "$0")" ]' "$TMPDIR"

lc invoke --local nointerp
check_status 3 "a missing #! interpreter is a configuration error (exit 3)"
check_err_has "^lambdactl: nointerp: cannot start the bootstrap: the interpreter of '[^']*/bootstrap' \(#!/nonexistent/bin/lc-shell-5006\) does not exist$" \
	"the error names the missing interpreter"

lc invoke --local echo --payload '{"ok": 1}'
check_status 0 "an LF bootstrap still runs"
check_out_eq '{"ok": 1}' "and answers"

finish
