"""Reference token ids for tests/engines/diffusion/clip-tokenizer.test.ts, from transformers itself.

Stable Diffusion pipelines in diffusers load `CLIPTokenizer` from transformers. In transformers 4.x that is
the Python ("slow") tokenizer in models/clip/tokenization_clip.py, which cleans text one of two ways:
with ftfy importable, `ftfy.fix_text` (and no HTML unescaping there, despite OpenAI's CLIP doing it);
without it, `BasicTokenizer(strip_accents=False, do_split_on_punc=False)`. A plain `pip install diffusers
transformers` has no ftfy, so this script blocks its import and records that path. Nothing of
transformers is copied here: it runs the installed library.

Usage (with transformers 4.x importable, e.g. a venv built from wheels):
  python reference_clip_tokenizer.py TOKENIZER_DIR < prompts.json > ids.json
TOKENIZER_DIR holds vocab.json + merges.txt (tests/support/tiny-sd.ts writeClipTokenizer writes one);
prompts.json is a JSON list of strings; the output is {"transformers": version, "ids": [[...], ...]}.
"""
import builtins
import json
import sys

_import = builtins.__import__


def _no_ftfy(name, *args, **kwargs):
    if name == "ftfy" or name.startswith("ftfy."):
        raise ImportError("ftfy is blocked: recording the path a plain diffusers install takes")
    return _import(name, *args, **kwargs)


builtins.__import__ = _no_ftfy

import transformers  # noqa: E402
from transformers import CLIPTokenizer  # noqa: E402

tokenizer = CLIPTokenizer.from_pretrained(sys.argv[1])
if getattr(tokenizer, "fix_text", "absent") is not None:
    sys.exit(f"transformers {transformers.__version__}'s CLIPTokenizer is not the slow tokenizer's no-ftfy path")
prompts = json.load(sys.stdin)
json.dump({"transformers": transformers.__version__, "ids": [tokenizer(p)["input_ids"] for p in prompts]}, sys.stdout)
