"""Runs a command and writes the CPU seconds it used (user + system, all threads and children) to a file.

    python3 cpu_time.py OUT_FILE -- command args...
"""
import os
import subprocess
import sys


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    child = subprocess.Popen(argv[3:])
    _, status, usage = os.wait4(child.pid, 0)
    with open(argv[1], "w") as out:
        out.write("%.3f\n" % (usage.ru_utime + usage.ru_stime))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
