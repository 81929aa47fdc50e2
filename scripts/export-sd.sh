#!/usr/bin/env bash
# Exports a Stable Diffusion model to the ONNX folder GenLab loads (SD_MODEL_DIR), on a machine
# with internet and Python. GenLab itself never downloads models.
#
#   scripts/export-sd.sh [sd15|sd-turbo|MODEL_ID] [OUT_DIR] [--fp16]
#
#   sd15      stable-diffusion-v1-5/stable-diffusion-v1-5  (25 steps, guidance 7.5, 512²)
#   sd-turbo  stabilityai/sd-turbo                         (1–4 steps, guidance 0, 512²)
#
# Writes OUT_DIR/{text_encoder,unet,vae_decoder}/model.onnx (+ external weights), tokenizer/,
# scheduler/, model_index.json — the diffusers/optimum ONNX layout — and genlab-manifest.json
# with every file's sha256 (GenLab records the manifest's sha256 as the model's in provenance).
# --fp16 exports half-precision weights for CUDA (needs a GPU during export); CPU wants fp32.
# Then: SD_MODEL_DIR=OUT_DIR genlab imagine "a cyberpunk street" --out street.png
set -euo pipefail

model="${1:-sd15}"
case "$model" in
  sd15) model_id="stable-diffusion-v1-5/stable-diffusion-v1-5" ;;
  sd-turbo) model_id="stabilityai/sd-turbo" ;;
  *) model_id="$model" ;;
esac
out="${2:-./models/$(basename "$model_id")-onnx}"
shift $(( $# > 2 ? 2 : $# )) || true
extra=()
if [[ " $* " == *" --fp16 "* ]]; then extra=(--fp16 --device cuda); fi

python3 -m venv .venv-export
# shellcheck disable=SC1091
source .venv-export/bin/activate
pip install --quiet --upgrade "optimum[exporters,onnxruntime]" diffusers transformers accelerate

# Models behind a licence gate need `huggingface-cli login` (or HF_TOKEN) first.
optimum-cli export onnx --model "$model_id" "${extra[@]}" "$out"  # the task (text-to-image) is inferred

# GenLab needs only the decoder half of the VAE; the encoder is for image-to-image.
rm -rf "$out/vae_encoder"

python3 - "$out" "$model_id" <<'PY'
import hashlib, json, os, sys
out, model_id = sys.argv[1], sys.argv[2]
index = os.path.join(out, "model_index.json")
meta = json.load(open(index)) if os.path.exists(index) else {}
meta["_name_or_path"] = model_id  # the name GenLab shows and records
json.dump(meta, open(index, "w"), indent=2)
files = {}
for root, _, names in os.walk(out):
    for n in sorted(names):
        p = os.path.join(root, n)
        rel = os.path.relpath(p, out)
        if rel == "genlab-manifest.json":
            continue
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        files[rel] = h.hexdigest()
json.dump({"model": model_id, "files": dict(sorted(files.items()))}, open(os.path.join(out, "genlab-manifest.json"), "w"), indent=2)
print(f"Exported {model_id} to {out} ({len(files)} files); set SD_MODEL_DIR={os.path.abspath(out)}")
PY
