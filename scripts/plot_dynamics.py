#!/usr/bin/env python3
"""Training-dynamics figure for one or more sasmlm runs: loss, implicit-parse UAS, BLiMP and intrinsic dimension
against step, one colour per run, onsets marked, so SAS conditions can be compared at a glance.

Usage: plot_dynamics.py RUN_DIR [RUN_DIR ...] [--out FIG.png|.pdf|.svg] [--id mean|last]

Reads from each RUN_DIR:
  metrics.jsonl  training lines (step, mlm_loss, sas_loss, lambda, ...) and eval lines (those with "split":
                 held-out mlm_loss, plus uas / offset_baseline / blimp / twonn when the probes ran during training)
  eval.jsonl     `sasmlm eval --run` lines: step, uas, offset_baseline, blimp {overall, ...}, twonn (list of
                 intrinsic dimensions, one per hidden layer, embeddings first); for a step present in both files
                 eval.jsonl wins
  onsets.json    optional: {"structure_onset", "capabilities_onset", "blimp_onset", "loss_drop_onset"}: steps
                 or null
Panels: MLM loss (train solid, held-out dashed), UAS (offset baseline dashed), BLiMP overall, the SAS weight lambda
(training lines), the held-out SAS term R per arc, and, when measured, the intrinsic dimension (--id mean: mean over
layers, the default; last: last layer). Onsets are vertical lines in the run's colour on
every panel: structure dashed, capabilities dotted, BLiMP dash-dot, loss drop a thin solid line. The legend names runs by directory name.
Default output: dynamics.png in the first RUN_DIR.

Bad input (a missing directory, no data, a malformed line) prints one line "error: ..." naming the file and line,
and exits with code 2. Needs matplotlib.
"""
import argparse
import json
import math
import pathlib
import sys

EXIT_USER_ERROR = 2
FORMATS = (".png", ".pdf", ".svg")
ONSET_STYLES = {"structure_onset": "--", "capabilities_onset": ":", "blimp_onset": "-.", "loss_drop_onset": "-"}


class PlotError(Exception):
    """Bad input: the message names the file (and line) and what was wrong."""


def number(value, where, key):
    """A finite float, or None for null/NaN; anything else is an error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlotError(f"{where}: \"{key}\" must be a number or null, found {json.dumps(value)[:40]}")
    return float(value) if math.isfinite(value) else None


def read_jsonl(path):
    """(where, record) for every non-blank line; every record must be an object with an integer step >= 0."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PlotError(f"{path}: cannot read ({e})") from e
    records = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise PlotError(f"{where}: not valid JSON ({e.msg} at column {e.colno})") from e
        if not isinstance(record, dict):
            raise PlotError(f"{where}: expected a JSON object, found {type(record).__name__}")
        step = record.get("step")
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise PlotError(f"{where}: \"step\" must be an integer >= 0, found {json.dumps(step)}")
        records.append((where, record))
    return records


def blimp_overall(value, where):
    if isinstance(value, dict):
        return number(value.get("overall"), where, "blimp.overall")
    return number(value, where, "blimp")


def intrinsic_dimension(value, where, mode):
    """Mean over layers (or the last layer) of a per-layer list; a single number is taken as it is."""
    if isinstance(value, list):
        layers = [number(v, where, "twonn[]") for v in value]
        finite = [v for v in layers if v is not None]
        if mode == "last":
            return layers[-1] if layers else None
        return sum(finite) / len(finite) if finite else None
    return number(value, where, "twonn")


def load_run(run, id_mode):
    """The series of one run directory: dict of name -> list of (step, value)."""
    if not run.is_dir():
        raise PlotError(f"{run}: not a directory (expected a run directory holding metrics.jsonl / eval.jsonl)")
    metrics, evals = run / "metrics.jsonl", run / "eval.jsonl"
    if not metrics.exists() and not evals.exists():
        raise PlotError(f"{run}: holds neither metrics.jsonl nor eval.jsonl")
    series = {key: [] for key in ("train_loss", "eval_loss", "uas", "offset", "blimp", "id", "lambda", "r_per_arc")}
    probes = {}  # step -> (where, record); eval.jsonl overrides metrics.jsonl's eval lines
    if metrics.exists():
        for where, record in read_jsonl(metrics):
            step = record["step"]
            loss = number(record.get("mlm_loss"), where, "mlm_loss")
            if "split" in record:
                if loss is not None:
                    series["eval_loss"].append((step, loss))
                probes[step] = (where, record)
            else:
                if loss is not None:
                    series["train_loss"].append((step, loss))
                weight = number(record.get("lambda"), where, "lambda")
                if weight is not None:
                    series["lambda"].append((step, weight))
    if evals.exists():
        for where, record in read_jsonl(evals):
            probes[record["step"]] = (where, record)
            loss = number(record.get("mlm_loss"), where, "mlm_loss")
            if loss is not None and not any(s == record["step"] for s, _ in series["eval_loss"]):
                series["eval_loss"].append((record["step"], loss))
    for step in sorted(probes):
        where, record = probes[step]
        values = {
            "uas": number(record.get("uas"), where, "uas"),
            "offset": number(record.get("offset_baseline"), where, "offset_baseline"),
            "blimp": blimp_overall(record.get("blimp"), where),
            "id": intrinsic_dimension(record.get("twonn"), where, id_mode),
            "r_per_arc": number(record.get("sas_r_per_arc"), where, "sas_r_per_arc"),
        }
        for key, value in values.items():
            if value is not None:
                series[key].append((step, value))
    for key in series:
        series[key].sort()
    if not any(series.values()):
        raise PlotError(f"{run}: no plottable values (no mlm_loss, uas, blimp or twonn in its jsonl files)")
    return series, load_onsets(run / "onsets.json")


def load_onsets(path):
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PlotError(f"{path}: not valid JSON ({e})") from e
    if not isinstance(data, dict):
        raise PlotError(f"{path}: expected a JSON object with structure_onset / capabilities_onset / blimp_onset / "
                        "loss_drop_onset")
    onsets = {}
    for key in ONSET_STYLES:
        value = number(data.get(key), str(path), key)
        if value is not None:
            onsets[key] = value
    return onsets


def plot(runs, out, id_mode):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # The paper's quantities first (loss, UAS, BLiMP), then what drives them (lambda, R per arc); the intrinsic
    # dimension gets the sixth panel only when some run measured it.
    with_id = any(series["id"] for _, (series, _) in runs)
    fig, grid = plt.subplots(2, 3, figsize=(16, 8), sharex=True)
    axes = [ax for row in grid for ax in row]
    panels = [
        (axes[0], "MLM loss (train solid, held-out dashed)", [("train_loss", "-"), ("eval_loss", "--")]),
        (axes[1], "implicit-parse UAS (offset baseline dashed)", [("uas", "-"), ("offset", "--")]),
        (axes[2], "BLiMP accuracy (overall)", [("blimp", "-")]),
        (axes[3], "SAS weight lambda", [("lambda", "-")]),
        (axes[4], "SAS term R per arc (held-out)", [("r_per_arc", "-")]),
    ]
    if with_id:
        panels.append((axes[5], f"TwoNN intrinsic dimension ({'mean over layers' if id_mode == 'mean' else 'last layer'})",
                       [("id", "-")]))
    else:
        axes[5].set_visible(False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (name, (series, onsets)) in enumerate(runs):
        colour = colours[index % len(colours)]
        for ax, _, keys in panels:
            for key, style in keys:
                if series[key]:
                    steps, values = zip(*series[key])
                    marker = "o" if len(steps) <= 30 and key != "train_loss" else None
                    ax.plot(steps, values, style, color=colour, marker=marker, markersize=3,
                            label=name if (key, style) == keys[0] else None)
            for key, step in onsets.items():
                ax.axvline(step, color=colour, linestyle=ONSET_STYLES[key], alpha=0.8,
                           linewidth=0.6 if key == "loss_drop_onset" else 1)
    for ax, title, keys in panels:
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        if not ax.lines:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")
    for ax in axes[3:]:
        ax.set_xlabel("step")
    handles, labels = [], []
    for ax, _, _ in panels:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    onset_note = "onsets: structure --, capabilities :, BLiMP -., loss drop -"
    fig.legend(handles, labels, loc="upper center", ncol=min(len(labels), 6) or 1, fontsize=9, frameon=False)
    fig.text(0.99, 0.005, onset_note, ha="right", va="bottom", fontsize=8, color="grey")
    fig.tight_layout(rect=(0, 0.02, 1, 0.95))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".tmp" + out.suffix)
    fig.savefig(tmp, dpi=110, format=out.suffix[1:].lower())
    plt.close(fig)
    tmp.replace(out)  # a reader never sees a half-written figure


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=pathlib.Path, metavar="RUN_DIR")
    parser.add_argument("--out", type=pathlib.Path,
                        help="figure to write, format by extension: .png, .pdf or .svg (default: RUN_DIR/dynamics.png, "
                             "first run)")
    parser.add_argument("--id", dest="id_mode", choices=("mean", "last"), default="mean",
                        help="intrinsic dimension shown: mean over layers (default) or last layer")
    args = parser.parse_args(argv)
    out = args.out or args.runs[0] / "dynamics.png"
    try:
        if out.suffix.lower() not in FORMATS:
            raise PlotError(f"--out {out}: unknown figure format '{out.suffix}' (expected one of {', '.join(FORMATS)})")
        runs = [(run.resolve().name, load_run(run, args.id_mode)) for run in args.runs]
        try:
            import matplotlib  # noqa: F401
        except ImportError as e:
            raise PlotError("matplotlib is not installed (python -m pip install matplotlib)") from e
        plot(runs, out, args.id_mode)
    except PlotError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
