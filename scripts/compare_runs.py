#!/usr/bin/env python3
"""Training conditions side by side, each the mean over its seeds: onsets, final UAS against the offset baseline,
held-out MLM loss, BLiMP accuracy (overall and per paradigm) and the SAS term R per arc.

Usage: compare_runs.py [--markdown] CONDITION [CONDITION ...]
  CONDITION is RUN_DIR, or NAME=RUN_DIR[,RUN_DIR...] for several seeds of one condition.

Reads each RUN_DIR with sasmlm_reader.read_run (scripts/sasmlm_reader.py; of lines with the same step the last
counts):
  metrics.jsonl  the last "split": "dev" line gives the final values (uas, offset_baseline, uas_pooled,
                 offset_baseline_pooled, mlm_loss, sas_r_per_arc, blimp.overall, blimp.per_paradigm); the last training
                 line gives the step and lambda
  onsets.json    structure_onset, loss_drop_onset, blimp_onset (written by `sasmlm train` when it evaluates, or by
                 `sasmlm eval --run`); a missing file or a null onset prints "-"
Numbers are "mean ± sd" over seeds (sd over n-1; just the value for one seed); onsets list each seed's step.
Bad input (a missing directory or file, a malformed line) prints one line "error: ..." and exits with code 2.
"""
import argparse
import math
import pathlib
import sys

import sasmlm_reader as reader

EXIT_USER_ERROR = 2
ONSETS = (("structure_onset", "structure"), ("loss_drop_onset", "loss drop"), ("blimp_onset", "BLiMP"))
FINALS = (("uas", "UAS"), ("offset_baseline", "offset"), ("uas_margin", "UAS - offset"), ("uas_pooled", "pooled"),
          ("offset_baseline_pooled", "offset pooled"), ("dev_mlm_loss", "dev MLM loss"), ("blimp", "BLiMP"),
          ("r_per_arc", "R/arc"))


def summarize(run):
    """The final values and onsets of one run directory."""
    data = reader.read_run(run)
    train, dev = data["train"], data["dev"]
    if not train:
        raise reader.ReaderError(f"{run / 'metrics.jsonl'}: no training lines")
    out = {"step": train[-1].get("step"), "lambda": train[-1].get("lambda"), "paradigms": {}}
    if dev:
        last = dev[-1]
        for key in ("uas", "offset_baseline", "uas_pooled", "offset_baseline_pooled"):
            out[key] = last.get(key)
        if out["uas"] is not None and out["offset_baseline"] is not None:
            out["uas_margin"] = out["uas"] - out["offset_baseline"]
        out["dev_mlm_loss"] = last.get("mlm_loss")
        out["r_per_arc"] = last.get("sas_r_per_arc")
        out["blimp"] = last.get("blimp.overall")
        out["paradigms"] = reader.sub_record(last, "blimp.per_paradigm")
    for key, _ in ONSETS:
        out[key] = data["onsets"].get(key)
    return out


def mean_sd(values):
    values = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    if not values:
        return "-"
    mean = sum(values) / len(values)
    if len(values) == 1:
        return f"{mean:.3f}"
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return f"{mean:.3f} ± {sd:.3f}"


def parse_condition(text):
    name, sep, dirs = text.partition("=")
    if not sep:
        return pathlib.Path(text).resolve().name, [pathlib.Path(text)]
    paths = [pathlib.Path(d) for d in dirs.split(",") if d]
    if not name or not paths:
        raise reader.ReaderError(f"'{text}': expected NAME=RUN_DIR[,RUN_DIR...]")
    return name, paths


def render(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def tables(conditions, markdown=False):
    """The main table and the per-paradigm BLiMP table, as text."""
    header = ["condition", "seeds", "steps"] + [f"{label} onset" for _, label in ONSETS] + [l for _, l in FINALS]
    rows = []
    for name, runs in conditions:
        onset_cells = ["/".join("-" if r[key] is None else str(r[key]) for r in runs) for key, _ in ONSETS]
        finals = [mean_sd([r.get(key) for r in runs]) for key, _ in FINALS]
        steps = "/".join(sorted({str(r["step"]) for r in runs}))
        rows.append([name, str(len(runs)), steps] + onset_cells + finals)
    main = render(header, rows, markdown)
    paradigms = sorted({p for _, runs in conditions for r in runs for p in r["paradigms"]})
    if not paradigms:
        return main, ""
    per = [[p] + [mean_sd([r["paradigms"].get(p) for r in runs]) for _, runs in conditions] for p in paradigms]
    return main, render(["BLiMP paradigm"] + [name for name, _ in conditions], per, markdown)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("conditions", nargs="+", metavar="CONDITION", help="RUN_DIR or NAME=RUN_DIR[,RUN_DIR...]")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)
    try:
        conditions = []
        for text in args.conditions:
            name, paths = parse_condition(text)
            conditions.append((name, [summarize(p) for p in paths]))
    except reader.ReaderError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    main_table, paradigm_table = tables(conditions, args.markdown)
    print(main_table)
    if paradigm_table:
        print()
        print(paradigm_table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
