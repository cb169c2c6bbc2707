#!/usr/bin/env python3
"""Pairs for comparing r1audit's Grading module with Hugging Face Math-Verify (issue 3).

  mathverify_cases.py pairs --datasets DIR --out pairs.jsonl [--per-dataset N]
      Every answer in DIR/*.jsonl (and every entry of `answers`) against itself, against
      equivalent rewrites generated here (kind "rewrite"), against perturbed values that must
      NOT match (kind "perturbed"), plus hand-written tricky cases (kind "tricky").
      Each line: {"id", "kind", "rule", "answer" (gold), "response"}; responses box the candidate.
  mathverify_cases.py report --pairs P --mathverify MV --ours OURS --mathverify-speed J --ours-speed J
      Markdown: agreement per kind and rule, every disagreement, and both speeds.
  mathverify_cases.py mathverify --pairs pairs.jsonl --out mv.jsonl
      Runs math_verify.verify(parse(gold), parse(response)) on every pair, one core, and prints
      {"pairs", "seconds" (CPU), "wall_seconds", "per_second" (per CPU second)} as JSON on stdout.

Only the standard library is needed for `pairs`; `mathverify` needs `pip install math-verify`.
"""
import argparse, glob, json, os, re, sys, time

# ---------------------------------------------------------------- rewrites (equivalent)

def split_top(s, sep=","):
    """Split at depth-0 separators (outside (), [], {}, \\{ \\})."""
    parts, depth, cur, i = [], 0, "", 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            cur += s[i:i + 2]; i += 2; continue
        if c in "([{": depth += 1
        elif c in ")]}": depth -= 1
        if c == sep and depth == 0:
            parts.append(cur); cur = ""
        else:
            cur += c
        i += 1
    parts.append(cur)
    return parts

INT = re.compile(r"^-?\d+$")
DEC = re.compile(r"^-?\d+\.\d+$")
GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")  # 10,080: one number, not a list
FRAC = re.compile(r"^(-?)\\frac\{(\d+)\}\{(\d+)\}$")

def r_spaces(g):
    if GROUPED.match(g.strip()) or ",\\!" in g or re.search(r"\de-", g): return None
    t = re.sub(r"\s*([+\-=,]|\\cdot|\\times)\s*", r" \1 ", g).strip()
    t = re.sub(r"\s+", " ", t)
    return t if t != g else None

def r_nospaces(g):
    if "\\text" in g or "\\mbox" in g or re.search(r"\\[a-zA-Z]+ [a-zA-Z]", g): return None
    t = g.replace(" ", "")
    return t if t != g else None

def r_dfrac(g):
    return g.replace("\\frac", "\\dfrac") if "\\frac" in g else None

def r_slash(g):
    m = FRAC.match(g.strip())
    return f"{m.group(1)}{m.group(2)}/{m.group(3)}" if m else None

def r_decimal_of_frac(g):
    m = FRAC.match(g.strip())
    if not m: return None
    n, d = int(m.group(2)), int(m.group(3))
    dd = d
    for p in (2, 5):
        while dd % p == 0: dd //= p
    if dd != 1 or d == 0: return None
    return ("-" if m.group(1) else "") + repr(n / d)

def r_int_dot_zero(g):
    return g.strip() + ".0" if INT.match(g.strip()) else None

def r_thousands(g):
    s = g.strip()
    if not INT.match(s) or len(s.lstrip("-")) < 5: return None
    return f"{int(s):,}"

def r_x_equals(g):
    s = g.strip()
    return "x = " + s if (INT.match(s) or DEC.match(s) or FRAC.match(s)) else None

def r_left_right(g):
    if "\\left" in g or "\\text" in g or not re.search(r"[()]", g): return None
    return g.replace("(", "\\left(").replace(")", "\\right)")

def r_strip_left_right(g):
    return g.replace("\\left", "").replace("\\right", "") if "\\left" in g else None

def r_reverse_list(g):
    s = g.strip().strip("$")
    if "$" in s or GROUPED.match(s) or ",\\!" in s or s.startswith("\\{") or re.search(r"\\text|=|\\cup", s): return None
    parts = [p.strip() for p in split_top(s)]
    if len(parts) < 2 or len(parts) > 12: return None
    if s[0] in "([" and s[-1] in ")]" and len(split_top(s[1:-1])) == len(parts): return None  # one tuple/interval
    return ", ".join(reversed(parts))

def r_swap_sum(g):
    s = g.strip()
    if any(c in s for c in ",=<>\\$") or s.startswith("-"): return None
    terms = re.split(r"(?<=[^\^{(*/])\+", s)
    if len(terms) != 2 or any(t.count("(") != t.count(")") or t.count("{") != t.count("}") for t in terms): return None
    return f"{terms[1].strip()} + {terms[0].strip()}"

def r_sqrt_braces(g):
    t = re.sub(r"\\sqrt(\d)", r"\\sqrt{\1}", g)
    return t if t != g else None

def r_degree(g):
    if "^\\circ" in g: return g.replace("^\\circ", "^{\\circ}")
    return None

def r_cdot_times(g):
    return g.replace("\\times", "\\cdot") if "\\times" in g else None

def r_sci(g):
    m = re.match(r"^(-?\d+(?:\.\d+)?)\s*\\times\s*10\^\{?(-?\d+)\}?$", g.strip())
    return f"{m.group(1)}e{m.group(2)}" if m else None

def r_scale_frac(g):
    m = FRAC.match(g.strip())
    return f"{m.group(1)}\\frac{{{2*int(m.group(2))}}}{{{2*int(m.group(3))}}}" if m else None

def r_percent(g):
    s = g.strip()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*\\?%$", s)
    if not m: return None
    return repr(float(m.group(1)) / 100)

REWRITES = [r_spaces, r_nospaces, r_dfrac, r_slash, r_decimal_of_frac, r_int_dot_zero, r_thousands, r_x_equals,
            r_left_right, r_strip_left_right, r_reverse_list, r_swap_sum, r_sqrt_braces, r_degree, r_cdot_times,
            r_sci, r_scale_frac, r_percent]

# ---------------------------------------------------------------- perturbations (not equivalent)

def p_bump_last_int(g):
    m = list(re.finditer(r"\d+", g))
    if not m or "\\text" in g: return None
    x = m[-1]
    return g[:x.start()] + str(int(x.group()) + 1) + g[x.end():]

def p_negate(g):
    s = g.strip()
    return "-" + s if (INT.match(s) or DEC.match(s) or FRAC.match(s)) and s not in ("0", "0.0") and not s.startswith("-") else None

PERTURBATIONS = [p_bump_last_int, p_negate]

# ---------------------------------------------------------------- hand-written tricky cases: (gold, answer, expected)

TRICKY = [
    ("\\frac{1}{3}", "0.3333", False), ("\\frac{1}{3}", "0.33", False), ("2\\sqrt{3}", "\\sqrt{12}", True),
    ("\\frac{\\pi}{2}", "\\pi/2", True), ("1\\frac{4}{5}", "1.8", True), ("62.5\\%", "0.625", True),
    ("62.5\\%", "62.5", True), ("10,\\!080", "10080", True), ("(3,4]", "(3,4)", False), ("\\{1,2\\}", "\\{2,1\\}", True),
    ("(1,2)", "(2,1)", False), ("y = 2x + 3", "2x+3", True), ("5x - 7y + 11z + 4 = 0", "-10x+14y-22z-8=0", True),
    ("\\text{(C)}", "C", True), ("\\text{(C)}", "D", False), ("1 \\pm \\sqrt{19}", "1-\\sqrt{19}, 1+\\sqrt{19}", True),
    ("6 - 5i", "-5i + 6", True), ("x \\in [-2,7]", "[-2, 7]", True), ("k \\geqslant 2", "k \\ge 2", True),
    ("1e-5", "0.00001", True), ("4.5e33", "4.5 \\times 10^{33}", True), ("52_8", "52", True),
    ("\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}", "\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}", True),
    ("90^\\circ", "90", True), ("1000000", "1000001", False), ("9.6", "9.6001", False), ("x^2+2x+1", "(x+1)^2", True),
    ("\\frac{e^{t}}{3}+ce^{-2t}", "\\frac{e^t}{3} + c e^{-2t}", True), ("\\sin^2 x + \\cos^2 x", "1", True),
    ("\\ln 2 + i\\frac{\\pi}{3}", "\\ln 2 + \\frac{i\\pi}{3}", True), ("p - q", "q - p", False),
    ("\\$18.90", "18.9", True), ("58,500", "58500", True), ("\\text{Evelyn}", "Evelyn", True),
    ("\\frac{3}{4}", "0.75", True), ("\\frac{3}{4}", "0.7", False), ("-\\frac{35}{9}", "-35/9", True),
    ("3 \\pm 2 \\sqrt{2}", "3+2\\sqrt2, 3-2\\sqrt2", True), ("(0,9) \\cup (9,36)", "(9,36) \\cup (0,9)", True),
    ("(0,9) \\cup (9,36)", "(0,36)", False), ("\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}", "\\begin{pmatrix} -2 \\\\ -14 \\\\ 7 \\end{pmatrix}", False),
    ("2k+2", "2(k+1)", True), ("2k+2", "2k+1", False), ("\\sqrt{51}", "7.1414", False), ("\\sqrt{51}", "7.2", False),
    ("y = -2x", "y=-2x", True), ("y = -2x", "2x + y = 0", True), ("(2,\\infty)", "(2, \\infty)", True),
    ("(2,\\infty)", "[2,\\infty)", False), ("\\{1\\pm\\sqrt{5},-2\\}", "\\{-2, 1-\\sqrt5, 1+\\sqrt5\\}", True),
    ("\\frac{1997}{2}", "998.5", True), ("\\frac{1997}{2}", "998", False), ("0", "0.0", True), ("0", "0.001", False),
    ("\\text{(E)}", "(E)", True), ("\\text{(E)}", "E", True), ("x^3+3x-6", "x^3 + 3x - 6", True),
    ("x^3+3x-6", "x^3 - 3x + 6", False), ("\\frac{\\sqrt{21}}{5}", "\\sqrt{\\frac{21}{25}}", True),
    ("8.7 \\times 10^{8}", "870000000", True), ("8.7 \\times 10^{8}", "8.7 \\times 10^{9}", False),
    ("1 \\times 10^{-3}", "0.001", True), ("-8-8\\sqrt{3}i", "-8 - 8i\\sqrt{3}", True),
]

def report(a):
    import collections
    pairs = [json.loads(l) for l in open(a.pairs)]
    mv = [json.loads(l)["correct"] for l in open(a.mathverify)]
    ours = [json.loads(l) for l in open(a.ours)]
    assert len(pairs) == len(mv) == len(ours), "pair, math-verify and r1audit line counts differ"
    tot, agree, rules, dis = collections.Counter(), collections.Counter(), collections.Counter(), []
    for p, m, o in zip(pairs, mv, ours):
        ok = o.get("correct") is True
        tot[p["kind"]] += 1
        if ok == m: agree[p["kind"]] += 1
        else:
            rules[(p["kind"], p["rule"])] += 1
            dis.append((p, m, ok, o.get("extracted")))
    ms, os_ = json.load(open(a.mathverify_speed)), json.load(open(a.ours_speed))
    print("## Agreement with Math-Verify\n")
    print("| pairs | count | agree | agreement |\n|---|---:|---:|---:|")
    for k in ("self", "rewrite", "perturbed", "tricky"):
        if tot[k]: print(f"| {k} | {tot[k]} | {agree[k]} | {100 * agree[k] / tot[k]:.2f}% |")
    allt, alla = sum(tot.values()), sum(agree.values())
    print(f"| all | {allt} | {alla} | {100 * alla / allt:.2f}% |\n")
    print("Disagreements by rule: " + (", ".join(f"{k}/{r}: {n}" for (k, r), n in rules.most_common()) or "none") + "\n")
    print("| kind | rule | gold | candidate | math-verify | r1audit | expected |\n|---|---|---|---|---|---|---|")
    for p, m, ok, ex in dis:
        exp = {True: "equal", False: "different"}.get(p.get("expected"), "equal" if p["kind"] in ("self", "rewrite") else ("different" if p["kind"] == "perturbed" else "?"))
        cell = lambda s: "`" + str(s).replace("|", "\\|").replace("`", "'") + "`"
        print(f"| {p['kind']} | {p['rule']} | {cell(p['answer'])} | {cell(ex)} | {m} | {ok} | {exp} |")
    print("\n## Speed (one core each, same pairs)\n")
    print(f"- Math-Verify: {ms['pairs']} verifications in {ms['seconds']:.1f} CPU s = {ms['per_second']:.0f}/s")
    print(f"- r1audit: {os_['verifications']} verifications in {os_['cpuSeconds']:.2f} CPU s = {os_['verificationsPerSecond']:.0f}/s")
    print(f"- ratio: {os_['verificationsPerSecond'] / ms['per_second']:.0f}x")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pairs"); p.add_argument("--datasets", required=True); p.add_argument("--out", required=True)
    p.add_argument("--per-dataset", type=int, default=0, help="keep at most N questions per dataset (0 = all)")
    m = sub.add_parser("mathverify"); m.add_argument("--pairs", required=True); m.add_argument("--out", required=True)
    gd = sub.add_parser("goldens"); gd.add_argument("--out", required=True)
    r = sub.add_parser("report")
    for k in ("pairs", "mathverify", "ours", "mathverify-speed", "ours-speed"): r.add_argument("--" + k, required=True)
    a = ap.parse_args()
    if a.cmd == "report":
        return report(a)
    if a.cmd == "goldens":
        import importlib.metadata as md
        from math_verify import parse, verify
        cases = []
        for g, c, e in TRICKY:
            gold_text = g if "$" in g else "$" + g + "$"
            mv = bool(verify(parse(gold_text), parse("$\\boxed{" + c + "}$")))
            cases.append({"gold": g, "answer": c, "expected": e, "mathverify": mv})
        doc = {"tool": "math-verify " + md.version("math-verify"), "sympy": md.version("sympy"),
               "command": "scripts/goldens/mathverify_cases.py goldens --out fixtures/grading/mathverify-goldens.json",
               "note": "expected = the mathematically right verdict; mathverify = Math-Verify's verdict on the boxed answer",
               "cases": cases}
        with open(a.out, "w") as f: json.dump(doc, f, indent=1, ensure_ascii=False); f.write("\n")
        print(json.dumps({"cases": len(cases), "mathverify_agrees_with_expected": sum(c["expected"] == c["mathverify"] for c in cases)}))
        return
    if a.cmd == "pairs":
        n = 0
        with open(a.out, "w") as out:
            def emit(pid, kind, rule, gold, cand, expected=None):
                nonlocal n
                rec = {"id": pid, "kind": kind, "rule": rule, "answer": gold,
                       "response": "The final answer is $\\boxed{" + cand + "}$."}
                if expected is not None: rec["expected"] = expected
                out.write(json.dumps(rec) + "\n"); n += 1
            for path in sorted(glob.glob(os.path.join(a.datasets, "*.jsonl"))):
                with open(path) as f:
                    rows = [json.loads(l) for l in f if l.strip()]
                if a.per_dataset: rows = rows[:a.per_dataset]
                for row in rows:
                    golds = [row["answer"]] + [x for x in row.get("answers", []) or [] if x != row["answer"]]
                    for k, gold in enumerate(golds):
                        gold = str(gold)
                        pid = f"{row['id']}#{k}"
                        cand = gold.strip().strip("$") if gold.count("$") == 2 and gold.strip().startswith("$") and gold.strip().endswith("$") else gold
                        emit(pid, "self", "identity", gold, cand)
                        for fn in REWRITES:
                            r = fn(cand)
                            if r is not None and r != cand: emit(pid, "rewrite", fn.__name__[2:], gold, r)
                        for fn in PERTURBATIONS:
                            r = fn(cand)
                            if r is not None and r != cand: emit(pid, "perturbed", fn.__name__[2:], gold, r)
            for k, (g, c, e) in enumerate(TRICKY):
                emit(f"tricky-{k:03d}", "tricky", "hand", g, c, e)
        print(json.dumps({"pairs": n}))
    else:
        from math_verify import parse, verify
        rows = [json.loads(l) for l in open(a.pairs)]
        # CPU time of this (single-threaded) process: "one core", robust to other load on the machine.
        results, t0, w0 = [], time.process_time(), time.perf_counter()
        for r in rows:
            g = r["answer"]
            gold_text = g if "$" in g else "$" + g + "$"
            try:
                ok = bool(verify(parse(gold_text), parse(r["response"])))
            except Exception:
                ok = False
            results.append(ok)
        dt, wall = time.process_time() - t0, time.perf_counter() - w0
        with open(a.out, "w") as out:
            for r, ok in zip(rows, results):
                out.write(json.dumps({"id": r["id"], "correct": ok}) + "\n")
        print(json.dumps({"pairs": len(rows), "seconds": dt, "wall_seconds": wall, "per_second": len(rows) / dt if dt else 0}))

if __name__ == "__main__":
    main()
