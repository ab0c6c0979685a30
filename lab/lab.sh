#!/usr/bin/env bash
# The namespace lab: private test hosts on one machine. Multicast and test UDP stay inside the
# namespaces it creates (never the uplink of the root namespace, never an address off this machine).
#
#   lab.sh up LAB RECEIVERS [MTU]   create LAB-br (bridge), LAB-s (sender), LAB-r1..rN (receivers)
#   lab.sh shape LAB RATE           shape the sender's link (tbf), e.g. 500mbit
#   lab.sh loss LAB PERCENT         drop PERCENT% of frames towards each receiver (nftables, random)
#   lab.sh impair LAB HOST random PERCENT
#                                   add: drop PERCENT% of frames towards HOST, at random
#   lab.sh impair LAB HOST bursts PERCENT LENGTH
#                                   add: drop LENGTH frames in a row towards HOST, PERCENT% of its frames
#                                   in all (a burst every LENGTH*100/PERCENT frames); "lab.sh loss LAB 0"
#                                   removes every impairment
#   lab.sh addr LAB HOST            print the address of HOST (s, r1, r2, ..., x)
#   lab.sh server LAB               give the lab a TCP-only way to a server in the root namespace:
#                                   interface LAB-srv there, address 10.250.0.254 (see below)
#   lab.sh down LAB                 remove every namespace of LAB (idempotent)
#   lab.sh down-all                 remove every lab namespace (name starting with "icl")
#
# LAB must start with "icl" and be at most 9 characters. Every host sees one interface, eth0,
# with an address in 10.250.0.0/24, multicast routed to eth0, and no route anywhere else: no
# packet of the lab can reach the root namespace, let alone the machine's uplink. Host "x" is
# one extra host (for hostile traffic in tests). Needs root.
#
# "server" is the one link into the root namespace, for services the lab's devices talk to over
# HTTP (session-service, which itself needs the root namespace's PostgreSQL and RabbitMQ). The
# bridge passes only ARP and IPv4 TCP on that port, in both directions (nftables table
# "bridge labsrv"), and IPv6 is off on it: no multicast and no UDP of the lab reaches the root
# namespace, and the root namespace sends none into the lab. Its route covers 10.250.0.0/24
# only; the lab still has no route anywhere else.
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
  # Frames leave a host one by one, as on a wire: a UDP GSO batch is cut into its datagrams at the
  # host's interface, so the bridge (and its nftables loss) sees frames, not batches of 60.
  ip -n "$ns" link set eth0 gso_max_segs 1
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

impair() {
  local lab=$1 host=$2 kind=$3 pct=$4 length=${5:-}
  check_name "$lab"; need_root
  host_ip "$lab" "$host" >/dev/null
  [[ $pct =~ ^[0-9]+$ && $pct -ge 1 && $pct -le 100 ]] || die "loss must be an integer percentage 1..100"
  local rule
  case "$kind" in
    random) rule="numgen random mod 100 < $pct" ;;
    bursts)
      [[ $length =~ ^[0-9]+$ && $length -ge 1 ]] || die "burst length must be a positive number of frames"
      rule="numgen inc mod $(( length * 100 / pct )) < $length" ;;
    *) die "impairment is random PERCENT or bursts PERCENT LENGTH" ;;
  esac
  ip netns exec "$lab-br" nft -f - <<NFT
table bridge lab {
  chain loss {
    type filter hook forward priority 0; policy accept;
  }
}
add rule bridge lab loss oifname "v$host" $rule counter drop
NFT
}

server() {
  local lab=$1
  check_name "$lab"; need_root
  ip link del "$lab-srv" 2>/dev/null || true
  ip link add "$lab-srv" type veth peer name vsrv netns "$lab-br"
  sysctl -qw "net.ipv6.conf.$lab-srv.disable_ipv6=1"
  ip netns exec "$lab-br" sysctl -qw net.ipv6.conf.vsrv.disable_ipv6=1
  ip netns exec "$lab-br" nft -f - <<NFT
table bridge labsrv {
  chain forward {
    type filter hook forward priority -10; policy accept;
    oifname "vsrv" ether type arp accept
    oifname "vsrv" ip protocol tcp accept
    oifname "vsrv" counter drop
    iifname "vsrv" ether type arp accept
    iifname "vsrv" ip protocol tcp accept
    iifname "vsrv" counter drop
  }
}
NFT
  ip -n "$lab-br" link set vsrv master br0 up
  ip addr add 10.250.0.254/24 dev "$lab-srv"
  ip link set "$lab-srv" multicast off up
}

down() {
  local lab=$1 ns
  check_name "$lab"
  ip link del "$lab-srv" 2>/dev/null || true
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$lab-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

down_all() {
  local ns link
  for link in $(ip -o link show | awk -F'[ :@]+' '{print $2}' | grep -E '^icl[a-z0-9]{1,6}-srv$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
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
  impair) [[ $# -ge 4 && $# -le 5 ]] || die "usage: lab.sh impair LAB HOST random PERCENT | bursts PERCENT LENGTH"
    impair "$@" ;;
  addr) [[ $# -eq 2 ]] || die "usage: lab.sh addr LAB HOST"; host_ip "$@" ;;
  server) [[ $# -eq 1 ]] || die "usage: lab.sh server LAB"; server "$1" ;;
  down) [[ $# -eq 1 ]] || die "usage: lab.sh down LAB"; down "$1" ;;
  down-all) down_all ;;
  *) die "usage: lab.sh up|shape|loss|impair|addr|server|down|down-all ..." ;;
esac
