#!/usr/bin/env python3
# The PyTorch peer of `r1audit bench train`: forward + backward + AdamW tokens/s of a SmolLM2-135M-shaped
# LlamaForCausalLM (transformers, fp32, random weights: the FLOPs are those of the real model) at
# batch x seq on the given threads. Usage (venv with torch + transformers; scripts/bench-train makes one):
#   python scripts/goldens/training-torch-bench.py --batch 8 --seq 256 --threads 2 --steps 2
# --gradient-checkpointing turns on transformers' gradient checkpointing (the peer of ours).
import argparse, json, resource, time
import torch
from transformers import LlamaForCausalLM
from smollm2_shape import smollm2_config

p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=8)
p.add_argument("--seq", type=int, default=256)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--steps", type=int, default=2)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--gradient-checkpointing", action="store_true")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
cfg = smollm2_config()
model = LlamaForCausalLM(cfg).float()
if a.gradient_checkpointing:
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
model.train()
opt = torch.optim.AdamW(model.parameters(), lr=1e-6, weight_decay=0.0)
x = torch.randint(0, cfg.vocab_size, (a.batch, a.seq))

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

times, cpus = [], []
for i in range(a.warmup + a.steps):
    t0, c0 = time.perf_counter(), cpu()
    opt.zero_grad(set_to_none=True)
    out = model(input_ids=x, labels=x)
    out.loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if i >= a.warmup:
        times.append(time.perf_counter() - t0); cpus.append(cpu() - c0)
per = sum(times) / len(times)
cpu_per = sum(cpus) / len(cpus)
tokens = a.batch * a.seq
print(json.dumps({"peer": f"torch {torch.__version__} transformers LlamaForCausalLM fp32 sdpa", "threads": a.threads,
                  "batch": a.batch, "seq": a.seq, "seconds_per_step": per, "tokens_per_second": tokens / per,
                  "cpu_seconds_per_step": cpu_per, "cpu_estimated_tokens_per_second": tokens / (cpu_per / a.threads),
                  "gradient_checkpointing": a.gradient_checkpointing,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
