#!/usr/bin/env python3
"""Runs the shell of a CI recipe (examples/ci/) here, as its CI would.

usage: cirecipe.py KIND RECIPE.yml OUTDIR OVERRIDES.json

KIND is github, gitlab or codebuild.  The recipe is parsed with PyYAML and
its steps run in order, each in bash as that CI runs it, with the
environment the recipe sets (the workflow's, job's and step's env:, GitLab's
variables: expanded, CodeBuild's env.variables) over this process's
environment, then OVERRIDES (a JSON object of NAME: VALUE, what the test
puts in place of the CI's own: endpoints, token files, GITHUB_ENV...).
What is not run: steps that install lambdactl (they name
LAMBDACTL_DEB_URL or apt-get: the binary under test is on PATH already)
and GitHub's 'uses:' steps (checkout).  GitHub's 'if:' conditions are not
evaluated: every step runs, until one fails (GitHub skips the steps after a
failed one).  Lines written to $GITHUB_ENV carry over to later steps, as on
GitHub.  A GitHub step runs as GitHub runs it on Linux: its script in a file
{0}, run by its shell (the step's shell:, else the job's, else the
workflow's defaults.run.shell): "bash -e {0}" when none is named,
"bash --noprofile --norc -eo pipefail {0}" for "bash", "sh -e {0}" for
"sh", a custom one containing {0} as given.  GitLab's and CodeBuild's
scripts run in "bash --noprofile --norc -eo pipefail -c SCRIPT".

Writes OUTDIR/steps: one line per step run, "RC<TAB>NAME"; and the step's
stdout and stderr to OUTDIR/N.out, OUTDIR/N.err (N from 1).  Exits 2 when
the recipe is not what this runner understands.
"""
import json
import os
import re
import subprocess
import sys

import yaml


def die(msg):
    print("cirecipe.py: " + msg, file=sys.stderr)
    sys.exit(2)


def installs(script):
    return "LAMBDACTL_DEB_URL" in script or "apt-get" in script


# GitHub expressions the recipes use, with the values a run would give.
GITHUB_EXPR = {"github.run_id": "4242", "github.ref": "refs/heads/main"}


def github_value(v):
    def sub(m):
        e = m.group(1).strip()
        if e not in GITHUB_EXPR:
            die("unknown expression ${{ %s }}" % e)
        return GITHUB_EXPR[e]
    return re.sub(r"\$\{\{(.*?)\}\}", sub, str(v))


def github_env(d):
    return {k: github_value(v) for k, v in (d or {}).items()}


# GitHub's shells on Linux, {0} the step's script file.
GITHUB_SHELLS = {None: "bash -e {0}",
                 "bash": "bash --noprofile --norc -eo pipefail {0}",
                 "sh": "sh -e {0}"}


def default_shell(d):
    return ((d.get("defaults") or {}).get("run") or {}).get("shell")


def github_shell(name):
    if name in GITHUB_SHELLS:
        return GITHUB_SHELLS[name].split()
    if "{0}" not in str(name):
        die("unknown shell " + str(name))
    return str(name).split()


def github_steps(doc):
    jobs = doc.get("jobs") or die("no jobs")
    env = github_env(doc.get("env"))
    for job in jobs.values():
        jenv = dict(env, **github_env(job.get("env")))
        jshell = default_shell(job) or default_shell(doc)
        for i, st in enumerate(job.get("steps") or []):
            if "uses" in st:
                continue
            run = st.get("run") or die("a step with neither run nor uses")
            if installs(run):
                continue
            yield (st.get("name", "step %d" % (i + 1)),
                   dict(jenv, **github_env(st.get("env"))), run,
                   github_shell(st.get("shell") or jshell))


def gitlab_expand(v, env):
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                  lambda m: env.get(m.group(1), ""), str(v))


def gitlab_steps(doc, base):
    stages = doc.get("stages") or die("no stages")
    env = {}
    for k, v in (doc.get("variables") or {}).items():
        env[k] = gitlab_expand(v, dict(base, **env))
    jobs = {k: v for k, v in doc.items()
            if isinstance(v, dict) and "stage" in v}
    for stage in stages:
        for name, job in jobs.items():
            if job["stage"] != stage:
                continue
            merged = {}
            parent = job.get("extends")
            if parent is not None:
                merged.update(doc.get(parent) or die("no " + parent))
            merged.update(job)
            lines = [ln for ln in merged.get("before_script", [])
                     if not installs(ln)]
            lines += merged.get("script") or die(name + ": no script")
            yield (name, dict(env), "\n".join(lines), None)


def codebuild_steps(doc):
    if str(doc.get("version")) != "0.2":
        die("buildspec version is not 0.2")
    env = {k: str(v) for k, v in
           ((doc.get("env") or {}).get("variables") or {}).items()}
    for phase in ("install", "pre_build", "build", "post_build"):
        cmds = ((doc.get("phases") or {}).get(phase) or {}).get("commands")
        cmds = [c for c in cmds or [] if not installs(c)]
        if cmds:
            yield (phase, dict(env), "\n".join(cmds), None)


def command(outdir, n, script, shell):
    """The argv running a step's script: shell (an argv naming {0}) with
    the script in OUTDIR/N.sh, or bash -c as GitLab and CodeBuild."""
    if shell is None:
        return ["bash", "--noprofile", "--norc", "-eo", "pipefail",
                "-c", script]
    path = os.path.abspath(os.path.join(outdir, "%d.sh" % n))
    with open(path, "w") as f:
        f.write(script)
    return [a.replace("{0}", path) for a in shell]


def main():
    kind, recipe, outdir, overrides = sys.argv[1:5]
    with open(recipe) as f:
        doc = yaml.safe_load(f)
    with open(overrides) as f:
        over = json.load(f)
    if kind == "github":
        steps = github_steps(doc)
    elif kind == "gitlab":
        steps = gitlab_steps(doc, dict(os.environ, **over))
    elif kind == "codebuild":
        steps = codebuild_steps(doc)
    else:
        die("unknown kind " + kind)
    carried = {}
    with open(os.path.join(outdir, "steps"), "w") as log:
        for n, (name, env, script, shell) in enumerate(steps, 1):
            full = dict(os.environ, **env)
            full.update(carried)
            full.update(over)
            with open(os.path.join(outdir, "%d.out" % n), "w") as out, \
                    open(os.path.join(outdir, "%d.err" % n), "w") as err:
                rc = subprocess.run(
                    command(outdir, n, script, shell), env=full, stdout=out,
                    stderr=err, stdin=subprocess.DEVNULL,
                    timeout=300).returncode
            log.write("%d\t%s\n" % (rc, name))
            log.flush()
            if kind == "github" and rc != 0:
                break
            ghenv = over.get("GITHUB_ENV")
            if kind == "github" and ghenv and os.path.exists(ghenv):
                with open(ghenv) as f:
                    for line in f:
                        k, _, v = line.rstrip("\n").partition("=")
                        if k:
                            carried[k] = v


if __name__ == "__main__":
    main()
