#!/usr/bin/env python3
"""GpuGan's default DCGAN (dcgan28, src/GpuGan/Models/Dcgan.cs) in PyTorch eager: the throughput reference
for `gpugan train` on the same device.

    dcgan_torch.py [--device cuda|cpu] [--iterations N] [--warmup N] [--batch-size 64] [--json FILE]

G: Linear(100->6272, bias) -> BatchNorm1d(6272) -> ReLU -> view(128, 7, 7) -> ConvTranspose2d(128->64, 4, 2, 1)
   -> BatchNorm2d -> ReLU -> ConvTranspose2d(64->1, 4, 2, 1) -> tanh              (778,305 parameters)
D: Conv2d(1->64, 4, 2, 1) -> LeakyReLU(0.2) -> Conv2d(64->128, 4, 2, 1) -> BatchNorm2d -> LeakyReLU(0.2)
   -> flatten -> Linear(6272->1)                                                   (138,817 parameters)
Every conv, conv-transpose and linear layer has a bias, as in Dcgan.cs. BCE-with-logits, Adam(2e-4, 0.5, 0.999),
one D update (real, then fake) and one G update per iteration as in pytorch/examples' dcgan, a random real
batch resident on the device, fresh normal noise each iteration. Two timed modes after a warm-up:
  item    reads Loss_D, Loss_G, D(x), D(G(z)) with .item() every iteration (as pytorch/examples prints them;
          GpuGan reads its loss statistics every iteration too); each iteration is timed, and the median kept
  nosync  never reads back; one synchronize at the end
FP32 throughout: TF32 is off for matmuls and cuDNN convolutions unless --allow-tf32; cudnn.benchmark on.
Prints one line per mode and a last line `summary: ...`; --json writes the figures.
"""
import argparse
import json
import sys
import time

G_PARAMS, D_PARAMS = 778305, 138817


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--iterations", type=int, default=200, help="timed iterations per mode")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    ap.add_argument("--allow-tf32", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()

    try:
        import torch
        import torch.nn as nn
    except Exception as e:  # ImportError, or a broken install raising something else
        print("dcgan_torch.py: PyTorch is not importable here (%s: %s); nothing measured" % (type(e).__name__, e))
        return 3
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        print("dcgan_torch.py: torch %s sees no CUDA device; nothing measured" % torch.__version__)
        return 3
    dev = torch.device(a.device)
    torch.manual_seed(a.seed)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.backends.cuda.matmul.allow_tf32 = a.allow_tf32
    torch.backends.cudnn.allow_tf32 = a.allow_tf32
    torch.backends.cudnn.benchmark = True

    nz, ngf, ndf, b = 100, 64, 64, a.batch_size

    class View(nn.Module):
        def __init__(self, *shape):
            super().__init__()
            self.shape = shape

        def forward(self, x):
            return x.view(x.size(0), *self.shape)

    net_g = nn.Sequential(
        nn.Linear(nz, 2 * ngf * 7 * 7), nn.BatchNorm1d(2 * ngf * 7 * 7), nn.ReLU(True), View(2 * ngf, 7, 7),
        nn.ConvTranspose2d(2 * ngf, ngf, 4, 2, 1), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 1, 4, 2, 1), nn.Tanh()).to(dev)
    net_d = nn.Sequential(
        nn.Conv2d(1, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, 2 * ndf, 4, 2, 1), nn.BatchNorm2d(2 * ndf), nn.LeakyReLU(0.2, True),
        nn.Flatten(), nn.Linear(2 * ndf * 7 * 7, 1)).to(dev)

    def init(m):    # DCGAN: weights N(0, 0.02), BatchNorm weight N(1, 0.02), biases 0
        name = type(m).__name__
        if name.startswith("BatchNorm"):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
        elif name in ("Linear", "Conv2d", "ConvTranspose2d"):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
    net_g.apply(init)
    net_d.apply(init)
    pg, pd = sum(p.numel() for p in net_g.parameters()), sum(p.numel() for p in net_d.parameters())
    assert pg == G_PARAMS and pd == D_PARAMS, "parameter counts G %d D %d, expected %d and %d" % (pg, pd, G_PARAMS, D_PARAMS)

    crit = nn.BCEWithLogitsLoss()
    opt_d = torch.optim.Adam(net_d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(net_g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(b, 1, 28, 28, device=dev) * 2 - 1        # resident on the device, as GpuGan's batch is not
    ones = torch.ones(b, 1, device=dev)
    zeros = torch.zeros(b, 1, device=dev)

    def step(read):
        net_d.zero_grad(set_to_none=True)
        out = net_d(real)
        err_d_real = crit(out, ones)
        err_d_real.backward()
        noise = torch.randn(b, nz, device=dev)
        fake = net_g(noise)
        out_fake = net_d(fake.detach())
        err_d_fake = crit(out_fake, zeros)
        err_d_fake.backward()
        opt_d.step()
        net_g.zero_grad(set_to_none=True)
        out_g = net_d(fake)
        err_g = crit(out_g, ones)
        err_g.backward()
        opt_g.step()
        if read:
            return ((err_d_real + err_d_fake).item(), err_g.item(), torch.sigmoid(out).mean().item(),
                    torch.sigmoid(out_fake).mean().item(), torch.sigmoid(out_g).mean().item())
        return None

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)

    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu (%d threads)" % torch.get_num_threads()
    print("torch %s on %s: G %d parameters, D %d; batch %d; %d warm-up + %d timed iterations per mode; TF32 %s" % (
        torch.__version__, name, pg, pd, b, a.warmup, a.iterations, "on" if a.allow_tf32 else "off"))
    result = {"torch": torch.__version__, "device": name, "batch_size": b, "iterations": a.iterations,
              "warmup": a.warmup, "tf32": a.allow_tf32, "modes": {}}
    last = None
    for mode in ("item", "nosync"):
        for _ in range(a.warmup):
            step(True)
        sync()
        t0 = time.perf_counter()
        times = []    # item mode: .item() waits for the step, so each iteration's wall time is its own
        for _ in range(a.iterations):
            t1 = time.perf_counter()
            r = step(mode == "item")
            if r is not None:
                last = r
                times.append(time.perf_counter() - t1)
        sync()
        sec = time.perf_counter() - t0
        ips = a.iterations * b / sec
        result["modes"][mode] = {"seconds": sec, "ms_per_iteration": 1000 * sec / a.iterations, "images_per_second": ips}
        median = ""
        if times:
            times.sort()
            n = len(times)
            med = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
            result["modes"][mode].update(median_ms_per_iteration=1000 * med, min_ms_per_iteration=1000 * times[0],
                                         images_per_second_at_median=b / med)
            median = "  (median %.3f ms, %.0f images/s)" % (1000 * med, b / med)
        print("%-6s %8.3f ms/iteration  %9.0f images/s%s" % (mode, 1000 * sec / a.iterations, ips, median))
    if last is not None:
        print("last losses: Loss_D %.4f Loss_G %.4f D(x) %.4f D(G(z)) %.4f / %.4f" % last)
        result["last"] = dict(zip(("loss_d", "loss_g", "d_of_x", "d_of_gz_before_d", "d_of_gz_after_d"), last))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    print("json: " + json.dumps(result["modes"]))
    print("summary: torch %s %s: %.0f images/s reading losses every step (item), %.0f without (nosync)" % (
        torch.__version__, a.device, result["modes"]["item"]["images_per_second"], result["modes"]["nosync"]["images_per_second"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
