#!/usr/bin/env bash
# The standalone mode (img send / img receive, no server), like udpcast: one sender and three receivers in a private
# namespace lab, a 128 MiB image with random and all-zero blocks, the real img command.
# Prints the transfer figures and the verified SHA-256 of every copy. Needs root and a build
# (./mvnw -B -q package -DskipTests). Options: --size MIB, --loss PERCENT, --rate RATE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$root/client-agent/target/img.jar"
img="$root/client-agent/img"
size=128 loss=0 rate=500m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "usage: standalone-demo.sh [--size MIB] [--loss PERCENT] [--rate RATE]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "standalone-demo.sh: needs root (it builds a network namespace lab)" >&2; exit 2; }
[[ -f $jar ]] || { echo "standalone-demo.sh: $jar missing; build first: ./mvnw -B -q package -DskipTests" >&2; exit 2; }

lab=icldemo
work=$(mktemp -d /tmp/imgcast-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$here/lab.sh" down "$lab" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== building the lab: sender, 3 receivers, a bridge; sender link shaped to $rate, loss $loss% per receiver link"
"$here/lab.sh" up "$lab" 3
"$here/lab.sh" shape "$lab" "${rate/m/mbit}"
"$here/lab.sh" loss "$lab" "$loss"

echo "== making a $size MiB image: every fourth block and the last quarter all zero, of the rest half random, half text"
python3 "$here/sample-image.py" "$work/image.img" "$size"
echo "image SHA-256 $(sha256sum "$work/image.img" | cut -d' ' -f1)"

for i in 1 2 3; do
  ip netns exec "$lab-r$i" "$img" receive "$work/copy$i.img" \
    --interface eth0 --session demo --timeout 120 --name "receiver$i" > "$work/r$i.log" 2>&1 &
  pids+=($!)
done
echo "== sender (receivers log to their own files)"
status=0
IMG_PLAIN=1 ip netns exec "$lab-s" "$img" send "$work/image.img" \
  --interface eth0 --session demo --receivers 3 --rate "$rate" --timeout 120 || status=$?
for i in 1 2 3; do
  code=0; wait "${pids[$((i - 1))]}" || code=$?
  echo "== receiver$i (exit $code): $(grep -E '^verified SHA-256|^img:' "$work/r$i.log" | tail -1)"
  echo "   file copy$i.img SHA-256 $(sha256sum "$work/copy$i.img" 2>/dev/null | cut -d' ' -f1)"
  [[ $code == 0 ]] || status=1
done
pids=()
exit "$status"
