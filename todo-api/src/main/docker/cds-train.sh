#!/bin/sh
# Writes an AppCDS archive for todo-api: starts the service once with -XX:ArchiveClassesAtExit,
# waits for its ready line (health SERVING), stops it with SIGTERM, and checks the archive is there.
# The image's Dockerfile runs it at build time, with the JVM that will run the service (an archive
# only works with the JVM build that wrote it); bench/footprint.sh runs it the same way.
#
#   cds-train.sh JAR ARCHIVE [JVM_FLAG...]
set -eu
if [ "$#" -lt 2 ]; then
  echo "usage: cds-train.sh JAR ARCHIVE [JVM_FLAG...]" >&2
  exit 2
fi
jar="$1"
archive="$2"
shift 2
[ -f "$jar" ] || { echo "cds-train.sh: no such jar: $jar" >&2; exit 2; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rm -f "$archive"

# Loopback, any free ports, the in-memory store: training needs no network and no database.
SERVER_HOST=127.0.0.1 SERVER_PORT=0 METRICS_HOST=127.0.0.1 METRICS_PORT=0 DB_TYPE=memory \
  java "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" >"$log" 2>&1 &
pid=$!
tries=0
until grep -q 'todo-api ready:' "$log"; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -ge 600 ]; then
    echo "cds-train.sh: todo-api did not become ready within 60 s; its output:" >&2
    cat "$log" >&2
    kill -KILL "$pid" 2>/dev/null || true
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.1
done
kill -TERM "$pid"
# The archive is written while the JVM exits after its drain.
wait "$pid" || { echo "cds-train.sh: todo-api exited with status $? after SIGTERM; its output:" >&2; cat "$log" >&2; exit 1; }
[ -s "$archive" ] || { echo "cds-train.sh: no archive written to $archive; todo-api's output:" >&2; cat "$log" >&2; exit 1; }
echo "cds-train.sh: wrote $archive ($(wc -c <"$archive") bytes)"
