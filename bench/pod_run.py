"""One cold start of todo-api under load, timed from exec (used by pod-budget.sh).

    python3 pod_run.py --out PREFIX --seconds 60 --load-cpu 1 -- COMMAND...

Starts COMMAND (todo-api, usually inside in-pod-budget) with SERVER_PORT=0, reads its gRPC port
from the ready line, calls GetTodos until one returns OK, then runs h2load (16 connections x 16
streams of GetTodos, pinned to --load-cpu) until --seconds after exec, and stops the service with
SIGTERM. Writes PREFIX.json: seconds to the first OK call, req/s over the first 30 s and over each
15 s window (all counted from exec), p50/p99 over the whole run, and failed calls (HTTP failures
plus non-OK gRPC statuses from the service's own counters).
"""
import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import time

import grpc

from stats import grpc_errors, percentile

READY = re.compile(r"todo-api ready: grpc=[^ ]*:(\d+) metrics=([^ ]+)")
WINDOW = 15


def wait_ready(log_path, process, deadline):
    while time.time() < deadline:
        with open(log_path, errors="replace") as log:
            match = READY.search(log.read())
        if match:
            return int(match.group(1)), match.group(2)
        if process.poll() is not None:
            raise SystemExit(f"todo-api exited with {process.returncode} before ready; see {log_path}")
        time.sleep(0.002)
    raise SystemExit(f"todo-api not ready within its deadline; see {log_path}")


def first_ok(port, deadline):
    # Short reconnect backoff, but the default minimum connect timeout (20 s): gRPC core also uses
    # grpc.min_reconnect_backoff_ms as each connection attempt's deadline, which a throttled server
    # cannot meet.
    options = [("grpc.initial_reconnect_backoff_ms", 10), ("grpc.max_reconnect_backoff_ms", 50)]
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
        call = channel.unary_unary("/grpc.Todos/GetTodos")
        while time.time() < deadline:
            try:
                call(b"", timeout=max(0.1, min(5.0, deadline - time.time())))
                return time.time()
            except grpc.RpcError:
                time.sleep(0.005)
    raise SystemExit("no OK GetTodos before the deadline")


def h2load(port, t_end, load_cpu, log_path, body_path):
    """h2load until t_end, in runs of at most 20 s that append to one log: h2load does not reconnect
    after a GOAWAY, which the service's max connection age (30 s in the images) sends, so each run's
    connections must end before that."""
    outputs = []
    with open(log_path, "w"):
        pass
    while time.time() < t_end - 0.5:
        part = log_path + ".part"
        command = ["taskset", "-c", str(load_cpu), "h2load", "-c", "16", "-m", "16",
                   "-D", str(max(1, min(20, math.ceil(t_end - time.time())))),
                   "-d", body_path, "-H", "content-type: application/grpc", "-H", "te: trailers",
                   "--log-file", part, f"http://127.0.0.1:{port}/grpc.Todos/GetTodos"]
        started = time.time()
        outputs.append(subprocess.run(command, capture_output=True, text=True, check=False).stdout)
        with open(part) as src, open(log_path, "a") as dst:
            dst.write(src.read())
        os.remove(part)
        if time.time() - started < 0.5:
            time.sleep(0.05)
    return "\n".join(outputs)


def cpu_seconds(root_pid):
    """CPU time (user + system) of a process and its descendants still running, from /proc."""
    total, pending = 0.0, [root_pid]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                pending.extend(int(child) for child in f.read().split())
        except OSError:
            pass
    return total


def summarize(t0, t_ok, seconds, log_path):
    ends, latencies, http_failed = [], [], 0
    with open(log_path) as log:
        for line in log:
            start_us, status, duration_us = line.split()[:3]
            if status != "200":
                http_failed += 1
                continue
            end = int(start_us) / 1e6 + int(duration_us) / 1e6 - t0
            if end <= seconds:
                ends.append(end)
                latencies.append(int(duration_us) / 1000)
    latencies.sort()
    windows = [sum(1 for e in ends if w * WINDOW < e <= (w + 1) * WINDOW) / WINDOW
               for w in range(math.ceil(seconds / WINDOW))]
    return {
        "first_ok_s": round(t_ok - t0, 3),
        "rps_first_30s": round(sum(1 for e in ends if e <= 30) / 30, 1),
        "rps_windows": [round(w, 1) for w in windows],
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "calls_ok_http": len(ends),
        "http_failed": http_failed,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--load-cpu", default="1")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    body = args.out + ".grpc"
    with open(body, "wb") as f:
        f.write(b"\x00\x00\x00\x00\x00")  # an uncompressed gRPC frame holding the empty grpc.Request
    log_path = args.out + ".log"
    env = dict(os.environ, SERVER_HOST="127.0.0.1", SERVER_PORT="0", METRICS_HOST="127.0.0.1", METRICS_PORT="0")
    with open(log_path, "w") as log:
        t0 = time.time()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        port, metrics = wait_ready(log_path, process, t0 + args.seconds)
        t_ready, cpu_ready = time.time(), cpu_seconds(process.pid)
        t_ok = first_ok(port, t0 + args.seconds)
        cpu_ok = cpu_seconds(process.pid)
        h2load_log = args.out + ".h2load"
        h2load_out = h2load(port, t0 + args.seconds, args.load_cpu, h2load_log, body)
        with open(args.out + ".h2load.txt", "w") as f:
            f.write(h2load_out)
        result = summarize(t0, t_ok, args.seconds, h2load_log)
        # Where the time to the first call goes: CPU seconds the service had used at its ready
        # line and at the first OK call.
        result.update(ready_s=round(t_ready - t0, 3), cpu_at_ready_s=round(cpu_ready, 3), cpu_at_first_ok_s=round(cpu_ok, 3))
        try:
            result["grpc_errors"] = int(grpc_errors(f"http://{metrics}/metrics"))
        except OSError:
            result["grpc_errors"] = 0  # the service died (see exit); h2load counted what it saw
        os.remove(h2load_log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    result["exit"] = process.returncode
    with open(args.out + ".json", "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
