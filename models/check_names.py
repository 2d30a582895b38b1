#!/usr/bin/env python3
"""Checks a safetensors file against models/gpugan_models.py: the state_dict names, dtypes and shapes of the module
it is for. Standard library only; with --torch it also builds the module, loads the file with strict=True, and with
--compare IO.safetensors runs it (evaluation mode) on the inputs there and compares with the outputs there.

    python3 models/check_names.py export/generator.safetensors [MODEL] [--network generator|discriminator]
        [--latent N --channels N --image-size N --g-width N --d-width N --classes N] [--torch] [--compare IO]

MODEL, the network and the sizes default to the file's metadata (gpugan export writes them); without metadata the
network is the one whose names match. Exit code 0: everything matches; 1: a difference (each printed); 2: usage.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpugan_models as gm  # noqa: E402


def compare(found, expected):
    problems = []
    for name, (dtype, shape) in expected.items():
        if name not in found:
            problems.append(f"missing tensor {name} ({dtype}, shape {tuple(shape)})")
            continue
        t = found[name]
        if t["dtype"] != dtype:
            problems.append(f"tensor {name} is {t['dtype']}, the module's is {dtype}")
        if tuple(t["shape"]) != tuple(shape):
            problems.append(f"tensor {name} has shape {tuple(t['shape'])}, the module's is {tuple(shape)}")
    problems += [f"extra tensor {name} (not in the module's state_dict)" for name in found if name not in expected]
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("model", nargs="?")
    p.add_argument("--network", choices=gm.NETWORKS)
    for key in gm.SIZE_KEYS:
        p.add_argument("--" + key.replace("_", "-"), type=int, dest=key)
    p.add_argument("--torch", action="store_true", help="also load the file into the torch module with strict=True")
    p.add_argument("--compare", metavar="IO", help="inputs (z or x, and y) and the expected output 'out' to run the module on")
    p.add_argument("--tolerance", type=float, default=1e-4)
    a = p.parse_args(argv)

    found, metadata, _ = gm.read_safetensors_header(a.file)
    model = a.model or metadata.get("model")
    if model is None:
        p.error(f"{a.file} has no GpuGan metadata: give MODEL")
    sizes = {k: int(metadata[k]) for k in gm.SIZE_KEYS if k in metadata and a.model in (None, metadata.get("model"))}
    sizes.update({k: getattr(a, k) for k in gm.SIZE_KEYS if getattr(a, k) is not None})
    networks = [a.network or metadata.get("network")] if (a.network or metadata.get("network")) else list(gm.NETWORKS)
    results = [(net, compare(found, gm.expected_state_dict_shapes(model, net, **sizes))) for net in networks]
    network, problems = min(results, key=lambda r: len(r[1]))
    key, config = gm.config(model, **sizes)
    what = f"the {key} {network} ({', '.join(f'{k}={v}' for k, v in config.items())})"
    if problems:
        for line in problems:
            print(f"{a.file}: {line}")
        print(f"{a.file}: does not match {what} of models/gpugan_models.py: {len(problems)} difference(s)")
        return 1
    print(f"OK: {len(found)} tensors of {a.file} match {what}: names, dtypes and shapes")

    if a.torch or a.compare:
        import torch
        module = gm.build(key, network, **config)
        module.load_state_dict(gm.load_safetensors(a.file), strict=True)
        table = gm.expected_state_dict_shapes(key, network, **config)
        mine = {k: tuple(v.shape) for k, v in module.state_dict().items()}
        if mine != {k: tuple(s) for k, (_, s) in table.items()}:
            print(f"{a.file}: the torch module's state_dict differs from expected_state_dict_shapes")
            return 1
        print(f"OK: torch {torch.__version__} loaded it into {type(module).__name__} with strict=True")
        if a.compare:
            io = gm.load_safetensors(a.compare)
            module.eval()
            with torch.no_grad():
                inputs = io["z"] if network == "generator" else io["x"]
                out = module(inputs, io["y"]) if module.conditional else module(inputs)
            diff = (out - io["out"]).abs().max().item()
            if tuple(out.shape) != tuple(io["out"].shape) or not diff <= a.tolerance:
                print(f"{a.file}: the module's output {tuple(out.shape)} differs from GpuGan's {tuple(io['out'].shape)} by up to {diff}")
                return 1
            print(f"OK: its output on {a.compare} equals GpuGan's within {diff:.3g} (shape {tuple(out.shape)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
