#!/usr/bin/env python3
"""Writes small valid seed inputs for the reader fuzz targets (scripts/fuzz-readers) into DIR/<target>/.

GGUF (v3, per the ggml GGUF spec) and safetensors (8-byte header length + JSON + data) are built from the
formats' specs; tokenizer.json and config.json are minimal Hugging Face files; JSONL takes lines from the
fixtures and /work/shared/datasets when present; the run store seed is fixtures/fuzz/seeds/run-store.bin.
"""
import json, os, shutil, struct, sys

out = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def put(target, name, data):
    d = os.path.join(out, target); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f: f.write(data if isinstance(data, bytes) else data.encode())

# ---- GGUF
def gstr(s): b = s.encode(); return struct.pack("<Q", len(b)) + b
def kv(key, typ, val):
    enc = {0: "<B", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q"}
    if typ == 8: v = gstr(val)
    elif typ == 9:
        et, items = val
        v = struct.pack("<IQ", et, len(items)) + b"".join(gstr(x) if et == 8 else struct.pack(enc[et], x) for x in items)
    else: v = struct.pack(enc[typ], val)
    return gstr(key) + struct.pack("<I", typ) + v
BLOCK = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 8: (32, 34), 12: (256, 144), 14: (256, 210)}
def gguf(kvs, tensors, align=32):
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kv(*x) for x in kvs)
    infos, data = b"", b""
    for name, dims, typ in tensors:
        per, size = BLOCK[typ]; n = 1
        for d in dims: n *= d
        infos += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", typ, len(data))
        blob = bytes((i * 37 + 11) % 251 for i in range(n // per * size))
        if typ in (2, 3, 8, 12, 14):  # keep the f16 scales finite and small
            blob = bytearray(blob)
            for b in range(0, len(blob), size): blob[b:b + 2] = struct.pack("<e", 0.01)
            blob = bytes(blob)
        if typ == 0: blob = b"".join(struct.pack("<f", 0.5 * i) for i in range(n))
        if typ == 1: blob = b"".join(struct.pack("<e", 0.25 * i) for i in range(n))
        data += blob + b"\0" * ((-len(blob)) % align)
    body = head + infos
    return body + b"\0" * ((-len(body)) % align) + data
tokens = ["<s>", "</s>", "a", "b", "ab", "Ġ", "Ġa", "1", "2", "3", "H", "e", "l", "o", "He", "ll"]
bpe_kv = [("general.architecture", 8, "llama"), ("general.alignment", 4, 32), ("llama.block_count", 4, 1),
          ("llama.embedding_length", 4, 32), ("llama.context_length", 4, 128), ("llama.attention.head_count", 4, 2),
          ("tokenizer.ggml.model", 8, "gpt2"), ("tokenizer.ggml.pre", 8, "qwen2"),
          ("tokenizer.ggml.tokens", 9, (8, tokens)), ("tokenizer.ggml.token_type", 9, (5, [3, 3] + [1] * 14)),
          ("tokenizer.ggml.merges", 9, (8, ["a b", "Ġ a", "H e", "l l"])),
          ("tokenizer.ggml.bos_token_id", 4, 0), ("tokenizer.ggml.eos_token_id", 4, 1),
          ("tokenizer.chat_template", 8, "{% for m in messages %}{{ m['content'] }}{% endfor %}")]
put("FuzzGGUF", "bpe.gguf", gguf(bpe_kv, [("token_embd.weight", [32, 2], 0), ("blk.0.attn_q.weight", [32, 2], 1),
                                          ("blk.0.ffn_up.weight", [32, 2], 8), ("blk.0.ffn_down.weight", [256, 1], 12),
                                          ("output.weight", [256, 1], 14), ("blk.0.attn_k.weight", [32, 1], 3)]))
sp_kv = [("general.architecture", 8, "gemma3"), ("tokenizer.ggml.model", 8, "llama"),
         ("tokenizer.ggml.tokens", 9, (8, ["<unk>", "<s>", "</s>", "▁", "▁a", "a", "<0x41>", "b"])),
         ("tokenizer.ggml.scores", 9, (6, [0.0, 0.0, 0.0, -1.0, -0.5, -2.0, 0.0, -3.0])),
         ("tokenizer.ggml.token_type", 9, (5, [2, 3, 3, 1, 1, 1, 6, 1])),
         ("tokenizer.ggml.bos_token_id", 4, 1), ("tokenizer.ggml.eos_token_id", 4, 2)]
put("FuzzGGUF", "spm.gguf", gguf(sp_kv, [("token_embd.weight", [32, 1], 2)]))

# ---- safetensors
def safetensors(entries, meta=None):
    header, data = {}, b""
    if meta: header["__metadata__"] = meta
    for name, dtype, shape, blob in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    h = json.dumps(header).encode(); h += b" " * ((-len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + data
put("FuzzSafetensors", "mixed.safetensors", safetensors([
    ("model.embed_tokens.weight", "F32", [2, 3], struct.pack("<6f", *range(6))),
    ("model.norm.weight", "F16", [4], struct.pack("<4e", 1, 2, 3, 4)),
    ("lm_head.weight", "BF16", [2, 2], b"\x80\x3f" * 4)], {"format": "pt"}))
put("FuzzSafetensors", "empty.safetensors", safetensors([]))

# ---- tokenizer.json
vocab = {t: i for i, t in enumerate(tokens[2:])}
put("FuzzTokenizerJSON", "bpe.json", json.dumps({
    "added_tokens": [{"id": 14, "content": "<|endoftext|>", "special": True}],
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True},
                                                             {"type": "ByteLevel", "add_prefix_space": False}]},
    "model": {"type": "BPE", "vocab": vocab, "merges": ["a b", ["Ġ", "a"], "H e"]}}))
put("FuzzTokenizerJSON", "qwen.json", json.dumps({"model": {"vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]},
    "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?i:'s|'t)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+"}}}))

# ---- config.json
for name, cfg in {"llama": {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                            "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 64, "rms_norm_eps": 1e-5,
                            "rope_theta": 10000.0, "max_position_embeddings": 128, "tie_word_embeddings": True,
                            "bos_token_id": 1, "eos_token_id": [2, 3],
                            "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                             "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
                  "gemma3": {"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "hidden_size": 32,
                             "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "head_dim": 16,
                             "num_key_value_heads": 1, "vocab_size": 64}},
                  "qwen2": {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                            "num_attention_heads": 2, "vocab_size": 64, "attention_bias": True}}.items():
    put("FuzzConfigJSON", name + ".json", json.dumps(cfg))

# ---- JSONL
lines = ['{"problem": "What is 1+1?", "answer": "2"}', '{"problem": "x", "answer": "3", "answers": ["3", "three"]}',
         '{"question": "Tom has 3 apples.", "answer": "He has #### 3"}']
for f in sorted(os.listdir("/work/shared/datasets")) if os.path.isdir("/work/shared/datasets") else []:
    with open(os.path.join("/work/shared/datasets", f), encoding="utf-8") as h:
        first = h.readline().strip()
        if len(first) < 2000: lines.append(first)
for i in range(0, len(lines), 2): put("FuzzJSONL", "seed%d.jsonl" % i, "\n".join(lines[i:i + 2]) + "\n")

# ---- run store
os.makedirs(os.path.join(out, "FuzzRunStore"), exist_ok=True)
shutil.copy(os.path.join(repo, "fixtures/fuzz/seeds/run-store.bin"), os.path.join(out, "FuzzRunStore", "run.sqlite"))
