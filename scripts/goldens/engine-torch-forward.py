#!/usr/bin/env python3
# The PyTorch peer of `r1audit bench generate`'s prefill figure: tokens/s of one no-grad forward pass over
# batch x prompt tokens of a SmolLM2-135M-shaped LlamaForCausalLM (transformers, fp32, sdpa, random weights:
# the FLOPs are those of the real model) on the given threads. Usage (venv with torch + transformers;
# scripts/bench-train makes one, scripts/bench-engine calls this when it exists):
#   python scripts/goldens/engine-torch-forward.py --batch 1 --prompt-tokens 512 --threads 2
import argparse, json, resource, time
import torch
from transformers import LlamaForCausalLM
from smollm2_shape import smollm2_config

p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=1)
p.add_argument("--prompt-tokens", type=int, default=512)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=3)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
cfg = smollm2_config()
model = LlamaForCausalLM(cfg).float().eval()
x = torch.randint(0, cfg.vocab_size, (a.batch, a.prompt_tokens))
times = []
with torch.inference_mode():
    model(input_ids=x, use_cache=False)            # warm-up
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        # logits_to_keep=1: a generator needs only the last position's logits, as ours computes.
        model(input_ids=x, use_cache=False, logits_to_keep=1)
        times.append(time.perf_counter() - t0)
best = min(times)
tokens = a.batch * a.prompt_tokens
print(json.dumps({"peer": f"torch {torch.__version__} transformers LlamaForCausalLM fp32 sdpa forward",
                  "threads": a.threads, "batch": a.batch, "prompt_tokens": a.prompt_tokens,
                  "seconds": best, "tokens_per_second": tokens / best,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
