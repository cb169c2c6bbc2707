#!/usr/bin/env python3
# PyTorch reference goldens for the Training module (rule 9: parity with PyTorch at step 0): a tiny
# numpy-seeded llama (transformers LlamaForCausalLM, fp32, eager attention), a 3-response group with
# rewards [1, 0, 0], old log-probs shifted so both PPO clip branches occur, and for the grpo and dr-grpo
# objectives (oat's formulas) the per-token log-probs, the loss and every parameter gradient.
# Writes fixtures/goldens/training/tiny-llama-grpo.json. Run from the repo root:
#   ~/.cache/r1audit/torch-venv/bin/python scripts/goldens/training-goldens.py
import json, hashlib, numpy as np, torch, transformers
from transformers import LlamaConfig, LlamaForCausalLM

SEED = 1234
cfg = LlamaConfig(vocab_size=23, hidden_size=16, intermediate_size=24, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
                  max_position_embeddings=64, attn_implementation="eager")
model = LlamaForCausalLM(cfg).float()
rng = np.random.default_rng(SEED)
weights = {}
for name, p in model.named_parameters():
    if name.endswith("norm.weight"):
        v = 1 + 0.3 * rng.standard_normal(p.shape)
    else:
        v = 0.35 * rng.standard_normal(p.shape)
    with torch.no_grad():
        p.copy_(torch.tensor(v, dtype=torch.float32))
    weights[name] = p.detach().numpy().astype(np.float32)

prompt = [1, 5, 7]
completions = [[2, 9, 3, 1], [4, 8], [11, 12, 13, 14, 6]]
rewards = [1.0, 0.0, 0.0]
budget = 8
shift = lambda t: 0.3 if t % 2 == 0 else -0.05      # old = logp + shift: ratio e^-0.3 or e^0.05

def logprobs():
    out = []
    for c in completions:
        ids = torch.tensor([prompt + c])
        logits = model(input_ids=ids).logits[0]
        lp = torch.log_softmax(logits[:-1], dim=-1)
        tgt = ids[0, 1:]
        out.append(lp.gather(1, tgt[:, None])[:, 0][len(prompt) - 1:])
    return out

def loss_of(objective):
    lps = logprobs()
    r = torch.tensor(rewards)
    adv = r - r.mean()
    if objective == "grpo":
        adv = adv / (r.std() + 1e-6)        # Bessel-corrected, as torch.std
    per = []
    for i, lp in enumerate(lps):
        old = (lp.detach() + torch.tensor([shift(t) for t in range(len(lp))])).detach()
        ratio = torch.exp(lp - old)
        pg = torch.max(-adv[i] * ratio, -adv[i] * torch.clamp(ratio, 0.8, 1.2))
        per.append(pg.sum() / budget if objective == "dr-grpo" else pg.mean())
    return torch.stack(per).mean(), lps

result = {"seed": SEED, "torch": torch.__version__, "transformers": transformers.__version__,
          "config": cfg.to_dict(), "prompt": prompt, "completions": completions, "rewards": rewards, "budget": budget,
          "old_logprob_shift": {"even": 0.3, "odd": -0.05},
          "weights": {k: {"shape": list(v.shape), "values": v.ravel().tolist()} for k, v in weights.items()},
          "objectives": {}}
for objective in ("grpo", "dr-grpo"):
    model.zero_grad()
    loss, lps = loss_of(objective)
    loss.backward()
    result["objectives"][objective] = {
        "loss": loss.item(), "logprobs": [lp.detach().tolist() for lp in lps],
        "gradients": {n: p.grad.detach().numpy().ravel().tolist() for n, p in model.named_parameters()}}
path = "fixtures/goldens/training/tiny-llama-grpo.json"
text = json.dumps(result, separators=(",", ":"))
open(path, "w").write(text)
print(path, len(text), "bytes sha256", hashlib.sha256(text.encode()).hexdigest())
