#!/usr/bin/env python3
"""Prints runs side by side from their metrics.jsonl: final training MLM loss, held-out MLM loss and accuracy,
mean SAS loss R over the last logged steps, and lambda at the end.  Usage: compare_runs.py RUN_DIR..."""
import json
import pathlib
import sys


def summarize(run: pathlib.Path) -> dict:
    train, dev = [], []
    for line in (run / "metrics.jsonl").read_text().splitlines():
        rec = json.loads(line)
        (dev if rec.get("split") == "dev" else train).append(rec)
    if not train:
        raise SystemExit(f"{run}: no training records in metrics.jsonl")
    tail = train[-5:]
    out = {
        "run": run.name,
        "steps": train[-1]["step"],
        "mlm_loss": sum(r["mlm_loss"] for r in tail) / len(tail),
        "sas_loss": sum(r["sas_loss"] for r in tail) / len(tail),
        "lambda": train[-1]["lambda"],
        "tokens_per_s": sum(r["tokens_per_s"] for r in tail) / len(tail),
    }
    if dev:
        out["dev_mlm_loss"] = dev[-1]["mlm_loss"]
        out["dev_accuracy"] = dev[-1].get("mlm_accuracy", float("nan"))
    for key in ("uas", "offset_baseline"):
        if dev and key in dev[-1]:
            out[key] = dev[-1][key]
    return out


def main() -> None:
    rows = [summarize(pathlib.Path(p)) for p in sys.argv[1:]]
    cols = ["run", "steps", "lambda", "mlm_loss", "dev_mlm_loss", "dev_accuracy", "sas_loss", "uas",
            "offset_baseline", "tokens_per_s"]
    cols = [c for c in cols if any(c in r for r in rows)]
    fmt = lambda v: f"{v:.4f}" if isinstance(v, float) else str(v)
    table = [[fmt(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for t in table:
        print("  ".join(v.ljust(w) for v, w in zip(t, widths)))


if __name__ == "__main__":
    main()
