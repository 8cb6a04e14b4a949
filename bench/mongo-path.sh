#!/usr/bin/env bash
# The warm MongoDB path: server CPU per GetTodos (10 todos) on the MongoDB stand-in, for one or
# more server variants measured alternately in one session (A B A B ...), so the machine's load
# drifts over all of them alike.
#
#   bench/mongo-path.sh [NAME=COMMAND ...]
#        default: launcher=todo-api/bin/todo-api
#   e.g. bench/mongo-path.sh "before=java -XX:+UseSerialGC -jar /tmp/before/todo-api.jar" launcher=todo-api/bin/todo-api
#
# Each run: a fresh server pinned to SERVER_CPU, unconstrained; h2load (8 x 16) and the stand-in on
# LOAD_CPU; WARMUP seconds of load, then DURATION seconds measured: req/s, p50/p99, the server's CPU
# microseconds per call (user + system, from /proc), and its RSS at the end. Medians of RUNS runs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$EXPERIMENT_JAR"
WARMUP="${WARMUP:-10}"
VARIANTS=("$@")
((${#VARIANTS[@]})) || VARIANTS=("launcher=$ROOT/todo-api/bin/todo-api")
for variant in "${VARIANTS[@]}"; do
    [[ "$variant" == *=* ]] || { echo "mongo-path.sh: '$variant' is not NAME=COMMAND" >&2; exit 2; }
done

SERVER_CPU_SAVED="$SERVER_CPU"
SERVER_CPU="$LOAD_CPU"
start_mongo
start_todo_api seeder DB_TYPE=mongo DB_URI="$MONGO_URI"
seed_todos "$PORT" 10
stop_pid "$SERVER_PID"
SERVER_CPU="$SERVER_CPU_SAVED"

# run_once NAME COMMAND -> "<req/s> <p50> <p99> <failed> <cpu_us_per_call> <rss_mib>"
run_once() {
    local name="$1" tag="$2" pid calls_before calls_after cpu_before cpu_after result rss TODO_API_COMMAND
    read -r -a TODO_API_COMMAND <<<"$3"
    start_todo_api "$name-$tag" DB_TYPE=mongo DB_URI="$MONGO_URI"
    pid="$SERVER_PID"
    taskset -c "$LOAD_CPU" h2load -c 8 -m 16 -D "$WARMUP" -d "$GRPC_BODY" -H 'content-type: application/grpc' \
        -H 'te: trailers' "http://127.0.0.1:$PORT/grpc.Todos/GetTodos" >/dev/null 2>&1 || true
    read -r _ calls_before _ < <(todos_handled)
    cpu_before="$(cpu_seconds "$pid")"
    result="$(WARMUP=0 h2load_once "$PORT" "$name-$tag")"
    cpu_after="$(cpu_seconds "$pid")"
    read -r _ calls_after _ < <(todos_handled)
    rss="$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    stop_pid "$pid"
    awk -v r="$result" -v c1="$cpu_before" -v c2="$cpu_after" -v n="$((calls_after - calls_before))" -v rss="$rss" \
        'BEGIN { printf "%s %.1f %s\n", r, (c2 - c1) * 1e6 / n, rss }'
}

declare -A results
for r in $(seq 1 "$RUNS"); do
    for variant in "${VARIANTS[@]}"; do
        name="${variant%%=*}"
        line="$(run_once "$name" "$r" "${variant#*=}")"
        results[$name]+="$line"$'\n'
        echo "  $name run $r: $line (req/s p50 p99 failed cpu_us/call rss_MiB)" >&2
    done
done

echo
echo "### Warm MongoDB path (GetTodos, 10 todos; medians of $RUNS alternating runs; server on CPU $SERVER_CPU, h2load 8x16 and the stand-in on CPU $LOAD_CPU)"
echo
echo "| Server | req/s | p50 / p99 ms | server CPU us per call | RSS MiB | failed |"
echo "|---|---:|---:|---:|---:|---:|"
for variant in "${VARIANTS[@]}"; do
    name="${variant%%=*}"
    rows="${results[$name]}"
    echo "| $name | $(median $(col 1 <<<"$rows")) | $(median $(col 2 <<<"$rows")) / $(median $(col 3 <<<"$rows")) |" \
        "$(median $(col 5 <<<"$rows")) | $(median $(col 6 <<<"$rows")) | $(median $(col 4 <<<"$rows")) |"
done
echo
for variant in "${VARIANTS[@]}"; do echo "- ${variant%%=*}: \`${variant#*=}\`"; done
echo "Raw runs: $OUT"
