#!/usr/bin/env bash
# GetTodos throughput and latency, server pinned to SERVER_CPU and load generator to LOAD_CPU:
# h2load and the Java load generator against the ceiling server (direct and default executor),
# todo-api on the in-memory store and todo-api on MongoDB (mongo-java-server on the server's core),
# each with 10 and 100 todos. Prints a markdown table of medians over RUNS runs of DURATION seconds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$LOADTEST_JAR" "$EXPERIMENT_JAR" "$CEILING_JAR"
command -v h2load >/dev/null || { echo "h2load missing (Debian: nghttp2-client)" >&2; exit 2; }

declare -A H2 JV

# measure KEY: warm the server up, then RUNS alternating runs of h2load and the Java load generator.
measure() {
  local key="$1" r h2=() jv=() line
  h2load_once "$PORT" "$key-warmup" >/dev/null
  for r in $(seq 1 "$RUNS"); do
    h2+=("$(h2load_once "$PORT" "$key-$r")")
    jv+=("$(loadtest_once "$PORT" "$key-$r")")
  done
  printf '%s\n' "${h2[@]}" >"$OUT/$key.h2load"
  printf '%s\n' "${jv[@]}" >"$OUT/$key.loadtest"
  H2[$key]="$(median $(col 1 <"$OUT/$key.h2load")) $(median $(col 2 <"$OUT/$key.h2load")) $(median $(col 3 <"$OUT/$key.h2load")) $(awk '{s+=$4} END {print s}' "$OUT/$key.h2load")"
  JV[$key]="$(median $(col 1 <"$OUT/$key.loadtest")) $(median $(col 2 <"$OUT/$key.loadtest")) $(median $(col 3 <"$OUT/$key.loadtest")) $(awk '{s+=$4} END {print s}' "$OUT/$key.loadtest")"
  echo "  $key: h2load ${H2[$key]} | loadtest ${JV[$key]}" >&2
}

for todos in 10 100; do
  for executor in direct pool; do
    start_ceiling "ceiling-$executor-$todos" "$executor" "$todos"
    measure "ceiling-$executor-$todos"
    stop_pid "$SERVER_PID"
  done
  start_todo_api "todo-api-memory-$todos" DB_TYPE=memory
  seed_todos "$PORT" "$todos"
  measure "memory-$todos"
  stop_pid "$SERVER_PID"
done

start_mongo
for todos in 10 100; do
  start_todo_api "todo-api-mongo-$todos" DB_TYPE=mongo DB_URI="$MONGO_URI" DB_NAME="bench$todos"
  seed_todos "$PORT" "$todos"
  measure "mongo-$todos"
  stop_pid "$SERVER_PID"
done
stop_all

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
row() { # row LABEL TODOS KEY CEILING_KEY
  read -r hr hp50 hp99 hf <<<"${H2[$3]}"
  read -r jr jp50 jp99 jf <<<"${JV[$3]}"
  read -r cr _ _ _ <<<"${H2[$4]}"
  read -r cjr _ _ _ <<<"${JV[$4]}"
  echo "| $1 | $2 | $hr | $hp50 | $hp99 | $hf | $(pct "$hr" "$cr") | $jr | $jp50 | $jp99 | $jf | $(pct "$jr" "$cjr") |"
}

echo
echo "### GetTodos throughput and latency (medians of $RUNS runs of ${DURATION}s; server on CPU $SERVER_CPU, load on CPU $LOAD_CPU)"
echo
echo "h2load: $H2LOAD_CONNECTIONS connections x $H2LOAD_STREAMS streams; Java load generator: $JAVA_USERS users, wait 0, channels $JAVA_CHANNELS."
echo "failures: HTTP failures plus gRPC statuses other than OK and CANCELLED counted by todo-api (the ceiling server counts none)."
echo "% of ceiling: against the ceiling server with the direct executor and the same number of todos, same tool."
echo
echo "| Server | Todos | h2load req/s | p50 ms | p99 ms | failures | % of ceiling | loadtest req/s | p50 ms | p99 ms | failures | % of ceiling |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for todos in 10 100; do
  row "ceiling, directExecutor" "$todos" "ceiling-direct-$todos" "ceiling-direct-$todos"
  row "ceiling, default executor" "$todos" "ceiling-pool-$todos" "ceiling-direct-$todos"
  row "todo-api, in-memory" "$todos" "memory-$todos" "ceiling-direct-$todos"
  row "todo-api, MongoDB (mongo-java-server)" "$todos" "mongo-$todos" "ceiling-direct-$todos"
done
echo
echo "Raw runs: $OUT"
