#!/usr/bin/env python3
"""Recomputes the SAS regularizer R the way the paper's authors did, as an independent check of sasmlm's.

Reference: run_mlm_reg_depparse.py of Chen et al. (ICLR 2024), TrainerWithAttentionDepParseReg:
  attns = torch.stack(outputs.attentions)                     # (L, B, H, T, T), post-dropout probabilities
  max:     max over heads, then over layers -> (B, T, T); zero row/column appended so that head -1 gathers a 0;
           R = sum(max_attns[b, dep, head]) [to_head] + sum(max_attns[b, head, dep]) [to_dependent]
  uniform: float_power(attns, p) summed over heads and layers -> (B, T, T), zero-padded the same way;
           R = sum(...[b, dep, head]) ** (1/p) + sum(...[b, head, dep]) ** (1/p)
sasmlm's positions are already piece positions (the authors shifted dependents by one for [CLS]).
Options the authors did not have (layer subsets, normalisation) are applied the obvious way.

Input: a file written by sasmlm's torch::pickle_save of a dict with
  "probs": list of (B, H, T, T) tensors, one per layer; "heads": (B, T) int64 (-1 = no arc);
  "attention_mask": (B, T) bool; optionally more (A, 3) int64 tensors of [b, dependent, head] rows that a case
  can name with arcs_key to replace the arcs read from heads (to check random_arcs on the pairs sasmlm drew).
Prints R for each case as a Python float repr, one line per case. Exits 77 when torch cannot be imported.

  sas_reference.py DUMP [--variant max|uniform] [--directions both|to_head|to_dependent] [--p P]
                        [--layers 0,2] [--normalization none|per_arc|per_token] [--arcs-key NAME]
  sas_reference.py DUMP --cases CASES.json   # a list of {variant, directions, p, layers, normalization, arcs_key}
                                             # (torch is imported once for all cases)
"""
import argparse
import json
import sys

try:
    import torch
except ImportError as error:  # exit 77: "skipped" for the C++ test that runs this script
    print(f"sas_reference.py: cannot import torch ({error})", file=sys.stderr)
    sys.exit(77)


def sas_r(data: dict, variant: str, directions: str, p: float, layers: list, normalization: str,
          arcs_key: str = "") -> float:
    probs = list(data["probs"])
    heads = data["heads"]
    mask = data["attention_mask"]
    if layers:
        probs = [probs[int(layer)] for layer in layers]
    attns = torch.stack(probs)  # (L, B, H, T, T)
    batch, length = heads.shape

    if variant == "max":
        pooled = torch.max(torch.max(attns, 2).values, 0).values  # (B, T, T)
    else:
        pooled = torch.sum(torch.sum(torch.float_power(attns, p), dim=2), dim=0)  # (B, T, T), float64
    # One zero column and row per example: index -1 (no head) lands on them.
    pooled = torch.cat((pooled, torch.zeros((batch, length, 1), dtype=pooled.dtype)), 2)
    pooled = torch.cat((pooled, torch.zeros((batch, 1, length + 1), dtype=pooled.dtype)), 1)

    if arcs_key:
        arcs = data[arcs_key]
        xx, yy, zz = arcs[:, 0], arcs[:, 1], arcs[:, 2]
    else:
        xx = torch.arange(batch).repeat_interleave(length)
        yy = torch.arange(length).repeat(batch)
        zz = heads.flatten()
    num_arcs = int((zz >= 0).sum())

    def reduce(values: torch.Tensor) -> torch.Tensor:
        total = torch.sum(values)
        return total if variant == "max" else total ** (1.0 / p)

    r = torch.zeros((), dtype=torch.float64)
    if directions in ("both", "to_head"):
        r = r + reduce(pooled[xx, yy, zz])
    if directions in ("both", "to_dependent"):
        r = r + reduce(pooled[xx, zz, yy])
    if normalization == "per_arc":
        r = r / num_arcs
    elif normalization == "per_token":
        r = r / int(mask.sum())
    return float(r)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump")
    parser.add_argument("--variant", choices=["max", "uniform"], default="max")
    parser.add_argument("--directions", choices=["both", "to_head", "to_dependent"], default="both")
    parser.add_argument("--p", type=float, default=1.0)
    parser.add_argument("--layers", default="", help="comma-separated 0-based layers (empty = all)")
    parser.add_argument("--normalization", choices=["none", "per_arc", "per_token"], default="none")
    parser.add_argument("--arcs-key", default="", help="dump entry with (A, 3) arcs to use instead of heads")
    parser.add_argument("--cases", help="JSON file: a list of option objects, one R printed per case")
    args = parser.parse_args()

    data = torch.load(args.dump, weights_only=False)
    if args.cases:
        with open(args.cases) as f:
            cases = json.load(f)
    else:
        cases = [{"variant": args.variant, "directions": args.directions, "p": args.p,
                  "layers": [int(x) for x in args.layers.split(",") if x], "normalization": args.normalization,
                  "arcs_key": args.arcs_key}]
    for case in cases:
        r = sas_r(data, case.get("variant", "max"), case.get("directions", "both"), float(case.get("p", 1.0)),
                  list(case.get("layers", [])), case.get("normalization", "none"), case.get("arcs_key", ""))
        print(repr(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
