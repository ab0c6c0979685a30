#!/usr/bin/env bash
# The namespace lab: private test hosts on one machine (design.md section 4).
#
#   lab.sh up LAB RECEIVERS [MTU]   create LAB-br (bridge), LAB-s (sender), LAB-r1..rN (receivers)
#   lab.sh shape LAB RATE           shape the sender's link (tbf), e.g. 500mbit
#   lab.sh loss LAB PERCENT         drop PERCENT% of frames towards each receiver (nftables, random)
#   lab.sh addr LAB HOST            print the address of HOST (s, r1, r2, ..., x)
#   lab.sh down LAB                 remove every namespace of LAB (idempotent)
#   lab.sh down-all                 remove every lab namespace (name starting with "icl")
#
# LAB must start with "icl" and be at most 9 characters. Every host sees one interface, eth0,
# with an address in 10.250.0.0/24, multicast routed to eth0, and no route anywhere else: no
# packet of the lab can reach the root namespace, let alone the machine's uplink. Host "x" is
# one extra host (for hostile traffic in tests). Needs root.
set -eEuo pipefail

die() { echo "lab.sh: $*" >&2; exit 2; }
need_root() { [[ $(id -u) == 0 ]] || die "needs root (network namespaces)"; }
check_name() { [[ $1 =~ ^icl[a-z0-9]{1,6}$ ]] || die "lab name must match icl[a-z0-9]{1,6}: $1"; }

host_ip() { # LAB HOST
  case "$2" in
    s) echo 10.250.0.1 ;;
    x) echo 10.250.0.200 ;;
    r*) local n=${2#r}; [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 100 ]] || die "bad host $2"; echo "10.250.0.$((10 + n))" ;;
    *) die "bad host $2" ;;
  esac
}

add_host() { # LAB HOST MTU
  local lab=$1 host=$2 mtu=$3 ns="$1-$2" ip
  ip=$(host_ip "$lab" "$host")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # veth created directly inside the namespaces: the root namespace never sees it.
  ip link add eth0 netns "$ns" mtu "$mtu" type veth peer name "v$host" netns "$lab-br" mtu "$mtu"
  ip -n "$ns" addr add "$ip/24" brd + dev eth0
  ip -n "$ns" link set eth0 up multicast on
  ip -n "$ns" route add 224.0.0.0/4 dev eth0
  ip -n "$lab-br" link set "v$host" master br0 up
}

up() {
  local lab=$1 receivers=$2 mtu=${3:-1500}
  check_name "$lab"; need_root
  [[ $receivers =~ ^[0-9]+$ && $receivers -ge 1 && $receivers -le 100 ]] || die "receivers must be 1..100"
  down "$lab"
  trap 'down "$lab"' ERR
  ip netns add "$lab-br"
  ip -n "$lab-br" link set lo up
  ip -n "$lab-br" link add br0 type bridge
  # No IGMP snooping: every port floods multicast, as an unmanaged lab switch does.
  ip -n "$lab-br" link set br0 type bridge mcast_snooping 0
  ip -n "$lab-br" link set br0 up
  add_host "$lab" s "$mtu"
  add_host "$lab" x "$mtu"
  for i in $(seq 1 "$receivers"); do add_host "$lab" "r$i" "$mtu"; done
  trap - ERR
}

shape() {
  local lab=$1 rate=$2
  check_name "$lab"; need_root
  ip netns exec "$lab-s" tc qdisc replace dev eth0 root tbf rate "$rate" burst 256kb latency 50ms
}

loss() {
  local lab=$1 pct=$2
  check_name "$lab"; need_root
  [[ $pct =~ ^[0-9]+$ && $pct -le 100 ]] || die "loss must be an integer percentage"
  ip netns exec "$lab-br" nft delete table bridge lab 2>/dev/null || true
  [[ $pct == 0 ]] && return 0
  local ports
  ports=$(ip -n "$lab-br" -o link show master br0 | awk -F'[ :@]+' '{print $2}' | grep -E '^vr[0-9]+$' | paste -sd, -)
  ip netns exec "$lab-br" nft -f - <<NFT
table bridge lab {
  chain loss {
    type filter hook forward priority 0; policy accept;
    oifname { $ports } numgen random mod 100 < $pct counter drop
  }
}
NFT
}

down() {
  local lab=$1 ns
  check_name "$lab"
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$lab-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

down_all() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^icl[a-z0-9]{1,6}-' || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

cmd=${1:-}; shift || true
case "$cmd" in
  up) [[ $# -ge 2 ]] || die "usage: lab.sh up LAB RECEIVERS [MTU]"; up "$@" ;;
  shape) [[ $# -eq 2 ]] || die "usage: lab.sh shape LAB RATE"; shape "$@" ;;
  loss) [[ $# -eq 2 ]] || die "usage: lab.sh loss LAB PERCENT"; loss "$@" ;;
  addr) [[ $# -eq 2 ]] || die "usage: lab.sh addr LAB HOST"; host_ip "$@" ;;
  down) [[ $# -eq 1 ]] || die "usage: lab.sh down LAB"; down "$1" ;;
  down-all) down_all ;;
  *) die "usage: lab.sh up|shape|loss|addr|down|down-all ..." ;;
esac
