#!/usr/bin/env python3
"""measure.py N COMMAND...: runs COMMAND N times (output discarded) and
prints "WALL_MS CPU_MS RSS_MB": the median wall time, the median CPU time
(user + system) and the peak resident set size of one run.  Exits 1 if a
run fails."""
import resource
import subprocess
import sys
import time

n, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus, rss = [], [], 0
for _ in range(n):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls.append((time.monotonic() - t0) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
    rss = max(rss, after.ru_maxrss)
    if rc != 0:
        sys.exit("measure: %s exited %d" % (" ".join(cmd), rc))
walls.sort()
cpus.sort()
print("%.1f %.1f %.1f" % (walls[n // 2], cpus[n // 2], rss / 1024))
