"""Runs a command and writes the CPU seconds it used (user + system, all threads and children) to a file.

    python3 cpu_time.py OUT_FILE [--from SECONDS] -- command args...

With --from, only the CPU used after the first SECONDS of the command's life counts: the same
window a load generator's --warm-up-time leaves out of its figures.
"""
import os
import subprocess
import sys
import time


def cpu_seconds_so_far(pid):
    """utime + stime of the process (all its threads) from /proc; 0 if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: field 3 is the state, so utime and stime (fields 14, 15) sit at 11, 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv):
    args = argv[2:]
    skip = 0.0
    if len(args) >= 2 and args[0] == "--from":
        skip = float(args[1])
        args = args[2:]
    if len(argv) < 2 or not args or args[0] != "--" or len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    child = subprocess.Popen(args[1:])
    before = 0.0
    deadline = time.monotonic() + skip
    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    while pid == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    if pid == 0:
        if skip > 0:
            before = cpu_seconds_so_far(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
    with open(argv[1], "w") as out:
        out.write("%.3f\n" % (usage.ru_utime + usage.ru_stime - before))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
