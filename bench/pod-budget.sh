#!/usr/bin/env bash
# Todos servers in a pod's budget: cold start and the first minute under load, inside a real CPU
# quota and memory limit (bench/in-pod-budget, cgroup v1 or v2, as root), against a MongoDB stand-in
# (mongo-java-server) outside the budget.
#
#   bench/pod-budget.sh [CPU/MEMORY ...] [NAME=COMMAND ...]
#        budgets default: 100m/100Mi; servers default: launcher=todo-api/bin/todo-api
#   e.g. bench/pod-budget.sh 100m/100Mi 500m/192Mi main=/tmp/main/todo-api/bin/todo-api \
#            launcher=todo-api/bin/todo-api go=/tmp/go-original/serve
#
# COMMAND is any command that starts a Todos server (split on spaces): todo-api through its launcher,
# as the images start it, an older build's launcher, the Go original (bench/go-original.sh builds it
# outside the repository). It gets SERVER_HOST/SERVER_PORT and the stand-in as DB_URI and as
# DB_HOST/DB_PORT. Runs alternate (run 1 of every budget and server, then run 2, ...), so the
# machine's drift hits every variant alike. Each run starts the server pinned to SERVER_CPU inside
# the budget, calls GetTodos until one is OK, then loads it with h2load (16 connections x 16
# streams, pinned to LOAD_CPU) until SECONDS_PER_RUN after exec. Reported per budget and server,
# medians of RUNS runs: seconds from exec to the first OK GetTodos and the CPU used by then; req/s
# over the first 30 s and over each 15 s window, all counted from exec; p50/p99; the cgroup's peak
# memory, OOM kills and throttled periods; failed calls.
#
# Environment: RUNS (3), SECONDS_PER_RUN (60), TODOS (10), and lib.sh's SERVER_CPU, LOAD_CPU, OUT.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$EXPERIMENT_JAR"
command -v h2load >/dev/null || { echo "pod-budget.sh: h2load missing (apt-get install nghttp2-client)" >&2; exit 2; }
RUN_SECONDS="${SECONDS_PER_RUN:-60}"
TODOS="${TODOS:-10}"
BUDGETS=() VARIANTS=()
for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_.-]+= ]]; then
        VARIANTS+=("$arg")
    elif [[ "$arg" =~ ^[^/=]+/[^/=]+$ ]]; then
        BUDGETS+=("$arg")
    else
        echo "pod-budget.sh: '$arg' is neither CPU/MEMORY (e.g. 100m/100Mi) nor NAME=COMMAND" >&2
        exit 2
    fi
done
((${#BUDGETS[@]})) || BUDGETS=(100m/100Mi)
((${#VARIANTS[@]})) || VARIANTS=("launcher=$TODO_API_LAUNCHER")

# The MongoDB stand-in and the seeding run outside the budget, on the load generator's core.
SERVER_CPU_SAVED="$SERVER_CPU"
SERVER_CPU="$LOAD_CPU"
start_mongo
start_server seeder "$TODO_API_LAUNCHER" $(mongo_env)
seed_todos "$PORT" "$TODOS"
stop_pid "$SERVER_PID"
SERVER_CPU="$SERVER_CPU_SAVED"

# A working directory like the image's: no config.yml, no .env.
WORKDIR="$OUT/workdir"
mkdir -p "$WORKDIR"

echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq 1 "$RUNS"); do
    for budget in "${BUDGETS[@]}"; do
        cpu="${budget%/*}" memory="${budget#*/}"
        for variant in "${VARIANTS[@]}"; do
            name="${variant%%=*}"
            server_words "${variant#*=}"
            prefix="$OUT/$name-${budget//\//-}-$r"
            (cd "$WORKDIR" && "$PY" "$BENCH_DIR/pod_run.py" --out "$prefix" --seconds "$RUN_SECONDS" --load-cpu "$LOAD_CPU" -- \
                "$BENCH_DIR/in-pod-budget" --cpu "$cpu" --memory "$memory" --stats "$prefix.cgroup" -- \
                taskset -c "$SERVER_CPU" env $(mongo_env) "${SERVER_WORDS[@]}") \
                >"$prefix.out" 2>&1 || { echo "run $name $budget $r failed:" >&2; tail -5 "$prefix.out" >&2; }
            echo "  $name $budget run $r: $(tail -1 "$prefix.out") $(cat "$prefix.cgroup" 2>/dev/null) (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        done
    done
done

echo
echo "### Todos servers in a pod budget (medians of $RUNS alternating runs; server on CPU $SERVER_CPU, h2load 16x16 and the stand-in on CPU $LOAD_CPU)"
echo
"$PY" "$BENCH_DIR/pod_summary.py" --header
for budget in "${BUDGETS[@]}"; do
    for variant in "${VARIANTS[@]}"; do
        name="${variant%%=*}"
        "$PY" "$BENCH_DIR/pod_summary.py" "$budget" "$name" "$OUT/$name-${budget//\//-}"
    done
done
echo
for variant in "${VARIANTS[@]}"; do echo "- ${variant%%=*}: \`${variant#*=}\`"; done
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Raw runs: $OUT"
