#!/usr/bin/env bash
# Regenerate the tokenizer goldens (fixtures/goldens/tokenizer/{smollm2,qwen2}.jsonl + MANIFEST.json) with
# llama.cpp's llama-tokenize. Needs scripts/build-llama-cpp and scripts/fetch-models (smollm2, qwen2.5) first.
# Usage: scripts/goldens/tokenizer-goldens.sh [N problems per dataset, default 100]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin="${R1AUDIT_LLAMA_CPP:-$HOME/.cache/r1audit/llama.cpp}/bin/llama-tokenize"
models="${R1AUDIT_MODELS:-$HOME/.cache/r1audit/models}"
datasets="${R1AUDIT_DATASETS:-$here/../shared/datasets}"
[ -x "$bin" ] || { echo "missing $bin: run scripts/build-llama-cpp" >&2; exit 1; }
python3 "$here/scripts/goldens/tokenizer-goldens.py" "$bin" "$datasets" "$here/fixtures/goldens/tokenizer" "${1:-100}" \
  "smollm2=$models/SmolLM2-135M-Instruct.Q4_1.gguf" \
  "qwen2=$models/Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf"
