#!/usr/bin/env python3
"""Reference ids for tests/data/test_wordpiece_hf.cpp: Hugging Face's BertTokenizer on EWT sentences.

For each of OUT/lower (do_lower_case=True) and OUT/cased: trains a WordPiece vocabulary with the tokenizers library
on the words of TRAIN (sentences joined by spaces), writes vocab.txt, sentences.txt (the DEV sentences, one per
line) and ids.txt (for each, BertTokenizer(text, add_special_tokens=False).input_ids, space separated).
Exit code 77 when transformers or tokenizers cannot be imported (the test then skips).

usage: hf_wordpiece_ids.py TRAIN.conllu DEV.conllu OUT_DIR VOCAB_SIZE
"""
import os
import sys

try:
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertTokenizer
    from transformers.utils import logging as hf_logging
except ImportError as e:  # the caller reports the skip
    print(f"transformers/tokenizers not importable: {e}", file=sys.stderr)
    sys.exit(77)


def sentences(path):
    """Each sentence's syntactic words (integer ids: no multiword ranges, no empty nodes), joined by spaces."""
    words, out = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    out.append(" ".join(words))
                words = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0].isdigit():
                words.append(cols[1])
    if words:
        out.append(" ".join(words))
    return out


def write_reference(train_sentences, dev_sentences, out, lowercase, vocab_size):
    os.makedirs(out, exist_ok=True)
    trainer = BertWordPieceTokenizer(lowercase=lowercase)
    trainer.train_from_iterator(train_sentences, vocab_size=vocab_size, show_progress=False,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    trainer.save_model(out)
    tokenizer = BertTokenizer.from_pretrained(out, do_lower_case=lowercase)
    with open(os.path.join(out, "sentences.txt"), "w", encoding="utf-8") as s, \
            open(os.path.join(out, "ids.txt"), "w", encoding="utf-8") as i:
        for text in dev_sentences:
            s.write(text + "\n")
            i.write(" ".join(str(x) for x in tokenizer(text, add_special_tokens=False)["input_ids"]) + "\n")


def main():
    train, dev, out, vocab_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    hf_logging.set_verbosity_error()
    train_sentences, dev_sentences = sentences(train), sentences(dev)
    for name, lowercase in (("lower", True), ("cased", False)):
        write_reference(train_sentences, dev_sentences, os.path.join(out, name), lowercase, vocab_size)
    print(f"{len(dev_sentences)} dev sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
