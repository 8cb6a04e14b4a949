# Shared helpers of the benchmark scripts (sourced). Everything binds to 127.0.0.1; every process a
# script starts is recorded and stopped on exit, also on Ctrl-C.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
SERVER_CPU="${SERVER_CPU:-0}"
LOAD_CPU="${LOAD_CPU:-1}"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10}"
# Seconds each load generator runs before its DURATION starts; their calls and CPU time are left
# out (h2load --warm-up-time, loadtest --warm-up-time, the Locust file's BENCH_WARMUP).
WARMUP="${WARMUP:-5}"
OUT="${OUT:-$ROOT/bench/results/$(date -u +%Y%m%d-%H%M%S)}"
# todo-api runs through its launcher, as the images start it (its JVM flags and trained cache);
# the ceiling server gets the launcher's fixed flags for a whole machine.
TODO_API_LAUNCHER="$ROOT/todo-api/bin/todo-api"
IMAGE_JVM_FLAGS=(-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -Xss256k -XX:+ExitOnOutOfMemoryError)

TODO_API_JAR="$ROOT/todo-api/target/todo-api.jar"
LOADTEST_JAR="$ROOT/loadtest/target/loadtest.jar"
EXPERIMENT_JAR="$ROOT/experiment/target/experiment.jar"
CEILING_JAR="$ROOT/bench/ceiling-server/target/ceiling-server.jar"

mkdir -p "$OUT"
STARTED=()

stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local pid
  for pid in "${STARTED[@]}"; do
    stop_pid "$pid"
  done
  STARTED=()
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

require_jars() {
  local jar
  for jar in "$@"; do
    [[ -f "$jar" ]] || { echo "missing $jar: build with mvn -B package -DskipTests" >&2; exit 2; }
  done
}

# start_pinned CPU LOG REGEX command...: starts the command pinned to CPU, waits (60 s at most) for
# a log line matching REGEX, sets STARTED_PID and READY_LINE.
start_pinned() {
  local cpu="$1" log="$2" regex="$3" i
  shift 3
  taskset -c "$cpu" "$@" >"$log" 2>&1 &
  STARTED_PID=$!
  STARTED+=("$STARTED_PID")
  for i in $(seq 1 600); do
    READY_LINE="$(grep -m1 -E "$regex" "$log" || true)"
    [[ -n "$READY_LINE" ]] && return 0
    kill -0 "$STARTED_PID" 2>/dev/null || { echo "exited before ready: $*" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "not ready within 60 s: $*" >&2
  tail -20 "$log" >&2
  exit 1
}

# The gRPC port from a "grpc=127.0.0.1:<port>" ready line.
grpc_port() {
  sed -E 's/.*grpc=[^ ]*:([0-9]+).*/\1/' <<<"$1"
}

# start_todo_api NAME [ENV=VALUE...]; sets PORT, METRICS_URL, SERVER_PID (the JVM's: the launcher
# execs it). The array TODO_API_COMMAND, when set, starts another build or JVM instead, to compare.
start_todo_api() {
  local name="$1" command
  shift
  command=("${TODO_API_COMMAND[@]:-$TODO_API_LAUNCHER}")
  start_pinned "$SERVER_CPU" "$OUT/$name.log" 'todo-api ready:' \
    env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 "$@" "${command[@]}"
  PORT="$(grpc_port "$READY_LINE")"
  METRICS_URL="http://$(sed -E 's/.*metrics=([^ ]+).*/\1/' <<<"$READY_LINE")/metrics"
  SERVER_PID="$STARTED_PID"
}

free_port() { # a TCP port nothing listens on now, on 127.0.0.1
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME COMMAND [ENV=VALUE...]: starts any Todos gRPC server, pinned to SERVER_CPU: todo-api
# through its launcher, an older build's launcher, the Go original (a command that runs it in its
# directory). COMMAND is split on spaces. Every one of them reads its address from SERVER_HOST and
# SERVER_PORT and MongoDB's from DB_URI (todo-api) or DB_HOST/DB_PORT (the original), which
# mongo_env gives. Waits (60 s at most) for its first OK GetTodos; sets PORT, METRICS_URL (todo-api's;
# a server without one makes grpc_errors report "n/a"), SERVER_PID.
start_server() {
  local name="$1" metrics_port
  server_words "$2"
  shift 2
  PORT="$(free_port)"
  metrics_port="$(free_port)"
  taskset -c "$SERVER_CPU" env SERVER_HOST=127.0.0.1 SERVER_PORT="$PORT" METRICS_HOST=127.0.0.1 \
    METRICS_PORT="$metrics_port" "$@" "${SERVER_WORDS[@]}" >"$OUT/$name.log" 2>&1 &
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  METRICS_URL="http://127.0.0.1:$metrics_port/metrics"
  "$PY" "$BENCH_DIR/grpc_raw.py" wait "127.0.0.1:$PORT" 60 \
    || { echo "$name: no OK GetTodos within 60 s: ${SERVER_WORDS[*]}" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
}

# server_words COMMAND: sets SERVER_WORDS to COMMAND split on spaces, its first word made absolute when
# it is a relative path (the pod scripts run servers in a working directory of their own).
server_words() {
  read -r -a SERVER_WORDS <<<"$1"
  if [[ "${SERVER_WORDS[0]}" == */* && "${SERVER_WORDS[0]}" != /* && -e "${SERVER_WORDS[0]}" ]]; then
    SERVER_WORDS[0]="$(cd "$(dirname "${SERVER_WORDS[0]}")" && pwd)/$(basename "${SERVER_WORDS[0]}")"
  fi
}

# servers_from_args NAME=COMMAND...: sets VARIANTS to the arguments (default: launcher=todo-api's
# launcher), or exits 2 naming one that is not NAME=COMMAND.
servers_from_args() {
  local variant
  VARIANTS=("$@")
  ((${#VARIANTS[@]})) || VARIANTS=("launcher=$TODO_API_LAUNCHER")
  for variant in "${VARIANTS[@]}"; do
    [[ "$variant" =~ ^[A-Za-z0-9_.-]+=. ]] || { echo "$(basename "$0"): '$variant' is not NAME=COMMAND" >&2; exit 2; }
  done
}

# alternate_runs FUNCTION LEGEND: runs FUNCTION NAME RUN COMMAND for every server of VARIANTS, RUNS
# rounds of them in turn (A B C A B C ...), so the machine's drift hits them alike; collects the
# line each prints in RESULTS[NAME] (one line a run) and reports it with LEGEND and the load.
declare -A RESULTS
alternate_runs() {
  local run_one="$1" legend="$2" r variant name line
  echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for r in $(seq 1 "$RUNS"); do
    for variant in "${VARIANTS[@]}"; do
      name="${variant%%=*}"
      line="$("$run_one" "$name" "$r" "${variant#*=}")"
      RESULTS[$name]+="$line"$'\n'
      echo "  $name run $r: $line ($legend; load $(cut -d' ' -f1 /proc/loadavg))" >&2
    done
  done
}

# The MongoDB stand-in's address in the environment variables both todo-api and the original read.
mongo_env() {
  echo "DB_TYPE=mongo DB_URI=$MONGO_URI DB_HOST=127.0.0.1 DB_PORT=${MONGO_URI##*:}"
}

start_ceiling() { # start_ceiling NAME EXECUTOR TODOS; sets PORT (the ceiling server has no metrics)
  METRICS_URL=""
  start_pinned "$SERVER_CPU" "$OUT/$1.log" 'ceiling-server ready:' \
    java "${IMAGE_JVM_FLAGS[@]}" -jar "$CEILING_JAR" --executor "$2" --todos "$3"
  PORT="$(grpc_port "$READY_LINE")"
  SERVER_PID="$STARTED_PID"
}

start_mongo() { # sets MONGO_URI; mongo-java-server on the server's core
  start_pinned "$SERVER_CPU" "$OUT/mongo.log" 'mongo ready:' \
    java -XX:+UseSerialGC -Xmx512m -jar "$EXPERIMENT_JAR" mongo-server
  MONGO_URI="$(sed -E 's/.*uri=([^ ]+).*/\1/' <<<"$READY_LINE")"
}

seed_todos() { # seed_todos PORT N
  local have
  have="$("$PY" "$BENCH_DIR/grpc_raw.py" seed "127.0.0.1:$1" "$2")"
  [[ "$have" == "$2" ]] || { echo "seeding 127.0.0.1:$1 gave $have todos, wanted $2" >&2; exit 1; }
}

GRPC_BODY="$OUT/get-todos.grpc"
# A gRPC frame: uncompressed flag 0, 4-byte big-endian length 0, and the empty grpc.Request (0 bytes).
printf '\x00\x00\x00\x00\x00' >"$GRPC_BODY"

H2LOAD_CONNECTIONS="${H2LOAD_CONNECTIONS:-8}"
H2LOAD_STREAMS="${H2LOAD_STREAMS:-16}"
JAVA_USERS="${JAVA_USERS:-128}"
JAVA_CHANNELS="${JAVA_CHANNELS:-shared:8}"

grpc_errors() { # non-OK calls todo-api counted so far (0 for a server without metrics: the ceiling; n/a when a scrape fails)
  if [[ -n "${METRICS_URL:-}" ]]; then "$PY" "$BENCH_DIR/stats.py" grpc-errors "$METRICS_URL" 2>/dev/null || echo n/a; else echo 0; fi
}

# h2load_once PORT TAG -> "<req/s> <p50_ms> <p99_ms> <failed>", failed = HTTP failures + gRPC statuses
# other than OK (h2load only sees HTTP; a gRPC error travels in the trailers of an HTTP 200).
h2load_once() {
  local port="$1" tag="$2" log="$OUT/h2load-$2.log" out="$OUT/h2load-$2.txt" rps failed errors_before errors_after
  errors_before="$(grpc_errors)"
  taskset -c "$LOAD_CPU" h2load -c "$H2LOAD_CONNECTIONS" -m "$H2LOAD_STREAMS" -D "$DURATION" --warm-up-time "$WARMUP" \
    -d "$GRPC_BODY" -H 'content-type: application/grpc' -H 'te: trailers' --log-file "$log" \
    "http://127.0.0.1:$port/grpc.Todos/GetTodos" >"$out" 2>&1 || true
  rps="$(sed -nE 's/^finished in [^,]+, ([0-9.]+) req\/s.*/\1/p' "$out")"
  failed="$(sed -nE 's/^requests: .* ([0-9]+) failed.*/\1/p' "$out")"
  errors_after="$(grpc_errors)"
  if [[ "$errors_before" == n/a || "$errors_after" == n/a ]]; then
    failed="${failed:-0}(http)"
  else
    failed=$((${failed:-0} + errors_after - errors_before))
  fi
  echo "${rps:-nan} $("$PY" "$BENCH_DIR/stats.py" h2load-log "$log") $failed"
  rm -f "$log"
}

# loadtest_once PORT TAG [USERS] -> "<req/s> <p50_ms> <p99_ms> <failures> <cpu_s>"
loadtest_once() {
  local port="$1" tag="$2" users="${3:-$JAVA_USERS}" json="$OUT/loadtest-$2.json" cpu="$OUT/loadtest-$2.cpu"
  taskset -c "$LOAD_CPU" "$PY" "$BENCH_DIR/cpu_time.py" "$cpu" --from "$WARMUP" -- \
    java -jar "$LOADTEST_JAR" run --host "127.0.0.1:$port" --users "$users" --spawn-rate 10000 \
    --warm-up-time "${WARMUP}s" --run-time "${DURATION}s" --wait-time constant:0s --channels "$JAVA_CHANNELS" --deadline 10s --json "$json" \
    >"$OUT/loadtest-$tag.log" 2>&1 || true
  if [[ -f "$json" ]]; then
    echo "$("$PY" "$BENCH_DIR/stats.py" loadtest-json "$json" "$DURATION") $(cat "$cpu")"
  else
    echo "nan nan nan nan nan"
  fi
}

# locust_once PORT TAG USERS -> "<req/s> <p50_ms> <p99_ms> <failures> <cpu_s>"
locust_once() {
  local port="$1" tag="$2" users="$3" json="$OUT/locust-$2.json" cpu="$OUT/locust-$2.cpu"
  (cd "$BENCH_DIR" && BENCH_JSON="$json" BENCH_WARMUP="$WARMUP" taskset -c "$LOAD_CPU" \
    "$PY" "$BENCH_DIR/cpu_time.py" "$cpu" --from "$WARMUP" -- \
    "$PY" -m locust -f "$BENCH_DIR/grpc_locustfile.py" --headless -u "$users" -r "$users" \
    -t "$((WARMUP + DURATION))s" --host "127.0.0.1:$port" --only-summary >"$OUT/locust-$tag.log" 2>&1) || true
  if [[ -f "$json" ]]; then
    echo "$("$PY" "$BENCH_DIR/stats.py" locust-json "$json") $(cat "$cpu")"
  else
    echo "nan nan nan nan nan"
  fi
}

# locust_worker_once PORT TAG USERS -> "<req/s> <p50_ms> <p99_ms> <failures> <cpu_s>": one Java
# worker (loadtest worker) under a real Locust master, both on LOAD_CPU. req/s and failures come
# from todo-api's own call counter over DURATION seconds that start WARMUP seconds after the calls
# do; cpu_s is the worker's CPU time over that window, scaled to DURATION (the master's is not
# counted: it is Locust's UI and bookkeeping); p50/p99 are the master's, over the whole run.
locust_worker_once() {
  local port="$1" tag="$2" users="$3" prefix="$OUT/locust-worker-$2" master_port master worker first n i
  local t1 n1 e1 c1 t2 n2 e2 c2
  master_port="$(free_port)"
  taskset -c "$LOAD_CPU" "$PY" -m locust -f "$ROOT/loadtest/locustfile.py" --master --master-bind-host 127.0.0.1 \
    --master-bind-port "$master_port" --headless --expect-workers 1 -u "$users" -r "$users" \
    -t "$((WARMUP + DURATION + 5))s" --host "127.0.0.1:$port" --csv "$prefix" --only-summary \
    --grpc-wait-time constant:0s --grpc-deadline 10s >"$prefix-master.log" 2>&1 &
  master=$!
  STARTED+=("$master")
  taskset -c "$LOAD_CPU" java -jar "$LOADTEST_JAR" worker --master-host 127.0.0.1 --master-port "$master_port" \
    --channels "$JAVA_CHANNELS" >"$prefix-worker.log" 2>&1 &
  worker=$!
  STARTED+=("$worker")
  # The window starts WARMUP seconds after the worker's first call reaches todo-api.
  read -r _ first _ < <(todos_handled)
  for i in $(seq 1 300); do
    read -r _ n _ < <(todos_handled)
    ((n > first)) && break
    sleep 0.1
  done
  sleep "$WARMUP"
  c1="$(cpu_seconds "$worker")"
  read -r t1 n1 e1 < <(todos_handled)
  sleep "$DURATION"
  read -r t2 n2 e2 < <(todos_handled)
  c2="$(cpu_seconds "$worker")"
  wait "$master" 2>/dev/null || true
  stop_pid "$worker"
  awk -v n="$((n2 - n1))" -v f="$((e2 - e1))" -v t1="$t1" -v t2="$t2" -v c1="$c1" -v c2="$c2" -v d="$DURATION" \
    -v pct="$("$PY" "$BENCH_DIR/stats.py" locust-csv "${prefix}_stats.csv" 2>/dev/null || echo "nan nan")" \
    'BEGIN { split(pct, p, " "); printf "%.1f %s %s %d %.3f\n", n / (t2 - t1), p[1], p[2], f, (c2 - c1) * d / (t2 - t1) }'
}

# "<epoch_s> <calls> <errors>": the grpc.Todos calls todo-api (at METRICS_URL) answered so far, from one scrape.
todos_handled() {
  "$PY" "$BENCH_DIR/stats.py" grpc-handled "$METRICS_URL"
}

# CPU seconds (user + system, all threads) a running process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

median() { "$PY" "$BENCH_DIR/stats.py" median "$@"; }

# column N of each line on stdin
col() { awk -v n="$1" '{print $n}'; }

machine_note() {
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), \
$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); \
$(java -version 2>&1 | head -1); $(h2load --version 2>&1 | head -1)"
}
