#!/usr/bin/env python3
"""Export a pretrained BigGAN-deep to ONNX + the manifest GenLab reads (BIGGAN_MODEL_DIR).

Needs internet once (the weights download) and:  pip install torch onnx pytorch-pretrained-biggan
(optionally onnxruntime, to check the export against PyTorch).

    python3 scripts/export-biggan.py --model biggan-deep-128 --out models/biggan-deep-128
    BIGGAN_MODEL_DIR=models/biggan-deep-128 npm start

Truncation. pytorch-pretrained-biggan takes it as a Python float and picks batch-norm
statistics with math.modf, so a plain torch.onnx.export freezes it into the graph. The
default --mode input patches that one method with the same arithmetic on a tensor, so the
exported graph takes `truncation` as an input (statistics stored every 0.02, like the
original). --mode baked instead exports one graph per value in --truncations (the folder then
holds several graphs; GenLab snaps a request to the nearest).

Manifest (manifest.json, format genlab-biggan/1): name, resolution, zDim, numClasses, inputs
{z, classVector}, output {name, layout}, truncation {input, model, step} or
{baked: [{value, model}]}, files {name: sha256} for every file, source.
"""
import argparse
import hashlib
import json
import os

import torch


def tensor_truncation_batch_norm(self, x, truncation, condition_vector=None):
    # Same as BigGANBatchNorm.forward, with truncation a 0-d tensor instead of a float.
    # Float64 so that modf's split matches Python's (0.4 / 0.02 must give exactly 20).
    pos = truncation.double() / self.step_size
    start = torch.floor(pos)
    coef = (pos - start).float()
    last = self.running_means.shape[0] - 1
    i0 = start.long().clamp(0, last)
    i1 = (i0 + 1).clamp(max=last)
    interpolate = coef != 0
    running_mean = torch.where(interpolate, self.running_means[i0] * coef + self.running_means[i1] * (1 - coef), self.running_means[i0])
    running_var = torch.where(interpolate, self.running_vars[i0] * coef + self.running_vars[i1] * (1 - coef), self.running_vars[i0])
    running_mean = running_mean[None, :, None, None]
    running_var = running_var[None, :, None, None]
    if self.conditional:
        weight = 1 + self.scale(condition_vector)[:, :, None, None]
        bias = self.offset(condition_vector)[:, :, None, None]
    else:
        weight = self.weight[None, :, None, None]
        bias = self.bias[None, :, None, None]
    return (x - running_mean) / torch.sqrt(running_var + self.eps) * weight + bias


class Exportable(torch.nn.Module):
    """BigGAN.forward without its float-only assert: (z, class_vector, truncation) → image."""

    def __init__(self, biggan, truncation=None):
        super().__init__()
        self.biggan = biggan
        self.baked = truncation

    def forward(self, z, class_vector, truncation=None):
        t = self.baked if self.baked is not None else truncation
        cond = torch.cat((z, self.biggan.embeddings(class_vector)), dim=1)
        return self.biggan.generator(cond, t)


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
    # Weights beside the graph (external data), as large exports are laid out.
    model = onnx.load(path)
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=os.path.basename(path) + ".data")


def check(path, module, feeds):
    try:
        import onnxruntime as ort
    except ImportError:
        print("  (onnxruntime not installed: skipped the PyTorch-vs-ONNX check)")
        return
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(["output"], {k: v.numpy() for k, v in feeds.items()})[0]
    with torch.no_grad():
        want = module(*feeds.values()).numpy()
    print(f"  max |onnx - torch| = {abs(got - want).max():.2e}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="biggan-deep-128", choices=["biggan-deep-128", "biggan-deep-256", "biggan-deep-512"])
    p.add_argument("--out", required=True)
    p.add_argument("--mode", choices=["input", "baked"], default="input")
    p.add_argument("--truncations", default="0.2,0.4,0.6,0.8,1.0", help="for --mode baked")
    a = p.parse_args()

    from pytorch_pretrained_biggan import BigGAN
    from pytorch_pretrained_biggan import model as biggan_model

    os.makedirs(a.out, exist_ok=True)
    g = BigGAN.from_pretrained(a.model).eval()
    cfg = g.config
    z = torch.randn(2, cfg.z_dim).clamp(-2, 2) * 0.4
    cv = torch.zeros(2, cfg.num_classes)
    cv[:, 207] = 1
    files = {}
    with torch.no_grad():
        if a.mode == "input":
            biggan_model.BigGANBatchNorm.forward = tensor_truncation_batch_norm
            path = os.path.join(a.out, "model.onnx")
            feeds = {"z": z, "class_vector": cv, "truncation": torch.tensor(0.4)}
            export(Exportable(g), tuple(feeds.values()), path, list(feeds))
            check(path, Exportable(g), feeds)
            truncation = {"input": "truncation", "model": "model.onnx", "step": 1.0 / (cfg.n_stats - 1)}
        else:
            baked = []
            for t in [float(x) for x in a.truncations.split(",")]:
                name = f"model-t{t:.2f}.onnx"
                path = os.path.join(a.out, name)
                export(Exportable(g, t), (z, cv), path, ["z", "class_vector"])
                check(path, Exportable(g, t), {"z": z, "class_vector": cv})
                baked.append({"value": t, "model": name})
            truncation = {"baked": baked}
    for f in sorted(os.listdir(a.out)):
        if f.endswith(".onnx") or f.endswith(".onnx.data"):
            files[f] = sha256(os.path.join(a.out, f))
    manifest = {
        "format": "genlab-biggan/1",
        "name": a.model,
        "resolution": cfg.output_dim,
        "zDim": cfg.z_dim,
        "numClasses": cfg.num_classes,
        "inputs": {"z": "z", "classVector": "class_vector"},
        "output": {"name": "output", "layout": "NCHW"},
        "truncation": truncation,
        "files": files,
        "source": f"pytorch-pretrained-biggan {a.model}, exported by scripts/export-biggan.py (torch {torch.__version__})",
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"Wrote {a.out}: {', '.join(files)} + manifest.json")


if __name__ == "__main__":
    main()
