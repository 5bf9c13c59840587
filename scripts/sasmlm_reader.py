#!/usr/bin/env python3
"""Read sasmlm's files from Python: binary shards of a prepared directory, and a run directory's metrics.jsonl,
eval.jsonl and onsets.json as pandas-ready records. Shards need numpy; run directories only the standard library
(pandas is optional: pass the records to `pandas.DataFrame`).

Shards (layout: docs/INTERFACE.md "Prepared data", include/sasmlm/data/shard.h):

    import sasmlm_reader as sr
    shard = sr.read_shard("prepared/train-00000.shard")      # checks magic, version, sizes, CRC-32, heads
    shard.ids, shard.heads, shard.relations, shard.word_index, shard.flags   # numpy columns over all tokens
    seq = shard[3]                                            # dict of the same columns for sequence 3
    for shard in sr.read_prepared("prepared", "dev"): ...    # every shard of a split, checked against manifest.json

Run directories (fields: docs/INTERFACE.md "metrics.jsonl", "Eval JSON", "onsets.json"):

    run = sr.read_run("runs/baseline")
    run["train"]   # metrics.jsonl training lines, one flat dict per step
    run["dev"]     # metrics.jsonl lines with "split" (held-out evaluations during training)
    run["eval"]    # eval.jsonl lines (`sasmlm eval --run`)
    run["onsets"]  # onsets.json as one flat dict, {} when absent
    pandas.DataFrame(run["eval"]).set_index("step")

Records are flat: nested objects and lists become dotted keys ("blimp.overall", "blimp.per_paradigm.NAME",
"twonn.0"); `sub_record` and `as_list` undo that for one field. Of lines with the same step (a resumed run may
repeat steps), the last counts, as the C++ side reads them. Every record remembers where it came from
(`record.where`, "path:line") for error messages.

Bad input raises ReaderError naming the file (and line, or expected against actual values).
"""
import json
import math
import pathlib
import zlib

try:
    import numpy as np
except ImportError:  # run directories need only the standard library; shards need numpy
    np = None

SHARD_MAGIC = b"SASMSHRD"
SHARD_FORMAT_VERSION = 1
SHARD_HEADER_SIZE = 64
MANIFEST_FORMAT_VERSION = 1
TOKEN_SENTENCE_START = 1  # flags: first piece of a sentence (or sentence chunk) in the sequence
TOKEN_CONTINUATION = 2    # that chunk continues a sentence split off the previous sequence
TOKEN_UNPARSED = 4        # a sequence made from plain text: no arcs
ONSET_KEYS = ("structure_onset", "capabilities_onset", "blimp_onset", "loss_drop_onset")

# Payload sections in file order: (name, dtype, count is sequences + 1 for offsets, else tokens).
SHARD_SECTIONS = (("offsets", "<u8"), ("ids", "<i4"), ("heads", "<i2"), ("relations", "<i2"),
                  ("word_index", "<i4"), ("flags", "u1"))
HEADER_FIELDS = (("version", 8, "<u4"), ("header_size", 12, "<u4"), ("num_sequences", 16, "<u8"),
                 ("num_tokens", 24, "<u8"), ("payload_offset", 32, "<u8"), ("payload_size", 40, "<u8"),
                 ("payload_crc", 48, "<u4"), ("max_length", 52, "<u4"))


class ReaderError(ValueError):
    """Bad input: the message names the file (and line) and what was expected."""


# --------------------------------------------------------------------------------------------------------- shards

def _pad8(n):
    return (n + 7) & ~7


def _section_sizes(sequences, tokens):
    """Byte size of each payload section, padding included, in file order."""
    sizes = []
    for name, dtype in SHARD_SECTIONS:
        count = sequences + 1 if name == "offsets" else tokens
        sizes.append((name, dtype, count, _pad8(count * np.dtype(dtype).itemsize)))
    return sizes


class Shard:
    """One shard: numpy columns over all tokens (read-only views of the file) and per-sequence access."""

    def __init__(self, path, header, columns):
        self.path = path
        self.num_sequences = header["num_sequences"]
        self.num_tokens = header["num_tokens"]
        self.max_length = header["max_length"]
        self.payload_crc = header["payload_crc"]
        self.offsets = columns["offsets"]
        self.ids = columns["ids"]
        self.heads = columns["heads"]
        self.relations = columns["relations"]
        self.word_index = columns["word_index"]
        self.flags = columns["flags"]

    def __len__(self):
        return self.num_sequences

    def __getitem__(self, i):
        """Sequence i as a dict of columns (ids, heads, relations, word_index, flags); heads are positions in it."""
        if not -self.num_sequences <= i < self.num_sequences:
            raise IndexError(f"sequence {i} out of range for {self.path} ({self.num_sequences} sequences)")
        i %= self.num_sequences
        begin, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return {name: getattr(self, name)[begin:end] for name in ("ids", "heads", "relations", "word_index", "flags")}

    def __iter__(self):
        return (self[i] for i in range(self.num_sequences))

    def lengths(self):
        return np.diff(self.offsets).astype(np.int64)


def _read_header(path, data):
    if len(data) < SHARD_HEADER_SIZE:
        raise ReaderError(f"{path}: not a sasmlm shard: {len(data)} bytes, shorter than the {SHARD_HEADER_SIZE}-byte "
                          "header (truncated?)")
    magic = bytes(data[:8])
    if magic != SHARD_MAGIC:
        raise ReaderError(f"{path}: not a sasmlm shard: magic {magic!r}, expected {SHARD_MAGIC!r}")
    header = {name: int(np.frombuffer(data, dtype, 1, at)[0]) for name, at, dtype in HEADER_FIELDS}
    if header["version"] != SHARD_FORMAT_VERSION:
        raise ReaderError(f"{path}: shard format version {header['version']}, expected {SHARD_FORMAT_VERSION}")
    for key in ("header_size", "payload_offset"):
        if header[key] != SHARD_HEADER_SIZE:
            raise ReaderError(f"{path}: corrupt shard header: {key} {header[key]}, expected {SHARD_HEADER_SIZE}")
    # Bound the counts by the file size before sizing sections, so a corrupt header cannot ask for huge arrays.
    if header["num_sequences"] > len(data) or header["num_tokens"] > len(data):
        raise ReaderError(f"{path}: corrupt shard header: {header['num_sequences']} sequences, "
                          f"{header['num_tokens']} tokens in a {len(data)}-byte file")
    return header


def _read_columns(path, data, header):
    sections = _section_sizes(header["num_sequences"], header["num_tokens"])
    expected = SHARD_HEADER_SIZE + sum(size for *_, size in sections)
    if header["payload_size"] != expected - SHARD_HEADER_SIZE or len(data) != expected:
        raise ReaderError(f"{path}: shard is {len(data)} bytes, its header implies {expected} (truncated or corrupt)")
    columns, at = {}, SHARD_HEADER_SIZE
    for name, dtype, count, size in sections:
        columns[name] = np.frombuffer(data, dtype, count, at)
        at += size
    return columns


def _check_columns(path, header, columns):
    offsets, tokens = columns["offsets"], header["num_tokens"]
    if offsets[0] != 0 or offsets[-1] != tokens:
        raise ReaderError(f"{path}: corrupt shard: sequence offsets run {offsets[0]}..{offsets[-1]}, expected "
                          f"0..{tokens}")
    lengths = np.diff(offsets.astype(np.int64))
    bad = np.flatnonzero((lengths < 0) | (lengths > header["max_length"]))
    if bad.size:
        raise ReaderError(f"{path}: corrupt shard: sequence {bad[0]} has length {lengths[bad[0]]}, expected "
                          f"0..{header['max_length']}")
    # A head indexes into its own sequence downstream (SAS targets, UAS): one outside it is corruption.
    per_token_length = np.repeat(lengths, lengths)
    heads = columns["heads"].astype(np.int64)
    bad = np.flatnonzero((heads < -1) | (heads >= per_token_length))
    if bad.size:
        token = int(bad[0])
        sequence = int(np.searchsorted(offsets, token, side="right")) - 1
        raise ReaderError(f"{path}: corrupt shard: sequence {sequence} token {token - int(offsets[sequence])} has "
                          f"head {heads[token]}, outside the sequence of length {lengths[sequence]}")


def read_shard(path, verify_checksum=True):
    """A shard file as a Shard (memory-mapped). verify_checksum=False skips the CRC-32 and head checks."""
    path = pathlib.Path(path)
    if np is None:
        raise ReaderError(f"{path}: reading shards needs numpy (python -m pip install numpy)")
    try:
        size = path.stat().st_size
        # np.memmap refuses empty files; such a file fails the header check below anyway.
        data = np.memmap(path, np.uint8, "r") if size else np.zeros(0, np.uint8)
    except OSError as e:
        raise ReaderError(f"{path}: cannot read shard ({e.strerror or e})") from e
    header = _read_header(path, data)
    columns = _read_columns(path, data, header)
    if verify_checksum:
        crc = zlib.crc32(data[SHARD_HEADER_SIZE:]) & 0xFFFFFFFF
        if crc != header["payload_crc"]:
            raise ReaderError(f"{path}: shard checksum mismatch: stored {header['payload_crc']:08x}, computed "
                              f"{crc:08x}; the file is corrupt")
        _check_columns(path, header, columns)
    return Shard(path, header, columns)


def read_manifest(prepared_dir):
    """manifest.json of a prepared directory as a dict; checks its format and shard format versions."""
    path = pathlib.Path(prepared_dir) / "manifest.json"
    if not path.exists():
        raise ReaderError(f"{prepared_dir}: not a prepared data directory (no manifest.json)")
    manifest = _read_json_object(path)
    for key, expected in (("format_version", MANIFEST_FORMAT_VERSION), ("shard_format_version", SHARD_FORMAT_VERSION)):
        if manifest.get(key) != expected:
            raise ReaderError(f"{path}: {key} {json.dumps(manifest.get(key))}, expected {expected}")
    if not isinstance(manifest.get("splits"), dict):
        raise ReaderError(f"{path}: malformed manifest (no \"splits\" object)")
    return manifest


def read_prepared(prepared_dir, split="train", verify_checksum=True):
    """Every shard of one split, in manifest order, each checked against the manifest's CRC-32 and counts."""
    manifest = read_manifest(prepared_dir)
    splits = manifest["splits"]
    if split not in splits:
        raise ReaderError(f"{prepared_dir}/manifest.json: no split '{split}' (has {', '.join(sorted(splits))})")
    shards = []
    for entry in splits[split].get("shard_files", []):
        shard = read_shard(pathlib.Path(prepared_dir) / entry["file"], verify_checksum)
        found = (f"{shard.payload_crc:08x}", shard.num_sequences, shard.num_tokens)
        listed = (entry.get("crc32"), entry.get("sequences"), entry.get("tokens"))
        if found != listed:
            raise ReaderError(f"{shard.path}: does not match the manifest: (crc32, sequences, tokens) {found}, "
                              f"manifest lists {listed}")
        shards.append(shard)
    return shards


# ------------------------------------------------------------------------------------------------- run directories

class Record(dict):
    """A flat dict (one JSON line) that remembers where it came from: record.where is "path:line"."""

    def __init__(self, values, where):
        super().__init__(values)
        self.where = where


def flatten(value, prefix=""):
    """Nested objects and lists as one flat dict with dotted keys; empty containers are left out."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return {prefix: value}
    flat = {}
    for key, inner in items:
        flat.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def sub_record(record, prefix):
    """The keys under `prefix.`, prefix removed: sub_record(r, "blimp.per_paradigm") -> {paradigm: accuracy}."""
    start = prefix + "."
    return {key[len(start):]: value for key, value in record.items() if key.startswith(start)}


def as_list(record, prefix):
    """A flattened list back as a list (twonn.0, twonn.1, ... -> [...]); [] when absent."""
    items = sub_record(record, prefix)
    return [items[key] for key in sorted(items, key=int) if key.isdigit()]


def number(record, key, where=None):
    """record[key] as a finite float, None when absent, null or non-finite; a non-number is an error."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        where = where or getattr(record, "where", "record")
        raise ReaderError(f"{where}: \"{key}\" must be a number or null, found {json.dumps(value)[:40]}")
    return float(value) if math.isfinite(value) else None


def series(records, key):
    """(step, value) pairs of the records holding a finite number at `key`, in step order."""
    pairs = ((record["step"], number(record, key)) for record in records)
    return sorted((step, value) for step, value in pairs if value is not None)


def _read_text(path):
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ReaderError(f"{path}: cannot read ({e})") from e


def _read_json_object(path):
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise ReaderError(f"{path}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    if not isinstance(data, dict):
        raise ReaderError(f"{path}: expected a JSON object, found {type(data).__name__}")
    return data


def read_jsonl(path):
    """Every non-blank line as a flat Record; each must be an object with an integer "step" >= 0."""
    path = pathlib.Path(path)
    records = []
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            raise ReaderError(f"{where}: not valid JSON ({e.msg} at column {e.colno})") from e
        if not isinstance(value, dict):
            raise ReaderError(f"{where}: expected a JSON object, found {type(value).__name__}")
        step = value.get("step")
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ReaderError(f"{where}: \"step\" must be an integer >= 0, found {json.dumps(step)}")
        records.append(Record(flatten(value), where))
    return records


def last_per_step(records):
    """One record per step, the last of equal steps (a resumed run may repeat steps), in step order."""
    by_step = {}
    for record in records:
        by_step[record["step"]] = record
    return [by_step[step] for step in sorted(by_step)]


def read_onsets(path):
    """onsets.json as a flat dict ({} when the file is absent); onset steps must be numbers or null."""
    path = pathlib.Path(path)
    if not path.exists():
        return {}
    onsets = Record(flatten(_read_json_object(path)), str(path))
    for key in ONSET_KEYS:
        number(onsets, key)
    return onsets


def read_run(run_dir):
    """A run directory as {"train", "dev", "eval": [flat records], "onsets": flat dict}; files may be absent,
    but not both jsonl files."""
    run = pathlib.Path(run_dir)
    if not run.is_dir():
        raise ReaderError(f"{run}: not a directory (expected a run directory holding metrics.jsonl / eval.jsonl)")
    metrics, evals = run / "metrics.jsonl", run / "eval.jsonl"
    if not metrics.exists() and not evals.exists():
        raise ReaderError(f"{run}: holds neither metrics.jsonl nor eval.jsonl")
    lines = read_jsonl(metrics) if metrics.exists() else []
    return {
        "train": last_per_step([r for r in lines if "split" not in r]),
        "dev": last_per_step([r for r in lines if "split" in r]),
        "eval": last_per_step(read_jsonl(evals)) if evals.exists() else [],
        "onsets": read_onsets(run / "onsets.json"),
    }
