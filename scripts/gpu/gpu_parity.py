#!/usr/bin/env python3
"""Correctness of sasmlm's CUDA path (issue #22), run by scripts/gpu/bench_gpu.sh on a GPU machine.

(a) step parity: the same BERT-base training run (dropout off, SAS `max` active on all layers, fp32 on both sides,
    the same seed, so the same initial weights and the same masked batches) for STEPS steps on the CPU and on the
    GPU. Step 1's MLM loss, SAS term and gradient norm come from identical weights and differ only by kernel
    rounding; later steps also pass through the optimizer (fused AdamW on CUDA, the per-tensor loop on CPU).
(b) export parity on the GPU: the GPU run's final checkpoint is exported with `sasmlm export`, loaded by
    transformers' BertForMaskedLM on the GPU in fp32, and its logits are compared with `sasmlm fill-mask
    --dump-logits` (sasmlm's own forward, on the CPU) for SENTENCES held-out sentences.

Tolerances (stated here, printed with the result): step 1 relative difference <= 1e-4 for the losses and <= 1e-3
for the gradient norm; later steps <= 1e-3; logits max |diff| <= 2e-3 (fp32 on both devices, TF32 off; a 12-layer
model accumulates a few 1e-4 of kernel-order rounding; the CPU-only parity test holds 1e-4 on a 2-layer model).

usage: gpu_parity.py SASMLM_BIN CORPUS_DIR WORKDIR   (CORPUS_DIR holds train.conllu and dev.conllu)
Prints one JSON line `parity {...}` at the end; exit 0 pass, 1 fail.
"""
import json
import os
import subprocess
import sys

STEPS = 3
SENTENCES = 8
TOL_STEP1_LOSS, TOL_STEP1_GRAD, TOL_LATER, TOL_LOGITS = 1e-4, 1e-3, 1e-3, 2e-3


def run(cmd, log):
    with open(log, "w") as f:
        code = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
    if code != 0:
        with open(log) as f:
            tail = f.read()[-3000:]
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {code}:\n{tail}")


def train(cli, corpus, work, device):
    run_dir = os.path.join(work, f"parity_{device}")
    cfg = os.path.join(work, f"parity_{device}.yaml")
    with open(cfg, "w") as f:
        f.write(f"run: {{dir: {run_dir}, seed: 7}}\n"
                f"data: {{train: [{corpus}/train.conllu], prepared_dir: {work}/prepared_parity, max_seq_len: 128}}\n"
                "tokenizer: {vocab_size: 1000}\n"
                "model: {preset: base, dropout: 0, attention_dropout: 0}\n"
                "sas: {variant: max, schedule: [{lambda: 0.01}]}\n"
                f"trainer: {{max_steps: {STEPS}, batch_size: 16, lr: 1e-4, warmup_steps: 0, log_every: 1, "
                f"device: {device}, precision: fp32}}\n"
                "checkpoint: {every: 0}\neval: {every: 0}\nlogging: {level: info, tensorboard: false}\n")
    run([cli, "train", "--config", cfg], os.path.join(work, f"parity_{device}.log"))
    rows = [json.loads(line) for line in open(os.path.join(run_dir, "metrics.jsonl")) if '"split"' not in line]
    return rows, run_dir


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def part_a(cli, corpus, work):
    cpu, _ = train(cli, corpus, work, "cpu")
    gpu, gpu_dir = train(cli, corpus, work, "cuda")
    ok, worst = True, {}
    for i, (c, g) in enumerate(zip(cpu, gpu)):
        for key in ("mlm_loss", "sas_loss", "grad_norm"):
            d = rel(c[key], g[key])
            tol = (TOL_STEP1_GRAD if key == "grad_norm" else TOL_STEP1_LOSS) if i == 0 else TOL_LATER
            worst[f"step{i + 1}_{key}"] = d
            print(f"(a) step {i + 1} {key}: cpu {c[key]:.6f} gpu {g[key]:.6f} rel diff {d:.2e} (tolerance {tol:g})")
            ok = ok and d <= tol
    if len(cpu) != STEPS or len(gpu) != STEPS:
        print(f"(a) expected {STEPS} records, got cpu {len(cpu)} gpu {len(gpu)}")
        ok = False
    return ok, worst, gpu_dir


def dev_sentences(path, limit):
    out, words = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if words:
                out.append(words)
                if len(out) == limit:
                    break
            words = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                words.append(cols[1])
    return out


def part_b(cli, corpus, work, gpu_dir):
    import torch
    from safetensors.torch import load_file
    from transformers import BertForMaskedLM
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    ckpts = sorted(f for f in os.listdir(os.path.join(gpu_dir, "checkpoints")) if f.endswith(".ckpt"))
    checkpoint = os.path.join(gpu_dir, "checkpoints", ckpts[-1])
    export = os.path.join(work, "export_gpu")
    run([cli, "export", "--checkpoint", checkpoint, "--out", export], os.path.join(work, "export.log"))
    model = BertForMaskedLM.from_pretrained(export).to("cuda").eval()
    worst = 0.0
    for words in dev_sentences(os.path.join(corpus, "dev.conllu"), SENTENCES):
        words[len(words) // 2] = "[MASK]"
        dump = os.path.join(work, "logits.safetensors")
        run([cli, "fill-mask", "--checkpoint", checkpoint, "--json", "--dump-logits", dump, " ".join(words)],
            os.path.join(work, "fill_mask.log"))
        t = load_file(dump)
        with torch.no_grad():
            hf = model(input_ids=t["input_ids"].unsqueeze(0).to("cuda")).logits[0].float().cpu()
        worst = max(worst, (hf - t["logits"]).abs().max().item())
    ok = worst <= TOL_LOGITS
    print(f"(b) exported checkpoint on the GPU (transformers, fp32) vs sasmlm fill-mask: {SENTENCES} sentences, "
          f"max |logit diff| {worst:.3g} (tolerance {TOL_LOGITS:g})")
    return ok, worst


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    cli, corpus, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    ok_a, worst_a, gpu_dir = part_a(cli, corpus, work)
    try:
        ok_b, worst_b = part_b(cli, corpus, work, gpu_dir)
    except SystemExit as e:
        print(e)
        ok_b, worst_b = False, None
    print("parity " + json.dumps({"step": worst_a, "step_ok": ok_a, "logits_max_abs": worst_b, "logits_ok": ok_b}))
    print("PASS" if ok_a and ok_b else "FAIL")
    sys.exit(0 if ok_a and ok_b else 1)


if __name__ == "__main__":
    main()
