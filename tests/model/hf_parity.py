#!/usr/bin/env python3
"""Parity of sasmlm's BERT with Hugging Face transformers (fp32, eval mode), driven by ctest.

(a) export: a tiny sasmlm model trained a few steps with `sasmlm train` (on UD EWT when ../shared/data has it,
    else on `sasmlm synth` data) is written by `sasmlm export`; transformers' BertForMaskedLM loads the directory
    and must give the logits `sasmlm fill-mask --dump-logits` gives, on EWT dev sentences (synth dev without EWT).
(b) import: a randomly initialised BertForMaskedLM (every parameter perturbed, so biases and LayerNorms matter) with
    a WordPiece vocab.txt trained on the same words is saved with save_pretrained and read by `sasmlm import`;
    sasmlm's token ids must equal BertTokenizer's and its logits HF's. The imported checkpoint is exported again
    and must load into transformers with the same logits. The directory as save_pretrained left it (tokenizer.json,
    no vocab.txt) must import to the same vocabulary and casing.
Tolerance: max |logit difference| <= 1e-4. Exit 0 pass, 1 fail, 77 skipped (transformers not importable).

usage: hf_parity.py PATH/TO/sasmlm
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import torch
    from safetensors.torch import load_file
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer
    from transformers.utils import logging as hf_logging
except ImportError as e:
    print(f"SKIP: transformers/safetensors not importable ({e}); pip install transformers safetensors")
    sys.exit(77)

TOLERANCE = 1e-4
SENTENCES = 8
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def shared_data():
    return os.environ.get("SASMLM_SHARED_DATA") or os.path.join(os.path.dirname(REPO), "shared", "data")


def run(cli, *args):
    result = subprocess.run([cli, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"FAIL: sasmlm {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result.stdout


def conllu_sentences(path, limit=None):
    """Sentences as their syntactic words joined by spaces."""
    out, words = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    out.append(" ".join(words))
                    if limit and len(out) == limit:
                        break
                words = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                if cols[0].isdigit():
                    words.append(cols[1])
    return out


def masked(sentence):
    """The sentence with its middle word replaced by [MASK]."""
    words = sentence.split(" ")
    words[len(words) // 2] = "[MASK]"
    return " ".join(words)


def sasmlm_logits(cli, checkpoint, text, tmp):
    dump = os.path.join(tmp, "logits.safetensors")
    answer = json.loads(run(cli, "fill-mask", "--checkpoint", checkpoint, "--json", "--top-k", "3",
                            "--dump-logits", dump, text))
    tensors = load_file(dump)
    return tensors["input_ids"], tensors["logits"], answer


def compare(model, ids, logits, answer, label):
    """Max |HF - sasmlm| logit difference; also checks fill-mask's JSON against HF's log-softmax."""
    with torch.no_grad():
        hf = model(input_ids=ids.unsqueeze(0)).logits[0].float()
    diff = (hf - logits).abs().max().item()
    logprobs = torch.log_softmax(hf.double(), -1)
    for mask in answer["masks"]:
        top = mask["top"][0]
        if abs(logprobs[mask["position"], top["id"]].item() - top["logprob"]) > TOLERANCE:
            raise SystemExit(f"FAIL: {label}: fill-mask logprob {top} differs from HF's")
    return diff


def check(name, diffs):
    worst = max(diffs)
    print(f"{name}: {len(diffs)} sentences, max |logit diff| {worst:.3g} (tolerance {TOLERANCE})")
    return worst <= TOLERANCE


def part_a(cli, tmp, train, dev, vocab_size):
    cfg = os.path.join(tmp, "a.yaml")
    with open(cfg, "w") as f:
        f.write(f"run: {{dir: {tmp}/run, seed: 3}}\n"
                f"data: {{train: [{train}], dev: [], prepared_dir: {tmp}/prepared, max_seq_len: 64}}\n"
                f"tokenizer: {{vocab_size: {vocab_size}, max_training_words: 20000}}\n"
                "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                "sas: {schedule: [{lambda: 0}]}\n"
                "trainer: {max_steps: 6, batch_size: 8, lr: 0.003, warmup_steps: 1, threads: 2}\n"
                "checkpoint: {every: 6}\nlogging: {level: warn}\n")
    run(cli, "train", "--config", cfg)
    checkpoint = sorted(glob.glob(f"{tmp}/run/checkpoints/*.ckpt"))[-1]
    export = os.path.join(tmp, "export_a")
    run(cli, "export", "--checkpoint", checkpoint, "--out", export)
    model = BertForMaskedLM.from_pretrained(export).eval()
    diffs = []
    for sentence in conllu_sentences(dev, SENTENCES):
        ids, logits, answer = sasmlm_logits(cli, checkpoint, masked(sentence), tmp)
        diffs.append(compare(model, ids, logits, answer, "export"))
    return check("(a) sasmlm checkpoint exported, loaded by transformers", diffs)


def part_b(cli, tmp, train, dev):
    vocab_dir = os.path.join(tmp, "vocab")
    os.makedirs(vocab_dir)
    trainer = BertWordPieceTokenizer(lowercase=True)
    trainer.train_from_iterator(conllu_sentences(train, 5000), vocab_size=2000, show_progress=False,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    trainer.save_model(vocab_dir)
    tokenizer = BertTokenizer.from_pretrained(vocab_dir, do_lower_case=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=128, max_position_embeddings=128)
    torch.manual_seed(11)
    model = BertForMaskedLM(config).eval()
    with torch.no_grad():  # HF initialises biases to 0 and LayerNorms to 1/0: perturb them so they are checked too
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    hf_dir = os.path.join(tmp, "hf_b")
    model.save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    # transformers 5 writes tokenizer.json only: import that directory too, and one with the vocab.txt added.
    from_json = os.path.join(tmp, "imported_from_tokenizer_json.ckpt")
    run(cli, "import", "--hf", hf_dir, "--out", from_json)
    shutil.copy(os.path.join(vocab_dir, "vocab.txt"), hf_dir)
    checkpoint = os.path.join(tmp, "imported.ckpt")
    run(cli, "import", "--hf", hf_dir, "--out", checkpoint)
    reexport = os.path.join(tmp, "export_b")
    run(cli, "export", "--checkpoint", checkpoint, "--out", reexport)
    roundtrip = BertForMaskedLM.from_pretrained(reexport).eval()
    run(cli, "export", "--checkpoint", from_json, "--out", os.path.join(tmp, "export_json"))
    for name in ("vocab.txt", "tokenizer_config.json"):
        with open(os.path.join(reexport, name)) as a, open(os.path.join(tmp, "export_json", name)) as b:
            if a.read() != b.read():
                raise SystemExit(f"FAIL: {name} differs between the vocab.txt and tokenizer.json imports")
    diffs, roundtrip_diffs = [], []
    for sentence in conllu_sentences(dev, SENTENCES):
        text = masked(sentence)
        ids, logits, answer = sasmlm_logits(cli, checkpoint, text, tmp)
        expected_ids = tokenizer(text)["input_ids"]
        if ids.tolist() != expected_ids:
            raise SystemExit(f"FAIL: ids differ for '{text}':\n  sasmlm {ids.tolist()}\n  HF     {expected_ids}")
        diffs.append(compare(model, ids, logits, answer, "import"))
        roundtrip_diffs.append(compare(roundtrip, ids, logits, answer, "re-export"))
    ok = check("(b) random HF model imported, same ids and logits", diffs)
    return check("(b) imported checkpoint exported again, loaded by transformers", roundtrip_diffs) and ok


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    cli = sys.argv[1]
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        ewt = os.path.join(shared_data(), "ud-ewt")
        if os.path.exists(os.path.join(ewt, "dev.conllu")):
            train, dev = os.path.join(ewt, "train.conllu"), os.path.join(ewt, "dev.conllu")
            vocab_size = 1000
        else:
            print("UD EWT not found: using sasmlm synth data")
            run(cli, "synth", "--out", os.path.join(tmp, "synth"), "--sentences", "1500", "--pairs", "10")
            train, dev = os.path.join(tmp, "synth", "train.conllu"), os.path.join(tmp, "synth", "dev.conllu")
            # The synthetic lexicon is small: SentencePiece allows about 600 pieces on it.
            vocab_size = 512
        ok = part_a(cli, tmp, train, dev, vocab_size)
        ok = part_b(cli, tmp, train, dev) and ok
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
