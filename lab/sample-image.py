#!/usr/bin/env python3
"""A sample disk image for the demos: SIZE MiB, every fourth block and the last quarter all zero,
of the rest half random (like compressed files) and half text-like (like configuration, logs and
programs, which zstd shrinks): what a partly used disk looks like to imgcast.
usage: sample-image.py PATH MIB"""
import os
import random
import sys

path, mib = sys.argv[1], int(sys.argv[2])
words = [b"root", b"daemon", b"/usr/sbin/nologin", b"/bin/bash", b"x:0:0", b"Dec  3 12:00:01", b"systemd[1]:",
         b"Started", b"session", b"kernel:", b"eth0", b"link up", b"#include <stdio.h>", b"return 0;", b"\n"]
rng = random.Random(mib)
with open(path, "wb") as f:
    for block in range(mib):
        if block % 4 == 1 or block >= mib * 3 // 4:
            f.write(bytes(1 << 20))
        elif block % 2 == 0:
            f.write(os.urandom(1 << 20))
        else:
            text = bytearray()
            while len(text) < 1 << 20:
                text += b" ".join(rng.choice(words) for _ in range(8)) + b" %d\n" % rng.randrange(100000)
            f.write(bytes(text[:1 << 20]))
