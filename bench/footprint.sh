#!/usr/bin/env bash
# todo-api footprint: time from process start to its ready line (logged once health is SERVING),
# without and with an AppCDS archive; RSS under sustained load with the image's JVM flags, as the
# JVM sizes itself under a 128 MiB container limit (-XX:MaxRAM=128m), and a trimmed set for 100 Mi.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$LOADTEST_JAR"
STARTS="${STARTS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-20}"
TRIMMED_100MI=(-XX:+UseSerialGC -XX:MaxRAM=100m -XX:MaxRAMPercentage=50 -Xss256k -XX:+ExitOnOutOfMemoryError
  -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1
  -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1
  -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1)

# start_millis LABEL JVM_FLAGS...: milliseconds from launch to the ready line (polled every 5 ms).
start_millis() {
  local label="$1" log="$OUT/start-$1.log" t0 t1 pid i
  shift
  t0="$(date +%s%N)"
  taskset -c "$SERVER_CPU" env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 DB_TYPE=memory \
    java "$@" -jar "$TODO_API_JAR" >"$log" 2>&1 &
  pid=$!
  STARTED+=("$pid")
  for i in $(seq 1 6000); do
    if grep -q 'todo-api ready:' "$log"; then
      t1="$(date +%s%N)"
      break
    fi
    sleep 0.005
  done
  stop_pid "$pid"
  [[ -n "${t1:-}" ]] || { echo "todo-api never became ready; see $log" >&2; exit 1; }
  echo $(((t1 - t0) / 1000000))
}

CDS="$OUT/todo-api.jsa"
# The training the image's Dockerfile runs at build time, with the same script and flags.
taskset -c "$SERVER_CPU" "$ROOT/todo-api/src/main/docker/cds-train.sh" "$TODO_API_JAR" "$CDS" "${IMAGE_JVM_FLAGS[@]}" \
  >"$OUT/cds-train.log" 2>&1 || { cat "$OUT/cds-train.log" >&2; exit 1; }

plain=() cds=()
for r in $(seq 1 "$STARTS"); do
  plain+=("$(start_millis "plain-$r" "${IMAGE_JVM_FLAGS[@]}")")
  cds+=("$(start_millis "cds-$r" "${IMAGE_JVM_FLAGS[@]}" -XX:SharedArchiveFile="$CDS")")
  echo "  start $r: plain ${plain[-1]} ms, AppCDS ${cds[-1]} ms" >&2
done

# rss_under_load LABEL JVM_FLAGS...: "<median RSS MiB> <max RSS MiB> <req/s>" over the second half of the load.
rss_under_load() {
  local label="$1" samples="$OUT/rss-$1.txt" load_pid result
  shift
  start_pinned "$SERVER_CPU" "$OUT/rss-$label.log" 'todo-api ready:' \
    env SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_PORT=0 DB_TYPE=memory java "$@" -jar "$TODO_API_JAR"
  local server="$STARTED_PID" port
  port="$(grpc_port "$READY_LINE")"
  seed_todos "$port" 10
  taskset -c "$LOAD_CPU" java -jar "$LOADTEST_JAR" run --host "127.0.0.1:$port" --users 64 --spawn-rate 1000 \
    --run-time "${LOAD_SECONDS}s" --wait-time constant:0s --channels shared:8 --json "$OUT/rss-$label.json" \
    >"$OUT/rss-$label-load.log" 2>&1 &
  load_pid=$!
  STARTED+=("$load_pid")
  : >"$samples"
  while kill -0 "$load_pid" 2>/dev/null; do
    awk '/VmRSS/ {print $2 / 1024}' "/proc/$server/status" >>"$samples" 2>/dev/null || true
    sleep 0.5
  done
  wait "$load_pid" || true
  kill -0 "$server" 2>/dev/null || { echo "todo-api died under load ($label); see $OUT/rss-$label.log" >&2; }
  stop_pid "$server"
  local n half
  n="$(wc -l <"$samples")"
  half="$(tail -n $((n / 2)) "$samples")"
  echo "$(median $half) $(sort -n "$samples" | tail -1) $("$PY" "$BENCH_DIR/stats.py" loadtest-json "$OUT/rss-$label.json" "$LOAD_SECONDS" | col 1)"
}

image=() trimmed=()
for r in $(seq 1 "$RUNS"); do
  image+=("$(rss_under_load "image-128m-$r" "${IMAGE_JVM_FLAGS[@]}" -XX:SharedArchiveFile="$CDS" -XX:MaxRAM=128m)")
  trimmed+=("$(rss_under_load "trimmed-100m-$r" "${TRIMMED_100MI[@]}")")
  echo "  load run $r: image flags ${image[-1]} | trimmed ${trimmed[-1]}" >&2
done
stop_all
printf '%s\n' "${image[@]}" >"$OUT/rss.image"
printf '%s\n' "${trimmed[@]}" >"$OUT/rss.trimmed"

echo
echo "### todo-api footprint (medians; server on CPU $SERVER_CPU)"
echo
echo "| Measure | Value |"
echo "|---|---:|"
echo "| start to SERVING (ready line), image flags without an archive (the Jib image), ms (median of $STARTS) | $(median "${plain[@]}") |"
echo "| start to SERVING with the image's AppCDS archive (the Dockerfile image), ms (median of $STARTS) | $(median "${cds[@]}") |"
echo "| RSS under load, image flags + archive + MaxRAM=128m, MiB (median of $RUNS run medians / max) | $(median $(col 1 <"$OUT/rss.image")) / $(median $(col 2 <"$OUT/rss.image")) |"
echo "| load sustained meanwhile, req/s | $(median $(col 3 <"$OUT/rss.image")) |"
echo "| RSS under load, trimmed flags for 100 Mi, MiB (median / max) | $(median $(col 1 <"$OUT/rss.trimmed")) / $(median $(col 2 <"$OUT/rss.trimmed")) |"
echo "| load sustained meanwhile, req/s | $(median $(col 3 <"$OUT/rss.trimmed")) |"
echo
echo "Image flags: ${IMAGE_JVM_FLAGS[*]}"
echo "Trimmed flags: ${TRIMMED_100MI[*]}"
echo "Raw runs: $OUT"
