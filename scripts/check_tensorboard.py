#!/usr/bin/env python3
"""Reads a run's TensorBoard files with the tensorboard package's own reader and checks what docs/INTERFACE.md
promises: each tag has each step once (also after a kill and --resume), every number of metrics.jsonl has its tag,
the hparams plugin parses the config record, and tb/eval (after `sasmlm eval --run`) has no step twice.
Exit 0 when all hold. Needs the `tensorboard` package (pip install tensorboard; not part of scripts/setup.sh).
Usage: scripts/check_tensorboard.py RUN_DIR"""
import json, sys, collections, pathlib
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.plugins.hparams import plugin_data_pb2

run = pathlib.Path(sys.argv[1])
seen = collections.defaultdict(collections.Counter)
hparams = None
for f in sorted((run / "tb").glob("events.out.tfevents.*")):
    for ev in event_file_loader.EventFileLoader(str(f)).Load():
        for v in ev.summary.value:
            seen[v.tag][ev.step] += 1
            if v.metadata.plugin_data.plugin_name == "hparams":
                d = plugin_data_pb2.HParamsPluginData.FromString(v.metadata.plugin_data.content)
                hparams = d.session_start_info.hparams
dups = [(t, s, n) for t, c in seen.items() for s, n in c.items() if n != 1]
missing = set()
for line in open(run / "metrics.jsonl"):
    r = json.loads(line)
    g = "dev" if "split" in r else "train"
    for k, v in r.items():
        if k != "step" and isinstance(v, (int, float)) and not isinstance(v, bool) and f"{g}/{k}" not in seen:
            missing.add(f"{g}/{k}")
print(f"tags {len(seen)}, (tag, step) pairs {sum(len(c) for c in seen.values())}, duplicates {len(dups)}, "
      f"metrics.jsonl fields without a tag {sorted(missing)}")
print("train/mlm_loss steps", len(seen["train/mlm_loss"]), "dev/mlm_loss steps", len(seen["dev/mlm_loss"]))
print("hparams", len(hparams) if hparams is not None else None, "e.g. trainer.lr =",
      hparams["trainer.lr"].number_value if hparams else None, ", sas.schedule =",
      hparams["sas.schedule"].string_value if hparams else None)
print("sections", sorted({t.split("/")[0] for t in seen}))
ev = run / "tb" / "eval"
if ev.is_dir():
    es = collections.defaultdict(collections.Counter)
    for f in sorted(ev.glob("events.out.tfevents.*")):
        for e in event_file_loader.EventFileLoader(str(f)).Load():
            for v in e.summary.value: es[v.tag][e.step] += 1
    print("eval run: tags", len(es), "duplicates", sum(1 for c in es.values() for n in c.values() if n != 1),
          "eval/uas steps", sorted(es.get("eval/uas", {}).keys()))
sys.exit(1 if dups or missing or hparams is None else 0)
