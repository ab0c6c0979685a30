#!/usr/bin/env bash
# Scale harness: the real sender and receiver engines (protocol/src/main/.../engine) over an
# in-memory network in simulated time, for 1, 10, 100 and 1000 receivers and five kinds of links
# (ScaleHarnessTest#fullMatrix in protocol's tests). No sockets, no root, no lab: one JVM.
#
#   bench/scale.sh [--name NAME] [--title TEXT] [--receivers LIST] [--links LIST] [--mib N]
#                  [--block-kib N] [--seed N]
#
# Writes the markdown table to bench/results/scale-NAME.md (default NAME: the short commit)
# with a header saying which engine (commit, and whether protocol/src/main has uncommitted
# changes), the machine, and how long the run took. See bench/README.md, "Scale harness".
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/scale.sh [options]
  --name NAME        results go to bench/results/scale-NAME.md (default: the short commit)
  --title TEXT       first line of the results file (default: "Scale harness, engine at COMMIT")
  --receivers LIST   receiver counts (default 1,10,100,1000; 1 is always run, for the ratio)
  --links LIST       kinds of links, 1-5 (default all): 1 independent 0.1%, 2 independent 1%,
                     3 independent 5%, 4 Gilbert-Elliott 5% in bursts of 50 packets,
                     5 2% of the receivers (at least one) on links at half the rate
  --mib N            size of the random image in MiB (default 16)
  --block-kib N      block size in KiB (default 256; see bench/README.md for why not 1024)
  --seed N           image and loss seed (default 1)
  -h, --help         this text
Environment: SCALE_MAX_DIRECT (the test JVM's -XX:MaxDirectMemorySize, default 6g: 1000
receivers hold about 4.3 GiB of block windows at 256 KiB blocks).
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
NAME=
TITLE=
PROPS=()
ARGS=
while [[ $# -gt 0 ]]; do
  case $1 in
    --name) NAME=$2; shift 2 ;;
    --title) TITLE=$2; shift 2 ;;
    --receivers) PROPS+=("-Dimgcast.scale.receivers=$2"); ARGS+=" $1 $2"; shift 2 ;;
    --links) PROPS+=("-Dimgcast.scale.links=$2"); ARGS+=" $1 $2"; shift 2 ;;
    --mib) PROPS+=("-Dimgcast.scale.mib=$2"); ARGS+=" $1 $2"; shift 2 ;;
    --block-kib) PROPS+=("-Dimgcast.scale.blockKib=$2"); ARGS+=" $1 $2"; shift 2 ;;
    --seed) PROPS+=("-Dimgcast.scale.seed=$2"); ARGS+=" $1 $2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scale.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$ROOT"
COMMIT=$(git rev-parse --short HEAD)
ENGINE=$(git log -1 --format='%h (%cs)' -- protocol/src/main)
DIRTY=
if ! git diff --quiet HEAD -- protocol/src/main; then
  DIRTY=" + uncommitted changes in protocol/src/main"
fi
NAME=${NAME:-$COMMIT}
TITLE=${TITLE:-"Scale harness, engine at $COMMIT$DIRTY"}
OUT=$ROOT/bench/results/scale-$NAME.md
LOG=$(mktemp "${TMPDIR:-/tmp}/imgcast-scale.XXXXXX")
TABLE=$ROOT/protocol/target/scale-table.md
mkdir -p "$ROOT/bench/results"
rm -f "$TABLE"

echo "[$(date +%H:%M:%S)] scale harness at $COMMIT$DIRTY; log $LOG" >&2
START=$(date +%s)
# -am: test-support (a test dependency) is built in the same reactor, nothing is installed.
# Checkstyle is skipped: a style slip in work in progress must not stop a measurement.
set +e
./mvnw -q -o -B test -pl protocol -am -Dcheckstyle.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='ScaleHarnessTest#fullMatrix' -Dimgcast.scale=full "${PROPS[@]}" \
  -DargLine="-XX:MaxDirectMemorySize=${SCALE_MAX_DIRECT:-6g}" 2>&1 | tee "$LOG" | grep --line-buffered '^| [0-9]' >&2
STATUS=${PIPESTATUS[0]}
set -e
SECONDS_TAKEN=$(( $(date +%s) - START ))
if [[ $STATUS -ne 0 || ! -s $TABLE ]]; then
  echo "scale.sh: the run failed (exit $STATUS); the end of $LOG:" >&2
  tail -40 "$LOG" >&2
  exit 1
fi

{
  echo "# $TITLE"
  echo
  echo "Engine: protocol/src/main as last changed in $ENGINE$DIRTY; harness at $COMMIT. Run $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "$(java -version 2>&1 | head -1), ${SECONDS_TAKEN} s for the whole run (\`bench/scale.sh$ARGS\`)."
  echo
  cat "$TABLE"
  echo
  grep -E '^(every copy verified|not all verified)' "$LOG" || true
} > "$OUT"
rm -f "$LOG"
echo "[$(date +%H:%M:%S)] done in ${SECONDS_TAKEN} s: $OUT" >&2
cat "$OUT"
