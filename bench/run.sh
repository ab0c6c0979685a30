#!/usr/bin/env bash
# Benchmark: imgcast against udpcast and UFTP on the namespace lab (private
# network namespaces only: no multicast ever leaves this machine).
#
#   bench/run.sh [--reps N] [--tools LIST] [--quick] [--memory | --no-memory] [options]
#
# One run of this script = one lab (lab/lab.sh, name "iclbench"), one shaped link, the same
# images, every tool. See bench/README.md for what is measured and how the peers are set up.
# Needs root (network namespaces). All traffic stays inside the lab's namespaces: every
# sender runs in iclbench-s, every receiver in iclbench-rN, always on interface eth0.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --reps N          repetitions per (image, loss, tool); the median is reported (default 3)
  --tools LIST      comma-separated subset of udpcast,uftp,imgcast (default: all three)
  --quick           smoke test: one repetition, random image, 0% loss, no memory check
  --images LIST     matrix images, subset of random,halfzero (default: both)
  --loss LIST       matrix loss percentages (default: 0,1)
  --memory          run only the memory check (512 MiB and 4 GiB images, one receiver;
                    default tool imgcast, --tools adds the peers)
  --no-memory       skip the memory check of the default run
  --size-mib N      size of the matrix images in MiB (default 256)
  --mem-gib N       size of the large memory-check image in GiB (default 4)
  --rate MBIT       link shaping and every tool's rate cap, Mbit/s (default 500)
  --receivers N     receivers in the matrix (default 3)
  --out FILE        also write the results (markdown) to FILE
  --keep-logs       keep the per-run logs (default: kept only when a run failed)
  -h, --help        this text
Exit code: 0 when every run verified, 1 when any run FAILED, 2 on a usage error.
Environment: UDPCAST_OPTS (extra udp-sender options, default "--rexmit-hello-interval 1000
--retries-until-drop 1000"; set it empty for udpcast's defaults), UFTP_BLOCK (uftp -b, default:
uftp's own 1300), UFTP_BUF (uftp/uftpd -B, default 4194304), IMGCAST_JAR (default
client-agent/target/img.jar).
EOF
}

die() { echo "run.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LAB_SH=$ROOT/lab/lab.sh
LAB=iclbench
JAR=${IMGCAST_JAR:-$ROOT/client-agent/target/img.jar}
UFTP_BUF=${UFTP_BUF:-4194304}
UFTP_BLOCK=${UFTP_BLOCK:-}
# Without these, udpcast's rendezvous hangs when its one HELLO (or a connect reply) is lost, and
# it drops receivers whose acknowledgements are lost: about one run in three to six failed at
# 1% loss. Both are documented udpcast options for lossy networks. UDPCAST_OPTS= disables them.
UDPCAST_OPTS=${UDPCAST_OPTS---rexmit-hello-interval 1000 --retries-until-drop 1000}

REPS=3
TOOLS=udpcast,uftp,imgcast
TOOLS_GIVEN=0
QUICK=0
IMAGES=random,halfzero
LOSSES=0,1
MODE=all            # all | memory
DO_MEMORY=1
SIZE_MIB=256
MEM_GIB=4
RATE_MBIT=500
RECEIVERS=3
OUT_FILE=
KEEP_LOGS=0
MEM_MIN_FREE_GIB=10
MEM_REF_MIB=512

while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) REPS=${2:?}; shift 2 ;;
    --tools) TOOLS=${2:?}; TOOLS_GIVEN=1; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --images) IMAGES=${2:?}; shift 2 ;;
    --loss) LOSSES=${2:?}; shift 2 ;;
    --memory) MODE=memory; shift ;;
    --no-memory) DO_MEMORY=0; shift ;;
    --size-mib) SIZE_MIB=${2:?}; shift 2 ;;
    --mem-gib) MEM_GIB=${2:?}; shift 2 ;;
    --rate) RATE_MBIT=${2:?}; shift 2 ;;
    --receivers) RECEIVERS=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    --keep-logs) KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer"
[[ $SIZE_MIB =~ ^[1-9][0-9]*$ && $((SIZE_MIB % 2)) -eq 0 ]] || die "--size-mib must be a positive even integer"
[[ $MEM_GIB =~ ^[1-9][0-9]*$ ]] || die "--mem-gib must be a positive integer"
[[ $RATE_MBIT =~ ^[1-9][0-9]*$ ]] || die "--rate must be a positive integer (Mbit/s)"
[[ $RECEIVERS =~ ^[1-9]$ ]] || die "--receivers must be 1..9"
[[ $(id -u) == 0 ]] || die "needs root (network namespaces)"
[[ -x $LAB_SH ]] || die "lab script not found: $LAB_SH"
if [[ $MODE == memory && $TOOLS_GIVEN == 0 ]]; then TOOLS=imgcast; fi
if [[ $QUICK == 1 ]]; then REPS=1; DO_MEMORY=0; IMAGES=random; LOSSES=0; fi

declare -a TOOL_LIST=()
IFS=, read -r -a TOOL_LIST <<<"$TOOLS"
for t in "${TOOL_LIST[@]}"; do
  case "$t" in udpcast|uftp|imgcast) ;; *) die "unknown tool: $t (udpcast, uftp, imgcast)" ;; esac
done
declare -a IMAGE_LIST=() LOSS_LIST=()
IFS=, read -r -a IMAGE_LIST <<<"$IMAGES"
IFS=, read -r -a LOSS_LIST <<<"$LOSSES"
for t in "${IMAGE_LIST[@]}"; do
  case "$t" in random|halfzero) ;; *) die "unknown image: $t (random, halfzero)" ;; esac
done
for t in "${LOSS_LIST[@]}"; do
  [[ $t =~ ^[0-9]+$ && $t -le 100 ]] || die "loss must be an integer percentage: $t"
done

# Why a tool cannot run (empty: it can).
unavailable() {
  case "$1" in
    udpcast) command -v udp-sender >/dev/null && command -v udp-receiver >/dev/null || echo "udpcast not installed" ;;
    uftp) command -v uftp >/dev/null && command -v uftpd >/dev/null || echo "uftp not installed" ;;
    imgcast)
      if [[ ! -f $JAR ]]; then echo "jar missing: $JAR (cd $ROOT && mvn -q -B -DskipTests package)"
      elif ! command -v java >/dev/null; then echo "java not installed"; fi ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Processes. Every process this script starts is its direct child (ip netns exec execs the
# command) and is recorded here; cleanup kills only recorded pids that are still our
# children, so a recycled pid is never hit.

declare -A LIVE=()
WATCHDOG_PID=
WORK=
MEMWORK=
JARDIR=
LOGDIR=
FAILURES=0
MAIN_PID=$$

track() { LIVE[$1]=1; }
untrack() { unset "LIVE[$1]"; }
is_ours() { # PID
  local ppid
  ppid=$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ') || return 1
  [[ $ppid == "$MAIN_PID" ]]
}
kill_ours() { # SIGNAL PID...
  local sig=$1 p; shift
  for p in "$@"; do
    if is_ours "$p"; then kill "-$sig" "$p" 2>/dev/null || true; fi
  done
}
# Stop PIDs (TERM, then KILL after 3 s) and reap them.
stop_pids() {
  local p i
  [[ $# -gt 0 ]] || return 0
  kill_ours TERM "$@"
  for ((i = 0; i < 30; i++)); do
    local alive=0
    for p in "$@"; do if is_ours "$p" && [[ $(ps -o stat= -p "$p" 2>/dev/null) != Z* ]]; then alive=1; fi; done
    [[ $alive == 1 ]] || break
    sleep 0.1
  done
  kill_ours KILL "$@"
  for p in "$@"; do wait "$p" 2>/dev/null || true; untrack "$p"; done
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pids "${!LIVE[@]}"
  "$LAB_SH" down "$LAB" 2>/dev/null || true
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  [[ -n $MEMWORK && -d $MEMWORK ]] && rm -rf "$MEMWORK"
  [[ -n $JARDIR && -d $JARDIR ]] && rm -rf "$JARDIR"
  if [[ -n $LOGDIR && -d $LOGDIR ]]; then
    if [[ $KEEP_LOGS == 1 || $FAILURES -gt 0 || $rc -ne 0 ]]; then
      echo "run.sh: logs kept in $LOGDIR" >&2
    else
      rm -rf "$LOGDIR"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_watchdog() { # SECONDS MARKER_FILE PID...
  local secs=$1 marker=$2; shift 2
  (
    sp=
    trap '[[ -n $sp ]] && kill "$sp" 2>/dev/null; exit 0' TERM
    sleep "$secs" & sp=$!
    wait "$sp" || exit 0
    echo "run.sh: run exceeded ${secs}s, stopping it" >&2
    : >"$marker"
    kill_ours TERM "$@"
    sleep 3
    kill_ours KILL "$@"
  ) &
  WATCHDOG_PID=$!
  track "$WATCHDOG_PID"
}
stop_watchdog() {
  [[ -n $WATCHDOG_PID ]] || return 0
  kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
  wait "$WATCHDOG_PID" 2>/dev/null || true
  untrack "$WATCHDOG_PID"
  WATCHDOG_PID=
}

# ---------------------------------------------------------------------------------------
# Small helpers.

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
share() { awk -v b="$1" -v s="$2" -v r="$RATE_MBIT" 'BEGIN { printf "%.0f%%", b * 8 / s / (r * 1e6) * 100 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
free_bytes() { df -B1 --output=avail "$1" | tail -n 1 | tr -d ' '; }
uid_of() { printf '0x%08x' $((0x0afa000a + $1)); } # uftpd client id = its address 10.250.0.(10+N)
ns_of() { echo "$LAB-$1"; }

# Sum over the receivers of the kernel's UDP receive-buffer drops (their namespaces' counters).
rcvbuf_errors() {
  local i sum=0 v
  for ((i = 1; i <= $1; i++)); do
    # shellcheck disable=SC2016  # awk program
    v=$(ip netns exec "$(ns_of "r$i")" awk '/^Udp:/ { if (!h) { for (k = 1; k <= NF; k++) if ($k == "RcvbufErrors") c = k; h = 1 } else print $c }' /proc/net/snmp)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
# Packets dropped by the sender link's tbf qdisc so far.
tbf_drops() {
  ip netns exec "$(ns_of s)" tc -s qdisc show dev eth0 | awk '/dropped/ { gsub(/,/, ""); for (k = 1; k <= NF; k++) if ($k == "(dropped") { print $(k + 1); exit } }'
}

# Wait until PID (a receiver in namespace NS) has a UDP socket bound, i.e. is listening.
wait_listening() { # NS PID NAME [PORT]
  local ns=$1 pid=$2 name=$3 port=${4:-} i
  for ((i = 0; i < 300; i++)); do
    is_ours "$pid" || { echo "$name exited before it was ready"; return 1; }
    # With a port: a socket on that port (imgcast opens loopback sockets for its warm-up first).
    if ip netns exec "$ns" ss -Huanp 2>/dev/null | grep -F "pid=$pid," | grep -qE "${port:+:$port }"; then return 0; fi
    sleep 0.1
  done
  echo "$name opened no UDP socket within 30 s"
  return 1
}

# Peak resident memory (VmHWM, KiB) of PID, sampled into FILE every 0.1 s until it exits.
start_sampler() { # PID FILE
  local pid=$1 file=$2
  (
    while [[ -r /proc/$pid/status ]]; do
      while read -r k v _; do
        if [[ $k == VmHWM: ]]; then echo "$v" >"$file.tmp" && mv -f "$file.tmp" "$file"; break; fi
      done <"/proc/$pid/status" 2>/dev/null || true
      sleep 0.1
    done
  ) &
  SAMPLER_PID=$!
  track "$SAMPLER_PID"
}

# ---------------------------------------------------------------------------------------
# One transfer. Sets RUN_STATUS (ok|FAILED), RUN_SECONDS, RUN_REASON, RUN_RSS_KIB.

RUN_STATUS='' RUN_SECONDS='' RUN_REASON='' RUN_RSS_KIB='' SAMPLER_PID=''

run_transfer() { # TOOL IMAGE SHA256 NRECEIVERS OUTDIR RUNLOG SAMPLE_RSS
  local tool=$1 image=$2 sha=$3 n=$4 outdir=$5 rlog=$6 sample=$7
  local name i ns pid rc t0 t1 reason=
  local -a rpids=() outs=() samplers=() stfiles=()
  local bytes; bytes=$(stat -c %s "$image")
  name=$(basename "$image")
  # Give up after 40 s plus four times the ideal transfer time (57 s for 256 MiB at 500 Mbit/s).
  local limit=$((40 + 4 * bytes * 8 / (RATE_MBIT * 1000000)))
  RUN_STATUS=FAILED RUN_SECONDS='' RUN_REASON='' RUN_RSS_KIB=''
  mkdir -p "$outdir" "$rlog"
  local drops0 tbf0
  drops0=$(rcvbuf_errors "$n"); tbf0=$(tbf_drops)

  # Receivers first, each in its own namespace, and wait until every one is listening.
  for ((i = 1; i <= n; i++)); do
    ns=$(ns_of "r$i")
    case "$tool" in
      udpcast)
        outs[i]=$outdir/r$i.img
        ip netns exec "$ns" udp-receiver --file "${outs[i]}" --interface eth0 --nokbd \
          >"$rlog/r$i.log" 2>&1 </dev/null &
        ;;
      uftp)
        mkdir -p "$outdir/r$i"
        outs[i]=$outdir/r$i/$name
        stfiles[i]=$rlog/r$i.status
        local -a bopt=()
        [[ -z $UFTP_BUF ]] || bopt=(-B "$UFTP_BUF")
        ip netns exec "$ns" uftpd -d -q -I eth0 -U "$(uid_of "$i")" "${bopt[@]}" \
          -D "$outdir/r$i" -F "${stfiles[i]}" >"$rlog/r$i.log" 2>&1 </dev/null &
        ;;
      imgcast)
        outs[i]=$outdir/r$i.img
        ip netns exec "$ns" env IMG_JAR="$RUN_JAR" "$ROOT/client-agent/img" receive "${outs[i]}" --interface eth0 \
          --session bench --timeout 60 --name "r$i" >"$rlog/r$i.log" 2>&1 </dev/null &
        ;;
    esac
    rpids[i]=$!
    track "${rpids[i]}"
    if [[ $sample == 1 ]]; then start_sampler "${rpids[i]}" "$rlog/r$i.rss"; samplers[i]=$SAMPLER_PID; fi
  done
  for ((i = 1; i <= n; i++)); do
    if ! reason=$(wait_listening "$(ns_of "r$i")" "${rpids[i]}" "receiver r$i" "$([[ $tool == imgcast ]] && echo 9100)"); then
      if [[ $tool == imgcast && $reason == *"no UDP socket"* ]]; then
        log "warning: imgcast $reason; starting the sender anyway (it waits for $n receivers)"
        reason=
      else
        break
      fi
    fi
  done

  if [[ -z $reason ]]; then
    ns=$(ns_of s)
    local hosts i2
    hosts=$(for ((i2 = 1; i2 <= n; i2++)); do uid_of "$i2"; echo; done | paste -sd, -)
    local -a uopt=() sopt=()
    read -r -a uopt <<<"$UDPCAST_OPTS"
    [[ -z $UFTP_BUF ]] || sopt+=(-B "$UFTP_BUF")
    [[ -z $UFTP_BLOCK ]] || sopt+=(-b "$UFTP_BLOCK")
    # The clock runs from starting the sender until the sender and every receiver are done.
    t0=$EPOCHREALTIME
    case "$tool" in
      udpcast)
        ip netns exec "$ns" udp-sender --file "$image" --interface eth0 --min-receivers "$n" \
          --nokbd --max-bitrate "${RATE_MBIT}m" "${uopt[@]}" >"$rlog/sender.log" 2>&1 </dev/null &
        ;;
      uftp)
        ip netns exec "$ns" uftp -I eth0 -R $((RATE_MBIT * 1000)) "${sopt[@]}" -M 230.4.4.1 \
          -P 230.5.5.1 -H "$hosts" "$image" >"$rlog/sender.log" 2>&1 </dev/null &
        ;;
      imgcast)
        ip netns exec "$ns" env IMG_JAR="$RUN_JAR" "$ROOT/client-agent/img" send "$image" --interface eth0 --session bench \
          --rate "${RATE_MBIT}m" --receivers "$n" --timeout 60 >"$rlog/sender.log" 2>&1 </dev/null &
        ;;
    esac
    local spid=$!
    track "$spid"
    start_watchdog "$limit" "$rlog/timed-out" "$spid" "${rpids[@]}"

    rc=0; wait "$spid" || rc=$?
    untrack "$spid"
    [[ $rc == 0 ]] || reason="sender exit code $rc"
    if [[ $tool == uftp ]]; then
      # uftpd is a daemon and never exits: a receiver is done when its status file reports
      # the file (uftp itself only exits after every client sent COMPLETE).
      for ((i = 1; i <= n; i++)); do
        local k
        for ((k = 0; k < 500; k++)); do
          grep -qE '^RESULT;.*;(copied|overwrote)' "${stfiles[i]}" 2>/dev/null && break
          is_ours "${rpids[i]}" || break
          sleep 0.02
        done
        grep -qE '^RESULT;.*;(copied|overwrote)' "${stfiles[i]}" 2>/dev/null || reason=${reason:-"receiver r$i reported no complete file"}
      done
      t1=$EPOCHREALTIME
      if [[ $sample == 1 ]]; then
        for ((i = 1; i <= n; i++)); do
          awk '/^VmHWM:/ { print $2 }' "/proc/${rpids[i]}/status" >"$rlog/r$i.rss" 2>/dev/null || true
        done
      fi
    else
      for ((i = 1; i <= n; i++)); do
        rc=0; wait "${rpids[i]}" || rc=$?
        untrack "${rpids[i]}"
        [[ $rc == 0 ]] || reason=${reason:-"receiver r$i exit code $rc"}
      done
      t1=$EPOCHREALTIME
    fi
    stop_watchdog
    RUN_SECONDS=$(elapsed "$t0" "$t1")
    [[ ! -e $rlog/timed-out ]] || reason="timed out after ${limit}s ($reason)"
  fi
  stop_pids "${rpids[@]}"
  if [[ ${#samplers[@]} -gt 0 ]]; then stop_pids "${samplers[@]}"; fi

  # Every copy must be byte-identical to the source; a wrong copy fails the run.
  if [[ -z $reason ]]; then
    for ((i = 1; i <= n; i++)); do
      local got
      if [[ ! -f ${outs[i]} ]]; then reason="receiver r$i wrote no file"; break; fi
      got=$(sha256sum "${outs[i]}" | cut -d' ' -f1)
      if [[ $got != "$sha" ]]; then reason="receiver r$i copy has the wrong sha256"; break; fi
    done
  fi
  rm -rf "$outdir"

  local drops1 tbf1
  drops1=$(rcvbuf_errors "$n"); tbf1=$(tbf_drops)
  echo "rcvbuf_drops=$((drops1 - drops0)) tbf_drops=$((tbf1 - tbf0))" >"$rlog/counters"
  if [[ $sample == 1 ]]; then
    local max=0 v
    for ((i = 1; i <= n; i++)); do
      v=$(cat "$rlog/r$i.rss" 2>/dev/null || echo 0)
      if ((v > max)); then max=$v; fi
    done
    RUN_RSS_KIB=$max
  fi
  if [[ -z $reason ]]; then
    RUN_STATUS=ok
  else
    RUN_REASON=$reason
    FAILURES=$((FAILURES + 1))
    {
      echo "---- FAILED: $tool $(basename "$image"): $reason (logs: $rlog)"
      local f
      for f in "$rlog"/sender.log "$rlog"/r*.log; do
        [[ -f $f ]] || continue
        echo "---- tail of $(basename "$f")"
        tail -n 12 "$f" | cut -c1-200
      done
    } >&2
  fi
}

# ---------------------------------------------------------------------------------------
# Images.

# shellcheck disable=SC2317  # make_* are called as "make_$name"
make_random() { head -c "$(($2 * 1048576))" /dev/urandom >"$1"; }
# Alternating 1 MiB blocks: random, zeros, random, zeros, ... (zeros written, not holes).
# shellcheck disable=SC2317
make_halfzero() {
  local f=$1 mib=$2 i
  for ((i = 0; i < mib; i++)); do
    if ((i % 2 == 0)); then head -c 1048576 /dev/urandom; else head -c 1048576 /dev/zero; fi
  done >"$f"
}
# Sparse-ish: 1 MiB of random data at the start of every 8 MiB, the rest holes (reads as 0).
make_sparse() {
  local f=$1 mib=$2 i
  truncate -s "${mib}M" "$f"
  for ((i = 0; i < mib / 8; i++)); do
    dd if=/dev/urandom of="$f" bs=1M count=1 seek=$((i * 8)) conv=notrunc iflag=fullblock status=none
  done
}

lab_up() {
  log "lab: $LAB with $1 receivers, sender link shaped to ${RATE_MBIT}mbit"
  "$LAB_SH" up "$LAB" "$1"
  "$LAB_SH" shape "$LAB" "${RATE_MBIT}mbit"
}

# The jar is copied once per script run, so that a rebuild during the benchmark cannot
# change (or break) imgcast between repetitions.
RUN_JAR=
JAR_INFO=
snapshot_jar() {
  [[ -z $RUN_JAR && -f $JAR && " ${TOOL_LIST[*]} " == *" imgcast "* ]] || return 0
  local i age
  JARDIR=$(mktemp -d "${TMPDIR:-/tmp}/imgcast-bench-jar.XXXXXX")
  RUN_JAR=$JARDIR/img.jar
  for ((i = 0; i < 60; i++)); do
    # A jar younger than 5 s may still be being written by a build.
    age=$(($(date +%s) - $(stat -c %Y "$JAR")))
    if ((age >= 5)) && cp "$JAR" "$RUN_JAR" && java -jar "$RUN_JAR" --version >/dev/null 2>&1; then
      JAR_INFO="$JAR (sha256 $(sha256sum "$RUN_JAR" | cut -c1-12), built $(date -r "$JAR" '+%F %T'))"
      log "imgcast: $JAR_INFO"
      return 0
    fi
    sleep 2
  done
  die "imgcast jar $JAR is not usable (java -jar img.jar --version fails)"
}

RESULTS=""
emit() { RESULTS+="$1"$'\n'; echo "$1"; }

# ---------------------------------------------------------------------------------------
# The matrix: images x loss x tools x repetitions.

run_matrix() {
  local -a images=("${IMAGE_LIST[@]}") losses=("${LOSS_LIST[@]}")
  local need=$(((${#images[@]} + RECEIVERS + 1) * SIZE_MIB * 1048576))
  local base=/dev/shm
  [[ -d $base && $(free_bytes "$base") -gt $((need * 2)) ]] || base=${TMPDIR:-/tmp}
  WORK=$(mktemp -d "$base/imgcast-bench.XXXXXX")
  log "images and received copies in $WORK"

  local img
  declare -A SHA=()
  for img in "${images[@]}"; do
    "make_$img" "$WORK/$img.img" "$SIZE_MIB"
    SHA[$img]=$(sha256sum "$WORK/$img.img" | cut -d' ' -f1)
  done
  local bytes=$((SIZE_MIB * 1048576))

  declare -A SKIP=()
  local tool
  for tool in "${TOOL_LIST[@]}"; do
    SKIP[$tool]=$(unavailable "$tool")
    [[ -z ${SKIP[$tool]} ]] || log "skipping $tool: ${SKIP[$tool]}"
  done

  lab_up "$RECEIVERS"
  declare -A TIMES=() FAILS=()
  local loss rep key
  declare -A MED=()
  for img in "${images[@]}"; do
    for loss in "${losses[@]}"; do
      "$LAB_SH" loss "$LAB" "$loss"
      # Repetitions outermost: drift (other load on the machine) spreads over all tools.
      for ((rep = 1; rep <= REPS; rep++)); do
        for tool in "${TOOL_LIST[@]}"; do
          [[ -z ${SKIP[$tool]} ]] || continue
          key="$img/$loss/$tool"
          run_transfer "$tool" "$WORK/$img.img" "${SHA[$img]}" "$RECEIVERS" "$WORK/out" \
            "$LOGDIR/$img-loss$loss-$tool-$rep" 0
          local counters; counters=$(cat "$LOGDIR/$img-loss$loss-$tool-$rep/counters")
          if [[ $RUN_STATUS == ok ]]; then
            TIMES[$key]+="$RUN_SECONDS "
            log "$img loss=$loss% $tool rep $rep: ${RUN_SECONDS}s ok ($counters)"
          else
            FAILS[$key]=$((${FAILS[$key]:-0} + 1))
            log "$img loss=$loss% $tool rep $rep: FAILED: $RUN_REASON${RUN_SECONDS:+ (after ${RUN_SECONDS}s)} ($counters)"
          fi
          echo "$img,$loss,$tool,$rep,$RUN_STATUS,${RUN_SECONDS},$counters,${RUN_REASON}" >>"$LOGDIR/runs.csv"
          sleep 0.3
        done
      done
    done
  done
  "$LAB_SH" loss "$LAB" 0

  # Table: one row per (image, loss); median seconds and share of line rate per tool.
  local imgdesc="random = ${SIZE_MIB} MiB from /dev/urandom; halfzero = ${SIZE_MIB} MiB, alternating 1 MiB random / 1 MiB zero blocks"
  emit ""
  emit "Results: $RECEIVERS receivers, sender link ${RATE_MBIT} Mbit/s (tbf), median of $REPS, seconds from sender start until sender and all receivers are done; % = image bits / time / line rate. ($imgdesc)"
  emit ""
  local hdr="| image | loss |" sep="| --- | --- |"
  for tool in "${TOOL_LIST[@]}"; do hdr+=" $tool s | $tool % |"; sep+=" ---: | ---: |"; done
  local have_ratio_u=0 have_ratio_f=0
  if [[ " ${TOOL_LIST[*]} " == *" imgcast "* ]]; then
    [[ " ${TOOL_LIST[*]} " == *" udpcast "* ]] && { hdr+=" imgcast/udpcast |"; sep+=" ---: |"; have_ratio_u=1; }
    [[ " ${TOOL_LIST[*]} " == *" uftp "* ]] && { hdr+=" imgcast/UFTP |"; sep+=" ---: |"; have_ratio_f=1; }
  fi
  emit "$hdr"
  emit "$sep"
  for img in "${images[@]}"; do
    for loss in "${losses[@]}"; do
      local row="| $img | $loss% |"
      MED=()
      for tool in "${TOOL_LIST[@]}"; do
        key="$img/$loss/$tool"
        if [[ -n ${SKIP[$tool]} ]]; then
          row+=" pending | pending |"
        elif [[ -n ${FAILS[$key]:-} ]]; then
          row+=" FAILED (${FAILS[$key]}/$REPS) | - |"
        else
          local -a ts=()
          read -r -a ts <<<"${TIMES[$key]}"
          MED[$tool]=$(median "${ts[@]}")
          row+=" ${MED[$tool]} | $(share "$bytes" "${MED[$tool]}") |"
        fi
      done
      if [[ $have_ratio_u == 1 ]]; then
        if [[ -n ${MED[imgcast]:-} && -n ${MED[udpcast]:-} ]]; then row+=" $(ratio "${MED[imgcast]}" "${MED[udpcast]}") |"; else row+=" - |"; fi
      fi
      if [[ $have_ratio_f == 1 ]]; then
        if [[ -n ${MED[imgcast]:-} && -n ${MED[uftp]:-} ]]; then row+=" $(ratio "${MED[imgcast]}" "${MED[uftp]}") |"; else row+=" - |"; fi
      fi
      emit "$row"
    done
  done
  emit ""
  emit "Individual runs (seconds):"
  for img in "${images[@]}"; do
    for loss in "${losses[@]}"; do
      for tool in "${TOOL_LIST[@]}"; do
        key="$img/$loss/$tool"
        [[ -z ${SKIP[$tool]} ]] || { emit "  $img loss=$loss% $tool: skipped (${SKIP[$tool]})"; continue; }
        emit "  $img loss=$loss% $tool: ${TIMES[$key]:-}${FAILS[$key]:+ FAILED x${FAILS[$key]}}"
      done
    done
  done
  "$LAB_SH" down "$LAB"
  rm -rf "$WORK"; WORK=
}

# ---------------------------------------------------------------------------------------
# Memory check: peak RSS of the receiver for a large image, one receiver, no loss.

run_memory() {
  local base=${TMPDIR:-/tmp} free need=$((MEM_MIN_FREE_GIB * 1073741824))
  free=$(free_bytes "$base")
  emit ""
  if ((free < need)); then
    emit "Memory check skipped: $((free / 1073741824)) GiB free in $base, it needs at least $MEM_MIN_FREE_GIB GiB."
    return 0
  fi
  local -a tools=()
  local tool
  for tool in "${TOOL_LIST[@]}"; do
    local why; why=$(unavailable "$tool")
    if [[ -n $why ]]; then emit "Memory check, $tool: skipped ($why)"; else tools+=("$tool"); fi
  done
  [[ ${#tools[@]} -gt 0 ]] || return 0
  MEMWORK=$(mktemp -d "$base/imgcast-bench-mem.XXXXXX")
  # The large image, and a small one of the same pattern: bounded memory means the same peak.
  local -a sizes=($((MEM_GIB * 1024)))
  if ((MEM_GIB * 1024 > MEM_REF_MIB)); then sizes=("$MEM_REF_MIB" "${sizes[@]}"); fi
  lab_up 1
  emit "Memory check: sparse-ish images (1 MiB of random data at the start of every 8 MiB, the rest zero), 1 receiver, ${RATE_MBIT} Mbit/s, no loss; receiver peak RSS = VmHWM of the receiver process, sampled every 0.1 s; time as in the matrix."
  emit ""
  emit "| tool | image | receiver peak RSS | time s | result |"
  emit "| --- | ---: | ---: | ---: | --- |"
  local mib img sha
  for mib in "${sizes[@]}"; do
    img=$MEMWORK/sparse-${mib}m.img
    log "memory check: making a $mib MiB image in $MEMWORK"
    make_sparse "$img" "$mib"
    sha=$(sha256sum "$img" | cut -d' ' -f1)
    for tool in "${tools[@]}"; do
      run_transfer "$tool" "$img" "$sha" 1 "$MEMWORK/out" "$LOGDIR/memory-$mib-$tool" 1
      local rss; rss=$(awk -v k="${RUN_RSS_KIB:-0}" 'BEGIN { printf "%.0f MiB", k / 1024 }')
      log "memory check $mib MiB $tool: $RUN_STATUS ${RUN_SECONDS:-}s, receiver peak RSS $rss"
      if [[ $RUN_STATUS == ok ]]; then
        emit "| $tool | $mib MiB | $rss | $RUN_SECONDS | ok |"
      else
        emit "| $tool | $mib MiB | $rss | ${RUN_SECONDS:--} | FAILED: $RUN_REASON |"
      fi
    done
    rm -f "$img"
  done
  "$LAB_SH" down "$LAB"
  rm -rf "$MEMWORK"; MEMWORK=
}

# ---------------------------------------------------------------------------------------

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/imgcast-bench-logs.XXXXXX")
echo "image,loss,tool,rep,status,seconds,counters,reason" >"$LOGDIR/runs.csv"
log "tools: ${TOOL_LIST[*]}; reps: $REPS; logs: $LOGDIR"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
snapshot_jar
if [[ $MODE == memory ]]; then
  run_memory
else
  run_matrix
  if [[ $DO_MEMORY == 1 ]]; then
    if [[ " ${TOOL_LIST[*]} " == *" imgcast "* ]]; then
      TOOL_LIST=(imgcast)
      run_memory
    else
      emit ""
      emit "Memory check: not run (imgcast not among the tools)."
    fi
  fi
fi
emit ""
[[ -z $JAR_INFO ]] || emit "imgcast: $JAR_INFO."
emit "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores). Other load on the machine shows up in these times."
if [[ -n $OUT_FILE ]]; then printf '%s' "$RESULTS" >"$OUT_FILE"; fi
if [[ $FAILURES -gt 0 ]]; then
  log "$FAILURES run(s) FAILED; see the log excerpts above"
  exit 1
fi
exit 0
