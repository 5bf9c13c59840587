#!/usr/bin/env python3
"""Ids of an exported tokenizer as transformers sees it, for tests/train/test_hf_tokenizer_parity.cpp.

Loads HF_DIR with AutoTokenizer (the directory `sasmlm export` writes: tokenizer.json + tokenizer_config.json) and
writes, for every line of TEXTS, tokenizer(line, add_special_tokens=False).input_ids space separated; then one last
line with the first text's ids with special tokens ([CLS] ... [SEP]).
Exit code 77 when transformers cannot be imported (the test then skips).

usage: hf_tokenizer_ids.py HF_DIR TEXTS OUT
"""
import sys

try:
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging
except ImportError as e:
    print(f"transformers not importable: {e}", file=sys.stderr)
    sys.exit(77)


def main():
    hf_dir, texts_path, out_path = sys.argv[1:4]
    hf_logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    if not tokenizer.is_fast:
        raise SystemExit(f"expected a fast tokenizer, got {type(tokenizer).__name__}")
    with open(texts_path, encoding="utf-8", newline="") as f:  # "\r" inside a text stays
        texts = f.read().split("\n")[:-1]
    with open(out_path, "w") as out:
        for text in texts:
            out.write(" ".join(str(i) for i in tokenizer(text, add_special_tokens=False)["input_ids"]) + "\n")
        out.write(" ".join(str(i) for i in tokenizer(texts[0])["input_ids"]) + "\n")
    print(f"{len(texts)} texts, {type(tokenizer).__name__}", file=sys.stderr)


if __name__ == "__main__":
    main()
