#!/usr/bin/env python3
"""Figure of a sweep report: final loss, UAS and BLiMP against the sweep's first axis, mean and spread over the
runs that share an x value (seeds and any other axes).

    python scripts/sweep_report_plot.py DIR/report.csv --out DIR/report.png [--x KEY]

The CSV is the one `sasmlm sweep report` writes: columns run, state, step, one per axis (the first is the default
x), then final_*/best_* metrics. Each panel shows every run as a faint dot, the mean as a line, and the standard
deviation as error bars (when two or more runs share an x). Loss is the held-out MLM loss when the runs evaluated
one, else the training MLM loss. A panel without values says so.
"""
import argparse
import csv
import math
import sys

PANELS = [
    (["final_dev_loss", "final_mlm_loss"], "final MLM loss", {"final_dev_loss": "held-out", "final_mlm_loss": "train"}),
    (["final_uas"], "final UAS (implicit parse)", {}),
    (["final_blimp"], "final BLiMP accuracy", {}),
]


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", help="report.csv from `sasmlm sweep report`")
    parser.add_argument("--out", required=True, help="PNG to write")
    parser.add_argument("--x", help="axis column for the x axis (default: the first axis)")
    args = parser.parse_args()

    with open(args.csv, newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        rows = list(reader)
    if len(columns) < 4 or columns[:3] != ["run", "state", "step"]:
        sys.exit(f"error: {args.csv}: not a sweep report (expected columns run, state, step, <axes>...)")
    x_key = args.x or columns[3]
    if x_key not in columns:
        sys.exit(f"error: --x {x_key}: no such column in {args.csv}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_values = [row[x_key] for row in rows]
    numeric_x = all(number(v) is not None for v in x_values)
    order = sorted(set(x_values), key=(lambda v: float(v)) if numeric_x else (lambda v: x_values.index(v)))
    position = {v: (float(v) if numeric_x else i) for i, v in enumerate(order)}

    fig, axes = plt.subplots(1, len(PANELS), figsize=(5 * len(PANELS), 4))
    for ax, (candidates, title, labels) in zip(axes, PANELS):
        metric = next((c for c in candidates if any(number(r.get(c)) is not None for r in rows)), None)
        ax.set_title(title + (f" ({labels[metric]})" if metric in labels else ""))
        ax.set_xlabel(x_key)
        if metric is None:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="gray")
            continue
        xs, means, stds = [], [], []
        for v in order:
            values = [number(r[metric]) for r in rows if r[x_key] == v and number(r[metric]) is not None]
            if not values:
                continue
            mean = sum(values) / len(values)
            spread = math.sqrt(sum((y - mean) ** 2 for y in values) / (len(values) - 1)) if len(values) > 1 else 0.0
            ax.scatter([position[v]] * len(values), values, color="C0", alpha=0.3, s=14)
            xs.append(position[v])
            means.append(mean)
            stds.append(spread)
        ax.errorbar(xs, means, yerr=stds, color="C0", marker="o", capsize=4, label="mean ± sd over runs")
        if not numeric_x:
            ax.set_xticks(range(len(order)))
            ax.set_xticklabels(order, rotation=30, ha="right")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    n_done = sum(1 for r in rows if r["state"] == "done")
    fig.suptitle(f"{args.csv}: {len(rows)} runs ({n_done} done)", fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
