#!/usr/bin/env bash
# Measures the CPU an idle server uses, per matcher wait strategy: starts the server jar on a loopback port,
# waits for it to settle, then reads the process's CPU time from /proc over a window. Linux only.
#   bench/idle-cpu.sh [seconds] [strategy ...]      (defaults: 10 s; block sleep yield)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/server/target/mist.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests -pl server -am package)
seconds="${1:-10}"; shift || true
strategies=("${@:-block sleep yield}")
# shellcheck disable=SC2206
strategies=(${strategies[*]})
tick_ms=$((1000 / $(getconf CLK_TCK)))
port=14990
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for strategy in "${strategies[@]}"; do
  port=$((port + 1))
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-modules jdk.incubator.vector -jar "$jar" --server --wait-strategy "$strategy" \
    --listeners "tcp://127.0.0.1:$port" > /dev/null 2>&1 &
  pid=$!
  sleep 3
  before=$(cpu_ticks "$pid")
  sleep "$seconds"
  after=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  used=$(( (after - before) * tick_ms ))
  share=$(awk -v used="$used" -v s="$seconds" 'BEGIN { printf "%.1f", used / (s * 10) }')
  echo "$strategy: ${used} ms of CPU in ${seconds} s idle (${share}% of one core)"
done
