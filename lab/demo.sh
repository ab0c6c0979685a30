#!/usr/bin/env bash
# The main job on a fresh machine (README): the embedded imaging server (session registry, image
# store and multicast sender in one JVM, H2, no external services) on the sender host of a
# private namespace lab, a sample image uploaded to it, a session started from the server with
# clients=3, and `img session demo` typed on three devices. Prints each device's result, the
# registry's view of the run, and where the server's UI is. Needs root (the namespace lab) and a
# build (./mvnw -B -q package -DskipTests). Options: --size MIB, --loss PERCENT, --rate RATE.
#
# Without root: --interface IFACE runs the server and the three devices on this host instead,
# sending the multicast on IFACE (your choice of network; TTL 1, it stays on that segment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
server_jar="$root/imaging-server/target/quarkus-app/quarkus-run.jar"
img="$root/client-agent/img"
size=128 loss=0 rate=500m iface=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --interface) iface=$2; shift 2 ;;
    *) echo "usage: demo.sh [--size MIB] [--loss PERCENT] [--rate RATE] [--interface IFACE]" >&2; exit 2 ;;
  esac
done
if [[ -z $iface && $(id -u) != 0 ]]; then
  echo "demo.sh: the namespace lab needs root; without it, name the interface to run on (the multicast" >&2
  echo "         goes out on it): demo.sh --interface IFACE" >&2
  exit 2
fi
for f in "$server_jar" "$root/client-agent/target/img.jar"; do
  [[ -f $f ]] || { echo "demo.sh: $f missing; build first: ./mvnw -B -q package -DskipTests" >&2; exit 2; }
done
[[ $rate =~ ^([0-9]+)m$ ]] || { echo "demo.sh: --rate takes megabits, e.g. 500m" >&2; exit 2; }
rate_bits=$((BASH_REMATCH[1] * 1000000))

lab=icldemo
work=$(mktemp -d /tmp/imgcast-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $iface ]] || "$here/lab.sh" down "$lab" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }
admin=$(secret) token=$(secret) reader=$(secret)
if [[ -n $iface ]]; then
  # this host: the server and the three devices share the interface
  in_server() { "$@"; }
  on_device() { shift; "$@"; }
  server_url=http://127.0.0.1:8080 net_if=$iface
  echo "== running on this host, multicast on $iface (no lab)"
else
  in_server() { ip netns exec "$lab-s" "$@"; }
  on_device() { local i=$1; shift; ip netns exec "$lab-r$i" "$@"; }
  server_url=http://10.250.0.1:8080 net_if=eth0
  echo "== building the lab: the server host, 3 devices, a bridge; server link shaped to $rate, loss $loss% per device link"
  "$here/lab.sh" up "$lab" 3
  "$here/lab.sh" shape "$lab" "${rate/m/mbit}"
  "$here/lab.sh" loss "$lab" "$loss"
fi
api() { in_server curl -sS -u "admin:$admin" "$@"; }

echo "== starting the imaging server (embedded: H2 in $work/data, events in-process)"
in_server env IMGCAST_DATA_DIR="$work/data" IMGCAST_SENDER_INTERFACE="$net_if" IMGCAST_SENDER_RATE="$rate_bits" \
  IMGCAST_ADMIN_PASSWORD="$admin" IMGCAST_ENROLLMENT_TOKEN="$token" IMGCAST_READER_PASSWORD="$reader" \
  java -Xmx512m -jar "$server_jar" > "$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  in_server curl -sf -o /dev/null http://127.0.0.1:8080/q/health/ready && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "demo.sh: the server exited:" >&2; tail -30 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
in_server curl -sf -o /dev/null http://127.0.0.1:8080/q/health/ready || { echo "demo.sh: server not ready" >&2; exit 1; }

echo "== making a $size MiB sample image: every fourth block and the last quarter all zero, of the rest half random, half text"
python3 "$here/sample-image.py" "$work/image.img" "$size"
sha=$(sha256sum "$work/image.img" | cut -d' ' -f1)
echo "image SHA-256 $sha"
echo "== uploading it to the image store"
api -f -H "X-Imgcast-Sha256: $sha" -T "$work/image.img" http://127.0.0.1:8080/api/images/demo-image/content > /dev/null
api -f http://127.0.0.1:8080/api/images/demo-image | python3 -c "import json, sys; v = json.load(sys.stdin); print(
    'stored: %d MiB, %d zero blocks, %d MiB on the wire (zstd level %d)' % (v['size'] >> 20, v['zeroBlocks'],
    v['wireBytes'] >> 20, v.get('compression', 0)))"
echo "== starting session 'demo' from the server: image demo-image, clients=3"
api -f -H 'Content-Type: application/json' \
  -d '{"name":"demo","imageId":"demo-image","clients":3,"confirm":true}' http://127.0.0.1:8080/api/sessions > /dev/null

echo "== on each device: img session demo --disk ... (logs in their own files)"
for i in 1 2 3; do
  IMG_PLAIN=1 on_device "$i" "$img" session demo --server "$server_url" --token "$token" \
    --disk "$work/disk$i.img" --interface "$net_if" --hostname "device$i" --device-id "device$i" > "$work/d$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in 1 2 3; do
  code=0; wait "${pids[$i]}" || code=$?
  echo "== device$i (exit $code): $(grep -E '^verified SHA-256|^img:' "$work/d$i.log" | tail -1)"
  echo "   disk$i.img SHA-256 $(sha256sum "$work/disk$i.img" 2>/dev/null | cut -d' ' -f1)"
  [[ $code == 0 ]] || { status=1; tail -5 "$work/d$i.log" | sed 's/^/   /'; }
done

echo "== the registry's view of the run"
for _ in $(seq 1 60); do
  view=$(api http://127.0.0.1:8080/api/sessions/demo)
  [[ $view == *'"state":"STARTED"'* ]] || break
  sleep 0.5
done
python3 - "$view" <<'PY' || status=1
import json, sys
s = json.loads(sys.argv[1])
print(f"session {s['name']} run {s['runNo']}: {s['state']} ({s.get('endReason', '')}); started: {s.get('startReason')}")
for p in s["participants"]:
    print(f"  {p.get('hostname', p['deviceId']):10} {p['state']:9} {p.get('sha256') or p.get('reason', '')}")
sys.exit(0 if s["state"] == "FINISHED" else 1)
PY
echo "== the server's dashboard was at $server_url/dashboard/ (sign in as admin), the API at $server_url/q/swagger-ui$([[ -n $iface ]] || echo ' (inside the lab)'). On a real network:"
echo "   IMGCAST_SENDER_INTERFACE=eth0 IMGCAST_ADMIN_PASSWORD=... IMGCAST_ENROLLMENT_TOKEN=... IMGCAST_READER_PASSWORD=... \\"
echo "     java -jar imaging-server/target/quarkus-app/quarkus-run.jar   # then http://<server>:8080/dashboard/ and /q/swagger-ui"
exit "$status"
