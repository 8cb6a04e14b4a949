#!/usr/bin/env bash
# The article's experiment in the article's shape: REPLICAS servers, each in its own pod budget (a
# real cgroup CPU quota and memory limit, bench/in-pod-budget, as root), behind no proxy; the Java
# load generator with USERS users, each on its own connection to one server (users spread evenly,
# as behind a Kubernetes Service), each calling GetTodos RATE times a second on a fixed schedule
# (latency counted from each call's intended start), WARMUP seconds left out, RUN seconds measured;
# the servers on MongoDB (the stand-in, outside the budgets, on the replicas' core: their budgets
# leave most of it free, and the load generator gets the other core to itself).
#
#   bench/article.sh [NAME=COMMAND ...]          default: launcher=todo-api/bin/todo-api
#   e.g. bench/article.sh main=/tmp/main/todo-api/bin/todo-api launcher=todo-api/bin/todo-api go=/tmp/go-original/serve
#
# COMMAND is any command that starts a Todos server (split on spaces; see pod-budget.sh). Runs
# alternate between the servers (A B C A B C ...). Per server, medians of RUNS runs: req/s, failed
# calls, average, p50, p99 and maximum latency; and over every replica of every run: the largest
# peak memory, OOM kills, and the share of CPU periods throttled; and the load generator's CPU use
# over the run (a generator short of CPU would show as the servers' latency).
#
# Environment: REPLICAS (4), POD_CPU (100m), POD_MEMORY (100Mi), USERS (700), RATE (1), SPAWN_RATE
# (100 users/s), WARMUP (30 s), RUN (60 s), DEADLINE (10s), TODOS (10), RUNS (3), and lib.sh's
# SERVER_CPU (the replicas and the stand-in), LOAD_CPU (the load generator), OUT.
# Read before lib.sh, which gives WARMUP the other scripts' shorter default.
ARTICLE_WARMUP="${WARMUP:-30}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$EXPERIMENT_JAR" "$LOADTEST_JAR"
REPLICAS="${REPLICAS:-4}"
POD_CPU="${POD_CPU:-100m}"
POD_MEMORY="${POD_MEMORY:-100Mi}"
USERS="${USERS:-700}"
RATE="${RATE:-1}"
SPAWN_RATE="${SPAWN_RATE:-100}"
WARMUP="$ARTICLE_WARMUP"
RUN="${RUN:-60}"
DEADLINE="${DEADLINE:-10s}"
TODOS="${TODOS:-10}"
servers_from_args "$@"
"$BENCH_DIR/in-pod-budget" --cpu "$POD_CPU" --memory "$POD_MEMORY" --check >/dev/null \
    || { echo "article.sh: this machine cannot set a pod budget (needs root and a writable cgroup filesystem)" >&2; exit 2; }

start_mongo
start_server seeder "$TODO_API_LAUNCHER" $(mongo_env)
seed_todos "$PORT" "$TODOS"
stop_pid "$SERVER_PID"
WORKDIR="$OUT/workdir"
mkdir -p "$WORKDIR"

# run_once NAME TAG COMMAND -> "<req/s> <requests> <failures> <avg> <p50> <p99> <max> <errors> <peak_MiB> <oom_kills> <throttled_%> <generator_cpu_%>"
run_once() {
    local name="$1" tag="$2" i port metrics_port hosts="" pids=() stats=() json="$OUT/$1-$2.json" ready=1
    server_words "$3"
    for i in $(seq 1 "$REPLICAS"); do
        port="$(free_port)" metrics_port="$(free_port)"
        stats+=("$OUT/$name-$tag-replica$i.cgroup")
        (cd "$WORKDIR" && exec "$BENCH_DIR/in-pod-budget" --cpu "$POD_CPU" --memory "$POD_MEMORY" --stats "${stats[-1]}" -- \
            taskset -c "$SERVER_CPU" env SERVER_HOST=127.0.0.1 SERVER_PORT="$port" METRICS_HOST=127.0.0.1 \
            METRICS_PORT="$metrics_port" $(mongo_env) "${SERVER_WORDS[@]}") >"$OUT/$name-$tag-replica$i.log" 2>&1 &
        pids+=("$!")
        STARTED+=("$!")
        hosts+="${hosts:+,}127.0.0.1:$port"
    done
    for i in $(seq 1 "$REPLICAS"); do
        "$PY" "$BENCH_DIR/grpc_raw.py" wait "$(cut -d, -f"$i" <<<"$hosts")" 120 \
            || { echo "$name replica $i: no OK GetTodos within 120 s" >&2; tail -5 "$OUT/$name-$tag-replica$i.log" >&2; ready=0; }
    done
    ((ready)) && taskset -c "$LOAD_CPU" "$PY" "$BENCH_DIR/cpu_time.py" "$OUT/$name-$tag-loadtest.cpu" -- \
        java -XX:+UseSerialGC -jar "$LOADTEST_JAR" run --host "$hosts" --users "$USERS" \
        --spawn-rate "$SPAWN_RATE" --wait-time "constant-throughput:$RATE" --channels connection-per-user \
        --warm-up-time "${WARMUP}s" --run-time "${RUN}s" --deadline "$DEADLINE" --json "$json" \
        >"$OUT/$name-$tag-loadtest.log" 2>&1 || true
    for i in "${!pids[@]}"; do
        stop_pid "${pids[$i]}"
    done
    if [[ -f "$json" ]]; then
        echo "$("$PY" "$BENCH_DIR/stats.py" loadtest-totals "$json") $(cat "${stats[@]}" 2>/dev/null | "$PY" -c '
import sys
peak = ooms = throttled = periods = 0
for line in sys.stdin:
    s = dict(kv.split("=", 1) for kv in line.split())
    peak = max(peak, int(s.get("peak_bytes", 0)) / 1048576)
    ooms += int(s.get("oom_kills", 0) or 0)
    throttled += int(s.get("throttled_periods", 0) or 0)
    periods += int(s.get("periods", 0) or 0)
print("%.0f %d %.0f" % (peak, ooms, 100 * throttled / periods if periods else float("nan")))') \
$(awk -v s="$((WARMUP + RUN))" '{ printf "%.0f", 100 * $1 / s }' "$OUT/$name-$tag-loadtest.cpu" 2>/dev/null || echo nan)"
    else
        echo "nan nan nan nan nan nan nan no-report nan nan nan nan"
    fi
}

alternate_runs run_once "req/s requests failures avg p50 p99 max errors peak_MiB ooms throttled% generator_cpu%"

echo
echo "### The article's shape: $REPLICAS x $POD_CPU/$POD_MEMORY, $USERS users on their own connections at $RATE call/s each (medians of $RUNS alternating runs of ${RUN} s after ${WARMUP} s; replicas and stand-in on CPU $SERVER_CPU, load generator on CPU $LOAD_CPU)"
echo
echo "| Server | req/s | failed | failed % | avg ms | p50 ms | p99 ms | max ms | errors (every run) | peak MiB (max) | OOM kills (sum) | CPU periods throttled % | generator CPU % |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
for variant in "${VARIANTS[@]}"; do
    name="${variant%%=*}"
    rows="$(sed '/^$/d' <<<"${RESULTS[$name]}")"
    failed_pct="$(awk '$2 > 0 { print 100 * $3 / $2 }' <<<"$rows" | xargs "$PY" "$BENCH_DIR/stats.py" median 2>/dev/null || echo nan)"
    echo "| $name | $(median $(col 1 <<<"$rows")) | $(median $(col 3 <<<"$rows")) | ${failed_pct} |" \
        "$(median $(col 4 <<<"$rows")) | $(median $(col 5 <<<"$rows")) | $(median $(col 6 <<<"$rows")) |" \
        "$(median $(col 7 <<<"$rows")) | $(col 8 <<<"$rows" | paste -sd' ') | $(col 9 <<<"$rows" | sort -g | tail -1) |" \
        "$(awk '{ s += $10 } END { print s }' <<<"$rows") | $(median $(col 11 <<<"$rows")) | $(median $(col 12 <<<"$rows")) |"
done
echo
for variant in "${VARIANTS[@]}"; do echo "- ${variant%%=*}: \`${variant#*=}\`"; done
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Raw runs: $OUT"
