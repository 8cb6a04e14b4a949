#!/usr/bin/env bash
# todo-api in a pod's budget: cold start and the first minute under load, inside a real CPU quota
# and memory limit (bench/in-pod-budget, cgroup v1 or v2, as root), against a MongoDB stand-in
# (mongo-java-server) outside the budget.
#
#   bench/pod-budget.sh [CPU/MEMORY ...]          default: 100m/100Mi; e.g. 100m/100Mi 500m/192Mi
#
# Each run starts todo-api exactly as the images do (todo-api/bin/todo-api, pinned to SERVER_CPU),
# calls GetTodos until one is OK, then loads it with h2load (16 connections x 16 streams, pinned to
# LOAD_CPU) until SECONDS after exec. Reported per budget, median of RUNS runs: seconds from exec to
# the first OK GetTodos; req/s over the first 30 s and over each 15 s window, all counted from exec;
# p50/p99; the cgroup's peak memory, OOM kills and throttled periods; failed calls.
#
# Environment: RUNS (3), SECONDS_PER_RUN (60), TODOS (10), LAUNCHER (todo-api/bin/todo-api; any
# command that starts todo-api, for comparisons), POD_ENV ("KEY=VALUE ..." added to the service's
# environment), LABEL (names this variant in the output), and lib.sh's SERVER_CPU, LOAD_CPU, OUT.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$EXPERIMENT_JAR"
command -v h2load >/dev/null || { echo "pod-budget.sh: h2load missing (apt-get install nghttp2-client)" >&2; exit 2; }
RUN_SECONDS="${SECONDS_PER_RUN:-60}"
TODOS="${TODOS:-10}"
read -r -a LAUNCHER <<<"${LAUNCHER:-$ROOT/todo-api/bin/todo-api}"
LABEL="${LABEL:-launcher}"
read -r -a POD_ENV_ARGS <<<"${POD_ENV:-}"
BUDGETS=("$@")
((${#BUDGETS[@]})) || BUDGETS=(100m/100Mi)
for budget in "${BUDGETS[@]}"; do
    [[ "$budget" =~ ^[^/]+/[^/]+$ ]] || { echo "pod-budget.sh: '$budget' is not CPU/MEMORY (e.g. 100m/100Mi)" >&2; exit 2; }
done

# The MongoDB stand-in and the seeding run outside the budget, on the load generator's core.
SERVER_CPU_SAVED="$SERVER_CPU"
SERVER_CPU="$LOAD_CPU"
start_mongo
start_todo_api seeder DB_TYPE=mongo DB_URI="$MONGO_URI"
seed_todos "$PORT" "$TODOS"
stop_pid "$SERVER_PID"
SERVER_CPU="$SERVER_CPU_SAVED"

# A working directory like the image's: no config.yml, no .env.
WORKDIR="$OUT/workdir"
mkdir -p "$WORKDIR"

summary=()
for budget in "${BUDGETS[@]}"; do
    cpu="${budget%/*}" memory="${budget#*/}" tag="$LABEL-${budget//\//-}"
    for r in $(seq 1 "$RUNS"); do
        prefix="$OUT/$tag-$r"
        (cd "$WORKDIR" && "$PY" "$BENCH_DIR/pod_run.py" --out "$prefix" --seconds "$RUN_SECONDS" --load-cpu "$LOAD_CPU" -- \
            "$BENCH_DIR/in-pod-budget" --cpu "$cpu" --memory "$memory" --stats "$prefix.cgroup" -- \
            taskset -c "$SERVER_CPU" env DB_TYPE=mongo DB_URI="$MONGO_URI" "${POD_ENV_ARGS[@]}" "${LAUNCHER[@]}") \
            >"$prefix.out" 2>&1 || { echo "run $tag-$r failed:" >&2; tail -5 "$prefix.out" >&2; }
        echo "  $tag run $r: $(tail -1 "$prefix.out") $(cat "$prefix.cgroup" 2>/dev/null)" >&2
    done
    summary+=("$("$PY" "$BENCH_DIR/pod_summary.py" "$budget" "$LABEL" "$OUT/$tag")")
done

echo
echo "### todo-api in a pod budget ($LABEL; medians of $RUNS runs; server on CPU $SERVER_CPU, h2load 16x16 on CPU $LOAD_CPU)"
echo
"$PY" "$BENCH_DIR/pod_summary.py" --header
printf '%s\n' "${summary[@]}"
echo
echo "Launcher: ${LAUNCHER[*]} ${POD_ENV:-}"
echo "Raw runs: $OUT"
