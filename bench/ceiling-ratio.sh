#!/usr/bin/env bash
# todo-api (in-memory, 10 todos) as a share of the ceiling server (directExecutor, the same 10 todos),
# measured so that a change in the machine's load hits both alike: both servers run at once, pinned to
# SERVER_CPU (the idle one costs nothing), and h2load runs alternate between them. Prints the median
# of each server's req/s and the median of the per-pair ratios.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_jars "$TODO_API_JAR" "$CEILING_JAR"
PAIRS="${PAIRS:-5}"

start_ceiling "ratio-ceiling" direct 10
ceiling_port="$PORT"
start_todo_api "ratio-todo-api" DB_TYPE=memory
seed_todos "$PORT" 10
api_port="$PORT"
api_metrics="$METRICS_URL"
# h2load_once counts gRPC errors from METRICS_URL: todo-api's for its runs, none for the ceiling's.
on_ceiling() { METRICS_URL=""; h2load_once "$ceiling_port" "$1" | col 1; }
on_api() { METRICS_URL="$api_metrics"; h2load_once "$api_port" "$1" | col 1; }
on_ceiling "ratio-ceiling-warmup" >/dev/null
on_api "ratio-todo-api-warmup" >/dev/null

ceiling=() api=() ratios=()
for r in $(seq 1 "$PAIRS"); do
  # Alternate which goes first, so neither always follows the other.
  if ((r % 2)); then
    ceiling+=("$(on_ceiling "ratio-ceiling-$r")")
    api+=("$(on_api "ratio-todo-api-$r")")
  else
    api+=("$(on_api "ratio-todo-api-$r")")
    ceiling+=("$(on_ceiling "ratio-ceiling-$r")")
  fi
  ratios+=("$(awk -v a="${api[-1]}" -v c="${ceiling[-1]}" 'BEGIN { if (c > 0) printf "%.1f", 100 * a / c; else print "nan" }')")
  echo "  pair $r: ceiling ${ceiling[-1]} | todo-api ${api[-1]} | ${ratios[-1]}%" >&2
done
stop_all
printf '%s\n' "${ratios[@]}" >"$OUT/ceiling-ratio.txt"

echo
echo "### todo-api against the ceiling (GetTodos, 10 todos, h2load ${H2LOAD_CONNECTIONS}x${H2LOAD_STREAMS}; $PAIRS alternating pairs of ${DURATION}s after a ${WARMUP}s warm-up)"
echo
echo "| Server | req/s (median) |"
echo "|---|---:|"
echo "| ceiling server, directExecutor | $(median "${ceiling[@]}") |"
echo "| todo-api, in-memory store | $(median "${api[@]}") |"
echo
echo "todo-api / ceiling, median of the per-pair ratios: $(median "${ratios[@]}")% (pairs: ${ratios[*]})"
