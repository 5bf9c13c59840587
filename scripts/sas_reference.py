#!/usr/bin/env python3
"""Recomputes the SAS regularizer the way the paper's authors did, as an independent check of sasmlm's.

Reference: run_mlm_reg_depparse.py of Chen et al. (ICLR 2024), TrainerWithAttentionDepParseReg (read, not copied):
  compute_loss: attns = torch.stack(outputs.attentions)       # (L, B, H, T, T), post-dropout probabilities
                heads clipped to 511; loss += lambda_reg * get_batch_{max,uniform}_reg_val(attns, heads)
  get_batch_max_reg_val: max over heads, then over layers -> (B, T, T); one zero row and column appended so that
           head -1 gathers a 0; dependents are positions 1..n of the head list (their heads[:, j] is token j + 1's);
           R = sum(pooled[b, dep, head]) [reg_heads] + sum(pooled[b, head, dep]) [reg_children]
  get_batch_uniform_reg_val: float_power(attns, p) summed over heads and layers, zero-padded the same way;
           R = sum(...[b, dep, head]) ** (1/p) + sum(...[b, head, dep]) ** (1/p), the root of the micro-batch's sum
  The HF Trainer divides each micro-batch's loss by the accumulation steps and DDP averages the gradients over
  ranks, so one optimizer step of B sequences in micro-batches of m adds lambda_reg * sum(R_micro) / (B / m).

Input: a file written by sasmlm's torch::pickle_save of a dict with
  "probs": list of (B, H, T, T) tensors, one per layer; "heads": (B, T) int64 in sasmlm's convention (the head's
  piece position of every position, -1 = no arc); "attention_mask": (B, T) bool; optionally more (A, 3) int64
  tensors of [b, dependent, head] rows that a case can name with arcs_key (to check random_arcs on sasmlm's pairs).
Prints one Python float repr per case. Exits 77 when torch cannot be imported.

Case fields: {variant: max|uniform, directions: both|to_head|to_dependent, p, layers: [..], arcs_key,
              root: sequence|batch,                      # R only: where the uniform root is taken (sasmlm's grouping)
              authors_term: true, lambda, micro_batch}   # instead: the authors' SAS term of one optimizer step

  sas_reference.py DUMP --cases CASES.json   # a JSON list of case objects (torch is imported once for all cases)
"""
import argparse
import json
import sys

try:
    import torch
except ImportError as error:  # exit 77: "skipped" for the C++ test that runs this script
    print(f"sas_reference.py: cannot import torch ({error})", file=sys.stderr)
    sys.exit(77)


def pooled_attention(probs: list, variant: str, p: float) -> torch.Tensor:
    """(B, T+1, T+1): max (or sum of p-th powers) over layers and heads, with a zero last row and column."""
    attns = torch.stack(probs)  # (L, B, H, T, T)
    if variant == "max":
        pooled = torch.max(torch.max(attns, 2).values, 0).values
    else:
        pooled = torch.sum(torch.sum(torch.float_power(attns, p), dim=2), dim=0)  # float64
    batch, length = pooled.shape[0], pooled.shape[1]
    pooled = torch.cat((pooled, torch.zeros((batch, length, 1), dtype=pooled.dtype)), 2)
    return torch.cat((pooled, torch.zeros((batch, 1, length + 1), dtype=pooled.dtype)), 1)


def authors_reg_val(probs: list, their_heads: torch.Tensor, variant: str, p: float, reg_heads: bool,
                    reg_children: bool) -> torch.Tensor:
    """R of one micro-batch as get_batch_max_reg_val / get_batch_uniform_reg_val compute it.

    their_heads: (B, n) int64 in the authors' convention: their_heads[b, j] is the head position of token j + 1.
    """
    their_heads = torch.where(their_heads > 511, 511, their_heads)[:, :511]  # compute_loss's clip, then the slice
    pooled = pooled_attention(probs, variant, p)
    batch, n = their_heads.shape
    xx = torch.arange(batch).repeat_interleave(n)
    yy = torch.arange(1, n + 1).repeat(batch)
    zz = their_heads.flatten()
    root = (lambda s: s) if variant == "max" else (lambda s: s ** (1.0 / p))
    reg = torch.zeros((), dtype=torch.float64)
    if reg_heads:
        reg = reg + root(torch.sum(pooled[xx, yy, zz]))
    if reg_children:
        reg = reg + root(torch.sum(pooled[xx, zz, yy]))
    return reg


def authors_term(data: dict, case: dict) -> float:
    """lambda_reg * sum over micro-batches of R_micro / (number of micro-batches): the authors' SAS term of one step."""
    probs, heads = list(data["probs"]), data["heads"]
    if case.get("layers"):
        probs = [probs[int(layer)] for layer in case["layers"]]
    directions = case.get("directions", "both")
    micro = int(case["micro_batch"])
    batch = heads.shape[0]
    assert batch % micro == 0, "the dump must hold whole micro-batches"
    their_heads = heads[:, 1:]  # sasmlm's position t + 1 is their column t
    total = torch.zeros((), dtype=torch.float64)
    for start in range(0, batch, micro):
        rows = slice(start, start + micro)
        total = total + float(case["lambda"]) * authors_reg_val(
            [layer[rows] for layer in probs], their_heads[rows], case.get("variant", "max"),
            float(case.get("p", 1.0)), directions in ("both", "to_head"), directions in ("both", "to_dependent"))
    return float(total / (batch // micro))


def sas_r(data: dict, case: dict) -> float:
    """R summed over the dump's arcs, the uniform root taken per row (root: sequence) or over the batch."""
    probs, heads = list(data["probs"]), data["heads"]
    if case.get("layers"):
        probs = [probs[int(layer)] for layer in case["layers"]]
    variant, p = case.get("variant", "max"), float(case.get("p", 1.0))
    directions = case.get("directions", "both")
    pooled = pooled_attention(probs, variant, p)
    batch, length = heads.shape
    if case.get("arcs_key"):
        arcs = data[case["arcs_key"]]
        xx, yy, zz = arcs[:, 0], arcs[:, 1], arcs[:, 2]
    else:
        xx = torch.arange(batch).repeat_interleave(length)
        yy = torch.arange(length).repeat(batch)
        zz = heads.flatten()
    groups = range(batch) if case.get("root", "batch") == "sequence" else [None]
    r = torch.zeros((), dtype=torch.float64)
    for group in groups:
        keep = torch.ones_like(xx, dtype=torch.bool) if group is None else xx == group
        for query, key, wanted in ((yy, zz, ("both", "to_head")), (zz, yy, ("both", "to_dependent"))):
            if directions in wanted:
                total = torch.sum(pooled[xx[keep], query[keep], key[keep]])
                r = r + (total if variant == "max" else total ** (1.0 / p))
    return float(r)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump")
    parser.add_argument("--cases", required=True, help="JSON file: a list of case objects, one value printed each")
    args = parser.parse_args()
    data = torch.load(args.dump, weights_only=False)
    with open(args.cases) as f:
        cases = json.load(f)
    for case in cases:
        print(repr(authors_term(data, case) if case.get("authors_term") else sas_r(data, case)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
