#!/usr/bin/env bash
# The one run to make on a GPU machine (no Node needed there): builds GenLab's CUDA DCGAN step,
# checks it against the same kernels run on the host (which the test suite checks against the
# CPU trainer), times it at batch 64 for 28×28×1 and 32×32×3, and times PyTorch's DCGAN
# (../shared/bench/reference_dcgan.py --device cuda) beside it when torch is there.
#   bash scripts/gpu-check.sh [steps=50]
set -uo pipefail
cd "$(dirname "$0")/.."
steps="${1:-50}"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
out="$(mktemp -d)"
echo "building with $("$nvcc" --version | tail -1)"
"$nvcc" -std=c++17 -O3 -arch=native -Xcompiler -pthread -o "$out/gpu_check" native/tools/gpu_check.cu native/src/parallel.cc -ldl || exit 3
"$out/gpu_check" "$steps" | tee "$out/genlab.jsonl"
status=${PIPESTATUS[0]}
ref="${GENLAB_BENCH_REFERENCES:-../shared/bench}/reference_dcgan.py"
if [ -f "$ref" ] && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  for shape in 28x28x1 32x32x3; do
    python3 "$ref" --device cuda --shape "$shape" --batch 64 --steps "$steps" | tail -1 | tee -a "$out/pytorch.jsonl"
  done
  python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
g = {r["time"]: r["ms_per_step"] for r in map(json.loads, open(f"{d}/genlab.jsonl")) if "time" in r}
p = {r["shape"]: r["ms_per_step"] for r in map(json.loads, open(f"{d}/pytorch.jsonl"))}
for s in g:
    if s in p:
        print(json.dumps({"shape": s, "genlab_ms": g[s], "pytorch_ms": p[s], "ratio": round(g[s] / p[s], 3)}))
PY
else
  echo "PyTorch with CUDA not found: GenLab's times only"
fi
exit "$status"
