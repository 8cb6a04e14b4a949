#!/usr/bin/env bash
# todo-api footprint through its launcher, on a whole core: time and CPU from exec to the ready line
# (logged once health is SERVING) with the trained cache and without it (TODO_API_CACHE=off); RSS
# under sustained GetTodos load on the MongoDB stand-in (mongo-java-server, on the load's core)
# inside a 128Mi memory limit (bench/in-pod-budget, so the launcher sizes the JVM as in such a pod).
# The first minute inside small CPU quotas is bench/pod-budget.sh's job.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$LOADTEST_JAR" "$EXPERIMENT_JAR"
STARTS="${STARTS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-20}"

# start_once LABEL [ENV=VALUE...]: "<ms from launch to the ready line> <CPU s used by then>" (polled every 5 ms).
start_once() {
    local label="$1" log="$OUT/start-$1.log" t0 t1 pid i cpu=""
    shift
    t0="$(date +%s%N)"
    taskset -c "$SERVER_CPU" env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 DB_TYPE=memory "$@" \
        "$TODO_API_LAUNCHER" >"$log" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    for i in $(seq 1 6000); do
        if grep -q 'todo-api ready:' "$log"; then
            t1="$(date +%s%N)"
            cpu="$(cpu_seconds "$pid")"
            break
        fi
        sleep 0.005
    done
    stop_pid "$pid"
    [[ -n "${t1:-}" ]] || { echo "todo-api never became ready; see $log" >&2; exit 1; }
    echo "$(((t1 - t0) / 1000000)) $cpu"
}

cached=() plain=()
for r in $(seq 1 "$STARTS"); do
    cached+=("$(start_once "cached-$r")")
    plain+=("$(start_once "plain-$r" TODO_API_CACHE=off)")
    echo "  start $r: with cache ${cached[-1]} | without ${plain[-1]} (ms, CPU s)" >&2
done

# rss_under_load LABEL: "<median RSS MiB> <max RSS MiB> <req/s> <median anon RSS MiB> <max anon RSS MiB>"
# over the second half of the load.
rss_under_load() {
    local label="$1" samples="$OUT/rss-$1.txt" load_pid server port java_pid
    start_pinned "$SERVER_CPU" "$OUT/rss-$label.log" 'todo-api ready:' \
        env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 DB_TYPE=mongo DB_URI="$MONGO_URI" \
        "$BENCH_DIR/in-pod-budget" --cpu 1 --memory 128Mi --stats "$OUT/rss-$label.cgroup" -- "$TODO_API_LAUNCHER"
    server="$STARTED_PID"
    java_pid="$(pgrep -P "$server" | head -1)"
    port="$(grpc_port "$READY_LINE")"
    seed_todos "$port" 10
    taskset -c "$LOAD_CPU" java -jar "$LOADTEST_JAR" run --host "127.0.0.1:$port" --users 64 --spawn-rate 1000 \
        --run-time "${LOAD_SECONDS}s" --wait-time constant:0s --channels shared:8 --json "$OUT/rss-$label.json" \
        >"$OUT/rss-$label-load.log" 2>&1 &
    load_pid=$!
    STARTED+=("$load_pid")
    : >"$samples"
    while kill -0 "$load_pid" 2>/dev/null; do
        # RSS, and its private part: the mapped cache's file pages are shared and reclaimable, and
        # a memory cgroup charges them once, to whichever process first read them.
        awk '/VmRSS/ {r = $2 / 1024} /RssAnon/ {a = $2 / 1024} END {print r, a}' "/proc/$java_pid/status" \
            >>"$samples" 2>/dev/null || true
        sleep 0.5
    done
    wait "$load_pid" || true
    kill -0 "$java_pid" 2>/dev/null || echo "todo-api died under load ($label); see $OUT/rss-$label.log" >&2
    stop_pid "$server"
    local n half
    n="$(wc -l <"$samples")"
    half="$(tail -n $((n / 2)) "$samples")"
    echo "$(median $(col 1 <<<"$half")) $(col 1 <"$samples" | sort -n | tail -1)" \
        "$("$PY" "$BENCH_DIR/stats.py" loadtest-json "$OUT/rss-$label.json" "$LOAD_SECONDS" | col 1)" \
        "$(median $(col 2 <<<"$half")) $(col 2 <"$samples" | sort -n | tail -1)"
}

SERVER_CPU_SAVED="$SERVER_CPU"
SERVER_CPU="$LOAD_CPU"
start_mongo
SERVER_CPU="$SERVER_CPU_SAVED"
rss=()
for r in $(seq 1 "$RUNS"); do
    rss+=("$(rss_under_load "128mi-$r")")
    echo "  load run $r: ${rss[-1]} (RSS median, max MiB, req/s, anon median, max MiB)" >&2
done
stop_all
printf '%s\n' "${rss[@]}" >"$OUT/rss.txt"
printf '%s\n' "${cached[@]}" >"$OUT/start.cached"
printf '%s\n' "${plain[@]}" >"$OUT/start.plain"

echo
echo "### todo-api footprint through its launcher (medians; server on CPU $SERVER_CPU)"
echo
echo "| Measure | Value |"
echo "|---|---:|"
echo "| exec to SERVING with the trained cache: ms / CPU s (median of $STARTS) | $(median $(col 1 <"$OUT/start.cached")) / $(median $(col 2 <"$OUT/start.cached")) |"
echo "| exec to SERVING without it (TODO_API_CACHE=off): ms / CPU s | $(median $(col 1 <"$OUT/start.plain")) / $(median $(col 2 <"$OUT/start.plain")) |"
echo "| RSS under load on MongoDB in a 128Mi limit, MiB (median of $RUNS run medians / max) | $(median $(col 1 <"$OUT/rss.txt")) / $(median $(col 2 <"$OUT/rss.txt")) |"
echo "| of which private (RssAnon), MiB (median / max) | $(median $(col 4 <"$OUT/rss.txt")) / $(median $(col 5 <"$OUT/rss.txt")) |"
echo "| OOM kills in those runs | $(cat "$OUT"/rss-*.cgroup 2>/dev/null | sed -nE 's/.*oom_kills=([0-9]+).*/\1/p' | awk '{s += $1} END {print s + 0}') |"
echo "| load sustained meanwhile, req/s | $(median $(col 3 <"$OUT/rss.txt")) |"
echo
echo "Launcher command: $(TODO_API_PRINT_COMMAND=1 "$TODO_API_LAUNCHER")"
echo "Raw runs: $OUT"
