#!/usr/bin/env python3
"""Hugging Face side of scripts/bench/bench_vs_hf.py (a benchmark worker, not a test).

A long-lived process training transformers' BertForMaskedLM with a plain PyTorch loop, the way the HF Trainer does
it (AdamW over two groups without decay on biases/LayerNorm, fused as HF's default `adamw_torch_fused` for torch >= 2.8,
gradient clipping, linear warmup), on the exact batches sasmlm's worker wrote (same token ids, masking and padding).

    hf_worker.py --batches FILE --settings JSON --mode eager|compile [--device cuda --bf16]

Prints `ready {json}` once built (compile mode compiles lazily: the harness's warm-up pays it), then answers stdin
lines like bench_train_worker: `run K` -> `done SECONDS REAL_TOKENS LAST_LOSS`, `profile K FILE` -> `profiled
{json}` (K steps under torch.profiler, top ops by self time, Chrome trace in FILE), `stats` -> `stats {json}` (peak
device memory the caching allocator handed out, CUDA only), `quit` -> exit. No host sync per step: the loss is read
once per `run`.
"""
import argparse
import json
import struct
import sys
import time

import numpy as np
import torch
from transformers import BertConfig, BertForMaskedLM


def read_batches(path):
    """The binary file written by tests/bench/bench_train_worker.cpp (write_batches)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] != b"SASB":
        sys.exit(f"hf_worker: {path} is not a batch file (no SASB magic)")
    (count,) = struct.unpack_from("<q", raw, 4)
    offset = 12
    batches = []
    for _ in range(count):
        rows, length = struct.unpack_from("<qq", raw, offset)
        offset += 16
        n = rows * length
        ids = np.frombuffer(raw, dtype="<i8", count=n, offset=offset).reshape(rows, length)
        offset += 8 * n
        mask = np.frombuffer(raw, dtype=np.uint8, count=n, offset=offset).reshape(rows, length)
        offset += n
        labels = np.frombuffer(raw, dtype="<i8", count=n, offset=offset).reshape(rows, length)
        offset += 8 * n
        batches.append((torch.from_numpy(ids.copy()), torch.from_numpy(mask.astype(np.int64)),
                        torch.from_numpy(labels.copy())))
    return batches


def build(settings, device):
    config = BertConfig(vocab_size=settings["vocab_size"], hidden_size=settings["hidden"],
                        num_hidden_layers=settings["layers"], num_attention_heads=settings["heads"],
                        intermediate_size=settings["intermediate"], hidden_act="gelu",
                        hidden_dropout_prob=settings["dropout"],
                        attention_probs_dropout_prob=settings["attention_dropout"],
                        max_position_embeddings=settings["max_position"], type_vocab_size=settings["type_vocab"],
                        layer_norm_eps=settings["layer_norm_eps"], initializer_range=settings["init_std"])
    torch.manual_seed(1)
    model = BertForMaskedLM._from_config(config, attn_implementation="sdpa")
    model.to(device)
    model.train()
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if ("LayerNorm" in name or name.endswith("bias")) else decay).append(p)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]), eps=settings["eps"], fused=True)
    return model, optimizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", required=True)
    parser.add_argument("--settings", required=True, help="the JSON of bench_train_worker's ready line")
    parser.add_argument("--mode", choices=["eager", "compile"], default="eager")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast (CUDA), as sasmlm's trainer.precision")
    args = parser.parse_args()
    settings = json.loads(args.settings)
    torch.set_num_threads(int(settings["threads"]))
    device = torch.device(args.device)
    # Batches live on the device from the start; real-token counts are kept on the host (no sync to count).
    batches = [(ids.to(device), mask.to(device), labels.to(device), int(mask.sum()))
               for ids, mask, labels in read_batches(args.batches)]
    model, optimizer = build(settings, device)
    forward = torch.compile(model) if args.mode == "compile" else model
    peak_lr, warmup, clip = settings["lr"], settings["warmup_steps"], settings["grad_clip"]
    print("ready " + json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                                 "parameters": sum(p.numel() for p in model.parameters())}), flush=True)

    cursor = 0

    def train_steps(steps):
        """`steps` optimizer steps over the batches (cycling); returns (real tokens, last loss tensor)."""
        nonlocal cursor
        tokens, loss = 0, None
        for _ in range(steps):
            ids, mask, labels, real = batches[cursor % len(batches)]
            # The same warmup as sasmlm's learning_rate_at (the decay part costs the same and is left out).
            lr = peak_lr * min(1.0, (cursor + 1) / warmup) if warmup > 0 else peak_lr
            for group in optimizer.param_groups:
                group["lr"] = lr
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
                loss = forward(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            tokens += real
            cursor += 1
        if device.type == "cuda":
            torch.cuda.synchronize()
        return tokens, loss

    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "profile":  # `profile K FILE`: K steps under torch.profiler, as bench_train_worker's
            activities = [torch.profiler.ProfilerActivity.CPU] + (
                [torch.profiler.ProfilerActivity.CUDA] if device.type == "cuda" else [])
            with torch.profiler.profile(activities=activities) as prof:
                train_steps(int(words[1]))
            if len(words) > 2:
                prof.export_chrome_trace(words[2])
            averages = prof.key_averages()
            ops = sorted(averages, key=lambda e: e.self_cpu_time_total, reverse=True)
            top = [[e.key, e.self_cpu_time_total / 1e3, e.count] for e in ops[:25]]
            host = sum(e.self_cpu_time_total for e in averages) / 1e3
            print("profiled " + json.dumps({"top": top, "host_ms": host}), flush=True)
            continue
        if words[0] == "stats":
            peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
            reserved = torch.cuda.max_memory_reserved(device) if device.type == "cuda" else None
            print("stats " + json.dumps({"peak_allocated_bytes": peak, "peak_reserved_bytes": reserved}), flush=True)
            continue
        start = time.perf_counter()
        tokens, loss = train_steps(int(words[1]))
        seconds = time.perf_counter() - start
        print(f"done {seconds} {tokens} {loss.item()}", flush=True)


if __name__ == "__main__":
    main()
