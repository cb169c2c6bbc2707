# SmolLM2-135M's architecture as a transformers LlamaConfig, shared by the PyTorch peers of our benchmarks
# (training-torch-bench.py, engine-torch-forward.py): random weights of this shape cost the real model's FLOPs.
from transformers import LlamaConfig


def smollm2_config() -> LlamaConfig:
    return LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                       num_attention_heads=9, num_key_value_heads=3, rope_theta=100000, rms_norm_eps=1e-5,
                       tie_word_embeddings=True, max_position_embeddings=8192, attn_implementation="sdpa")
