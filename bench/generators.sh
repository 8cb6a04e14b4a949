#!/usr/bin/env bash
# Load generators per core: the Java load generator (loadtest run) vs a Python Locust gRPC user
# (gevent-patched grpcio, bench/grpc_locustfile.py) vs h2load, each pinned to LOAD_CPU, wait time 0,
# against todo-api on the in-memory store with 10 todos pinned to SERVER_CPU.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$LOADTEST_JAR"
USERS="${GENERATOR_USERS:-32}"

start_todo_api "todo-api-generators" DB_TYPE=memory
seed_todos "$PORT" 10
h2load_once "$PORT" "generators-warmup" >/dev/null

py=() py_many=() jv=() jv_many=() jw=() jw_many=() h2=()
for r in $(seq 1 "$RUNS"); do
  py+=("$(locust_once "$PORT" "generators-$r" "$USERS")")
  py_many+=("$(locust_once "$PORT" "generators-many-$r" "$JAVA_USERS")")
  jv+=("$(loadtest_once "$PORT" "generators-$r" "$USERS")")
  jv_many+=("$(loadtest_once "$PORT" "generators-many-$r" "$JAVA_USERS")")
  jw+=("$(locust_worker_once "$PORT" "generators-$r" "$USERS")")
  jw_many+=("$(locust_worker_once "$PORT" "generators-many-$r" "$JAVA_USERS")")
  h2+=("$(h2load_once "$PORT" "generators-$r")")
  echo "  run $r: python ${py[-1]} | python $JAVA_USERS users ${py_many[-1]} | java ${jv[-1]} | java $JAVA_USERS users ${jv_many[-1]} | worker ${jw[-1]} | worker $JAVA_USERS users ${jw_many[-1]} | h2load ${h2[-1]}" >&2
done
stop_all

printf '%s\n' "${py[@]}" >"$OUT/generators.python"
printf '%s\n' "${py_many[@]}" >"$OUT/generators.python-many"
printf '%s\n' "${jv[@]}" >"$OUT/generators.java"
printf '%s\n' "${jv_many[@]}" >"$OUT/generators.java-many"
printf '%s\n' "${jw[@]}" >"$OUT/generators.worker"
printf '%s\n' "${jw_many[@]}" >"$OUT/generators.worker-many"
printf '%s\n' "${h2[@]}" >"$OUT/generators.h2load"
per_cpu() { awk '{ if ($5 > 0) print $1 * '"$DURATION"' / $5 }' "$1"; }
py_rps="$(median $(col 1 <"$OUT/generators.python"))"
jv_rps="$(median $(col 1 <"$OUT/generators.java"))"
h2_rps="$(median $(col 1 <"$OUT/generators.h2load"))"
py_eff="$(median $(per_cpu "$OUT/generators.python"))"
jv_eff="$(median $(per_cpu "$OUT/generators.java"))"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }

echo
echo "### Load generators on one core (medians of $RUNS runs of ${DURATION}s after a ${WARMUP}s warm-up; wait 0; todo-api in-memory, 10 todos)"
echo
echo "| Generator | req/s | p50 ms | p99 ms | failures | req per CPU-second |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| Python Locust 2.12 + grpcio (gevent), $USERS users | $py_rps | $(median $(col 2 <"$OUT/generators.python")) | $(median $(col 3 <"$OUT/generators.python")) | $(awk '{s+=$4} END {print s}' "$OUT/generators.python") | $py_eff |"
echo "| Python Locust, $JAVA_USERS users | $(median $(col 1 <"$OUT/generators.python-many")) | $(median $(col 2 <"$OUT/generators.python-many")) | $(median $(col 3 <"$OUT/generators.python-many")) | $(awk '{s+=$4} END {print s}' "$OUT/generators.python-many") | $(median $(per_cpu "$OUT/generators.python-many")) |"
echo "| Java load generator (loadtest run), $USERS users | $jv_rps | $(median $(col 2 <"$OUT/generators.java")) | $(median $(col 3 <"$OUT/generators.java")) | $(awk '{s+=$4} END {print s}' "$OUT/generators.java") | $jv_eff |"
echo "| Java load generator, $JAVA_USERS users | $(median $(col 1 <"$OUT/generators.java-many")) | $(median $(col 2 <"$OUT/generators.java-many")) | $(median $(col 3 <"$OUT/generators.java-many")) | $(awk '{s+=$4} END {print s}' "$OUT/generators.java-many") | $(median $(per_cpu "$OUT/generators.java-many")) |"
row() { # row LABEL FILE
  echo "| $1 | $(median $(col 1 <"$2")) | $(median $(col 2 <"$2")) | $(median $(col 3 <"$2")) | $(awk '{s+=$4} END {print s}' "$2") | $(median $(per_cpu "$2")) |"
}
row "Java worker (loadtest worker) under a Locust master, $USERS users" "$OUT/generators.worker"
row "Java worker under a Locust master, $JAVA_USERS users" "$OUT/generators.worker-many"
echo "| h2load ($H2LOAD_CONNECTIONS x $H2LOAD_STREAMS streams) | $h2_rps | $(median $(col 2 <"$OUT/generators.h2load")) | $(median $(col 3 <"$OUT/generators.h2load")) | $(awk '{s+=$4} END {print s}' "$OUT/generators.h2load") | |"
echo
echo "Java / Python, both $USERS users: $(ratio "$jv_rps" "$py_rps") in req/s, $(ratio "$jv_eff" "$py_eff") in requests per CPU-second of the generator."
echo "Java / Python, both $JAVA_USERS users: $(ratio "$(median $(col 1 <"$OUT/generators.java-many"))" "$(median $(col 1 <"$OUT/generators.python-many"))") in req/s, $(ratio "$(median $(per_cpu "$OUT/generators.java-many"))" "$(median $(per_cpu "$OUT/generators.python-many"))") in requests per CPU-second of the generator."
echo "Worker under a master / Python, both $USERS users: $(ratio "$(median $(col 1 <"$OUT/generators.worker"))" "$py_rps") in req/s, $(ratio "$(median $(per_cpu "$OUT/generators.worker"))" "$py_eff") per CPU-second; both $JAVA_USERS users: $(ratio "$(median $(col 1 <"$OUT/generators.worker-many"))" "$(median $(col 1 <"$OUT/generators.python-many"))") in req/s, $(ratio "$(median $(per_cpu "$OUT/generators.worker-many"))" "$(median $(per_cpu "$OUT/generators.python-many"))") per CPU-second."
echo "(The worker rows count the calls todo-api answered over the window and the worker JVM's CPU time; the Locust master shares the core, its CPU not counted; p50/p99 are the master's over the whole run.)"
echo "Raw runs: $OUT"
