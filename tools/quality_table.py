#!/usr/bin/env python3
"""FID of G and G_ema per evaluation and seed from runs/<dir>/seed*/metrics.jsonl, as a Markdown table, with the
mean over seeds and the elapsed training time of the first seed's run at each evaluation."""
import glob, json, os, sys

root = sys.argv[1] if len(sys.argv) > 1 else "runs/quality-curve"
runs = {}
for path in sorted(glob.glob(os.path.join(root, "seed*", "metrics.jsonl"))):
    seed = os.path.basename(os.path.dirname(path))[4:]
    rows = {}
    for line in open(path):
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "quality" in r:
            rows[r["iteration"]] = (r["quality"]["fid"], r.get("quality_ema", {}).get("fid"), r["elapsed_seconds"], r["quality"]["samples"])
    runs[seed] = rows
if not runs:
    sys.exit(f"no metrics.jsonl with evaluations under {root}")
iters = sorted(set().union(*[set(r) for r in runs.values()]))
seeds = sorted(runs, key=int)
n = next(iter(next(iter(runs.values())).values()))[3]
print(f"FID ({n} samples vs 1,000 held-out digits), G / G_ema")
print()
print("| iteration | " + " | ".join(f"seed {s}" for s in seeds) + " | mean G | mean G_ema | elapsed (seed " + seeds[0] + ") |")
print("|---|" + "---|" * (len(seeds) + 3))
for it in iters:
    cells, g, e = [], [], []
    for s in seeds:
        v = runs[s].get(it)
        if v is None:
            cells.append("—")
            continue
        g.append(v[0])
        if v[1] is not None:
            e.append(v[1])
        cells.append(f"{v[0]:.1f} / {v[1]:.1f}" if v[1] is not None else f"{v[0]:.1f}")
    el = runs[seeds[0]].get(it)
    mg = f"{sum(g)/len(g):.1f}" if g else "—"
    me = f"{sum(e)/len(e):.1f}" if e else "—"
    print(f"| {it} | " + " | ".join(cells) + f" | {mg} | {me} | {el[2]/60:.1f} min |" if el else f"| {it} | " + " | ".join(cells) + f" | {mg} | {me} | — |")
