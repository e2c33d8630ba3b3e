"""Runs a command on a new pseudo-terminal, its controlling terminal (stdin,
stdout and stderr), and writes everything it printed into OUT, with the
terminal's CR LF as LF; exits with the command's status.  With --answer
PROMPT TEXT, types TEXT and a newline once PROMPT has been printed.

usage: ptyrun.py OUT [--answer PROMPT TEXT] CMD...
"""
import os
import pty
import select
import sys

out, args = sys.argv[1], sys.argv[2:]
prompt = answer = None
if args[:1] == ["--answer"]:
    prompt, answer, args = args[1].encode(), args[2].encode(), args[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)
data = b""
while True:
    if prompt is not None and prompt in data:
        os.write(fd, answer + b"\n")
        prompt = None
    r, _, _ = select.select([fd], [], [], 30)
    if not r:
        break
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, st = os.waitpid(pid, 0)
with open(out, "wb") as f:
    f.write(data.replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(st))
