#!/usr/bin/env bash
# Builds the original Go service (github.com/stphivos/todo-api-go-grpc) outside the repository,
# so the benchmarks can run it beside todo-api, on the same MongoDB stand-in and in the same budget.
#
#   bench/go-original.sh TODO_API_GO_GRPC CONFIGOR OUT
#
# TODO_API_GO_GRPC and CONFIGOR are checkouts of github.com/stphivos/todo-api-go-grpc and
# github.com/jinzhu/configor (the only dependency Debian does not package); OUT is a directory
# outside the repository (created). It builds in GOPATH mode (GO111MODULE=off) with Debian's Go and
# packaged libraries: golang-go, golang-google-grpc-dev, golang-gopkg-mgo.v2-dev,
# golang-github-joho-godotenv-dev, golang-github-burntsushi-toml-dev, golang-gopkg-yaml.v3-dev.
# It writes OUT/run/ (the binary beside an empty .env and a config.yml, as the original's image
# has them) and OUT/serve, the command to give the benchmarks: it runs the binary in OUT/run, where
# SERVER_HOST, SERVER_PORT, DB_HOST and DB_PORT from the environment override config.yml.
set -euo pipefail
die() { echo "go-original.sh: $*" >&2; exit 2; }
(($# == 3)) || die "usage: bench/go-original.sh TODO_API_GO_GRPC CONFIGOR OUT"
src="$(cd "$1" && pwd)" || die "no directory $1"
configor="$(cd "$2" && pwd)" || die "no directory $2"
[[ -f "$src/main.go" && -f "$src/server/grpc/todos.pb.go" ]] || die "$src is not a checkout of stphivos/todo-api-go-grpc"
[[ -f "$configor/configor.go" ]] || die "$configor is not a checkout of jinzhu/configor"
command -v go >/dev/null || die "no go on PATH (apt-get install golang-go and the packages above)"
mkdir -p "$3"
out="$(cd "$3" && pwd)"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$out/" in "$repo"/*) die "OUT must be outside the repository ($repo)" ;; esac

gopath="$out/gopath"
rm -rf "$gopath"
mkdir -p "$gopath/src/github.com/stphivos" "$gopath/src/github.com/jinzhu" "$out/run"
cp -R "$src" "$gopath/src/github.com/stphivos/todo-api-go-grpc"
cp -R "$configor" "$gopath/src/github.com/jinzhu/configor"
(cd "$gopath/src/github.com/stphivos/todo-api-go-grpc" \
    && GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= go build -o "$out/run/todo-api-go" .)
: >"$out/run/.env"
cat >"$out/run/config.yml" <<'YAML'
server:
    type: grpc
    host: 127.0.0.1
    port: 8000

database:
    type: mongo
    host: 127.0.0.1
    port: 27017
YAML
cat >"$out/serve" <<'SH'
#!/bin/sh
# The original Go service, run beside its .env and config.yml (written by bench/go-original.sh).
cd "$(dirname "$0")/run" && exec ./todo-api-go
SH
chmod +x "$out/serve"
echo "built $out/run/todo-api-go ($(go version | cut -d' ' -f3)); benchmark command: $out/serve"
