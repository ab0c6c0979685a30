#!/usr/bin/env python3
"""A sample disk image for the demos: SIZE MiB, random blocks, every fourth block and the last
quarter all zero (what a partly used disk looks like to imgcast).  usage: sample-image.py PATH MIB"""
import os
import sys

path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    for block in range(mib):
        f.write(bytes(1 << 20) if block % 4 == 1 or block >= mib * 3 // 4 else os.urandom(1 << 20))
