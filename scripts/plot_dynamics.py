#!/usr/bin/env python3
"""Training-dynamics figure for one or more sasmlm runs: loss, implicit-parse UAS, BLiMP and intrinsic dimension
against step, one colour per run, onsets marked, so SAS conditions can be compared at a glance.

Usage: plot_dynamics.py RUN_DIR [RUN_DIR ...] [--out FIG.png|.pdf|.svg] [--id mean|last]

Reads each RUN_DIR with sasmlm_reader.read_run (scripts/sasmlm_reader.py):
  metrics.jsonl  training lines (step, mlm_loss, sas_loss, lambda, ...) and eval lines (those with "split":
                 held-out mlm_loss, sas_r_per_arc, plus uas / offset_baseline / blimp / twonn when the probes ran
                 during training)
  eval.jsonl     `sasmlm eval --run` lines: step, uas, offset_baseline, blimp {overall, ...}, twonn (list of
                 intrinsic dimensions, one per hidden layer, embeddings first); for a step present in both files
                 eval.jsonl's probe values win (the held-out loss of metrics.jsonl stays)
  onsets.json    optional: {"structure_onset", "capabilities_onset", "blimp_onset", "loss_drop_onset"}: steps
                 or null
Panels: MLM loss (train solid, held-out dashed), UAS (offset baseline dashed), BLiMP overall, the SAS weight lambda
(training lines), the SAS term R (held-out per arc, solid, left axis; training per sequence, `sas_loss`, dotted,
right axis), and, when measured, the intrinsic dimension (--id mean: mean over layers, the default; last: last
layer). Onsets are vertical lines in the run's colour on every panel: structure dashed, capabilities dotted, BLiMP
dash-dot, loss drop a thin solid line. The legend names runs by directory name.
Output: --out's extension picks the format (.png, .pdf, .svg; any other is an error); default dynamics.png in the
first RUN_DIR.

Bad input (a missing directory, no data, a malformed line, another --out extension) prints one line "error: ..."
naming the file and line, and exits with code 2. Needs matplotlib.
"""
import argparse
import pathlib
import sys

import sasmlm_reader as reader

EXIT_USER_ERROR = 2
FORMATS = (".png", ".pdf", ".svg")
ONSET_STYLES = {"structure_onset": "--", "capabilities_onset": ":", "blimp_onset": "-.", "loss_drop_onset": "-"}


class PlotError(Exception):
    """Bad input: the message names the file (and line) and what was wrong."""


def blimp_overall(record):
    """BLiMP overall accuracy: the eval JSON's blimp.overall, or a bare number under "blimp"."""
    if "blimp" in record:
        return reader.number(record, "blimp")
    return reader.number(record, "blimp.overall")


def intrinsic_dimension(record, mode):
    """Mean over layers (or the last layer) of the per-layer twonn list; a single number is taken as it is."""
    if "twonn" in record:
        return reader.number(record, "twonn")
    layers = [reader.number(record, f"twonn.{i}") for i in range(len(reader.as_list(record, "twonn")))]
    if mode == "last":
        return layers[-1] if layers else None
    finite = [v for v in layers if v is not None]
    return sum(finite) / len(finite) if finite else None


def probe_series(evaluations, id_mode):
    """Series of the probe fields; evaluations maps step -> its records, the one that wins last."""
    probes = {
        "uas": lambda r: reader.number(r, "uas"),
        "offset": lambda r: reader.number(r, "offset_baseline"),
        "blimp": blimp_overall,
        "id": lambda r: intrinsic_dimension(r, id_mode),
        "r_per_arc": lambda r: reader.number(r, "sas_r_per_arc"),
    }
    series = {key: [] for key in probes}
    for step in sorted(evaluations):
        for key, value_of in probes.items():
            # Field by field: a value eval.jsonl lacks (e.g. R per arc without a dev split) comes from metrics.jsonl.
            values = [value_of(record) for record in evaluations[step]]
            value = next((v for v in reversed(values) if v is not None), None)
            if value is not None:
                series[key].append((step, value))
    return series


def load_run(run, id_mode):
    """The series of one run directory (dict of name -> list of (step, value)) and its onsets."""
    data = reader.read_run(run)
    evaluations = {}
    for record in data["dev"] + data["eval"]:  # eval.jsonl last: its values win
        evaluations.setdefault(record["step"], []).append(record)
    eval_loss = dict(reader.series(data["eval"], "mlm_loss"))
    eval_loss.update(reader.series(data["dev"], "mlm_loss"))
    series = {
        "train_loss": reader.series(data["train"], "mlm_loss"),
        "eval_loss": sorted(eval_loss.items()),
        "lambda": reader.series(data["train"], "lambda"),
        "sas_loss": reader.series(data["train"], "sas_loss"),
    }
    series.update(probe_series(evaluations, id_mode))
    if not any(series.values()):
        raise PlotError(f"{run}: no plottable values (no mlm_loss, uas, blimp or twonn in its jsonl files)")
    onsets = data["onsets"]
    return series, {key: float(onsets[key]) for key in ONSET_STYLES if reader.number(onsets, key) is not None}


def plot(runs, out, id_mode):
    save_figure(draw(runs, id_mode), out)


def require_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise PlotError("matplotlib is not installed (python -m pip install matplotlib)") from e


def draw(runs, id_mode):
    """The figure of runs [(name, (series, onsets))]; the caller saves and closes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # The paper's quantities first (loss, UAS, BLiMP), then what drives them (lambda, the SAS term R); the intrinsic
    # dimension gets the sixth panel only when some run measured it.
    with_id = any(series["id"] for _, (series, _) in runs)
    fig, grid = plt.subplots(2, 3, figsize=(16, 8), sharex=True)
    axes = [ax for row in grid for ax in row]
    # Training R is per sequence, held-out R per arc: different scales, so the training term gets its own y axis.
    sas_twin = axes[4].twinx()
    panels = [
        (axes[0], "MLM loss (train solid, held-out dashed)", [("train_loss", "-"), ("eval_loss", "--")]),
        (axes[1], "implicit-parse UAS (offset baseline dashed)", [("uas", "-"), ("offset", "--")]),
        (axes[2], "BLiMP accuracy (overall)", [("blimp", "-")]),
        (axes[3], "SAS weight lambda", [("lambda", "-")]),
        (axes[4], "SAS term R: held-out per arc (solid, left), train per sequence (dotted, right)",
         [("r_per_arc", "-")]),
        (sas_twin, None, [("sas_loss", ":")]),
    ]
    if with_id:
        which = "mean over layers" if id_mode == "mean" else "last layer"
        panels.append((axes[5], f"TwoNN intrinsic dimension ({which})", [("id", "-")]))
    else:
        axes[5].set_visible(False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (name, (series, onsets)) in enumerate(runs):
        colour = colours[index % len(colours)]
        for ax, title, keys in panels:
            for key, style in keys:
                if series[key]:
                    steps, values = zip(*series[key])
                    marker = "o" if len(steps) <= 30 and key not in ("train_loss", "sas_loss") else None
                    ax.plot(steps, values, style, color=colour, marker=marker, markersize=3,
                            label=name if (key, style) == keys[0] else None)
            for key, step in onsets.items() if title is not None else ():
                ax.axvline(step, color=colour, linestyle=ONSET_STYLES[key], alpha=0.8,
                           linewidth=0.6 if key == "loss_drop_onset" else 1)
    sas_twin.set_visible(bool(sas_twin.lines))
    for ax, title, keys in panels:
        if title is None:
            continue
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        if not ax.lines and not (ax is axes[4] and sas_twin.lines):
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
    return fig


def figure_format(out):
    """The matplotlib format for --out, from its extension; PlotError naming it when it is not png, pdf or svg."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        found = f"extension '{out.suffix}'" if out.suffix else "no extension"
        raise PlotError(f"--out {out}: {found}; the figure format follows the extension, one of {', '.join(FORMATS)}")
    return suffix[1:]


def save_figure(fig, out):
    """Writes the figure in the format of out's extension, atomically (a reader never sees a half-written file),
    and closes it."""
    import matplotlib.pyplot as plt

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".tmp" + out.suffix)
    try:
        fig.savefig(tmp, dpi=110, format=figure_format(out))
    finally:
        plt.close(fig)
    tmp.replace(out)


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
        figure_format(out)  # before reading runs: a wrong extension fails fast
        runs = [(run.resolve().name, load_run(run, args.id_mode)) for run in args.runs]
        require_matplotlib()
        plot(runs, out, args.id_mode)
    except (PlotError, reader.ReaderError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
