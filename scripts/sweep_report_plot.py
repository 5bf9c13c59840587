#!/usr/bin/env python3
"""Figure of a sweep report: the conditions (values of the sweep's first axis) compared, with their onsets marked.

    python scripts/sweep_report_plot.py DIR/report.csv --out DIR/report.png|.pdf|.svg [--x KEY] [--runs DIR]

The CSV is the one `sasmlm sweep report` writes: columns run, state, step, one per axis (the first is the default
x), then final_*/best_* metrics and the onsets. A condition is the set of runs sharing an x value (seeds and any
other axes pooled); each has one colour throughout.
Top row, against x: final MLM loss (held-out when the runs evaluated one, else training), final UAS, final BLiMP and
the onsets (structure, capabilities, BLiMP, loss drop: steps); every run a faint dot, the mean a line or marker,
the standard deviation error bars (when two or more runs share an x).
Bottom row, against step: each run's held-out (else training) MLM loss, UAS, BLiMP and SAS weight lambda, read from
its directory (--runs, default the CSV's directory, holds one directory per run) with sasmlm_reader, in its
condition's colour, its onsets as vertical lines (structure --, capabilities :, BLiMP -., loss drop thin -). Runs
without metrics yet are left out. A panel without values says so.
The format follows --out's extension (.png, .pdf, .svg; any other is an error). Bad input prints one line
"error: ..." and exits with code 2. Needs matplotlib.
"""
import argparse
import csv
import math
import pathlib
import sys

import plot_dynamics
import sasmlm_reader as reader
from plot_dynamics import ONSET_STYLES, PlotError

EXIT_USER_ERROR = 2
FINAL_PANELS = [
    (["final_dev_loss", "final_mlm_loss"], "final MLM loss", {"final_dev_loss": "held-out", "final_mlm_loss": "train"}),
    (["final_uas"], "final UAS (implicit parse)", {}),
    (["final_blimp"], "final BLiMP accuracy", {}),
]
ONSET_MARKERS = {"structure_onset": "o", "capabilities_onset": "s", "blimp_onset": "^", "loss_drop_onset": "v"}
# Bottom row: (title, series key tried first, fallback key) from plot_dynamics.load_run.
TRAJECTORY_PANELS = [
    ("MLM loss", "eval_loss", "train_loss"),
    ("UAS (implicit parse)", "uas", None),
    ("BLiMP accuracy", "blimp", None),
    ("SAS weight lambda", "lambda", None),
]


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def read_report(path, x_key):
    """(rows, x column) of report.csv; PlotError when it is not a sweep report or lacks the x column."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            csv_reader = csv.DictReader(f)
            columns = csv_reader.fieldnames or []
            rows = list(csv_reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise PlotError(f"{path}: cannot read ({e})") from e
    if len(columns) < 4 or columns[:3] != ["run", "state", "step"]:
        raise PlotError(f"{path}: not a sweep report (expected columns run, state, step, <axes>...)")
    x_key = x_key or columns[3]
    if x_key not in columns:
        raise PlotError(f"--x {x_key}: no such column in {path} (columns: {', '.join(columns)})")
    return rows, x_key


def conditions_of(rows, x_key):
    """The x values in plot order and their x positions (numbers as such, else evenly spaced in CSV order)."""
    x_values = [row[x_key] for row in rows]
    numeric = all(number(v) is not None for v in x_values)
    order = sorted(set(x_values), key=(lambda v: float(v)) if numeric else x_values.index)
    return order, {v: (float(v) if numeric else i) for i, v in enumerate(order)}, numeric


def mean_sd(values):
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((y - mean) ** 2 for y in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, spread


def values_at(rows, x_key, x, metric):
    return [number(r.get(metric)) for r in rows if r[x_key] == x and number(r.get(metric)) is not None]


def draw_final_panel(ax, rows, x_key, order, position, colour_of, metric):
    """Every run a faint dot in its condition's colour, mean +- sd over the runs of each x as a line."""
    xs, means, sds = [], [], []
    for x in order:
        values = values_at(rows, x_key, x, metric)
        if values:
            ax.scatter([position[x]] * len(values), values, color=colour_of[x], alpha=0.35, s=14)
            mean, sd = mean_sd(values)
            xs.append(position[x])
            means.append(mean)
            sds.append(sd)
    ax.errorbar(xs, means, yerr=sds, color="black", marker="o", markersize=4, capsize=4, linewidth=1,
                label="mean ± sd over runs")
    ax.legend(fontsize=8)


def draw_onset_panel(ax, rows, x_key, order, position, colour_of, spacing):
    """Onset steps against x: one marker per onset kind, mean +- sd over the runs of a condition."""
    drawn = False
    for k, key in enumerate(ONSET_STYLES):
        shift = (k - 1.5) * spacing * 0.08  # side by side, so equal onsets of two kinds stay visible
        for x in order:
            values = values_at(rows, x_key, x, key)
            if values:
                mean, sd = mean_sd(values)
                ax.errorbar([position[x] + shift], [mean], yerr=[sd], color=colour_of[x], marker=ONSET_MARKERS[key],
                            capsize=3, linestyle="none")
                drawn = True
    if drawn:  # legend by marker shape, in black: the colour is the condition's
        for key, marker in ONSET_MARKERS.items():
            ax.plot([], [], marker=marker, color="black", linestyle="none", label=key.replace("_onset", ""))
        ax.legend(fontsize=7)
    return drawn


def load_trajectories(rows, runs_dir):
    """(row, series, onsets) of every run whose directory holds metrics.jsonl or eval.jsonl."""
    loaded = []
    for row in rows:
        run = runs_dir / row["run"]
        if (run / "metrics.jsonl").exists() or (run / "eval.jsonl").exists():
            series, onsets = plot_dynamics.load_run(run, "mean")
            loaded.append((row, series, onsets))
    return loaded


def draw_trajectories(axes, trajectories, x_key, colour_of):
    for row, series, onsets in trajectories:
        colour = colour_of[row[x_key]]
        for ax, (_, key, fallback) in zip(axes, TRAJECTORY_PANELS):
            points = series[key] or (series[fallback] if fallback else [])
            if points:
                steps, values = zip(*points)
                marker = "o" if len(steps) <= 30 else None  # a run with one evaluation is still a visible point
                ax.plot(steps, values, "-", color=colour, alpha=0.7, linewidth=1.2, marker=marker, markersize=3)
            for onset, step in onsets.items():
                ax.axvline(step, color=colour, linestyle=ONSET_STYLES[onset], alpha=0.8,
                           linewidth=0.6 if onset == "loss_drop_onset" else 1)


def mark_empty(ax):
    if not ax.lines and not ax.collections:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")


def draw(csv_path, rows, x_key, trajectories):
    """The figure; the caller saves and closes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order, position, numeric = conditions_of(rows, x_key)
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colour_of = {x: palette[i % len(palette)] for i, x in enumerate(order)}
    spacing = (max(position.values()) - min(position.values())) / max(len(order) - 1, 1) if order else 1.0
    fig, grid = plt.subplots(2, 4, figsize=(20, 8.5))
    top, bottom = list(grid[0]), list(grid[1])
    for ax, (candidates, title, labels) in zip(top, FINAL_PANELS):
        metric = next((c for c in candidates if any(number(r.get(c)) is not None for r in rows)), None)
        ax.set_title(title + (f" ({labels[metric]})" if metric in labels else ""), fontsize=10)
        if metric is not None:
            draw_final_panel(ax, rows, x_key, order, position, colour_of, metric)
    top[3].set_title("onsets (step), mean ± sd over runs", fontsize=10)
    draw_onset_panel(top[3], rows, x_key, order, position, colour_of, spacing)
    for ax in top:
        ax.set_xlabel(x_key)
        if not numeric:
            ax.set_xticks(range(len(order)))
            ax.set_xticklabels(order, rotation=30, ha="right")
    draw_trajectories(bottom, trajectories, x_key, colour_of)
    for ax, (title, key, fallback) in zip(bottom, TRAJECTORY_PANELS):
        ax.set_title(title + (" (held-out, else train)" if fallback else "") + " by step", fontsize=10)
        ax.set_xlabel("step")
    for ax in top + bottom:
        ax.grid(alpha=0.3)
        mark_empty(ax)
    handles = [plt.Line2D([], [], color=colour_of[x], linewidth=3) for x in order]
    fig.legend(handles, [f"{x_key}={x}" for x in order], loc="upper center", ncol=min(len(order), 8) or 1,
               fontsize=9, frameon=False)
    n_done = sum(1 for r in rows if r["state"] == "done")
    fig.text(0.01, 0.005, f"{csv_path}: {len(rows)} runs ({n_done} done, {len(trajectories)} with metrics)",
             ha="left", va="bottom", fontsize=8, color="grey")
    fig.text(0.99, 0.005, "onsets: structure --, capabilities :, BLiMP -., loss drop -", ha="right", va="bottom",
             fontsize=8, color="grey")
    fig.tight_layout(rect=(0, 0.02, 1, 0.94))
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=pathlib.Path, help="report.csv from `sasmlm sweep report`")
    parser.add_argument("--out", required=True, type=pathlib.Path,
                        help="figure to write, format by extension: .png, .pdf or .svg")
    parser.add_argument("--x", help="axis column for the x axis (default: the first axis)")
    parser.add_argument("--runs", type=pathlib.Path,
                        help="directory holding one directory per run (default: the CSV's directory)")
    args = parser.parse_args(argv)
    try:
        plot_dynamics.figure_format(args.out)  # before any work: a wrong extension fails fast
        rows, x_key = read_report(args.csv, args.x)
        trajectories = load_trajectories(rows, args.runs or args.csv.parent)
        plot_dynamics.require_matplotlib()
        fig = draw(args.csv, rows, x_key, trajectories)
        plot_dynamics.save_figure(fig, args.out)
    except (PlotError, reader.ReaderError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
