"""PyTorch modules of GpuGan's registered models, so that weights written by ``gpugan export`` load by name.

    import torch, safetensors.torch
    from models.gpugan_models import build
    g = build("dcgan28")                        # sizes: build("dcgan28", g_width=32, ...) or the file's metadata
    g.load_state_dict(safetensors.torch.load_file("export/generator.safetensors"))
    g.eval()
    images = g(torch.randn(16, 100))            # (16, 1, 28, 28) in [-1, 1]; a conditional G: g(z, labels)

Each module's attribute names are GpuGan's layer names without the "G."/"D." prefix (src/GpuGan/Models/*.cs), so
its ``state_dict()`` keys are the exported tensor names: ``fc.weight``, ``bn0.running_mean``,
``bn0.num_batches_tracked``, ``embed.weight`` ... Conventions are PyTorch's in both: conv weights (out, in, kh, kw),
conv-transpose (in, out, kh, kw), linear (out, in); BatchNorm eps 1e-5 and momentum 0.1 with the same meaning
(running = (1 - momentum) * running + momentum * batch, running_var from the unbiased batch variance; GpuGan's
BatchNorm.cs), num_batches_tracked counting training-mode batches; LeakyReLU slope 0.2; D returns logits (N, 1),
no sigmoid.

Every model is one list of layers (``layers(name, network, **config)``), from which both the ``nn.Module`` and
``expected_state_dict_shapes`` (names, dtypes and shapes, computed without torch) are made, so the table that
``models/check_names.py`` compares exported files against is the modules' own. Without torch this file still
imports: the table and the safetensors header reader work, building a module raises ImportError.
``load_safetensors(path)`` reads a file into torch tensors without the ``safetensors`` package.
"""

import json
import struct

try:
    import torch
    from torch import nn
except ImportError:  # the shape table and header reader need no torch
    torch = None
    nn = None

BATCH_NORM = {"eps": 1e-5, "momentum": 0.1}
LEAKY_SLOPE = 0.2

# Default sizes of each registered model (ModelConfig in GpuGan): the keyword arguments of build() and the modules.
DEFAULTS = {
    "dcgan28": dict(latent=100, channels=1, image_size=28, g_width=64, d_width=64, classes=0),
    "dcgan64": dict(latent=100, channels=1, image_size=64, g_width=64, d_width=64, classes=0),
    "cdcgan28": dict(latent=100, channels=1, image_size=28, g_width=64, d_width=64, classes=10),
    "cdcgan64": dict(latent=100, channels=1, image_size=64, g_width=64, d_width=64, classes=10),
}
ALIASES = {"dcgan-28": "dcgan28", "mnist": "dcgan28", "dcgan-64": "dcgan64",
           "cdcgan-28": "cdcgan28", "cmnist": "cdcgan28", "cdcgan-64": "cdcgan64"}
NETWORKS = ("generator", "discriminator")


def config(name, **sizes):
    """The model's canonical name and its sizes: its defaults with ``sizes`` over them, checked as GpuGan checks them."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in DEFAULTS:
        raise ValueError(f"unknown model {name!r} (known: {', '.join(DEFAULTS)})")
    c = dict(DEFAULTS[key])
    for k, v in sizes.items():
        if k not in c:
            raise TypeError(f"unknown size {k!r} (sizes: {', '.join(c)})")
        c[k] = int(v)
    conditional = key.startswith("c")
    if min(c["latent"], c["g_width"], c["d_width"], c["image_size"]) < 1 or c["channels"] not in (1, 3):
        raise ValueError(f"{key}: sizes must be >= 1 and channels 1 or 3, got {c}")
    if conditional and c["classes"] < 2:
        raise ValueError(f"{key} is conditional and needs at least 2 classes, got {c['classes']}")
    if not conditional and c["classes"] != 0:
        raise ValueError(f"{key} takes no class labels (classes must be 0), got {c['classes']}")
    if key.endswith("28") and (c["image_size"] < 8 or c["image_size"] % 4):
        raise ValueError(f"{key} needs an image size that is a multiple of 4 (>= 8), got {c['image_size']}")
    if key.endswith("64") and c["image_size"] != 64:
        raise ValueError(f"{key} is for 64x64 images, got {c['image_size']}")
    return key, c


# A layer: (attribute name, torch.nn class name, positional args, keyword args).
def _dcgan28_generator(c, inputs):
    w, s = c["g_width"], c["image_size"] // 4
    return [
        ("fc", "Linear", (inputs, 2 * w * s * s), {}),
        ("bn0", "BatchNorm1d", (2 * w * s * s,), BATCH_NORM),
        ("relu0", "ReLU", (), {}),
        ("view", "Unflatten", (1, (2 * w, s, s)), {}),
        ("deconv1", "ConvTranspose2d", (2 * w, w, 4, 2, 1), {}),
        ("bn1", "BatchNorm2d", (w,), BATCH_NORM),
        ("relu1", "ReLU", (), {}),
        ("deconv2", "ConvTranspose2d", (w, c["channels"], 4, 2, 1), {}),
        ("tanh", "Tanh", (), {}),
    ]


def _dcgan28_discriminator_body(c):
    w = c["d_width"]
    return [
        ("conv1", "Conv2d", (c["channels"], w, 4, 2, 1), {}),
        ("lrelu1", "LeakyReLU", (LEAKY_SLOPE,), {}),
        ("conv2", "Conv2d", (w, 2 * w, 4, 2, 1), {}),
        ("bn2", "BatchNorm2d", (2 * w,), BATCH_NORM),
        ("lrelu2", "LeakyReLU", (LEAKY_SLOPE,), {}),
        ("flatten", "Flatten", (), {}),
    ]


def _dcgan28_features(c):
    return 2 * c["d_width"] * (c["image_size"] // 4) ** 2


def _dcgan64_generator(c, inputs):
    w, no_bias = c["g_width"], {"bias": False}
    layers = [("view", "Unflatten", (1, (inputs, 1, 1)), {}),
              ("deconv1", "ConvTranspose2d", (inputs, 8 * w, 4, 1, 0), no_bias)]
    widths = [8 * w, 4 * w, 2 * w, w]
    for i, width in enumerate(widths, start=1):
        layers += [(f"bn{i}", "BatchNorm2d", (width,), BATCH_NORM), (f"relu{i}", "ReLU", (), {})]
        out = widths[i] if i < len(widths) else c["channels"]
        layers.append((f"deconv{i + 1}", "ConvTranspose2d", (width, out, 4, 2, 1), no_bias))
    return layers + [("tanh", "Tanh", (), {})]


def _dcgan64_discriminator_body(c):
    w, no_bias = c["d_width"], {"bias": False}
    layers = [("conv1", "Conv2d", (c["channels"], w, 4, 2, 1), no_bias), ("lrelu1", "LeakyReLU", (LEAKY_SLOPE,), {})]
    for i, (cin, cout) in enumerate([(w, 2 * w), (2 * w, 4 * w), (4 * w, 8 * w)], start=2):
        layers += [(f"conv{i}", "Conv2d", (cin, cout, 4, 2, 1), no_bias), (f"bn{i}", "BatchNorm2d", (cout,), BATCH_NORM),
                   (f"lrelu{i}", "LeakyReLU", (LEAKY_SLOPE,), {})]
    return layers


def _projection_head(features, classes):
    # The projection discriminator's output: fc(phi) + (embed(y) * phi).sum(1, keepdim=True).
    return [("fc", "Linear", (features, 1), {}), ("embed", "Embedding", (classes, features), {})]


def layers(name, network="generator", **sizes):
    """The model's layers in order, as (attribute, torch.nn class name, args, kwargs), and its canonical name and sizes."""
    key, c = config(name, **sizes)
    if network not in NETWORKS:
        raise ValueError(f"network must be one of {NETWORKS}, got {network!r}")
    k = c["classes"]
    if network == "generator":
        embed = [("embed", "Embedding", (k, k), {})] if k else []
        inputs = c["latent"] + k
        body = _dcgan28_generator(c, inputs) if key.endswith("28") else _dcgan64_generator(c, inputs)
        return embed + body, key, c
    if key == "dcgan28":
        return _dcgan28_discriminator_body(c) + [("fc", "Linear", (_dcgan28_features(c), 1), {})], key, c
    if key == "cdcgan28":
        return _dcgan28_discriminator_body(c) + _projection_head(_dcgan28_features(c), k), key, c
    if key == "dcgan64":
        return _dcgan64_discriminator_body(c) + [("conv5", "Conv2d", (8 * c["d_width"], 1, 4, 1, 0), {"bias": False}),
                                                 ("flatten", "Flatten", (), {})], key, c
    return _dcgan64_discriminator_body(c) + [("flatten", "Flatten", (), {})] + _projection_head(8 * c["d_width"] * 16, k), key, c


def _state_dict_shapes(kind, args, kwargs):
    """(suffix, dtype, shape) of each state_dict entry a torch.nn layer has, in PyTorch's order."""
    bias = kwargs.get("bias", True)
    if kind == "Linear":
        i, o = args
        return [("weight", "F32", (o, i))] + ([("bias", "F32", (o,))] if bias else [])
    if kind in ("Conv2d", "ConvTranspose2d"):
        i, o, k = args[0], args[1], args[2]
        w = (o, i, k, k) if kind == "Conv2d" else (i, o, k, k)
        return [("weight", "F32", w)] + ([("bias", "F32", (o,))] if bias else [])
    if kind in ("BatchNorm1d", "BatchNorm2d"):
        (n,) = args
        return [("weight", "F32", (n,)), ("bias", "F32", (n,)), ("running_mean", "F32", (n,)),
                ("running_var", "F32", (n,)), ("num_batches_tracked", "I64", ())]
    if kind == "Embedding":
        return [("weight", "F32", tuple(args))]
    return []


def expected_state_dict_shapes(name, network="generator", **sizes):
    """{state_dict key: (safetensors dtype, shape)} of the module ``build(name, network, **sizes)``, without torch."""
    spec, _, _ = layers(name, network, **sizes)
    return {f"{attr}.{suffix}": (dtype, shape)
            for attr, kind, args, kwargs in spec for suffix, dtype, shape in _state_dict_shapes(kind, args, kwargs)}


class _Network(nn.Module if nn is not None else object):
    """The layers of ``layers(...)`` as attributes, in order; forward runs them in turn."""

    network = "generator"

    def __init__(self, name, **sizes):
        if nn is None:
            raise ImportError("building a GpuGan module needs PyTorch (pip install torch)")
        super().__init__()
        spec, self.model, self.config = layers(name, self.network, **sizes)
        self.conditional = self.config["classes"] > 0
        for attr, kind, args, kwargs in spec:
            setattr(self, attr, getattr(nn, kind)(*args, **kwargs))

    def _run(self, x, skip=("embed",), stop=None):
        for attr, module in self.named_children():
            if attr == stop:
                break
            if attr not in skip:
                x = module(x)
        return x

    def extra_repr(self):
        return f"model={self.model}, " + ", ".join(f"{k}={v}" for k, v in self.config.items())


class Generator(_Network):
    """G: z (N, latent) [and labels y (N,) of a conditional model] to images (N, channels, size, size) in [-1, 1]."""

    network = "generator"

    def forward(self, z, y=None):
        if self.conditional:
            if y is None:
                raise ValueError(f"{self.model} is conditional: call it as g(z, labels)")
            z = torch.cat([z, self.embed(y)], 1)
        return self._run(z)


class Discriminator(_Network):
    """D: images (N, channels, size, size) [and labels y (N,)] to logits (N, 1)."""

    network = "discriminator"

    def forward(self, x, y=None):
        if not self.conditional:
            return self._run(x)
        if y is None:
            raise ValueError(f"{self.model} is conditional: call it as d(x, labels)")
        phi = self._run(x, stop="fc")
        return self.fc(phi) + (self.embed(y) * phi).sum(1, keepdim=True)


def _named(model, base):
    class Named(base):
        def __init__(self, **sizes):
            super().__init__(model, **sizes)
    Named.__name__ = Named.__qualname__ = model.capitalize() + base.__name__
    Named.__doc__ = f"GpuGan's {model} {base.network}; keyword arguments: {', '.join(DEFAULTS[model])}."
    return Named


Dcgan28Generator = _named("dcgan28", Generator)
Dcgan28Discriminator = _named("dcgan28", Discriminator)
Dcgan64Generator = _named("dcgan64", Generator)
Dcgan64Discriminator = _named("dcgan64", Discriminator)
Cdcgan28Generator = _named("cdcgan28", Generator)
Cdcgan28Discriminator = _named("cdcgan28", Discriminator)
Cdcgan64Generator = _named("cdcgan64", Generator)
Cdcgan64Discriminator = _named("cdcgan64", Discriminator)


def build(name, network="generator", **sizes):
    """The module of a registered model: ``build("cdcgan28")``, ``build("dcgan64", "discriminator", d_width=32)``."""
    if network not in NETWORKS:
        raise ValueError(f"network must be one of {NETWORKS}, got {network!r}")
    return (Generator if network == "generator" else Discriminator)(name, **sizes)


SIZE_KEYS = ("latent", "channels", "image_size", "g_width", "d_width", "classes")


def build_from_metadata(metadata):
    """The module a file written by ``gpugan export`` holds, from its metadata (model, network and sizes)."""
    return build(metadata["model"], metadata.get("network", "generator"), **{k: int(metadata[k]) for k in SIZE_KEYS if k in metadata})


def read_safetensors_header(path):
    """(tensors {name: {"dtype", "shape", "data_offsets"}}, metadata, data start) of a safetensors file; standard library only."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        (n,) = struct.unpack("<Q", raw)
        if n > 100 << 20:
            raise ValueError(f"{path}: header of {n} bytes is too large")
        header = json.loads(f.read(n))
    metadata = header.pop("__metadata__", None) or {}
    return header, metadata, 8 + n


_TORCH_DTYPES = {"F32": "float32", "I64": "int64", "F64": "float64", "F16": "float16", "BF16": "bfloat16",
                 "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool"}


def load_safetensors(path):
    """{name: torch tensor} of a safetensors file without the ``safetensors`` package (e.g. with Debian's python3-torch)."""
    if torch is None:
        raise ImportError("load_safetensors needs PyTorch")
    tensors, _, start = read_safetensors_header(path)
    with open(path, "rb") as f:
        data = f.read()[start:]
    out = {}
    for name, t in tensors.items():
        begin, end = t["data_offsets"]
        dtype = getattr(torch, _TORCH_DTYPES[t["dtype"]])
        chunk = bytearray(data[begin:end])
        flat = torch.frombuffer(chunk, dtype=dtype) if chunk else torch.empty(0, dtype=dtype)
        out[name] = flat.reshape(t["shape"]).clone()
    return out
