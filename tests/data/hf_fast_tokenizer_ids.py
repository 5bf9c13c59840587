#!/usr/bin/env python3
"""Reference ids for tests/data/test_tokenizer_path.cpp: BertTokenizerFast on the EWT dev sentences.

Trains an uncased WordPiece vocabulary with the tokenizers library on the words of TRAIN (sentences joined by
spaces; no hub is reachable, so this stands in for bert-base-uncased), saves it as OUT/vocab.txt and
OUT/tokenizer.json, and writes for every sentence of DEV, in file order:
  OUT/ids_words.txt  BertTokenizerFast(words joined by spaces, add_special_tokens=False).input_ids
  OUT/ids_text.txt   the same for the sentence's "# text =" line (the surface text, multiword tokens unsplit)
Exit code 77 when transformers or tokenizers cannot be imported (the test then skips).

usage: hf_fast_tokenizer_ids.py TRAIN.conllu DEV.conllu OUT_DIR VOCAB_SIZE
"""
import os
import sys

try:
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertTokenizerFast
    from transformers.utils import logging as hf_logging
except ImportError as e:
    print(f"transformers/tokenizers not importable: {e}", file=sys.stderr)
    sys.exit(77)


def read_sentences(path):
    """(words joined by spaces, "# text" line) per sentence; words are the integer-id lines."""
    out, words, text = [], [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    out.append((" ".join(words), text))
                words, text = [], ""
            elif line.startswith("# text = "):
                text = line[len("# text = "):]
            elif not line.startswith("#"):
                cols = line.split("\t")
                if cols[0].isdigit():
                    words.append(cols[1])
    if words:
        out.append((" ".join(words), text))
    return out


def main():
    train, dev, out, vocab_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    hf_logging.set_verbosity_error()
    os.makedirs(out, exist_ok=True)
    trainer = BertWordPieceTokenizer(lowercase=True)
    trainer.train_from_iterator([w for w, _ in read_sentences(train)], vocab_size=vocab_size, show_progress=False,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    trainer.save_model(out)
    trainer.save(os.path.join(out, "tokenizer.json"))
    # From a directory holding only vocab.txt: the fast (Rust) BertTokenizer built from that file, as transformers
    # 4 (BertTokenizerFast) and 5 (BertTokenizer is the fast one, BertTokenizerFast its alias) both load it.
    vocab_only = os.path.join(out, "vocab_only")
    os.makedirs(vocab_only, exist_ok=True)
    trainer.save_model(vocab_only)
    fast = BertTokenizerFast.from_pretrained(vocab_only, do_lower_case=True)
    assert fast.is_fast, type(fast)
    sentences = read_sentences(dev)
    with open(os.path.join(out, "ids_words.txt"), "w") as w, open(os.path.join(out, "ids_text.txt"), "w") as t:
        for words, text in sentences:
            w.write(" ".join(str(i) for i in fast(words, add_special_tokens=False)["input_ids"]) + "\n")
            t.write(" ".join(str(i) for i in fast(text, add_special_tokens=False)["input_ids"]) + "\n")
    print(f"{len(sentences)} dev sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
