#!/usr/bin/env bash
# The verdicts of issue 16's runs with bg-kube analyze's defaults (no warm-up option given): three
# todo-api processes on 127.0.0.1 (two healthy, one with MEMORY_STORE_DELAY=40ms), each analysis
# --duration 10s --users 20 --max-p99-ratio 2 --max-error-rate 0.01. Per repetition: slow vs healthy
# (servers just started), healthy vs healthy (warm), slow vs healthy; then, on servers started
# afresh, healthy vs healthy and the steady-state reference (--warm-up 30s).
#
#   bench/analysis-verdicts.sh                 (REPS=3; OTHER_JARS=DIR adds, per repetition, the same
#                                               runs with DIR's loadtest.jar and bg-kube.jar, e.g. an
#                                               older build's, alternating which goes first)
#
# Prints a line per run: target and baseline p50 / p95 / p99 (ms), the verdict with the p99 ratio,
# bg-kube's exit code and the load average before and after: a p99 over 360 calls is decided by the
# machine's scheduling stalls once its load average is far above its cores, so read runs taken at a
# similar, low load. The servers are not pinned, as in the issue.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPS="${REPS:-3}"
BG_KUBE_JAR="$ROOT/bg-kube/target/bg-kube.jar"
require_jars "$TODO_API_JAR" "$LOADTEST_JAR" "$BG_KUBE_JAR"

start_server() { # start_server NAME [ENV=VALUE...]; sets PORT
  local name="$1" i
  shift
  env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 "$@" java -jar "$TODO_API_JAR" >"$OUT/$name.log" 2>&1 &
  STARTED+=("$!")
  for i in $(seq 1 600); do
    READY_LINE="$(grep -m1 'todo-api ready:' "$OUT/$name.log" || true)"
    [[ -n "$READY_LINE" ]] && { PORT="$(grpc_port "$READY_LINE")"; return 0; }
    sleep 0.1
  done
  echo "$name not ready within 60 s" >&2
  exit 1
}

analyze() { # analyze BG_KUBE_JAR LOADTEST_JAR LABEL TARGET_PORT BASELINE_PORT [OPTION...]
  local bg_kube="$1" loadtest="$2" label="$3" target="$4" baseline="$5" before code
  shift 5
  before="$(cut -d' ' -f1 /proc/loadavg)"
  code=0
  java -jar "$bg_kube" analyze --loadtest-jar "$loadtest" --target "127.0.0.1:$target" \
    --baseline "127.0.0.1:$baseline" --duration 10s --users 20 --max-p99-ratio 2 --max-error-rate 0.01 \
    --json "$OUT/$label.json" "$@" >"$OUT/$label.out" 2>&1 || code=$?
  "$PY" - "$OUT/$label.json" "$label" "$code" "$before" <<'PY'
import json, sys
path, label, code, before = sys.argv[1:]
after = open('/proc/loadavg').read().split()[0]
try:
    run = json.load(open(path))
except (OSError, ValueError):
    print(f"{label} | no verdict | exit {code} | load {before}->{after}")
    sys.exit(0)
def figures(side):
    return " / ".join("n/a" if side[k] is None else f"{side[k]:.1f}" for k in ("p50_ms", "p95_ms", "p99_ms"))
ratio = next((g["value"] for g in run["gates"] if g["gate"] == "p99 ratio"), "n/a")
verdict = "PASS" if run["passed"] else "FAIL"
print(f"{label} | {figures(run['target'])} | {figures(run['baseline'])} | {verdict} {ratio} | exit {code}"
      f" | load {before}->{after}", flush=True)
PY
}

repetition() { # repetition BG_KUBE_JAR LOADTEST_JAR NAME
  local jars=("$1" "$2") name="$3" healthy other slow
  STARTED=()
  start_server "$name-healthy"; healthy="$PORT"
  start_server "$name-other"; other="$PORT"
  start_server "$name-slow" MEMORY_STORE_DELAY=40ms; slow="$PORT"
  analyze "${jars[@]}" "$name slow-vs-healthy-cold" "$slow" "$healthy"
  analyze "${jars[@]}" "$name healthy-vs-healthy-warm" "$other" "$healthy"
  analyze "${jars[@]}" "$name slow-vs-healthy" "$slow" "$healthy"
  stop_all
  start_server "$name-healthy-2"; healthy="$PORT"
  start_server "$name-other-2"; other="$PORT"
  analyze "${jars[@]}" "$name healthy-vs-healthy-cold" "$other" "$healthy"
  analyze "${jars[@]}" "$name healthy-vs-healthy-steady" "$other" "$healthy" --warm-up 30s
  stop_all
}

echo "### bg-kube analyze's verdicts with its defaults ($REPS repetitions; $(nproc) cores; output in $OUT)"
echo "run | target p50 / p95 / p99 ms | baseline p50 / p95 / p99 ms | verdict, p99 ratio | exit | load average"
for rep in $(seq 1 "$REPS"); do
  if [[ -n "${OTHER_JARS:-}" && $((rep % 2)) == 0 ]]; then
    repetition "$OTHER_JARS/bg-kube.jar" "$OTHER_JARS/loadtest.jar" "other-$rep"
    repetition "$BG_KUBE_JAR" "$LOADTEST_JAR" "this-$rep"
  else
    repetition "$BG_KUBE_JAR" "$LOADTEST_JAR" "this-$rep"
    [[ -z "${OTHER_JARS:-}" ]] || repetition "$OTHER_JARS/bg-kube.jar" "$OTHER_JARS/loadtest.jar" "other-$rep"
  fi
done
