#!/usr/bin/env bash
# Regenerate the tokenizer goldens (fixtures/goldens/tokenizer/{smollm2,qwen2,gemma3}.jsonl + MANIFEST.json) with
# llama.cpp's llama-tokenize. Needs scripts/build-llama-cpp and scripts/fetch-models (smollm2, qwen2.5, gemma3) first.
# Usage: scripts/goldens/tokenizer-goldens.sh [N problems per dataset, default 100] [smollm2|qwen2|gemma3 …, default all]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin="${R1AUDIT_LLAMA_CPP:-$HOME/.cache/r1audit/llama.cpp}/bin/llama-tokenize"
models="${R1AUDIT_MODELS:-$HOME/.cache/r1audit/models}"
datasets="${R1AUDIT_DATASETS:-$here/../shared/datasets}"
[ -x "$bin" ] || { echo "missing $bin: run scripts/build-llama-cpp" >&2; exit 1; }
n="${1:-100}"; shift || true
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(smollm2 qwen2 gemma3)
args=()
for name in "${names[@]}"; do
  case "$name" in
    smollm2) args+=("smollm2=$models/SmolLM2-135M-Instruct.Q4_1.gguf") ;;
    qwen2) args+=("qwen2=$models/Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf") ;;
    gemma3) args+=("gemma3=$models/gemma-3-270m.Q4_K_M.gguf") ;;
    *) echo "unknown model $name (smollm2, qwen2, gemma3)" >&2; exit 2 ;;
  esac
done
python3 "$here/scripts/goldens/tokenizer-goldens.py" "$bin" "$datasets" "$here/fixtures/goldens/tokenizer" "$n" "${args[@]}"
