#!/usr/bin/env python3
"""Reads GpuGan's metrics.jsonl (one MetricsRecord per --log-every, snake_case: iteration, loss_d, loss_g,
d_of_x, d_of_gz_before_d, d_of_gz_after_d, images_per_second, elapsed_seconds).

    gpu_check_metrics.py compare A/metrics.jsonl B/metrics.jsonl [--names cuda,cpu]
        per-iteration losses of two runs side by side; the largest |loss_d| and |loss_g| difference
    gpu_check_metrics.py steady RUN/metrics.jsonl [--skip N]
        steady images/s: the median of images_per_second after the first N log lines

Last line `summary: ...`; exit 1 when a file is missing, empty or the runs share no iteration.
"""
import argparse
import json
import math
import os
import sys


def read(path):
    if not os.path.isfile(path):
        raise SystemExit("summary: %s does not exist" % path)
    recs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                recs.append(json.loads(line))
            except ValueError:
                pass        # a torn last line of a killed run
    if not recs:
        raise SystemExit("summary: %s has no records" % path)
    for key in ("iteration", "loss_d", "loss_g", "images_per_second"):
        if key not in recs[0]:
            raise SystemExit("summary: %s: no field '%s' (fields: %s)" % (path, key, ", ".join(sorted(recs[0]))))
    return recs


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def compare(a):
    names = a.names.split(",")
    ra = {r["iteration"]: r for r in read(a.a)}
    rb = {r["iteration"]: r for r in read(a.b)}
    its = sorted(set(ra) & set(rb))
    if not its:
        print("summary: the two runs share no logged iteration")
        return 1
    print("%5s  %12s %12s %10s   %12s %12s %10s" % ("iter", "loss_d " + names[0], "loss_d " + names[1], "|diff|",
                                                    "loss_g " + names[0], "loss_g " + names[1], "|diff|"))
    worst = {"loss_d": (0.0, None), "loss_g": (0.0, None)}
    for i in its:
        cells = []
        for key in ("loss_d", "loss_g"):
            x, y = float(ra[i][key]), float(rb[i][key])
            d = abs(x - y) if math.isfinite(x) and math.isfinite(y) else float("inf")
            if worst[key][1] is None or d > worst[key][0]:
                worst[key] = (d, i)
            cells.append("%12.6f %12.6f %10.2e" % (x, y, d))
        print("%5d  %s   %s" % (i, cells[0], cells[1]))
    print("summary: max |loss_d diff| %.3g (iteration %s), max |loss_g diff| %.3g (iteration %s) over %d iterations, %s vs %s" % (
        worst["loss_d"][0], worst["loss_d"][1], worst["loss_g"][0], worst["loss_g"][1], len(its), names[0], names[1]))
    return 0


def steady(a):
    recs = read(a.metrics)
    rest = recs[a.skip:] if len(recs) > a.skip else recs[-1:]
    rates = [float(r["images_per_second"]) for r in rest]
    m = median(rates)
    print("images/s per log window: " + ", ".join("%.0f" % float(r["images_per_second"]) for r in recs))
    print("summary: %.0f images/s (median of %d log windows, iterations %d-%d; min %.0f, max %.0f)" % (
        m, len(rates), rest[0]["iteration"], rest[-1]["iteration"], min(rates), max(rates)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--names", default="a,b")
    s = sub.add_parser("steady")
    s.add_argument("metrics")
    s.add_argument("--skip", type=int, default=3)
    a = ap.parse_args()
    if a.cmd == "compare":
        return compare(a)
    if a.cmd == "steady":
        return steady(a)
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
