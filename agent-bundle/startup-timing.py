#!/usr/bin/env python3
"""How fast img starts, as agent-bundle/README.md quotes it. Needs root and a build
(./mvnw -B -o package -DskipTests -pl agent-bundle -am).

In a namespace lab of lab/lab.sh (a sender host s, a receiver host r1; multicast only on their
eth0, inside the lab), for each way of running img, interleaved run by run:
  receive  time from starting `img receive` to its "listening on" line (default: after the
           loopback warm-up img receive does first; --no-warmup: IMG_WARMUP=0, the JVM and img alone)
  announce time from starting `img send` (a receiver already listening) to its first datagram on
           the wire, an ANNOUNCE (tcpdump on the sender's eth0)
  data     the same to its first DATA datagram: after the receiver joined and was accepted
  version  `img --version`, start to exit
Ways: the bundle with its AOT cache; the bundle with IMG_AOT=0; client-agent/img, which is
`java -jar img.jar` on the java of PATH (JDK 17 here). Prints median, min and max of each.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAB = "iclst"
LAB_SH = os.path.join(ROOT, "lab", "lab.sh")


def lab(*args):
    subprocess.run(["bash", LAB_SH, *args], check=True, stdout=subprocess.DEVNULL)


def netns(host, cmd):
    return ["ip", "netns", "exec", f"{LAB}-{host}", *cmd]


def watch(proc, text, found):
    """Reads proc's output to the end; sets found[0] to the time `text` first appeared."""
    for line in proc.stdout:
        if found[0] is None and text in line:
            found[0] = time.monotonic()


def tcpdump(packet_type):
    """A tcpdump on the sender's eth0 for the first imgcast datagram of a type (byte 5 of its header)."""
    p = subprocess.Popen(netns("s", ["tcpdump", "-i", "eth0", "-n", "-tt", "-l", "-c", "1", f"udp and udp[13] == {packet_type}"]),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:  # "listening on eth0, ..." once it captures
        if "listening on" in line:
            return p
    raise RuntimeError("tcpdump did not start")


def one_run(cmd, env, work, warmup):
    """One receive and one send; returns (receive, announce, data) in seconds."""
    env = dict(env, XDG_CACHE_HOME=os.path.join(work, "cache"), IMG_PLAIN="1")
    if not warmup:
        env["IMG_WARMUP"] = "0"
    copy = os.path.join(work, "copy.img")
    found = [None]
    started = time.monotonic()
    receiver = subprocess.Popen(netns("r1", [*cmd, "receive", copy, "--interface", "eth0", "--session", "timing",
                                             "--timeout", "60", "--name", "r1"]),
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reader = threading.Thread(target=watch, args=(receiver, "listening on", found))
    reader.start()
    while found[0] is None and receiver.poll() is None and time.monotonic() - started < 60:
        time.sleep(0.001)
    if found[0] is None:
        raise RuntimeError(f"{cmd} receive did not listen")
    receive = found[0] - started
    announce_dump, data_dump = tcpdump(1), tcpdump(5)
    sent_at = time.time()
    sender = subprocess.run(netns("s", [*cmd, "send", os.path.join(work, "image.img"), "--interface", "eth0",
                                        "--session", "timing", "--receivers", "1", "--timeout", "60"]),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    reader.join(60)
    if sender.returncode != 0 or receiver.wait(60) != 0:
        raise RuntimeError(f"{cmd}: transfer failed:\n{sender.stdout}")
    first = []
    for dump in (announce_dump, data_dump):
        out, _ = dump.communicate(timeout=10)
        first.append(float(out.split()[0]) - sent_at)
    return receive, first[0], first[1]


def version_time(cmd, env):
    started = time.monotonic()
    subprocess.run([*cmd, "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--bundle", default=os.path.join(HERE, "target", "img-bundle"))
    parser.add_argument("--no-warmup", action="store_true", help="receivers skip the loopback warm-up (IMG_WARMUP=0)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("startup-timing.py: needs root (a network namespace lab)")
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    bundle_img = os.path.join(args.bundle, "bin", "img")
    ways = {
        "bundle, AOT cache": ([bundle_img], base),
        "bundle, IMG_AOT=0": ([bundle_img], dict(base, IMG_AOT="0")),
        "java -jar img.jar (JDK 17)": ([os.path.join(ROOT, "client-agent", "img")], base),
    }
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"java on PATH: {java}; {args.runs} runs each, interleaved; receivers "
          + ("without" if args.no_warmup else "with") + " the loopback warm-up; load average at the start %.2f %.2f %.2f"
          % os.getloadavg())
    results = {name: {"receive": [], "announce": [], "data": [], "version": []} for name in ways}
    with tempfile.TemporaryDirectory(prefix="img-timing-") as work:
        subprocess.run([sys.executable, os.path.join(ROOT, "lab", "sample-image.py"), os.path.join(work, "image.img"), "8"],
                       check=True, stdout=subprocess.DEVNULL)
        lab("up", LAB, "1")
        try:
            for cmd, env in ways.values():  # once untimed: the manifest cache, the page cache
                one_run(cmd, env, work, not args.no_warmup)
            for _ in range(args.runs):
                for name, (cmd, env) in ways.items():
                    r = one_run(cmd, env, work, not args.no_warmup)
                    for key, value in zip(("receive", "announce", "data"), r):
                        results[name][key].append(value)
                    results[name]["version"].append(version_time(cmd, env))
        finally:
            lab("down", LAB)
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f on %d cores" % (*os.getloadavg(), os.cpu_count()))
    print(f"{'':28} {'median ms (min-max)':>24} per measure")
    for name, measures in results.items():
        cells = []
        for key in ("receive", "announce", "data", "version"):
            v = [x * 1000 for x in measures[key]]
            cells.append(f"{key} {statistics.median(v):.0f} ({min(v):.0f}-{max(v):.0f})")
        print(f"{name:28} " + "   ".join(cells))


if __name__ == "__main__":
    main()
