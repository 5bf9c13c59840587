#!/usr/bin/env python3
"""sasmlm's trainer against a Hugging Face transformers training loop on CPU (a benchmark, not a test).

Per preset, four long-lived workers train on the same real EWT batches (written by sasmlm's worker, read by HF's):
  sasmlm        tests/bench/bench_train_worker, regularizer absent (sasmlm's real train_step)
  sasmlm+SAS    the same with sas.schedule [{lambda: LAMBDA}] (no HF peer: reported as the ratio to absent)
  hf-eager      scripts/bench/hf_worker.py --mode eager   (BertForMaskedLM, sdpa attention, fused AdamW)
  hf-compile    scripts/bench/hf_worker.py --mode compile (torch.compile(model), inductor)
Each is warmed up (one pass over the batches; compile time is reported, not timed), then measured in windows of N
steps, one worker computing at a time, the order rotated every window so no worker always runs first. Reports
median tokens/s (real tokens, padding excluded), peak resident memory (VmHWM of the worker process), and ratios.

Two cases (--cases): `ewt`, the packed EWT rows of --config (SentencePiece 8000, each batch padded to its longest
row, about 80% real tokens), and `dense`, the same text as one long document (every row full, no padding) with a
1000-piece vocabulary, where sasmlm's masked-only head and unpadding buy least.
Efficiency: the machine's fp32 GEMM rate is measured in the same run (before and after, best of both), and each
competitor's model-FLOP utilisation is printed: tokens/s x FLOPs per real token / GEMM peak, with the FLOPs of
scripts/gpu/bench_gpu.sh's formula and the MLM head counted as each side computes it (sasmlm: the 15% masked
positions; HF: every position).

    scripts/bench/bench_vs_hf.sh [--presets tiny,mini,small] [--cases ewt,dense] [--windows 5] [--steps-per-window 4] [--batches 4]
                                 [--threads N] [--config configs/ewt_sas/base.yaml] [--json OUT.json]
                                 [--variant NAME:KEY=VALUE]... [--no-sas] [--no-hf] [--no-compile]
--variant adds a sasmlm worker with config overrides to the same rotation (an optimisation's before/after).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Worker:
    """One competitor process, driven over stdin/stdout."""

    def __init__(self, name, argv):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     cwd=ROOT)
        self.ready = json.loads(self._expect("ready"))
        self.tokens_per_s = []
        self.ms_per_step = []
        self.warmup_s = 0.0
        self.loss = float("nan")

    def _expect(self, word):
        for line in self.proc.stdout:
            if line.startswith(word + " "):
                return line[len(word) + 1:].strip()
        sys.exit(f"bench_vs_hf: worker {self.name} exited (code {self.proc.wait()}) before '{word}'")

    def run(self, steps):
        """Runs `steps` optimizer steps; returns (seconds, real tokens, last loss)."""
        self.proc.stdin.write(f"run {steps}\n")
        self.proc.stdin.flush()
        seconds, tokens, loss = self._expect("done").split()
        return float(seconds), int(tokens), float(loss)

    def profile(self, steps, trace):
        """`steps` steps under the profiler; returns [[op, self ms, calls], ...] (largest first) and the host ms."""
        self.proc.stdin.write(f"profile {steps} {trace}\n")
        self.proc.stdin.flush()
        summary = json.loads(self._expect("profiled"))
        return summary["top"], summary["host_ms"]

    def peak_rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def gemm_peak_gflops(threads, size=1024, seconds=1.5):
    """The best fp32 matmul rate of `threads` intra-op threads on this machine, in GFLOP/s (the efficiency ceiling
    the utilisation columns divide by)."""
    import torch
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(4):
            a @ b
        best = max(best, 4 * 2 * size ** 3 / (time.perf_counter() - start))
    torch.set_num_threads(previous)
    return best / 1e9


def flops_per_token(settings, competitor):
    """Model FLOPs per real token, scripts/gpu/bench_gpu.sh's formula, the MLM head as this competitor computes it."""
    L, H, I, V, T = (settings[k] for k in ("layers", "hidden", "intermediate", "vocab_size", "max_seq_len"))
    head_share = 1.0 if competitor.startswith("hf") else 0.15
    return 6 * L * (4 * H * H + 2 * H * I) + 12 * L * T * H + 6 * head_share * (H * H + H * V)


def dense_case_overrides(config):
    """--set overrides for the `dense` case: the config's training text as one document (so packing fills every
    row) with a 1000-piece vocabulary, prepared apart from the other cases."""
    import yaml
    with open(config) as f:
        train = yaml.safe_load(f)["data"]["train"]
    os.makedirs(os.path.join(ROOT, "runs", "bench_vs_hf"), exist_ok=True)
    dense = os.path.join(ROOT, "runs", "bench_vs_hf", "dense_train.conllu")
    with open(dense, "w", encoding="utf-8") as out:
        for path in train:
            # Relative paths in a config are relative to the working directory, which is ROOT for the workers.
            with open(path if os.path.isabs(path) else os.path.join(ROOT, path), encoding="utf-8") as f:
                out.writelines(line for line in f if not line.startswith("# newdoc"))
    return [f"data.train=[{dense}]", "tokenizer.vocab_size=1000",
            "data.prepared_dir=runs/bench_vs_hf/prepared128_dense"]


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def bench_preset(args, preset, batch_file, case_overrides):
    worker_bin = os.path.join(args.build_dir, "tests", "bench_train_worker")
    base = [worker_bin, args.config, "--preset", preset, "--batches", str(args.batches)]
    if args.threads > 0:
        base += ["--threads", str(args.threads)]
    for override in args.set + case_overrides:
        base += ["--set", override]
    # Workers start one after another (each builds its model alone), then only one computes at a time.
    workers = [Worker("sasmlm", base + ["--dump", batch_file])]
    settings = workers[0].ready
    if not args.no_sas:
        workers.append(Worker("sasmlm+SAS", base + ["--sas-lambda", str(args.sas_lambda)]))
    for variant in args.variant:  # NAME:KEY=VALUE[,KEY=VALUE]: sasmlm with overrides, measured in the same rotation
        name, _, overrides = variant.partition(":")
        workers.append(Worker(f"sasmlm[{name}]", base + [x for kv in overrides.split(",") for x in ("--set", kv)]))
    hf = [sys.executable, os.path.join(ROOT, "scripts", "bench", "hf_worker.py"), "--batches", batch_file,
          "--settings", json.dumps(settings)]
    if not args.no_hf:
        workers.append(Worker("hf-eager", hf + ["--mode", "eager"]))
    if not args.no_hf and not args.no_compile:
        workers.append(Worker("hf-compile", hf + ["--mode", "compile"]))
    for w in workers:  # warm-up: every batch shape once (torch.compile compiles here)
        w.warmup_s, _, _ = w.run(args.batches)
    for window in range(args.windows):
        for i in range(len(workers)):
            w = workers[(i + window) % len(workers)]
            seconds, tokens, w.loss = w.run(args.steps_per_window)
            w.tokens_per_s.append(tokens / seconds)
            w.ms_per_step.append(1000.0 * seconds / args.steps_per_window)
    if args.profile:  # after the timed windows, so profiling never disturbs them
        os.makedirs(args.profile, exist_ok=True)
        for w in workers:
            if w.name == "hf-compile":
                continue
            trace = os.path.join(args.profile, f"{os.path.basename(batch_file)}.{w.name}.json")
            w.profile_top, w.profile_host_ms = w.profile(args.steps_per_window, trace)
    rows = []
    for w in workers:
        if getattr(w, "profile_top", None):
            total = sum(ms for _, ms, _ in w.profile_top)
            print(f"  profile {preset} {w.name} ({args.steps_per_window} steps, host {w.profile_host_ms:.0f} ms; "
                  f"self time of the top ops):")
            for name, ms, calls in w.profile_top[:15]:
                print(f"    {name:<40} {ms:9.1f} ms {100 * ms / w.profile_host_ms:5.1f}%  {calls} calls")
        rows.append({"preset": preset, "competitor": w.name, "tokens_per_s": statistics.median(w.tokens_per_s),
                     "ms_per_step": statistics.median(w.ms_per_step), "peak_rss_mib": w.peak_rss_mib(),
                     "warmup_s": w.warmup_s, "last_loss": w.loss, "windows": w.tokens_per_s,
                     "profile_top": getattr(w, "profile_top", None)})
        w.close()
    return settings, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=os.path.join(ROOT, "configs", "ewt_sas", "base.yaml"))
    parser.add_argument("--presets", default="tiny,mini,small")
    parser.add_argument("--cases", default="ewt,dense", help="ewt (packed EWT rows, vocabulary of --config) and/or "
                                                             "dense (full rows, 1000-piece vocabulary)")
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--steps-per-window", type=int, default=4)
    parser.add_argument("--batches", type=int, default=4, help="distinct real batches, cycled")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0 = sasmlm's default: the CPUs "
                                                                 "this process may use)")
    parser.add_argument("--sas-lambda", type=float, default=0.001)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="config override for the sasmlm workers (repeatable), e.g. trainer.adamw_impl=fused")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME:KEY=VALUE[,KEY=VALUE]",
                        help="an extra sasmlm worker with config overrides, e.g. fused:trainer.adamw_impl=fused")
    parser.add_argument("--no-sas", action="store_true", help="skip the sasmlm+SAS worker")
    parser.add_argument("--no-hf", action="store_true", help="skip both Hugging Face workers")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile peer")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--profile", metavar="DIR", help="after the timed windows, profile one window of each "
                        "worker (LibTorch's / torch's profiler): Chrome traces in DIR, top ops by self time printed")
    args = parser.parse_args()
    # The comparison is at sequence length 128 whatever the base config trains at (configs/ewt_sas uses 64);
    # its own prepared directory keeps the 128-token shards apart from the training runs'.
    args.set = ["data.max_seq_len=128", "data.prepared_dir=runs/bench_vs_hf/prepared128"] + args.set

    print(f"load average before: {load_average()}", flush=True)
    threads = args.threads if args.threads > 0 else len(os.sched_getaffinity(0))
    peaks = [gemm_peak_gflops(threads)]
    print(f"fp32 GEMM peak before: {peaks[0]:.1f} GFLOP/s on {threads} threads (1024^3 matmul, best of 1.5 s)",
          flush=True)
    all_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case, preset in ((c, p) for c in args.cases.split(",") for p in args.presets.split(",")):
            overrides = dense_case_overrides(args.config) if case == "dense" else []
            settings, rows = bench_preset(args, preset, os.path.join(tmp, f"{case}.{preset}.batches"), overrides)
            for r in rows:
                r["case"] = case
                r["flops_per_token"] = flops_per_token(settings, r["competitor"])
                r["vocab_size"] = settings["vocab_size"]
            all_rows += rows
            for r in rows:  # progress, in case a long run is cut short: the table comes at the end
                print(f"  {preset} {r['competitor']}: {r['tokens_per_s']:.0f} tokens/s, {r['peak_rss_mib']:.0f} MiB, "
                      f"windows {[round(x) for x in r['windows']]}", flush=True)
            print(f"{preset}: L{settings['layers']}/H{settings['hidden']}/{settings['heads']} heads/FFN "
                  f"{settings['intermediate']}, vocab {settings['vocab_size']}, {settings['parameters']} parameters, "
                  f"batch {settings['batch_size']} x <= {settings['max_seq_len']}, {settings['threads']} threads, "
                  f"sasmlm fused AdamW {settings['fused_adamw']}, overrides {settings['overrides']}", flush=True)
    peaks.append(gemm_peak_gflops(threads))
    peak = max(peaks)
    print(f"load average after: {load_average()}")
    print(f"fp32 GEMM peak after: {peaks[1]:.1f} GFLOP/s; utilisation below is against {peak:.1f}\n")

    print("| case | preset | competitor | tokens/s | ms/step | GFLOP/s | % of GEMM peak | peak RSS MiB | warm-up s | "
          "sasmlm/this tokens/s | this/sasmlm RSS |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in all_rows:
        ours = next(x for x in all_rows if x["case"] == r["case"] and x["preset"] == r["preset"]
                    and x["competitor"] == "sasmlm")
        gflops = r["tokens_per_s"] * r["flops_per_token"] / 1e9
        r["gflops"], r["gemm_share"] = gflops, gflops / peak
        print(f"| {r['case']} | {r['preset']} | {r['competitor']} | {r['tokens_per_s']:.0f} | {r['ms_per_step']:.0f} | "
              f"{gflops:.1f} | {100 * gflops / peak:.0f}% | {r['peak_rss_mib']:.0f} | {r['warmup_s']:.1f} | "
              f"{ours['tokens_per_s'] / r['tokens_per_s']:.2f} | {r['peak_rss_mib'] / ours['peak_rss_mib']:.2f} |")
    print("\nsasmlm/this > 1: sasmlm is faster; this/sasmlm RSS > 1: sasmlm uses less memory. For sasmlm+SAS, "
          "1/(sasmlm/this) is the step-time cost of the active regularizer (goal <= 1.25).")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_average": load_average(), "gemm_peak_gflops": peaks, "rows": all_rows}, f, indent=1)


if __name__ == "__main__":
    main()
