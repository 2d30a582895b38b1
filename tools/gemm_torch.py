#!/usr/bin/env python3
"""torch.matmul at the GEMM shapes `GpuGan.Bench gemm --device cuda` hands over, on its data: the bench's peer when
cuBLAS does not load through ILGPU.Algorithms.

    gemm_torch.py --dir DIR [--device cuda] [--warmup N] [--min-reps N] [--min-time S]

DIR holds shapes.json (a list of {m, n, k, batch, transpose_a, transpose_b, shared_a, sum_batch}) and, for the i-th
shape, i.a.f32 and i.b.f32: raw little-endian float32, row-major. A is (1 if shared_a else batch) matrices of M x K
(stored K x M when transpose_a), B is batch matrices of K x N (stored N x K when transpose_b). C = op(A) op(B) per
batch item, or summed over the batch when sum_batch (one einsum), is written to i.c.f32. Each shape is timed as one
call plus torch.cuda.synchronize(), after the warm-up: the median of at least --min-reps calls and --min-time
seconds. FP32 (TF32 off). The last line is `json: {...}`. Exit code 3 with one line when torch or CUDA is missing.
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--min-reps", type=int, default=20)
    ap.add_argument("--min-time", type=float, default=1.0)
    a = ap.parse_args()
    try:
        import numpy as np
        import torch
    except Exception as e:  # ImportError, or a broken install raising something else
        print("gemm_torch.py: PyTorch (or numpy) is not importable here (%s: %s); nothing measured" % (type(e).__name__, e))
        return 3
    if not torch.cuda.is_available():
        print("gemm_torch.py: torch %s sees no CUDA device; nothing measured" % torch.__version__)
        return 3
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device(a.device)
    with open(os.path.join(a.dir, "shapes.json")) as f:
        shapes = json.load(f)
    out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(dev), "shapes": []}
    for i, s in enumerate(shapes):
        m, n, k, batch = s["m"], s["n"], s["k"], s["batch"]
        na = 1 if s["shared_a"] else batch
        a_host = np.fromfile(os.path.join(a.dir, "%d.a.f32" % i), "<f4")
        b_host = np.fromfile(os.path.join(a.dir, "%d.b.f32" % i), "<f4")
        x = torch.from_numpy(a_host).to(dev)
        y = torch.from_numpy(b_host).to(dev)
        x = x.view(na, k, m).transpose(1, 2) if s["transpose_a"] else x.view(na, m, k)
        y = y.view(batch, n, k).transpose(1, 2) if s["transpose_b"] else y.view(batch, k, n)
        if s["sum_batch"]:
            call = lambda x=x, y=y: torch.einsum("bmk,bkn->mn", x, y)
        elif s["shared_a"]:
            call = lambda x=x, y=y: torch.matmul(x[0], y)
        else:
            call = lambda x=x, y=y: torch.matmul(x, y)
        for _ in range(a.warmup):
            call()
        torch.cuda.synchronize(dev)
        times = []
        start = time.perf_counter()
        while len(times) < a.min_reps or time.perf_counter() - start < a.min_time:
            t0 = time.perf_counter()
            call()
            torch.cuda.synchronize(dev)
            times.append(1000 * (time.perf_counter() - t0))
        c = call().contiguous().float().cpu().numpy()
        c.astype("<f4").tofile(os.path.join(a.dir, "%d.c.f32" % i))
        times.sort()
        r = len(times)
        median = times[r // 2] if r % 2 else 0.5 * (times[r // 2 - 1] + times[r // 2])
        out["shapes"].append({"median_ms": median, "min_ms": times[0], "mean_ms": sum(times) / r, "reps": r})
        print("%-28s %9.4f ms" % (s.get("name", i), median))
    print("json: " + json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
