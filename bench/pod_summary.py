"""One markdown row per budget and server from pod_run.py's JSON and in-pod-budget's stats (used by pod-budget.sh).

    python3 pod_summary.py --header
    python3 pod_summary.py BUDGET LABEL PREFIX     (reads PREFIX-1.json, PREFIX-1.cgroup, PREFIX-2.json, ...)

Medians over the runs; "failed" is HTTP failures plus todo-api's own non-OK counters, marked
"(HTTP)" when a server has no such counters (the original).
"""
import glob
import json
import sys

from stats import median

COLUMNS = ["budget", "server", "runs", "first OK s", "CPU at first OK s", "req/s 0-30 s", "0-15 s", "15-30 s",
           "30-45 s", "45-60 s", "p50 / p99 ms", "peak MiB", "OOM kills", "throttled periods", "failed"]


def cgroup_stats(path):
    try:
        with open(path) as f:
            return dict(pair.split("=", 1) for pair in f.read().split())
    except OSError:
        return {}


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def fmt(value, digits=0):
    return "nan" if value != value else f"{value:,.{digits}f}"


def main(argv):
    if argv[1:] == ["--header"]:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "|".join(["---"] * 2 + ["---:"] * (len(COLUMNS) - 2)) + "|")
        return 0
    budget, label, prefix = argv[1:4]
    runs = []
    for path in sorted(glob.glob(prefix + "-*.json")):
        with open(path) as f:
            run = json.load(f)
        run.update(cgroup_stats(path[:-len(".json")] + ".cgroup"))
        runs.append(run)
    if not runs:
        print(f"| {budget} | {label} | 0 | every run failed |")
        return 0

    def med(key, index=None):
        return median([number(r[key][index] if index is not None else r[key]) for r in runs
                       if index is None or len(r[key]) > index])

    windows = [fmt(med("rps_windows", i)) for i in range(4)]
    peak = median([number(r.get("peak_bytes")) / 1048576 for r in runs])
    ooms = sum(int(number(r.get("oom_kills", 0)) or 0) for r in runs)
    throttled = med("throttled_periods") if all("throttled_periods" in r for r in runs) else float("nan")
    failed = median([r["http_failed"] + (r["grpc_errors"] or 0) for r in runs])
    http_only = " (HTTP)" if any(r["grpc_errors"] is None for r in runs) else ""
    print(f"| {budget} | {label} | {len(runs)} | {fmt(med('first_ok_s'), 2)} | {fmt(med('cpu_at_first_ok_s'), 2)} | "
          + f"{fmt(med('rps_first_30s'))} | "
          + " | ".join(windows)
          + f" | {fmt(med('p50_ms'), 1)} / {fmt(med('p99_ms'), 1)} | {fmt(peak)} | {ooms} | {fmt(throttled)} | "
          + f"{fmt(failed)}{http_only} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
