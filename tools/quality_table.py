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

# An SVG of the curves (G dashed, G_ema solid, one colour per seed) beside the table.
W, H, L, R, T, B = 800, 420, 60, 130, 40, 45
pts = [(it, v[0]) for r in runs.values() for it, v in r.items()] + [(it, v[1]) for r in runs.values() for it, v in r.items() if v[1] is not None]
x0, x1 = min(p[0] for p in pts), max(max(p[0] for p in pts), min(p[0] for p in pts) + 1)
y0, y1 = 0.0, max(p[1] for p in pts)
X = lambda v: L + (v - x0) / (x1 - x0) * (W - L - R)
Y = lambda v: H - B - (v - y0) / (y1 - y0) * (H - T - B)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<text x="{(W - R + L) / 2}" y="20" text-anchor="middle">FID against iterations ({n} samples vs 1,000 held-out digits; lower is better)</text>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>', f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{(W - R + L) / 2}" y="{H - 8}" text-anchor="middle">iteration</text>']
for i in range(5):
    yv, xv = y0 + (y1 - y0) * i / 4, x0 + (x1 - x0) * i / 4
    out.append(f'<text x="{L - 5}" y="{Y(yv) + 4:.1f}" text-anchor="end">{yv:.0f}</text>')
    out.append(f'<text x="{X(xv):.1f}" y="{H - B + 16}" text-anchor="middle">{xv:.0f}</text>')
colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
row = 0
for k, s in enumerate(seeds):
    c = colours[k % len(colours)]
    for idx, (name, dash) in enumerate([("G", ' stroke-dasharray="5,4"'), ("G_ema", "")]):
        line = [(it, runs[s][it][idx]) for it in sorted(runs[s]) if runs[s][it][idx] is not None]
        if not line:
            continue
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.6"{dash} points="' + " ".join(f"{X(a):.1f},{Y(b):.1f}" for a, b in line) + '"/>')
        row += 1
        out.append(f'<line x1="{W - R + 10}" y1="{T + 14 * row - 4}" x2="{W - R + 35}" y2="{T + 14 * row - 4}" stroke="{c}" stroke-width="1.6"{dash}/>')
        out.append(f'<text x="{W - R + 40}" y="{T + 14 * row}" fill="{c}">seed {s} {name}</text>')
out.append("</svg>")
with open(os.path.join(root, "fid.svg"), "w") as f:
    f.write("\n".join(out) + "\n")
