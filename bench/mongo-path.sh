#!/usr/bin/env bash
# The warm MongoDB path: server CPU per GetTodos (10 todos) on the MongoDB stand-in, for one or
# more Todos servers measured alternately in one session (A B C A B C ...), so the machine's drift
# hits all of them alike.
#
#   bench/mongo-path.sh [NAME=COMMAND ...]
#        default: launcher=todo-api/bin/todo-api
#   e.g. bench/mongo-path.sh main=/tmp/main/todo-api/bin/todo-api launcher=todo-api/bin/todo-api \
#            go=/tmp/go-original/serve
#
# COMMAND is any command that starts a Todos server (split on spaces); see pod-budget.sh. Each run:
# a fresh server pinned to SERVER_CPU, unconstrained; h2load (H2LOAD_CONNECTIONS x H2LOAD_STREAMS,
# 8 x 16: 128 calls in flight; 1 x 1 measures one call at a time) and the stand-in on LOAD_CPU;
# WARMUP seconds of load (40: JIT compilation has settled by then), then DURATION seconds measured:
# req/s, p50/p99, the server's CPU microseconds per call (user + system of the whole process, from
# /proc, over the calls h2load completed in the window), its RSS at the end, and failed calls.
# Medians of RUNS runs, and each server's CPU per call as a ratio to the first server's (the median
# of the per-round ratios).
# Read before lib.sh, which gives both the other scripts' shorter defaults.
MONGO_WARMUP="${WARMUP:-40}"
MONGO_DURATION="${DURATION:-15}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$EXPERIMENT_JAR"
WARMUP="$MONGO_WARMUP"
DURATION="$MONGO_DURATION"
servers_from_args "$@"

SERVER_CPU_SAVED="$SERVER_CPU"
SERVER_CPU="$LOAD_CPU"
start_mongo
start_server seeder "$TODO_API_LAUNCHER" $(mongo_env)
seed_todos "$PORT" 10
stop_pid "$SERVER_PID"
SERVER_CPU="$SERVER_CPU_SAVED"

# run_once NAME TAG COMMAND -> "<req/s> <p50> <p99> <failed> <cpu_us_per_call> <rss_mib>"
run_once() {
    local name="$1" tag="$2" pid cpu_before cpu_after rps p50 p99 failed calls rss todos
    start_server "$name-$tag" "$3" $(mongo_env)
    pid="$SERVER_PID"
    taskset -c "$LOAD_CPU" h2load -c "$H2LOAD_CONNECTIONS" -m "$H2LOAD_STREAMS" -D "$WARMUP" -d "$GRPC_BODY" -H 'content-type: application/grpc' \
        -H 'te: trailers' "http://127.0.0.1:$PORT/grpc.Todos/GetTodos" >/dev/null 2>&1 || true
    cpu_before="$(cpu_seconds "$pid")"
    read -r rps p50 p99 failed < <(WARMUP=0 h2load_once "$PORT" "$name-$tag")
    cpu_after="$(cpu_seconds "$pid")"
    calls="$(sed -nE 's/^requests: [0-9]+ total, [0-9]+ started, ([0-9]+) done.*/\1/p' "$OUT/h2load-$name-$tag.txt")"
    rss="$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    # A server without error counters (the original) answers its errors inside HTTP 200s: it must
    # still serve every todo after the run.
    todos="$("$PY" "$BENCH_DIR/grpc_raw.py" count "127.0.0.1:$PORT" 2>/dev/null || echo 0)"
    [[ "$todos" == 10 ]] || failed="$failed,serves-$todos-todos-after-the-run"
    stop_pid "$pid"
    awk -v r="$rps $p50 $p99 $failed" -v c1="$cpu_before" -v c2="$cpu_after" -v n="${calls:-0}" -v rss="$rss" \
        'BEGIN { printf "%s %s %s\n", r, (n > 0 ? sprintf("%.1f", (c2 - c1) * 1e6 / n) : "nan"), rss }'
}

alternate_runs run_once "req/s p50 p99 failed cpu_us/call rss_MiB"

first="${VARIANTS[0]%%=*}"
echo
echo "### Warm MongoDB path (GetTodos, 10 todos; medians of $RUNS alternating runs of ${DURATION} s after ${WARMUP} s of load; server on CPU $SERVER_CPU, h2load ${H2LOAD_CONNECTIONS}x${H2LOAD_STREAMS} and the stand-in on CPU $LOAD_CPU)"
echo
echo "| Server | req/s | p50 / p99 ms | server CPU us per call | CPU per call / $first's | RSS MiB | failed |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for variant in "${VARIANTS[@]}"; do
    name="${variant%%=*}"
    rows="${RESULTS[$name]}"
    ratio="$(paste <(col 5 <<<"$rows") <(col 5 <<<"${RESULTS[$first]}") | awk 'NF == 2 && $2 > 0 { print $1 / $2 }' \
        | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')"
    echo "| $name | $(median $(col 1 <<<"$rows")) | $(median $(col 2 <<<"$rows")) / $(median $(col 3 <<<"$rows")) |" \
        "$(median $(col 5 <<<"$rows")) | $(awk -v x="$ratio" 'BEGIN { printf "%.2fx", x }') | $(median $(col 6 <<<"$rows")) |" \
        "$(col 4 <<<"$rows" | sed "/^$/d" | paste -sd/) |"
done
echo
for variant in "${VARIANTS[@]}"; do echo "- ${variant%%=*}: \`${variant#*=}\`"; done
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Raw runs: $OUT"
