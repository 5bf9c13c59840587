#!/usr/bin/env python3
"""Check an `sasmlm export --run` directory the way a Python user reads it: every HFDIR/checkpoint-<step>/ must load
with transformers' AutoModelForMaskedLM and AutoTokenizer (no custom code), carry trainer_state.json, and agree with
sasmlm on the treebank's sentences:

  ids     for every sentence of DEV (its "# text =" line, and its words joined by spaces), with " [MASK]" appended
          (fill-mask needs one), AutoTokenizer's input_ids against the ids `sasmlm fill-mask --dump-logits` ran on:
          every sentence must agree (the exported tokenizer.json reproduces sasmlm's word splitting and pieces);
          the first sentences that differ are shown.
  logits  for the first --logit-sentences sentences with their middle word replaced by [MASK]: the HF model on
          sasmlm's ids against `sasmlm fill-mask`'s logits of the source checkpoint (trainer_state.json's
          source_checkpoint), max |difference| <= --tolerance (default 1e-4), and fill-mask's top log-probability at
          the mask against HF's log-softmax.

Exit 0 when every checkpoint loads and its ids and logits agree, 1 otherwise.

usage: check_export_run.py --cli build/release/sasmlm --hf RUN/hf --dev DEV.conllu [--logit-sentences N]
                           [--id-sentences N] [--id-every K] [--no-words] [--jobs N] [--tolerance T]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

try:
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForMaskedLM, AutoTokenizer
    from transformers.utils import logging as hf_logging
except ImportError as e:
    print(f"SKIP: transformers/safetensors not importable ({e})")
    sys.exit(77)


def dev_sentences(path):
    """(surface text, words joined by spaces) per sentence; words are the integer-id lines."""
    out, words, text = [], [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    out.append((text or " ".join(words), " ".join(words)))
                words, text = [], ""
            elif line.startswith("# text = "):
                text = line[len("# text = "):]
            elif not line.startswith("#"):
                cols = line.split("\t")
                if cols[0].isdigit():
                    words.append(cols[1])
    if words:
        out.append((text or " ".join(words), " ".join(words)))
    return out


def fill_mask(cli, checkpoint, text, dump):
    """sasmlm's input ids and logits (and fill-mask's JSON) for one text."""
    # The CLI reads an argument starting with "--" as an option and has no "--" separator: a leading space keeps
    # such a text ("---= 19 East/West...") positional, and sasmlm's splitter drops it.
    argument = " " + text if text.startswith("--") else text
    result = subprocess.run([cli, "fill-mask", "--checkpoint", checkpoint, "--json", "--top-k", "1",
                             "--dump-logits", dump, argument], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"sasmlm fill-mask exited {result.returncode} on {text!r}: {result.stderr.strip()}")
    tensors = load_file(dump)
    return tensors["input_ids"], tensors["logits"], json.loads(result.stdout)


def sasmlm_ids(cli, checkpoint, texts, jobs, tmp):
    """fill-mask's input ids for every text, `jobs` processes at a time."""
    def one(i):
        return fill_mask(cli, checkpoint, texts[i], os.path.join(tmp, f"ids{i}.safetensors"))[0].tolist()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, range(len(texts))))


def with_mask(text):
    """fill-mask wants a [MASK]: both tokenizers see the sentence with " [MASK]" appended."""
    return text + " [MASK]"


def masked(words):
    w = words.split(" ")
    w[len(w) // 2] = "[MASK]"
    return " ".join(w)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--hf", required=True, help="the export --run output directory (HFDIR)")
    parser.add_argument("--dev", required=True, help="CoNLL-U file whose sentences are tokenized")
    parser.add_argument("--logit-sentences", type=int, default=10)
    parser.add_argument("--id-sentences", type=int, default=0, help="the first N sentences (0 = all)")
    parser.add_argument("--id-every", type=int, default=1, help="of those, every K-th (one fill-mask process per "
                        "sentence and form is slow on a busy CPU)")
    parser.add_argument("--no-words", action="store_true", help="compare the surface text only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--show", type=int, default=5, help="sentences with other ids to print")
    args = parser.parse_args()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(max(1, args.jobs))

    dirs = sorted((d for d in os.listdir(args.hf) if d.startswith("checkpoint-")), key=lambda d: int(d.split("-")[1]))
    if not dirs:
        raise SystemExit(f"FAIL: no checkpoint-<step> directory in {args.hf}")
    sentences = dev_sentences(args.dev)
    if args.id_sentences:
        sentences = sentences[:args.id_sentences]
    logit_sentences = sentences[:args.logit_sentences]
    sentences = sentences[::max(1, args.id_every)]
    ok = True
    ids_cache = {}  # tokenizer file bytes -> (text ids, word ids): the checkpoints of one run share a tokenizer
    with tempfile.TemporaryDirectory() as tmp:
        for name in dirs:
            path = os.path.join(args.hf, name)
            with open(os.path.join(path, "trainer_state.json")) as f:
                state = json.load(f)
            source = state["source_checkpoint"]["path"]
            model = AutoModelForMaskedLM.from_pretrained(path).eval()
            try:
                tokenizer = AutoTokenizer.from_pretrained(path)
            except (ImportError, ValueError) as e:
                raise SystemExit(f"FAIL: {path}: AutoTokenizer cannot load it: {e}")
            key = b"".join(open(os.path.join(path, f), "rb").read()
                           for f in ("spiece.model", "tokenizer.json", "vocab.txt", "tokenizer_config.json")
                           if os.path.exists(os.path.join(path, f)))
            first_of_tokenizer = key not in ids_cache  # differing sentences are shown once per tokenizer
            if key not in ids_cache:
                texts = [with_mask(s[0]) for s in sentences]
                if not args.no_words:
                    texts += [with_mask(s[1]) for s in sentences]
                ids = sasmlm_ids(args.cli, source, texts, args.jobs, tmp)
                ids_cache[key] = (ids[:len(sentences)], ids[len(sentences):])
            text_ids, word_ids = ids_cache[key]
            shares, differing = [], []
            for which, reference in (("text", text_ids), ("words", word_ids)) if word_ids else (("text", text_ids),):
                same = 0
                for sentence, expected in zip(sentences, reference):
                    got = tokenizer(with_mask(sentence[0] if which == "text" else sentence[1]))["input_ids"]
                    if got == expected:
                        same += 1
                    elif first_of_tokenizer and sum(d[0] == which for d in differing) < args.show:
                        differing.append((which, with_mask(sentence[0] if which == "text" else sentence[1]),
                                          tokenizer.convert_ids_to_tokens(got),
                                          tokenizer.convert_ids_to_tokens(expected)))
                shares.append((which, same))
            worst = 0.0
            for _, words in logit_sentences:
                ids, logits, answer = fill_mask(args.cli, source, masked(words), os.path.join(tmp, "l.safetensors"))
                with torch.no_grad():
                    hf = model(input_ids=ids.unsqueeze(0)).logits[0].float()
                worst = max(worst, (hf - logits).abs().max().item())
                logprobs = torch.log_softmax(hf.double(), -1)
                for m in answer["masks"]:
                    top = m["top"][0]
                    if abs(logprobs[m["position"], top["id"]].item() - top["logprob"]) > args.tolerance:
                        ok = False
                        print(f"  FAIL: fill-mask logprob {top} differs from HF's at position {m['position']}")
            passed = worst <= args.tolerance
            ids_equal = all(same == len(sentences) for _, same in shares)
            ok = ok and passed and ids_equal
            share_text = ", ".join(f"{which} {same}/{len(sentences)} ({100.0 * same / len(sentences):.1f}%)"
                                   for which, same in shares)
            print(f"{name}: step {state['step']} mlm_loss {state['mlm_loss']} sas_loss {state['sas_loss']} "
                  f"lambda {state['lambda']} lr {state['lr']}; {type(model).__name__} + {type(tokenizer).__name__}; "
                  f"ids equal to sasmlm's: {share_text} ({'ok' if ids_equal else 'FAIL'}); max |logit diff| on "
                  f"{len(logit_sentences)} masked sentences {worst:.3g} "
                  f"({'ok' if passed else 'FAIL'}, tolerance {args.tolerance})")
            for which, text, got, expected in differing:
                print(f"    differs ({which}): {text!r}\n      HF     {got}\n      sasmlm {expected}")
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
