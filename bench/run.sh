#!/usr/bin/env bash
# Benchmark: imgcast against udpcast and UFTP on the namespace lab (private
# network namespaces only: no multicast ever leaves this machine).
#
#   bench/run.sh [--reps N] [--tools LIST] [--rates LIST] [--images LIST] [--quick] [options]
#
# One run of this script = one lab (lab/lab.sh, name "iclbench"), the same images, every tool,
# one row per link rate. See bench/README.md for what is measured and how the peers are set up.
# Needs root (network namespaces). All traffic stays inside the lab's namespaces: every
# sender runs in iclbench-s, every receiver in iclbench-rN, always on interface eth0.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --reps N          repetitions per (rate, image, loss, tool); the median is reported (default 3)
  --tools LIST      comma-separated subset of udpcast,uftp,imgcast (default: all three)
  --rates LIST      link rates, Mbit/s or "unshaped" (no tbf on the sender link), e.g.
                    500,1000,unshaped (default). Shaped: every tool's cap is the link rate.
  --rate MBIT       the same as --rates MBIT
  --images LIST     matrix images, subset of random,halfzero,fsimage,fsdirty
                    (default: random,halfzero,fsimage)
  --loss LIST       matrix loss percentages (default: 0,1); bN = N% in bursts of 50 frames
                    in a row towards every receiver (e.g. b5)
  --quick           smoke test: one repetition, and unless given: random image, 0% loss,
                    500 Mbit/s; no memory check
  --memory          run only the memory check (512 MiB and 4 GiB images, one receiver;
                    default tool imgcast, --tools adds the peers)
  --no-memory       skip the memory check of the default run
  --size-mib N      size of the random and halfzero images in MiB (default 256)
  --fs-mib N        size of the fsimage/fsdirty ext4 images in MiB (default 2048)
  --fs-fill PCT     share of the ext4 image filled with copied system files (default 50)
  --fs-rebuild      build the ext4 images anew instead of using the cached ones
  --fs-prepare      only build (or check) the cached ext4 images of --images and print what
                    they hold; no lab, no transfers
  --mem-gib N       size of the large memory-check image in GiB (default 4)
  --receivers N     receivers in the matrix (default 3)
  --out FILE        also write the results (markdown) to FILE
  --keep-logs       keep the per-run logs (default: kept only when a run failed)
  -h, --help        this text
Exit code: 0 when every run verified, 1 when any run FAILED, 2 on a usage error.
Environment: IMGCAST_JAR (default client-agent/target/img.jar), IMGCAST_SEND_OPTS and
IMGCAST_RECV_OPTS (extra options for img send / img receive, split at white space),
IMGCAST_UNSHAPED_RATE (imgcast --rate in unshaped rows, default 10g), UNSHAPED_CAP_MBIT (give
every tool this cap in unshaped rows; default: none, each tool unpaced), UDPCAST_OPTS (extra
udp-sender options, default "--rexmit-hello-interval 1000 --retries-until-drop 1000"; set it
empty for udpcast's defaults), UFTP_BLOCK (uftp -b, default: uftp's own 1300), UFTP_BUF
(uftp/uftpd -B, default 4194304), FSIMAGE_SOURCES (directories the ext4 images copy files from,
default "/usr /etc /var/lib/dpkg /var/lib/apt"), FSIMAGE_CACHE (where the ext4 images are
kept between runs, default $TMPDIR or /tmp, + /imgcast-bench-fsimage).
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
UNSHAPED_CAP_MBIT=${UNSHAPED_CAP_MBIT:-}
FS_SOURCES=${FSIMAGE_SOURCES:-/usr /etc /var/lib/dpkg /var/lib/apt}
FS_CACHE=${FSIMAGE_CACHE:-${TMPDIR:-/tmp}/imgcast-bench-fsimage}

REPS=3
TOOLS=udpcast,uftp,imgcast
TOOLS_GIVEN=0
QUICK=0
IMAGES=random,halfzero,fsimage
IMAGES_GIVEN=0
LOSSES=0,1
LOSSES_GIVEN=0
RATES=500,1000,unshaped
RATES_GIVEN=0
MODE=all            # all | memory | prepare
DO_MEMORY=1
SIZE_MIB=256
FS_MIB=2048
FS_FILL=50
FS_REBUILD=0
MEM_GIB=4
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
    --images) IMAGES=${2:?}; IMAGES_GIVEN=1; shift 2 ;;
    --loss) LOSSES=${2:?}; LOSSES_GIVEN=1; shift 2 ;;
    --rates|--rate) RATES=${2:?}; RATES_GIVEN=1; shift 2 ;;
    --memory) MODE=memory; shift ;;
    --no-memory) DO_MEMORY=0; shift ;;
    --size-mib) SIZE_MIB=${2:?}; shift 2 ;;
    --fs-mib) FS_MIB=${2:?}; shift 2 ;;
    --fs-fill) FS_FILL=${2:?}; shift 2 ;;
    --fs-rebuild) FS_REBUILD=1; shift ;;
    --fs-prepare) MODE=prepare; shift ;;
    --mem-gib) MEM_GIB=${2:?}; shift 2 ;;
    --receivers) RECEIVERS=${2:?}; shift 2 ;;
    --out) OUT_FILE=${2:?}; shift 2 ;;
    --keep-logs) KEEP_LOGS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer"
[[ $SIZE_MIB =~ ^[1-9][0-9]*$ && $((SIZE_MIB % 2)) -eq 0 ]] || die "--size-mib must be a positive even integer"
[[ $FS_MIB =~ ^[1-9][0-9]*$ && $FS_MIB -ge 64 ]] || die "--fs-mib must be an integer, at least 64"
[[ $FS_FILL =~ ^[1-9][0-9]?$ && $FS_FILL -le 80 ]] || die "--fs-fill must be a percentage 1..80"
[[ $MEM_GIB =~ ^[1-9][0-9]*$ ]] || die "--mem-gib must be a positive integer"
[[ $RECEIVERS =~ ^[1-9]$ ]] || die "--receivers must be 1..9"
[[ -z $UNSHAPED_CAP_MBIT || $UNSHAPED_CAP_MBIT =~ ^[1-9][0-9]*$ ]] || die "UNSHAPED_CAP_MBIT must be a positive integer (Mbit/s)"
[[ $(id -u) == 0 ]] || die "needs root (network namespaces)"
[[ -x $LAB_SH ]] || die "lab script not found: $LAB_SH"
if [[ $MODE == memory && $TOOLS_GIVEN == 0 ]]; then TOOLS=imgcast; fi
if [[ $MODE == prepare && $IMAGES_GIVEN == 0 ]]; then IMAGES=fsimage; fi
if [[ $QUICK == 1 ]]; then
  REPS=1; DO_MEMORY=0
  [[ $IMAGES_GIVEN == 1 ]] || IMAGES=random
  [[ $LOSSES_GIVEN == 1 ]] || LOSSES=0
  [[ $RATES_GIVEN == 1 ]] || RATES=500
fi

declare -a TOOL_LIST=()
IFS=, read -r -a TOOL_LIST <<<"$TOOLS"
for t in "${TOOL_LIST[@]}"; do
  case "$t" in udpcast|uftp|imgcast) ;; *) die "unknown tool: $t (udpcast, uftp, imgcast)" ;; esac
done
declare -a IMAGE_LIST=() LOSS_LIST=() RATE_LIST=()
IFS=, read -r -a IMAGE_LIST <<<"$IMAGES"
IFS=, read -r -a LOSS_LIST <<<"$LOSSES"
IFS=, read -r -a RATE_LIST <<<"$RATES"
for t in "${IMAGE_LIST[@]}"; do
  case "$t" in random|halfzero|fsimage|fsdirty) ;; *) die "unknown image: $t (random, halfzero, fsimage, fsdirty)" ;; esac
done
for t in "${LOSS_LIST[@]}"; do
  [[ $t =~ ^b?[0-9]+$ && ${t#b} -le 100 ]] || die "loss must be an integer percentage, or bN for bursts: $t"
done
for t in "${RATE_LIST[@]}"; do
  [[ $t == unshaped || $t =~ ^[1-9][0-9]*$ ]] || die "a rate is Mbit/s (a positive integer) or unshaped: $t"
done
# The memory check runs at the first shaped rate of the list (500 Mbit/s when there is none).
MEM_RATE=500
for t in "${RATE_LIST[@]}"; do if [[ $t != unshaped ]]; then MEM_RATE=$t; break; fi; done

# Loss towards every receiver: N% at random, or bN: N% in bursts of 50 frames in a row.
set_loss() {
  local loss=$1 i
  if [[ $loss == b* ]]; then
    "$LAB_SH" loss "$LAB" 0
    for ((i = 1; i <= RECEIVERS; i++)); do "$LAB_SH" impair "$LAB" "r$i" bursts "${loss#b}" 50; done
  else
    "$LAB_SH" loss "$LAB" "$loss"
  fi
}

# Why a tool cannot run (empty: it can).
unavailable() {
  case "$1" in
    udpcast) command -v udp-sender >/dev/null && command -v udp-receiver >/dev/null || echo "udpcast not installed" ;;
    uftp) command -v uftp >/dev/null && command -v uftpd >/dev/null || echo "uftp not installed" ;;
    imgcast)
      if [[ ! -f $JAR ]]; then echo "jar missing: $JAR (cd $ROOT && ./mvnw -q -B -DskipTests package -pl client-agent -am)"
      elif ! command -v java >/dev/null; then echo "java not installed"; fi ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Processes. Every process this script starts is its direct child (spawn: a subshell that
# joins a cgroup and then execs "ip netns exec", which execs the command, so the pid stays the
# same) and is recorded here; cleanup kills only recorded pids that are still our children,
# so a recycled pid is never hit.

declare -A LIVE=()
WATCHDOG_PID=
WORK=
MEMWORK=
JARDIR=
LOGDIR=
FS_TMP=
CG_ROOT=
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
  cpu_teardown
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  [[ -n $MEMWORK && -d $MEMWORK ]] && rm -rf "$MEMWORK"
  [[ -n $JARDIR && -d $JARDIR ]] && rm -rf "$JARDIR"
  [[ -n $FS_TMP && -d $FS_TMP ]] && rm -rf "$FS_TMP"
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
# CPU time. Each run puts its sender in one cgroup v2 and its receivers in another, both
# created by this script under <cgroup2 mount>/imgcast-bench.PID. A cgroup's cpu.stat
# (user_usec + system_usec) counts every thread of every process in it, and of every
# descendant, also those that have exited: JVM threads (JIT, GC), forked children, all of it.
# No controller needs enabling: cpu.stat's basic fields exist in every cgroup v2. Without a
# writable cgroup v2 mount the CPU columns say n/a.

CPU_HOW="n/a"
cpu_setup() {
  local mnt
  mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
  if [[ -z $mnt ]]; then CPU_HOW="n/a (no cgroup v2 mount)"; log "CPU: $CPU_HOW"; return 0; fi
  if mkdir "$mnt/imgcast-bench.$$" 2>/dev/null; then
    CG_ROOT=$mnt/imgcast-bench.$$
    # Can a process be moved in, and is its CPU counted?
    if mkdir "$CG_ROOT/check" 2>/dev/null &&
      (echo "$BASHPID" >"$CG_ROOT/check/cgroup.procs") 2>/dev/null &&
      grep -q '^user_usec ' "$CG_ROOT/check/cpu.stat" 2>/dev/null; then
      rmdir "$CG_ROOT/check"
      CPU_HOW="cgroup v2 cpu.stat (user_usec + system_usec), one cgroup for the sender, one for the receivers, under $CG_ROOT"
      log "CPU: $CPU_HOW"
      return 0
    fi
    rmdir "$CG_ROOT/check" 2>/dev/null || true
    rmdir "$CG_ROOT" 2>/dev/null || true
    CG_ROOT=
  fi
  CPU_HOW="n/a (cannot use a cgroup under the cgroup v2 mount $mnt)"
  log "CPU: $CPU_HOW"
}
# shellcheck disable=SC2317  # called by cleanup
cpu_teardown() {
  [[ -n $CG_ROOT && -d $CG_ROOT ]] || return 0
  local d
  for d in "$CG_ROOT"/*/; do [[ -d $d ]] && rmdir "$d" 2>/dev/null; done
  rmdir "$CG_ROOT" 2>/dev/null || log "warning: could not remove cgroup $CG_ROOT (a process still in it?)"
  CG_ROOT=
}
CG_SEQ=0
# A new, empty cgroup; prints its path (nothing without CPU accounting).
cpu_new() { # NAME
  [[ -n $CG_ROOT ]] || return 0
  CG_SEQ=$((CG_SEQ + 1))
  local d=$CG_ROOT/$CG_SEQ-$1
  mkdir "$d" && echo "$d"
}
# CPU seconds used so far by everything that ran in cgroup CG ("" without CPU accounting).
cpu_of() { # CG
  [[ -n $1 && -r $1/cpu.stat ]] || return 0
  awk '$1 == "user_usec" || $1 == "system_usec" { s += $2 } END { printf "%.2f", s / 1e6 }' "$1/cpu.stat"
}
cpu_rm() { # CG...
  local d i
  for d in "$@"; do
    [[ -n $d && -d $d ]] || continue
    for ((i = 0; i < 20; i++)); do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
  done
}

# ---------------------------------------------------------------------------------------
# Small helpers.

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
share() { # BYTES SECONDS RATE
  if [[ $3 == unshaped ]]; then echo -; return; fi
  awk -v b="$1" -v s="$2" -v r="$3" 'BEGIN { printf "%.0f%%", b * 8 / s / (r * 1e6) * 100 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
free_bytes() { df -B1 --output=avail "$1" | tail -n 1 | tr -d ' '; }
uid_of() { printf '0x%08x' $((0x0afa000a + $1)); } # uftpd client id = its address 10.250.0.(10+N)
ns_of() { echo "$LAB-$1"; }
rate_label() { if [[ $1 == unshaped ]]; then echo unshaped; else echo "$1 Mbit/s"; fi; }
image_mib() { case "$1" in fs*) echo "$FS_MIB" ;; *) echo "$SIZE_MIB" ;; esac; }

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
# Packets dropped by the sender link's tbf qdisc so far (0 when the link is unshaped).
tbf_drops() {
  local v
  v=$(ip netns exec "$(ns_of s)" tc -s qdisc show dev eth0 | awk '/^qdisc tbf/ { t = 1 } t && /dropped/ { gsub(/,/, ""); for (k = 1; k <= NF; k++) if ($k == "(dropped") { print $(k + 1); exit } }')
  echo "${v:-0}"
}

# Start CMD... in the background in namespace NS (interface eth0 is the only one there),
# inside cgroup CG when CPU is counted, output to LOG. The subshell joins the cgroup and then
# execs "ip netns exec", which execs CMD: SPAWNED is the pid of CMD itself.
SPAWNED=
spawn() { # CG NS LOG CMD...
  local cg=$1 ns=$2 out=$3; shift 3
  (
    [[ -z $cg ]] || echo "$BASHPID" >"$cg/cgroup.procs"
    exec ip netns exec "$ns" "$@" >"$out" 2>&1 </dev/null
  ) &
  SPAWNED=$!
  track "$SPAWNED"
}

# ---------------------------------------------------------------------------------------
# imgcast: every invocation of img send / img receive is built here, so that options of a
# newer imgcast (e.g. --compress, key files) only need IMGCAST_SEND_OPTS / IMGCAST_RECV_OPTS
# or a change in this one place. Options are split at white space (no quoting).

IMGCAST_LAUNCHER=${IMGCAST_LAUNCHER:-$ROOT/client-agent/img}  # the launcher with its JVM settings (or the bundle's bin/img)
IMGCAST_SESSION=bench
IMGCAST_SEND_OPTS=${IMGCAST_SEND_OPTS:-}
IMGCAST_RECV_OPTS=${IMGCAST_RECV_OPTS:-}
# imgcast has no "unpaced" setting: in an unshaped row (without UNSHAPED_CAP_MBIT) it gets this.
IMGCAST_UNSHAPED_RATE=${IMGCAST_UNSHAPED_RATE:-10g}
# What img receive prints once its warm-up is done, just before it binds its data socket to
# GROUP:PORT and joins GROUP (client-agent ImageReceive); the two groups are GROUP and PORT.
IMGCAST_READY_RE='listening on ([0-9.]+):([0-9]+) via eth0'
# Sets IMGCAST_ARGV.
#   imgcast_argv send IMAGE RATE(e.g. 500m) RECEIVERS
#   imgcast_argv receive TARGET NAME
IMGCAST_ARGV=()
imgcast_argv() {
  local role=$1; shift
  local -a extra=()
  IMGCAST_ARGV=(env IMG_JAR="$RUN_JAR" "$IMGCAST_LAUNCHER")
  case "$role" in
    send)
      read -r -a extra <<<"$IMGCAST_SEND_OPTS"
      IMGCAST_ARGV+=(send "$1" --interface eth0 --session "$IMGCAST_SESSION" --rate "$2" --receivers "$3"
        --timeout 60 "${extra[@]}") ;;
    receive)
      read -r -a extra <<<"$IMGCAST_RECV_OPTS"
      IMGCAST_ARGV+=(receive "$1" --interface eth0 --session "$IMGCAST_SESSION" --timeout 60 --name "$2"
        "${extra[@]}") ;;
    *) die "imgcast_argv: $role" ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Readiness: a receiver counts as listening when
#   - (LOGRE given) its log has a line matching LOGRE; if LOGRE has two groups, they are the
#     GROUP and PORT it announced and replace the ones given;
#   - it (PID) has a UDP socket bound to PORT (on GROUP, when the socket is bound to an address
#     that is GROUP: imgcast binds its data socket to the group);
#   - (GROUP given) its namespace's eth0 is a member of GROUP (the kernel's membership list,
#     ip maddr: the join has been done).
# Prints the reason and returns 1 when it does not get there within 30 s.
wait_ready() { # NS PID NAME PORT GROUP LOG LOGRE
  local ns=$1 pid=$2 name=$3 port=$4 group=$5 out=$6 re=$7 i stage=log
  [[ -n $re ]] || stage=socket
  for ((i = 0; i < 300; i++)); do
    is_ours "$pid" || { echo "$name exited before it was ready (stage: $stage)"; return 1; }
    if [[ $stage == log ]]; then
      local line
      line=$(grep -aEm1 "$re" "$out" 2>/dev/null || true)
      if [[ -n $line ]]; then
        [[ $line =~ $re ]]
        if [[ ${#BASH_REMATCH[@]} -ge 3 ]]; then group=${BASH_REMATCH[1]}; port=${BASH_REMATCH[2]}; fi
        stage=socket
      fi
    fi
    if [[ $stage == socket ]]; then
      if ip netns exec "$ns" ss -Huanp 2>/dev/null | grep -F "pid=$pid," | awk -v p="$port" '{ n = split($4, a, ":"); if (p == "" || a[n] == p) f = 1 } END { exit !f }'; then
        stage=group
      fi
    fi
    if [[ $stage == group ]]; then
      if [[ -z $group ]] || ip -n "$ns" maddr show dev eth0 2>/dev/null | grep -qE "inet +${group//./\\.}( |\$)"; then return 0; fi
    fi
    sleep 0.1
  done
  echo "$name was not ready within 30 s (stage: $stage)"
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
# One transfer. Sets RUN_STATUS (ok|FAILED), RUN_SECONDS, RUN_REASON, RUN_RSS_KIB and the CPU
# seconds RUN_CPU (sender + receivers, whole lifetime), RUN_CPU_SND, RUN_CPU_RCV, RUN_CPU_RCV0
# (receivers before the sender started: start-up, imgcast's warm-up).

RUN_STATUS='' RUN_SECONDS='' RUN_REASON='' RUN_RSS_KIB='' SAMPLER_PID=''
RUN_CPU='' RUN_CPU_SND='' RUN_CPU_RCV='' RUN_CPU_RCV0=''

run_transfer() { # TOOL IMAGE SHA256 NRECEIVERS OUTDIR RUNLOG SAMPLE_RSS RATE
  local tool=$1 image=$2 sha=$3 n=$4 outdir=$5 rlog=$6 sample=$7 rate=$8
  local name i ns rc t0 t1 reason=
  local -a rpids=() outs=() samplers=() stfiles=() argv=()
  local bytes; bytes=$(stat -c %s "$image")
  name=$(basename "$image")
  # Give up after 40 s plus four times the ideal transfer time (57 s for 256 MiB at 500 Mbit/s;
  # an unshaped row is given the time of 500 Mbit/s).
  local ref=$rate; [[ $rate != unshaped ]] || ref=500
  local limit=$((40 + 4 * bytes * 8 / (ref * 1000000)))
  # The cap every tool is told: the link rate; unshaped: UNSHAPED_CAP_MBIT, or none.
  local cap=$rate; [[ $rate != unshaped ]] || cap=$UNSHAPED_CAP_MBIT
  RUN_STATUS=FAILED RUN_SECONDS='' RUN_REASON='' RUN_RSS_KIB=''
  RUN_CPU='' RUN_CPU_SND='' RUN_CPU_RCV='' RUN_CPU_RCV0=''
  mkdir -p "$outdir" "$rlog"
  local drops0='' tbf0=''
  local cg_s cg_r
  cg_s=$(cpu_new "$tool-sender"); cg_r=$(cpu_new "$tool-receivers")

  # Receivers first, each in its own namespace, and wait until every one is listening.
  local -a rport=() rgroup=() rre=()
  for ((i = 1; i <= n; i++)); do
    ns=$(ns_of "r$i")
    case "$tool" in
      udpcast)
        outs[i]=$outdir/r$i.img
        argv=(udp-receiver --file "${outs[i]}" --interface eth0 --nokbd)
        # It waits for the sender's HELLO on port 9000 (broadcast); it joins the data group later.
        rport[i]=9000 rgroup[i]='' rre[i]=''
        ;;
      uftp)
        mkdir -p "$outdir/r$i"
        outs[i]=$outdir/r$i/$name
        stfiles[i]=$rlog/r$i.status
        argv=(uftpd -d -q -I eth0 -U "$(uid_of "$i")")
        [[ -z $UFTP_BUF ]] || argv+=(-B "$UFTP_BUF")
        argv+=(-D "$outdir/r$i" -F "${stfiles[i]}")
        # Its defaults: port 1044, public group 230.4.4.1 (joined at start).
        rport[i]=1044 rgroup[i]=230.4.4.1 rre[i]=''
        ;;
      imgcast)
        outs[i]=$outdir/r$i.img
        imgcast_argv receive "${outs[i]}" "r$i"
        argv=("${IMGCAST_ARGV[@]}")
        rport[i]='' rgroup[i]='' rre[i]=$IMGCAST_READY_RE
        ;;
    esac
    echo "${argv[*]}" >"$rlog/r$i.cmd"
    spawn "$cg_r" "$ns" "$rlog/r$i.log" "${argv[@]}"
    rpids[i]=$SPAWNED
    if [[ $sample == 1 ]]; then start_sampler "${rpids[i]}" "$rlog/r$i.rss"; samplers[i]=$SAMPLER_PID; fi
  done
  for ((i = 1; i <= n; i++)); do
    reason=$(wait_ready "$(ns_of "r$i")" "${rpids[i]}" "receiver r$i" "${rport[i]}" "${rgroup[i]}" \
      "$rlog/r$i.log" "${rre[i]}") || break
  done

  if [[ -z $reason ]]; then
    ns=$(ns_of s)
    case "$tool" in
      udpcast)
        local -a uopt=()
        read -r -a uopt <<<"$UDPCAST_OPTS"
        argv=(udp-sender --file "$image" --interface eth0 --min-receivers "$n" --nokbd)
        [[ -z $cap ]] || argv+=(--max-bitrate "${cap}m")   # no --max-bitrate: unpaced
        argv+=("${uopt[@]}")
        ;;
      uftp)
        local hosts
        hosts=$(for ((i = 1; i <= n; i++)); do uid_of "$i"; echo; done | paste -sd, -)
        argv=(uftp -I eth0 -R "$([[ -n $cap ]] && echo $((cap * 1000)) || echo -1)")   # -R -1: unpaced
        [[ -z $UFTP_BUF ]] || argv+=(-B "$UFTP_BUF")
        [[ -z $UFTP_BLOCK ]] || argv+=(-b "$UFTP_BLOCK")
        argv+=(-M 230.4.4.1 -P 230.5.5.1 -H "$hosts" "$image")
        ;;
      imgcast)
        imgcast_argv send "$image" "$([[ -n $cap ]] && echo "${cap}m" || echo "$IMGCAST_UNSHAPED_RATE")" "$n"
        argv=("${IMGCAST_ARGV[@]}")
        ;;
    esac
    echo "${argv[*]}" >"$rlog/sender.cmd"
    # Counters from here on: what the receivers did before (imgcast's loopback warm-up) is not
    # part of the transfer.
    drops0=$(rcvbuf_errors "$n"); tbf0=$(tbf_drops)
    RUN_CPU_RCV0=$(cpu_of "$cg_r")
    # The clock runs from starting the sender until the sender and every receiver are done.
    t0=$EPOCHREALTIME
    spawn "$cg_s" "$ns" "$rlog/sender.log" "${argv[@]}"
    local spid=$SPAWNED
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
      # uftpd's CPU: read now, after the transfer, while it still runs (it would only idle on).
      RUN_CPU_RCV=$(cpu_of "$cg_r")
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
      RUN_CPU_RCV=$(cpu_of "$cg_r")
    fi
    stop_watchdog
    RUN_CPU_SND=$(cpu_of "$cg_s")
    # user and system time apart (the kernel's share: sockets, and softirq work charged here)
    for cg in "$cg_s" "$cg_r"; do
      [[ -n $cg && -r $cg/cpu.stat ]] || continue
      awk -v who="$([[ $cg == "$cg_s" ]] && echo sender || echo receivers)" \
        '$1 == "user_usec" { u = $2 } $1 == "system_usec" { s = $2 } END { printf "%s user %.2f system %.2f\n", who, u / 1e6, s / 1e6 }' \
        "$cg/cpu.stat" >>"$rlog/cpu.split"
    done
    RUN_SECONDS=$(elapsed "$t0" "$t1")
    [[ ! -e $rlog/timed-out ]] || reason="timed out after ${limit}s ($reason)"
  fi
  stop_pids "${rpids[@]}"
  if [[ ${#samplers[@]} -gt 0 ]]; then stop_pids "${samplers[@]}"; fi
  cpu_rm "$cg_s" "$cg_r"
  if [[ -n $RUN_CPU_SND && -n $RUN_CPU_RCV ]]; then RUN_CPU=$(add "$RUN_CPU_SND" "$RUN_CPU_RCV"); fi

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

  if [[ -n $drops0 ]]; then
    local drops1 tbf1
    drops1=$(rcvbuf_errors "$n"); tbf1=$(tbf_drops)
    echo "rcvbuf_drops=$((drops1 - drops0)) tbf_drops=$((tbf1 - tbf0))" >"$rlog/counters"
  else
    echo "rcvbuf_drops=- tbf_drops=-" >"$rlog/counters"   # the sender never started
  fi
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

# The ext4 images: a file system the way a user's disk looks, built from real files of this
# machine. fsimage: FS_FILL% of FS_MIB MiB filled with files copied (with their contents) from
# FS_SOURCES, the rest free as mkfs.ext4 leaves it in a new file: zeros. fsdirty: the same files,
# but the free space holds stale data (contents of other files of FS_SOURCES, written over the
# whole image before mkfs, which then leaves it alone: -E nodiscard), as on a disk that was in use
# before and was never trimmed or zeroed. No loop device and no mount: mkfs.ext4 -d copies a
# staging directory into the image.
# Built once and kept in FS_CACHE, keyed by variant, size and fill, with its sha256 and a
# description (.info); a run copies it into its work directory (zeros written as data, not holes,
# as for halfzero) and checks the copy's sha256 against the cached one.
# The recipe number changes whenever build_fsimage makes a different image from the same files.
FS_RECIPE=1
fs_key() { echo "$1-${FS_MIB}m-${FS_FILL}pct-r$FS_RECIPE"; }

build_fsimage() { # VARIANT DEST
  local variant=$1 dest=$2
  local bytes=$((FS_MIB * 1048576)) budget=$((FS_MIB * 1048576 * FS_FILL / 100))
  local src
  for src in $FS_SOURCES; do [[ $src == /* && -d $src ]] || die "FSIMAGE_SOURCES: not an absolute directory: $src"; done
  command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not installed (e2fsprogs)"
  local base=/dev/shm
  mkdir -p "$(dirname "$dest")"
  [[ -d $base && $(free_bytes "$base") -gt $((budget + 2 * bytes)) ]] || base=$(dirname "$dest")
  FS_TMP=$(mktemp -d "$base/imgcast-bench-fsbuild.XXXXXX")
  log "$variant: building a $FS_MIB MiB ext4 image, $FS_FILL% files from $FS_SOURCES (staging in $FS_TMP)"
  # Every regular file and symlink of the sources (one file system each, no names with a
  # newline), by path; each is taken with the same probability (budget / total bytes, a fixed
  # seed: the same tree gives the same selection), whatever its size, so the selection has the
  # mix of sizes and kinds of the whole tree; a second pass over the rest fills what the first
  # left of the budget.
  # shellcheck disable=SC2086  # FS_SOURCES is a list
  find $FS_SOURCES -xdev \( -type f -o -type l \) ! -name $'*\n*' -printf '%s\t%p\n' 2>/dev/null |
    LC_ALL=C sort -t $'\t' -k 2 >"$FS_TMP/all.tsv"
  local total
  total=$(awk -F'\t' '{ s += $1 } END { printf "%.0f", s }' "$FS_TMP/all.tsv")
  awk -v budget="$budget" -v total="$total" -v sel="$FS_TMP/sel.tsv" -v rest="$FS_TMP/rest.list" '
    BEGIN { srand(20261203); frac = total > 0 ? budget / total : 1; if (frac > 1) frac = 1 }
    { n++; size[n] = $1 + 0; p = $0; sub(/^[0-9]+\t/, "", p); path[n] = p
      if (rand() < frac && taken + size[n] <= budget) { taken += size[n]; took[n] = 1 } }
    END {
      for (i = 1; i <= n; i++) if (!took[i]) restbytes += size[i]
      frac2 = restbytes > 0 ? (budget - taken) / restbytes : 0
      for (i = 1; i <= n; i++)
        if (!took[i] && rand() < frac2 && taken + size[i] <= budget) { taken += size[i]; took[i] = 1 }
      for (i = 1; i <= n; i++) if (took[i]) print size[i] "\t" path[i] > sel; else print path[i] > rest
    }' "$FS_TMP/all.tsv"
  cut -f2- "$FS_TMP/sel.tsv" | sed 's|^/||' >"$FS_TMP/sel.list"
  mkdir "$FS_TMP/root"
  # Files that vanish or change while being read are skipped or taken as read (tar exit 1).
  (
    cd /
    tar --no-recursion --verbatim-files-from --ignore-failed-read --warning=none \
      -T "$FS_TMP/sel.list" -cf - 2>/dev/null || [[ $? == 1 ]]
  ) | tar -C "$FS_TMP/root" -xpf -
  local img=$FS_TMP/image
  if [[ $variant == fsdirty ]]; then
    # Stale data: the other files' contents, one after another, over the whole image.
    tr '\n' '\0' <"$FS_TMP/rest.list" | xargs -0 cat -- 2>/dev/null | head -c "$bytes" >"$img" || true
    local got; got=$(stat -c %s "$img")
    ((got >= bytes)) || log "warning: fsdirty: only $got bytes of stale data; the rest of the free space is zeros"
    truncate -s "$bytes" "$img"
    mkfs.ext4 -q -F -b 4096 -i 16384 -L imgcast-bench -E nodiscard -d "$FS_TMP/root" "$img"
  else
    truncate -s "$bytes" "$img"
    mkfs.ext4 -q -F -b 4096 -i 16384 -L imgcast-bench -d "$FS_TMP/root" "$img"
  fi
  # What it holds and how compressible it is.
  local nfiles fbytes parts blocks free bsize zst zeros
  nfiles=$(wc -l <"$FS_TMP/sel.tsv")
  fbytes=$(awk -F'\t' '{ s += $1 } END { printf "%.0f", s }' "$FS_TMP/sel.tsv")
  parts=$(awk -F'\t' '{ p = $2; n = split(p, a, "/"); k = (n > 3) ? "/" a[2] "/" a[3] : "/" a[2]; s[k] += $1 }
    END { for (k in s) if (s[k] >= 1048576) printf "%d %s\n", s[k], k }' "$FS_TMP/sel.tsv" | sort -rn | head -n 6 |
    awk '{ printf "%s%s %.0f MiB", (NR > 1 ? ", " : ""), $2, $1 / 1048576 }')
  blocks=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block count/ { gsub(/ /, "", $2); print $2 }')
  free=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ { gsub(/ /, "", $2); print $2 }')
  bsize=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block size/ { gsub(/ /, "", $2); print $2 }')
  zst=$(nice -n 10 zstd -1 -T1 -q -c "$img" 2>/dev/null | wc -c || echo "")
  zeros=$(zero_shares "$img")
  {
    echo "variant=$variant"
    echo "size_mib=$FS_MIB"
    echo "fill_pct=$FS_FILL"
    echo "sources=$FS_SOURCES"
    echo "built=$(date '+%F %T') on $(hostname)"
    echo "files=$nfiles"
    echo "file_bytes=$fbytes"
    echo "largest_parts=$parts"
    echo "fs_used_bytes=$(((blocks - free) * bsize))"
    echo "zstd1_bytes=$zst"
    echo "zero_shares=$zeros"
  } >"$img.info"
  sha256sum "$img" | cut -d' ' -f1 >"$img.sha256"
  mkdir -p "$(dirname "$dest")"
  mv -f "$img.info" "$dest.info.tmp"
  mv -f "$img.sha256" "$dest.sha256.tmp"
  mv -f "$img" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"; mv -f "$dest.sha256.tmp" "$dest.sha256"; mv -f "$dest.info.tmp" "$dest.info"
  rm -rf "$FS_TMP"; FS_TMP=
  log "$variant: $(fs_summary "$dest")"
}

# Share of all-zero 4 KiB blocks and of all-zero 1 MiB blocks (imgcast's default block) of FILE.
zero_shares() { # FILE
  command -v python3 >/dev/null || { echo "n/a (no python3)"; return 0; }
  python3 - "$1" <<'PY'
import sys
z4 = n4 = z1 = n1 = 0
Z = bytes(1 << 20)
with open(sys.argv[1], "rb") as f:
    while True:
        b = f.read(1 << 20)
        if not b:
            break
        n1 += 1
        k = (len(b) + 4095) // 4096
        n4 += k
        if b == Z[:len(b)]:
            z1 += 1
            z4 += k
            continue
        for i in range(0, len(b), 4096):
            c = b[i:i + 4096]
            if c == Z[:len(c)]:
                z4 += 1
print("4KiB %.1f%% 1MiB %.1f%%" % (100.0 * z4 / max(n4, 1), 100.0 * z1 / max(n1, 1)))
PY
}

# One line about a cached ext4 image, from its .info.
fs_summary() { # IMAGE
  awk -F= '{ v[$1] = substr($0, length($1) + 2) }
    END { mib = v["size_mib"] * 1048576
      printf "%s MiB ext4 (%s), %d files, %.0f MiB of file data (%.0f%%), %.0f MiB in use by the file system (%.0f%%); largest parts: %s; zstd -1: %.0f MiB (%.0f%%); all-zero blocks: %s",
        v["size_mib"], v["variant"] == "fsdirty" ? "free space: stale data" : "free space: zeros",
        v["files"], v["file_bytes"] / 1048576, v["file_bytes"] / mib * 100,
        v["fs_used_bytes"] / 1048576, v["fs_used_bytes"] / mib * 100, v["largest_parts"],
        v["zstd1_bytes"] / 1048576, v["zstd1_bytes"] / mib * 100, v["zero_shares"] }' "$1.info"
}

# Puts fsimage/fsdirty at DEST (its data written out), from the cache (built when missing, when
# --fs-rebuild, or when the cached image's sha256 is not what was recorded). Sets FS_SHA and adds
# a line to FS_DESC. (Not to be run in a subshell: cleanup must see FS_TMP.)
FS_DESC=()
FS_SHA=
make_fs() { # VARIANT DEST
  local variant=$1 dest=$2 cached sum=
  cached=$FS_CACHE/$(fs_key "$variant").img
  if [[ $FS_REBUILD == 1 || ! -f $cached || ! -f $cached.sha256 || ! -f $cached.info ]]; then
    build_fsimage "$variant" "$cached"
  fi
  cp --sparse=never "$cached" "$dest"
  sum=$(sha256sum "$dest" | cut -d' ' -f1)
  if [[ $sum != "$(cat "$cached.sha256")" ]]; then
    log "$variant: cached image $cached does not match its sha256; building it again"
    build_fsimage "$variant" "$cached"
    cp --sparse=never "$cached" "$dest"
    sum=$(sha256sum "$dest" | cut -d' ' -f1)
    [[ $sum == "$(cat "$cached.sha256")" ]] || die "$variant: the copy of $cached does not match its sha256"
  fi
  FS_DESC+=("$variant = $(fs_summary "$cached"); sha256 ${sum:0:12}, cached as $cached")
  FS_SHA=$sum
}

# --fs-prepare: the cached images, checked against their sha256, and what they hold.
prepare_fs() {
  local img cached
  for img in "${IMAGE_LIST[@]}"; do
    case "$img" in fsimage|fsdirty) ;; *) continue ;; esac
    cached=$FS_CACHE/$(fs_key "$img").img
    if [[ $FS_REBUILD == 1 || ! -f $cached || ! -f $cached.sha256 || ! -f $cached.info ]]; then
      build_fsimage "$img" "$cached"
    elif [[ $(sha256sum "$cached" | cut -d' ' -f1) != "$(cat "$cached.sha256")" ]]; then
      log "$img: cached image $cached does not match its sha256; building it again"
      build_fsimage "$img" "$cached"
    fi
    emit "$img = $(fs_summary "$cached"); sha256 $(cut -c1-12 "$cached.sha256"), cached as $cached."
  done
}

lab_up() { # RECEIVERS
  log "lab: $LAB with $1 receivers"
  "$LAB_SH" up "$LAB" "$1"
}
# Shape the sender's link to RATE Mbit/s (tbf), or remove the shaping (unshaped).
set_rate() { # RATE
  if [[ $1 == unshaped ]]; then
    log "lab: sender link unshaped (no tbf)"
    ip netns exec "$(ns_of s)" tc qdisc del dev eth0 root 2>/dev/null || true
  else
    log "lab: sender link shaped to $1 Mbit/s (tbf)"
    "$LAB_SH" shape "$LAB" "${1}mbit"
  fi
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
# The matrix: rates x images x loss x tools x repetitions.

run_matrix() {
  local -a images=("${IMAGE_LIST[@]}") losses=("${LOSS_LIST[@]}") rates=("${RATE_LIST[@]}")
  local need=0 img
  for img in "${images[@]}"; do need=$((need + $(image_mib "$img") * 1048576)); done
  local biggest=0
  for img in "${images[@]}"; do ((biggest >= $(image_mib "$img"))) || biggest=$(image_mib "$img"); done
  need=$((need + RECEIVERS * biggest * 1048576))
  local base=/dev/shm
  [[ -d $base && $(free_bytes "$base") -gt $((need * 2)) ]] || base=${TMPDIR:-/tmp}
  WORK=$(mktemp -d "$base/imgcast-bench.XXXXXX")
  log "images and received copies in $WORK"

  declare -A SHA=() BYTES=()
  for img in "${images[@]}"; do
    case "$img" in
      fsimage|fsdirty) make_fs "$img" "$WORK/$img.img"; SHA[$img]=$FS_SHA ;;
      *)
        "make_$img" "$WORK/$img.img" "$SIZE_MIB"
        SHA[$img]=$(sha256sum "$WORK/$img.img" | cut -d' ' -f1) ;;
    esac
    BYTES[$img]=$(stat -c %s "$WORK/$img.img")
  done

  declare -A SKIP=()
  local tool
  for tool in "${TOOL_LIST[@]}"; do
    SKIP[$tool]=$(unavailable "$tool")
    [[ -z ${SKIP[$tool]} ]] || log "skipping $tool: ${SKIP[$tool]}"
  done

  lab_up "$RECEIVERS"
  declare -A TIMES=() CPUS=() FAILS=()
  local loss rep key rate
  declare -A MED=()
  for rate in "${rates[@]}"; do
    set_rate "$rate"
    for img in "${images[@]}"; do
      for loss in "${losses[@]}"; do
        set_loss "$loss"
        # Repetitions outermost: drift (other load on the machine) spreads over all tools.
        for ((rep = 1; rep <= REPS; rep++)); do
          for tool in "${TOOL_LIST[@]}"; do
            [[ -z ${SKIP[$tool]} ]] || continue
            key="$rate/$img/$loss/$tool"
            local rdir="$LOGDIR/${rate}-$img-loss$loss-$tool-$rep"
            run_transfer "$tool" "$WORK/$img.img" "${SHA[$img]}" "$RECEIVERS" "$WORK/out" "$rdir" 0 "$rate"
            local counters; counters=$(cat "$rdir/counters")
            local cpu=${RUN_CPU:-n/a}
            if [[ $RUN_STATUS == ok ]]; then
              TIMES[$key]+="$RUN_SECONDS "
              CPUS[$key]+="$cpu "
              log "$(rate_label "$rate") $img loss=$loss% $tool rep $rep: ${RUN_SECONDS}s ok, CPU ${cpu}s (sender ${RUN_CPU_SND:-n/a}, receivers ${RUN_CPU_RCV:-n/a} of which ${RUN_CPU_RCV0:-n/a} before the start) ($counters)"
            else
              FAILS[$key]=$((${FAILS[$key]:-0} + 1))
              log "$(rate_label "$rate") $img loss=$loss% $tool rep $rep: FAILED: $RUN_REASON${RUN_SECONDS:+ (after ${RUN_SECONDS}s)} ($counters)"
            fi
            local rb tb
            rb=$(sed -E 's/.*rcvbuf_drops=([^ ]+).*/\1/' "$rdir/counters"); tb=$(sed -E 's/.*tbf_drops=([^ ]+).*/\1/' "$rdir/counters")
            echo "$rate,$img,$loss,$tool,$rep,$RUN_STATUS,$RUN_SECONDS,$RUN_CPU,$RUN_CPU_SND,$RUN_CPU_RCV,$RUN_CPU_RCV0,$rb,$tb,\"${RUN_REASON//\"/\'}\"" >>"$LOGDIR/runs.csv"
            sleep 0.3
          done
        done
      done
    done
  done
  "$LAB_SH" loss "$LAB" 0

  # Table: one row per (rate, image, loss); median seconds, median CPU seconds and share of
  # line rate per tool.
  local imgdesc="" d
  for img in "${images[@]}"; do
    case "$img" in
      random) imgdesc+="random = ${SIZE_MIB} MiB from /dev/urandom. " ;;
      halfzero) imgdesc+="halfzero = ${SIZE_MIB} MiB, alternating 1 MiB random / 1 MiB zero blocks. " ;;
    esac
  done
  emit ""
  local caps="udpcast without --max-bitrate, UFTP -R -1, imgcast --rate $IMGCAST_UNSHAPED_RATE"
  [[ -z $UNSHAPED_CAP_MBIT ]] || caps="$UNSHAPED_CAP_MBIT Mbit/s for every tool"
  emit "Results: $RECEIVERS receivers, median of $REPS; s = seconds from sender start until sender and all receivers are done; CPU-s = user+sys CPU seconds of the sender and all receivers, their whole lives, summed ($CPU_HOW); % = image bits / time / line rate, shaped rows only (unshaped: no line rate). Caps: each tool's rate cap is the link rate; unshaped: $caps."
  [[ -z $imgdesc ]] || { emit ""; emit "${imgdesc% }"; }
  for d in "${FS_DESC[@]}"; do emit ""; emit "$d."; done
  [[ -z $IMGCAST_SEND_OPTS && -z $IMGCAST_RECV_OPTS ]] || { emit ""; emit "imgcast options: IMGCAST_SEND_OPTS='$IMGCAST_SEND_OPTS' IMGCAST_RECV_OPTS='$IMGCAST_RECV_OPTS'."; }
  emit ""
  local hdr="| rate | image | loss |" sep="| --- | --- | --- |"
  for tool in "${TOOL_LIST[@]}"; do hdr+=" $tool s | $tool CPU-s | $tool % |"; sep+=" ---: | ---: | ---: |"; done
  local have_ratio_u=0 have_ratio_f=0
  if [[ " ${TOOL_LIST[*]} " == *" imgcast "* ]]; then
    [[ " ${TOOL_LIST[*]} " == *" udpcast "* ]] && { hdr+=" imgcast/udpcast |"; sep+=" ---: |"; have_ratio_u=1; }
    [[ " ${TOOL_LIST[*]} " == *" uftp "* ]] && { hdr+=" imgcast/UFTP |"; sep+=" ---: |"; have_ratio_f=1; }
  fi
  emit "$hdr"
  emit "$sep"
  for rate in "${rates[@]}"; do
    for img in "${images[@]}"; do
      for loss in "${losses[@]}"; do
        local row
        row="| $(rate_label "$rate") | $img | $loss% |"
        MED=()
        for tool in "${TOOL_LIST[@]}"; do
          key="$rate/$img/$loss/$tool"
          if [[ -n ${SKIP[$tool]} ]]; then
            row+=" pending | pending | pending |"
          elif [[ -n ${FAILS[$key]:-} ]]; then
            row+=" FAILED (${FAILS[$key]}/$REPS) | - | - |"
          else
            local -a ts=() cs=()
            read -r -a ts <<<"${TIMES[$key]}"
            read -r -a cs <<<"${CPUS[$key]}"
            MED[$tool]=$(median "${ts[@]}")
            local cmed=n/a
            [[ ${cs[0]} == n/a ]] || cmed=$(median "${cs[@]}")
            row+=" ${MED[$tool]} | $cmed | $(share "${BYTES[$img]}" "${MED[$tool]}" "$rate") |"
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
  done
  emit ""
  emit "Individual runs (seconds / CPU seconds):"
  for rate in "${rates[@]}"; do
    for img in "${images[@]}"; do
      for loss in "${losses[@]}"; do
        for tool in "${TOOL_LIST[@]}"; do
          key="$rate/$img/$loss/$tool"
          [[ -z ${SKIP[$tool]} ]] || { emit "  $(rate_label "$rate") $img loss=$loss% $tool: skipped (${SKIP[$tool]})"; continue; }
          local -a ts=() cs=()
          read -r -a ts <<<"${TIMES[$key]:-}"
          read -r -a cs <<<"${CPUS[$key]:-}"
          local line="" j
          for ((j = 0; j < ${#ts[@]}; j++)); do line+="${ts[j]}/${cs[j]} "; done
          emit "  $(rate_label "$rate") $img loss=$loss% $tool: ${line}${FAILS[$key]:+ FAILED x${FAILS[$key]}}"
        done
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
  set_rate "$MEM_RATE"
  emit "Memory check: sparse-ish images (1 MiB of random data at the start of every 8 MiB, the rest zero), 1 receiver, ${MEM_RATE} Mbit/s, no loss; receiver peak RSS = VmHWM of the receiver process, sampled every 0.1 s; time and CPU as in the matrix."
  emit ""
  emit "| tool | image | receiver peak RSS | time s | CPU-s | result |"
  emit "| --- | ---: | ---: | ---: | ---: | --- |"
  local mib img sha
  for mib in "${sizes[@]}"; do
    img=$MEMWORK/sparse-${mib}m.img
    log "memory check: making a $mib MiB image in $MEMWORK"
    make_sparse "$img" "$mib"
    sha=$(sha256sum "$img" | cut -d' ' -f1)
    for tool in "${tools[@]}"; do
      run_transfer "$tool" "$img" "$sha" 1 "$MEMWORK/out" "$LOGDIR/memory-$mib-$tool" 1 "$MEM_RATE"
      local rss; rss=$(awk -v k="${RUN_RSS_KIB:-0}" 'BEGIN { printf "%.0f MiB", k / 1024 }')
      log "memory check $mib MiB $tool: $RUN_STATUS ${RUN_SECONDS:-}s, CPU ${RUN_CPU:-n/a}s, receiver peak RSS $rss"
      if [[ $RUN_STATUS == ok ]]; then
        emit "| $tool | $mib MiB | $rss | $RUN_SECONDS | ${RUN_CPU:-n/a} | ok |"
      else
        emit "| $tool | $mib MiB | $rss | ${RUN_SECONDS:--} | ${RUN_CPU:--} | FAILED: $RUN_REASON |"
      fi
    done
    rm -f "$img"
  done
  "$LAB_SH" down "$LAB"
  rm -rf "$MEMWORK"; MEMWORK=
}

# ---------------------------------------------------------------------------------------

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/imgcast-bench-logs.XXXXXX")
echo "rate,image,loss,tool,rep,status,seconds,cpu_s,cpu_sender_s,cpu_receivers_s,cpu_receivers_before_start_s,rcvbuf_drops,tbf_drops,reason" >"$LOGDIR/runs.csv"
if [[ $MODE == prepare ]]; then
  prepare_fs
  exit 0
fi
log "tools: ${TOOL_LIST[*]}; rates: ${RATE_LIST[*]}; reps: $REPS; logs: $LOGDIR"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_setup
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
