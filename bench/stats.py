"""Small statistics helpers for the benchmark scripts (no third-party packages).

    python3 stats.py median 3 1 2                  -> 2
    python3 stats.py h2load-log FILE               -> "<p50_ms> <p99_ms>" from h2load --log-file
    python3 stats.py loadtest-json FILE SECONDS    -> "<req/s> <p50_ms> <p99_ms> <failures>"
    python3 stats.py locust-json FILE              -> "<req/s> <p50_ms> <p99_ms> <failures>"
    python3 stats.py grpc-errors METRICS_URL       -> calls todo-api answered with neither OK nor CANCELLED
    python3 stats.py locust-csv FILE               -> "<p50_ms> <p99_ms>" of the Aggregated row of a Locust *_stats.csv
    python3 stats.py grpc-handled METRICS_URL      -> "<epoch_s> <calls> <errors>": grpc.Todos calls answered so far
    python3 stats.py loadtest-totals FILE          -> "<req/s> <requests> <failures> <avg_ms> <p50_ms> <p99_ms> <max_ms> <errors>"
"""
import csv
import json
import re
import sys
import time
import urllib.request


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return float("nan")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(ordered, fraction):
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def h2load_log(path):
    # Columns: start time (us since epoch), HTTP status, microseconds until the end of the response.
    durations = []
    with open(path) as log:
        for line in log:
            parts = line.split()
            if len(parts) >= 3:
                durations.append(int(parts[2]) / 1000.0)
    durations.sort()
    return percentile(durations, 0.50), percentile(durations, 0.99)


def loadtest_json(path, seconds):
    with open(path) as file:
        data = json.load(file)
    total = data["total"]
    entry = next((e for e in data.get("entries", []) if e.get("name") == "GetTodos"), total)
    return total["requests"] / seconds, entry.get("p50_ms", float("nan")), entry.get("p99_ms", float("nan")), \
        total["failures"]


def handled_counts(url):
    """(labels, count) of every grpc_server_handled_total series todo-api exposes."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode("utf-8")
    for line in text.splitlines():
        match = re.match(r'^grpc_server_handled_total\{([^}]*)\}\s+(\S+)', line)
        if match:
            yield match.group(1), float(match.group(2))


def is_error(labels):
    # CANCELLED is the client walking away (h2load closes its streams when its window ends).
    return 'code="OK"' not in labels and 'code="CANCELLED"' not in labels


def grpc_errors(url):
    return int(sum(count for labels, count in handled_counts(url) if is_error(labels)))


def grpc_handled(url):
    """From one scrape: its time (halfway through), the grpc.Todos calls answered so far, and the errors among them."""
    before = time.time()
    todos = [(labels, count) for labels, count in handled_counts(url) if 'service="grpc.Todos"' in labels]
    calls = sum(count for _, count in todos)
    errors = sum(count for labels, count in todos if is_error(labels))
    return (before + time.time()) / 2, int(calls), int(errors)


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "median":
        value = median([float(v) for v in argv[2:] if v not in ("", "nan")])
        print("%.1f" % value)
    elif command == "h2load-log":
        print("%.2f %.2f" % h2load_log(argv[2]))
    elif command == "loadtest-json":
        print("%.1f %.2f %.2f %d" % loadtest_json(argv[2], float(argv[3])))
    elif command == "locust-json":
        with open(argv[2]) as file:
            data = json.load(file)
        print("%.1f %.2f %.2f %d" % (data["rps"], data["p50_ms"], data["p99_ms"], data["failures"]))
    elif command == "grpc-errors":
        print(grpc_errors(argv[2]))
    elif command == "locust-csv":
        with open(argv[2], newline="") as file:
            row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
        print("%s %s" % (row["50%"], row["99%"]))
    elif command == "loadtest-totals":
        with open(argv[2]) as file:
            data = json.load(file)
        t = data["total"]
        errors = ",".join(f"{e['error']}:{e['occurrences']}" for e in data.get("errors", [])) or "-"
        print("%.1f %d %d %.1f %.1f %.1f %.1f %s" % (t["requests_per_s"], t["requests"], t["failures"], t["avg_ms"],
                                                    t["p50_ms"], t["p99_ms"], t["max_ms"], errors))
    elif command == "grpc-handled":
        print("%.3f %d %d" % grpc_handled(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
