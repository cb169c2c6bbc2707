#!/usr/bin/env python3
"""Plot `r1audit train` runs side by side from their run stores (runs/NAME/run.sqlite).

Usage:
  scripts/plot-training.py --run LABEL=runs/NAME/run.sqlite [--run ...] [--forecast 0.42] \
      [--first 10] --out docs/img/PREFIX

Reads the per-step metrics `train` stores (train/reward, train/mean_length_correct,
train/mean_length_incorrect, train/zero_variance_group_share, ...), prints a Markdown table per run and
the mean zero-signal share over the first N steps with its standard error (binomial over the groups,
`--groups-per-step` groups a step), and writes PREFIX-reward.png, PREFIX-length.png and
PREFIX-zero-signal.png (the forecast as a dashed line). Needs matplotlib (a venv:
python3 -m venv ~/.cache/r1audit/plot-venv && ~/.cache/r1audit/plot-venv/bin/pip install matplotlib).
"""
import argparse
import math
import sqlite3
import sys


def metrics(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute("SELECT name, step, value FROM metrics WHERE name LIKE 'train/%' ORDER BY step").fetchall()
    con.close()
    out = {}
    for name, step, value in rows:
        out.setdefault(name[len("train/"):], {})[step] = value
    return out


def table(label, m):
    keys = [("reward", "reward"), ("accuracy", "acc"), ("mean_length_correct", "len ✓"),
            ("mean_length_incorrect", "len ✗"), ("truncated_share", "trunc"),
            ("zero_variance_group_share", "zero-signal"), ("clip_fraction", "clip"), ("entropy", "entropy"),
            ("grad_norm", "|g|"), ("kl", "kl")]
    steps = sorted(m.get("reward", {}))
    lines = [f"**{label}**", "", "| step | " + " | ".join(h for _, h in keys) + " |",
             "|---:|" + "---:|" * len(keys)]
    for s in steps:
        cells = []
        for k, _ in keys:
            v = m.get(k, {}).get(s)
            cells.append("–" if v is None else (f"{v:.0f}" if k.startswith("mean_length") else f"{v:.3f}"))
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def zero_signal(m, first, groups_per_step):
    shares = [m["zero_variance_group_share"][s] for s in sorted(m.get("zero_variance_group_share", {}))[:first]]
    if not shares:
        return None
    n = len(shares) * groups_per_step
    p = sum(shares) / len(shares)
    return p, math.sqrt(p * (1 - p) / n) if n else float("nan"), n, len(shares)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", action="append", required=True, help="LABEL=path/to/run.sqlite")
    ap.add_argument("--forecast", type=float, help="predicted zero-signal share (learnability, after filtering)")
    ap.add_argument("--first", type=int, default=10, help="steps the measured share averages over")
    ap.add_argument("--groups-per-step", type=int, required=True, help="--prompts-per-step of the runs")
    ap.add_argument("--out", required=True, help="PNG path prefix")
    args = ap.parse_args()

    runs = []
    for spec in args.run:
        label, _, path = spec.partition("=")
        if not path:
            sys.exit(f"--run {spec}: expected LABEL=path/to/run.sqlite")
        runs.append((label, metrics(path)))

    for label, m in runs:
        print(table(label, m), end="\n\n")
        z = zero_signal(m, args.first, args.groups_per_step)
        if z:
            p, se, n, steps = z
            print(f"{label}: zero-signal share over the first {steps} steps = {100 * p:.1f}% "
                  f"± {100 * se:.1f} (SE, {n} groups)\n")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def plot(name, title, ylabel, series, forecast=None):
        fig, ax = plt.subplots(figsize=(6, 3.4), dpi=90)
        for label, style, xs, ys in series:
            ax.plot(xs, ys, style, label=label, markersize=4)
        if forecast is not None:
            ax.axhline(forecast, color="gray", linestyle="--", label=f"forecast {100 * forecast:.0f}%")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(f"{args.out}-{name}.png")
        plt.close(fig)
        print(f"wrote {args.out}-{name}.png")

    def xy(m, key):
        d = m.get(key, {})
        xs = sorted(d)
        return xs, [d[s] for s in xs]

    plot("reward", "Training reward per step", "mean reward",
         [(label, "o-", *xy(m, "reward")) for label, m in runs])
    plot("length", "Response length: correct (solid) vs incorrect (dashed)", "tokens",
         [s for label, m in runs for s in ((f"{label} correct", "o-", *xy(m, "mean_length_correct")),
                                             (f"{label} incorrect", "x--", *xy(m, "mean_length_incorrect")))])
    plot("zero-signal", "Zero-signal groups (all G rewards equal)", "share of groups",
         [(label, "o-", *xy(m, "zero_variance_group_share")) for label, m in runs], args.forecast)


if __name__ == "__main__":
    main()
