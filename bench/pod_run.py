"""One cold start of a Todos server under load, timed from exec (used by pod-budget.sh).

    python3 pod_run.py --out PREFIX --seconds 60 --load-cpu 1 -- COMMAND...

Starts COMMAND (todo-api, an older build or the Go original, usually inside in-pod-budget) with
SERVER_HOST/SERVER_PORT (and METRICS_HOST/METRICS_PORT) on free loopback ports, calls GetTodos
until one returns OK, then runs h2load (16 connections x 16 streams of GetTodos, pinned to
--load-cpu) until --seconds after exec, and stops the server with SIGTERM. Writes PREFIX.json:
seconds to the first OK call and the CPU the server had used by then, req/s over the first 30 s and
over each 15 s window (all counted from exec), p50/p99 over the whole run, and failed calls (HTTP
failures, plus non-OK gRPC statuses from todo-api's own counters; a server without them, such as
the original, reports HTTP failures only: "grpc_errors": null). todo-api's ready line, when there
is one, adds the time and CPU at it.
"""
import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from grpc_raw import first_ok
from stats import grpc_errors, percentile

READY = re.compile(r"todo-api ready: ")
WINDOW = 15


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReadyLine(threading.Thread):
    """Watches the log for todo-api's ready line (every 2 ms): seen = (time, CPU seconds used) then."""

    def __init__(self, log_path, pid):
        super().__init__(daemon=True)
        self.log_path, self.pid, self.seen = log_path, pid, None
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            with open(self.log_path, errors="replace") as log:
                if READY.search(log.read()):
                    self.seen = (time.time(), cpu_seconds(self.pid))
                    return
            time.sleep(0.002)

    def stop(self):
        self.stopped.set()
        self.join()



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
    port, metrics_port = free_port(), free_port()
    env = dict(os.environ, SERVER_HOST="127.0.0.1", SERVER_PORT=str(port),
               METRICS_HOST="127.0.0.1", METRICS_PORT=str(metrics_port))
    with open(log_path, "w") as log:
        t0 = time.time()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    result = {}
    try:
        ready = ReadyLine(log_path, process.pid)
        ready.start()
        t_ok = first_ok(f"127.0.0.1:{port}", t0 + args.seconds, keep_trying=lambda: process.poll() is None)
        cpu_ok = cpu_seconds(process.pid)
        ready.stop()
        if t_ok is None:
            raise SystemExit(f"no OK GetTodos within {args.seconds} s (exit {process.poll()}); see {log_path}")
        t_ready, cpu_ready = ready.seen if ready.seen else (None, None)
        h2load_log = args.out + ".h2load"
        h2load_out = h2load(port, t0 + args.seconds, args.load_cpu, h2load_log, body)
        with open(args.out + ".h2load.txt", "w") as f:
            f.write(h2load_out)
        result = summarize(t0, t_ok, args.seconds, h2load_log)
        # Where the time to the first call goes: CPU seconds the server had used at the first OK
        # call (and at todo-api's ready line).
        result.update(cpu_at_first_ok_s=round(cpu_ok, 3))
        if t_ready is not None:
            result.update(ready_s=round(t_ready - t0, 3), cpu_at_ready_s=round(cpu_ready, 3))
        try:
            result["grpc_errors"] = int(grpc_errors(f"http://127.0.0.1:{metrics_port}/metrics"))
        except OSError:
            # No metrics endpoint (the original), or the server died (see exit): HTTP failures only.
            result["grpc_errors"] = None
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
