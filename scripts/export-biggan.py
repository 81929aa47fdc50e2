#!/usr/bin/env python3
"""Export a pretrained BigGAN-deep to ONNX + the manifest GenLab reads (BIGGAN_MODEL_DIR).

Needs internet once (the weights download) and:  pip install torch onnx pytorch-pretrained-biggan
(and onnxruntime, to check the export against the library at every truncation; strongly advised).

    python3 scripts/export-biggan.py --model biggan-deep-128 --out models/biggan-deep-128
    python3 scripts/export-biggan.py --model /path/to/folder --out models/my-biggan   # config.json + pytorch_model.bin
    BIGGAN_MODEL_DIR=models/biggan-deep-128 npm start

Truncation. pytorch-pretrained-biggan takes it as a Python float and picks batch-norm
statistics in BigGANBatchNorm.forward with `coef, start = math.modf(truncation / step)`: row
`start` when coef == 0, else rows[start] * coef + rows[start + 1] * (1 - coef). That float64
arithmetic cannot be left to the graph (in float32, 13 of the 51 grid values land on another
row: 0.6 / 0.02 = 30.0000019). So the default --mode input exports a graph whose inputs are the
row (`truncation_row`, int64 scalar) and the two weights (`truncation_weights`, float32 [2]:
[coef, 1 - coef], or [1, 0] when coef == 0); GenLab computes them in float64 exactly as the
library does (src/engines/biggan/statistics.ts). --mode baked instead exports one graph per value
in --truncations with the statistics fixed by the library itself (GenLab snaps a request to the
nearest).

Spectral norm. In eval mode torch's spectral_norm divides each weight by a fixed sigma computed
from the stored u, v vectors (no power iteration). The export folds that division once
(torch.nn.utils.remove_spectral_norm, which computes the very same W / sigma), so the graph holds
one copy of each weight instead of weight_orig + u + v + the division: the folder is about the
checkpoint's size and each image skips the per-run normalisation.

Check. Unless --no-check, the export is run with onnxruntime at every truncation the library
accepts (0.02, 0.04, ..., 1.00) and compared with the unpatched library's own forward, called
with Python floats as its users call it; the script fails if any pixel differs by more than
one 8-bit level.

Manifest (manifest.json, format genlab-biggan/1): name, resolution, zDim, numClasses, inputs
{z, classVector}, output {name, layout}, truncation {statistics: {row, weights}, model, step}
or {baked: [{value, model}]}, files {name: sha256} for every file, source.
"""
import argparse
import copy
import hashlib
import json
import math
import os
import sys
import types

import torch

HUB_NAMES = ("biggan-deep-128", "biggan-deep-256", "biggan-deep-512")


def library_statistics(truncation, step):
    """BigGANBatchNorm.forward's choice on a Python float: (row, [weight of row, weight of row + 1])."""
    coef, start = math.modf(truncation / step)
    if coef == 0.0:
        return int(start), [1.0, 0.0]
    return int(start), [coef, 1 - coef]


def statistics_tensors(truncation, step):
    row, weights = library_statistics(truncation, step)
    # float32 weights: the library multiplies float32 buffers by the Python floats, i.e. by
    # their float32 roundings; row * 1 + next * 0 is exactly row.
    return torch.tensor(row, dtype=torch.int64), torch.tensor(weights, dtype=torch.float32)


def statistics_batch_norm(self, x, truncation, condition_vector=None):
    """BigGANBatchNorm.forward with truncation given as (row, weights) tensors instead of a float."""
    row, weights = truncation
    last = self.running_means.shape[0] - 1
    nxt = torch.clamp(row + 1, max=last)
    running_mean = self.running_means[row] * weights[0] + self.running_means[nxt] * weights[1]
    running_var = self.running_vars[row] * weights[0] + self.running_vars[nxt] * weights[1]
    if self.conditional:
        running_mean = running_mean.unsqueeze(0).unsqueeze(-1).unsqueeze(-1)
        running_var = running_var.unsqueeze(0).unsqueeze(-1).unsqueeze(-1)
        weight = 1 + self.scale(condition_vector).unsqueeze(-1).unsqueeze(-1)
        bias = self.offset(condition_vector).unsqueeze(-1).unsqueeze(-1)
        return (x - running_mean) / torch.sqrt(running_var + self.eps) * weight + bias
    return torch.nn.functional.batch_norm(x, running_mean, running_var, self.weight, self.bias, training=False, momentum=0.0, eps=self.eps)


def prepare_for_export(biggan, batch_norm_class):
    """A copy of the model with spectral norm folded and every batch norm taking (row, weights).

    The original stays untouched: it is the reference the check compares against.
    """
    from torch.nn.utils.spectral_norm import SpectralNorm

    g = copy.deepcopy(biggan).eval()
    folded = 0
    for module in g.modules():
        for hook in list(module._forward_pre_hooks.values()):
            if isinstance(hook, SpectralNorm):
                torch.nn.utils.remove_spectral_norm(module, hook.name)
                folded += 1
        if isinstance(module, batch_norm_class):
            # Per instance, not on the class, so the reference model keeps the library's forward.
            module.forward = types.MethodType(statistics_batch_norm, module)
    return g, folded


class Exportable(torch.nn.Module):
    """BigGAN.forward without its float-only assert: (z, class_vector, row, weights) → image."""

    def __init__(self, biggan, baked=None):
        super().__init__()
        self.biggan = biggan
        self.baked = baked

    def forward(self, z, class_vector, truncation_row=None, truncation_weights=None):
        stats = self.baked if self.baked is not None else (truncation_row, truncation_weights)
        cond = torch.cat((z, self.biggan.embeddings(class_vector)), dim=1)
        return self.biggan.generator(cond, stats)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(module, args, path, input_names):
    import onnx

    torch.onnx.export(
        module, args, path, opset_version=17, input_names=input_names, output_names=["output"],
        dynamic_axes={"z": {0: "batch"}, "class_vector": {0: "batch"}, "output": {0: "batch"}},
    )
    # Weights beside the graph (external data), as large exports are laid out. onnx appends to an
    # existing data file, so a re-export into the same folder starts from none.
    data = os.path.basename(path) + ".data"
    if os.path.exists(os.path.join(os.path.dirname(path), data)):
        os.remove(os.path.join(os.path.dirname(path), data))
    model = onnx.load(path)
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data)


def grid(step):
    """Every truncation on the library's statistics grid that BigGAN.forward accepts (0 < t <= 1),
    as the Python floats users type: 0.02, 0.04, ..., 1.0."""
    n = round(1 / step)
    return [float(f"{k * step:.10g}") for k in range(1, n + 1)]


def check(reference, runs, z, cv):
    """Compares each (path, truncation, feeds) export with the unpatched library's forward.

    Returns the worst difference in 8-bit levels, or None when onnxruntime is missing.
    """
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    sessions = {}
    worst = (0.0, None)
    for path, t, feeds in runs:
        if path not in sessions:
            sessions[path] = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = sessions[path].run(["output"], {k: v.numpy() for k, v in feeds.items()})[0]
        with torch.no_grad():
            want = reference(z, cv, t).numpy()  # the library's own forward, truncation a Python float
        levels = float(abs(got - want).max()) * 127.5
        print(f"  truncation {t:g}: max |onnx - library| = {levels:.3f} of 255 levels")
        if levels >= worst[0]:
            worst = (levels, t)
    return worst


def load(model):
    from pytorch_pretrained_biggan import BigGAN

    if model in HUB_NAMES:
        return BigGAN.from_pretrained(model).eval(), model
    folder = os.path.abspath(model)
    missing = [f for f in ("config.json", "pytorch_model.bin") if not os.path.isfile(os.path.join(folder, f))]
    if not os.path.isdir(folder) or missing:
        sys.exit(f"--model must be one of {', '.join(HUB_NAMES)} or a folder holding config.json and pytorch_model.bin; {model} {'is not a folder' if not os.path.isdir(folder) else 'has no ' + ' or '.join(missing)}.")
    # from_pretrained loads a folder path as it is (the same code path as the hub names).
    return BigGAN.from_pretrained(folder).eval(), os.path.basename(folder.rstrip(os.sep)) or "biggan"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="biggan-deep-128", help=f"one of {', '.join(HUB_NAMES)}, or a folder with config.json + pytorch_model.bin")
    p.add_argument("--out", required=True)
    p.add_argument("--name", help="model name in the manifest (default: the hub name or folder name)")
    p.add_argument("--mode", choices=["input", "baked"], default="input")
    p.add_argument("--truncations", default="0.2,0.4,0.6,0.8,1.0", help="for --mode baked")
    p.add_argument("--no-check", action="store_true", help="skip the onnxruntime-vs-library check")
    a = p.parse_args()

    from pytorch_pretrained_biggan import model as biggan_model

    reference, name = load(a.model)
    cfg = reference.config
    step = 1.0 / (cfg.n_stats - 1)  # BigGANBatchNorm.step_size, the same float
    g, folded = prepare_for_export(reference, biggan_model.BigGANBatchNorm)
    print(f"Folded spectral norm into {folded} weights.")
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    z = torch.randn(2, cfg.z_dim).clamp(-2, 2) * 0.4
    cv = torch.zeros(2, cfg.num_classes)
    cv[0, 207] = 1
    cv[1, 1] = 0.3
    cv[1, 208] = 0.7
    files = {}
    runs = []
    with torch.no_grad():
        if a.mode == "input":
            path = os.path.join(a.out, "model.onnx")
            row, weights = statistics_tensors(0.4, step)
            export(Exportable(g), (z, cv, row, weights), path, ["z", "class_vector", "truncation_row", "truncation_weights"])
            for t in grid(step):
                row, weights = statistics_tensors(t, step)
                runs.append((path, t, {"z": z, "class_vector": cv, "truncation_row": row, "truncation_weights": weights}))
            truncation = {"statistics": {"row": "truncation_row", "weights": "truncation_weights"}, "model": "model.onnx", "step": step}
        else:
            baked = []
            for t in [float(x) for x in a.truncations.split(",")]:
                if not 0 < t <= 1:
                    sys.exit(f"--truncations: {t} is not above 0 and at most 1, the range BigGAN accepts.")
                name_t = f"model-t{t:.2f}.onnx"
                path = os.path.join(a.out, name_t)
                export(Exportable(g, statistics_tensors(t, step)), (z, cv), path, ["z", "class_vector"])
                runs.append((path, t, {"z": z, "class_vector": cv}))
                baked.append({"value": t, "model": name_t})
            truncation = {"baked": baked}
    if not a.no_check:
        worst = check(reference, runs, z, cv)
        if worst is None:
            print("  (onnxruntime not installed: skipped the check against the library; pip install onnxruntime and export again to run it)")
        elif worst[0] > 1.0:
            sys.exit(f"The export differs from pytorch-pretrained-biggan by {worst[0]:.2f} of 255 levels at truncation {worst[1]:g} (more than 1): do not use it.")
        else:
            print(f"Check passed: at {len(runs)} truncations the export is within {worst[0]:.3f} of 255 levels of the library.")
    for f in sorted(os.listdir(a.out)):
        if f.endswith(".onnx") or f.endswith(".onnx.data"):
            files[f] = sha256(os.path.join(a.out, f))
    manifest = {
        "format": "genlab-biggan/1",
        "name": a.name or name,
        "resolution": cfg.output_dim,
        "zDim": cfg.z_dim,
        "numClasses": cfg.num_classes,
        "inputs": {"z": "z", "classVector": "class_vector"},
        "output": {"name": "output", "layout": "NCHW"},
        "truncation": truncation,
        "files": files,
        "source": f"pytorch-pretrained-biggan {name}, exported by scripts/export-biggan.py (torch {torch.__version__}, spectral norm folded)",
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    size = sum(os.path.getsize(os.path.join(a.out, f)) for f in files)
    print(f"Wrote {a.out}: {', '.join(files)} ({size / 1e6:.0f} MB) + manifest.json")


if __name__ == "__main__":
    main()
