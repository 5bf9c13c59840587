#!/usr/bin/env python3
"""Tests for sasmlm_reader.py: shards written here by hand from the documented layout (and the C++ writer's shards
in tests/fuzz/corpus/shard) read back value by value, corrupt shards refused with the path and expected vs actual,
and run directories turned into flat records.

Run with pytest (`pytest scripts/test_sasmlm_reader.py`) or directly (`python scripts/test_sasmlm_reader.py`):
exit 0 when all pass, 1 on a failure, 77 when numpy cannot be imported (`python -m pip install numpy`): then the
shard tests are skipped and the run-directory tests still run.
"""
import json
import struct
import sys
import tempfile
import traceback
import zlib
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))
FUZZ_CORPUS = SCRIPTS.parent / "tests" / "fuzz" / "corpus"

import sasmlm_reader as sr  # noqa: E402

try:
    import numpy
except ImportError:
    numpy = None


def needs_numpy(test):
    """Shard tests skip without numpy; the run-directory tests need only the standard library."""
    test.needs_numpy = True
    if numpy is None and "pytest" in sys.modules:
        import pytest

        return pytest.mark.skip(reason="numpy is not installed (python -m pip install numpy)")(test)
    return test


# Three sequences: (ids, heads, relations, word_index, flags); the second is empty, the third plain text.
SEQUENCES = [
    ([2, 40, 41, 42, 3], [-1, 2, -1, 2, -1], [-1, 5, -1, 7, -1], [-1, 0, 1, 2, -1], [0, 1, 0, 0, 0]),
    ([], [], [], [], []),
    ([2, 99, 3], [-1, -1, -1], [-1, -1, -1], [-1, 0, -1], [4, 5, 4]),
]


def padded(data):
    return data + b"\0" * (-len(data) % 8)


def shard_bytes(sequences, version=1, magic=b"SASMSHRD"):
    """A shard as include/sasmlm/data/shard.h lays it out, written with struct (independent of the reader)."""
    offsets = [0]
    for ids, *_ in sequences:
        offsets.append(offsets[-1] + len(ids))
    flat = [[v for s in sequences for v in s[k]] for k in range(5)]  # one list per column, all sequences
    payload = padded(struct.pack(f"<{len(offsets)}Q", *offsets))
    for values, code in zip(flat, "ihhiB"):
        payload += padded(struct.pack(f"<{len(values)}{code}", *values))
    max_length = max((len(s[0]) for s in sequences), default=0)
    header = magic + struct.pack("<IIQQQQIIQ", version, 64, len(sequences), offsets[-1], 64, len(payload),
                                 zlib.crc32(payload), max_length, 0)
    assert len(header) == 64
    return header + payload


def write(path, data):
    path.write_bytes(data)
    return path


def expect_error(fn, *fragments):
    try:
        fn()
    except sr.ReaderError as e:
        for fragment in fragments:
            assert fragment in str(e), (fragment, str(e))
        return str(e)
    raise AssertionError(f"no ReaderError (expected one mentioning {fragments})")


@needs_numpy
def test_hand_written_shard_reads_back_value_by_value():
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "train-00000.shard", shard_bytes(SEQUENCES))
        shard = sr.read_shard(path)
        assert (len(shard), shard.num_tokens, shard.max_length) == (3, 8, 5)
        assert shard.lengths().tolist() == [5, 0, 3]
        assert shard.offsets.tolist() == [0, 5, 5, 8]
        for got, want in zip(shard, SEQUENCES):
            for name, values in zip(("ids", "heads", "relations", "word_index", "flags"), want):
                assert got[name].tolist() == list(values), (name, got[name], values)
        assert shard[-1]["ids"].tolist() == [2, 99, 3]
        assert shard.ids.dtype == numpy.int32 and shard.heads.dtype == numpy.int16
        assert int(shard.flags[5]) & sr.TOKEN_UNPARSED
        assert shard.payload_crc == zlib.crc32(path.read_bytes()[64:])
        try:
            shard[3]
        except IndexError as e:
            assert "3 sequences" in str(e)
        else:
            raise AssertionError("shard[3] did not raise")


@needs_numpy
def test_cpp_written_shards_match_the_documented_layout():
    # Shards from `sasmlm prepare` (the fuzz corpus) and the manifest written with them: the reader agrees with the
    # manifest, and writing the columns back by hand reproduces the C++ writer's bytes exactly.
    manifest = json.loads((FUZZ_CORPUS / "manifest" / "manifest.json").read_text())
    entry = manifest["splits"]["dev"]["shard_files"][0]
    path = FUZZ_CORPUS / "shard" / entry["file"]
    shard = sr.read_shard(path)
    assert (f"{shard.payload_crc:08x}", len(shard), shard.num_tokens) == (entry["crc32"], entry["sequences"],
                                                                           entry["tokens"])
    rebuilt = [tuple(seq[name].tolist() for name in ("ids", "heads", "relations", "word_index", "flags"))
               for seq in shard]
    assert shard_bytes(rebuilt) == path.read_bytes()
    assert all(seq["ids"][0] == shard.ids[0] for seq in shard)  # every sequence opens with the same [CLS] id
    empty = FUZZ_CORPUS / "shard" / "empty.shard"
    assert shard_bytes([]) == empty.read_bytes() and len(sr.read_shard(empty)) == 0


@needs_numpy
def test_bad_shards_name_the_file_and_expected_vs_actual():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        good = shard_bytes(SEQUENCES)
        bad = write(root / "magic.shard", shard_bytes(SEQUENCES, magic=b"SASMCKPT"))
        expect_error(lambda: sr.read_shard(bad), str(bad), "magic b'SASMCKPT'", "expected b'SASMSHRD'")
        bad = write(root / "version.shard", shard_bytes(SEQUENCES, version=2))
        expect_error(lambda: sr.read_shard(bad), str(bad), "format version 2, expected 1")
        bad = write(root / "short.shard", good[:40])
        expect_error(lambda: sr.read_shard(bad), "40 bytes, shorter than the 64-byte header")
        bad = write(root / "cut.shard", good[:-8])
        expect_error(lambda: sr.read_shard(bad), f"is {len(good) - 8} bytes, its header implies {len(good)}")
        flipped = bytearray(good)
        flipped[64 + 32 + 4] ^= 0x10  # ids start after the 4 offsets: token 1's id, 40, becomes 56
        bad = write(root / "crc.shard", bytes(flipped))
        expect_error(lambda: sr.read_shard(bad), "checksum mismatch", f"stored {zlib.crc32(good[64:]):08x}")
        assert sr.read_shard(bad, verify_checksum=False).ids[1] == 56  # the caller may skip the check
        outside = [SEQUENCES[0], SEQUENCES[1], ([2, 99, 3], [-1, 3, -1], [-1, 1, -1], [-1, 0, -1], [0, 1, 0])]
        bad = write(root / "head.shard", shard_bytes(outside))  # CRC is right: only the head check can refuse it
        expect_error(lambda: sr.read_shard(bad), "sequence 2 token 1 has head 3", "length 3")
        expect_error(lambda: sr.read_shard(root / "absent.shard"), "absent.shard", "cannot read shard")


def prepared_dir(root, crc=None):
    """A prepared directory with a dev split of one hand-written shard and its manifest."""
    data = shard_bytes(SEQUENCES)
    write(root / "dev-00000.shard", data)
    entry = {"file": "dev-00000.shard", "bytes": len(data), "crc32": crc or f"{zlib.crc32(data[64:]):08x}",
             "sequences": 3, "tokens": 8}
    manifest = {"format_version": 1, "shard_format_version": 1, "splits": {"train": {"shard_files": []},
                                                                          "dev": {"shard_files": [entry]}}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


@needs_numpy
def test_prepared_directory_checks_shards_against_the_manifest():
    with tempfile.TemporaryDirectory() as tmp:
        root = prepared_dir(Path(tmp))
        shards = sr.read_prepared(root, "dev")
        assert [len(s) for s in shards] == [3] and sr.read_prepared(root, "train") == []
        expect_error(lambda: sr.read_prepared(root, "test"), "no split 'test'", "dev, train")
        prepared_dir(root, crc="00000000")
        expect_error(lambda: sr.read_prepared(root, "dev"), "does not match the manifest", "'00000000'")
        manifest = json.loads((root / "manifest.json").read_text())
        manifest["shard_format_version"] = 2
        (root / "manifest.json").write_text(json.dumps(manifest))
        expect_error(lambda: sr.read_manifest(root), "manifest.json", "shard_format_version 2, expected 1")
        expect_error(lambda: sr.read_manifest(root / "nowhere"), "not a prepared data directory")


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def fake_run(root):
    run = root / "run"
    run.mkdir()
    write_jsonl(run / "metrics.jsonl", [
        {"step": 10, "mlm_loss": 6.0, "lambda": 0.0},
        {"step": 20, "mlm_loss": 5.0, "lambda": 0.5},
        {"step": 20, "split": "dev", "mlm_loss": 5.5, "sas_r_per_arc": 0.25, "blimp": {"overall": 0.6}},
        {"step": 20, "mlm_loss": 4.0, "lambda": 1.0},  # replayed after a resume: the last line counts
    ])
    write_jsonl(run / "eval.jsonl", [
        {"step": 20, "uas": 0.4, "blimp": {"overall": 0.6, "per_paradigm": {"a": 0.5, "b": 0.7}},
         "twonn": [9.0, None, 7.5], "uas_best_head": {"layer": 3, "head": 1}, "empty": {}},
        {"step": 10, "uas": 0.3, "twonn": []},
    ])
    (run / "onsets.json").write_text(json.dumps({"structure_onset": 15, "blimp_onset": None,
                                                 "smoothing": {"kernel": "gaussian", "sigma_points": 1}}))
    return run


def test_run_directory_as_flat_records():
    with tempfile.TemporaryDirectory() as tmp:
        run = sr.read_run(fake_run(Path(tmp)))
        assert run["train"] == [{"step": 10, "mlm_loss": 6.0, "lambda": 0.0},
                                {"step": 20, "mlm_loss": 4.0, "lambda": 1.0}]
        assert run["train"][1].where.endswith("metrics.jsonl:4")
        assert run["dev"] == [{"step": 20, "split": "dev", "mlm_loss": 5.5, "sas_r_per_arc": 0.25,
                               "blimp.overall": 0.6}]
        first, last = run["eval"]  # step order
        assert (first["step"], last["step"]) == (10, 20) and first == {"step": 10, "uas": 0.3}
        assert last["uas_best_head.layer"] == 3 and "empty" not in last
        assert sr.sub_record(last, "blimp.per_paradigm") == {"a": 0.5, "b": 0.7}
        assert sr.as_list(last, "twonn") == [9.0, None, 7.5]
        assert run["onsets"] == {"structure_onset": 15, "blimp_onset": None, "smoothing.kernel": "gaussian",
                                 "smoothing.sigma_points": 1}
        assert sr.series(run["train"], "lambda") == [(10, 0.0), (20, 1.0)]
        assert sr.series(run["eval"], "blimp.overall") == [(20, 0.6)]
        for records in (run["train"], run["dev"], run["eval"], [run["onsets"]]):
            for record in records:  # pandas-ready: no nested values
                assert all(not isinstance(v, (dict, list)) for v in record.values()), record


def test_run_directory_errors_name_file_and_line():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expect_error(lambda: sr.read_run(root / "missing"), "missing", "not a directory")
        expect_error(lambda: sr.read_run(root), "holds neither metrics.jsonl nor eval.jsonl")
        (root / "metrics.jsonl").write_text('{"step": 1}\n\n{"step": 2, "mlm_loss": \n')
        expect_error(lambda: sr.read_run(root), "metrics.jsonl:3:", "not valid JSON")
        (root / "metrics.jsonl").write_text('{"step": -1}\n')
        expect_error(lambda: sr.read_run(root), "metrics.jsonl:1:", '"step" must be an integer >= 0, found -1')
        (root / "metrics.jsonl").write_text('{"step": 1, "mlm_loss": "high"}\n')
        records = sr.read_run(root)["train"]
        expect_error(lambda: sr.series(records, "mlm_loss"), "metrics.jsonl:1:", '"mlm_loss" must be a number')
        (root / "onsets.json").write_text('{"structure_onset": "soon"}')
        expect_error(lambda: sr.read_run(root), "onsets.json", '"structure_onset" must be a number')
        (root / "onsets.json").write_text("[]")
        expect_error(lambda: sr.read_run(root), "onsets.json", "expected a JSON object, found list")


def main():
    failed = skipped = 0
    tests = [(name, fn) for name, fn in sorted(globals().items()) if name.startswith("test_") and callable(fn)]
    for name, fn in tests:
        if numpy is None and getattr(fn, "needs_numpy", False):
            skipped += 1
            print(f"skip  {name} (numpy is not installed: python -m pip install numpy)")
            continue
        try:
            fn()
            print(f"ok    {name}")
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL  {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed - skipped}/{len(tests)} passed, {skipped} skipped")
    if failed:
        return 1
    return 77 if skipped else 0  # ctest shows "skipped": the shard half did not run


if __name__ == "__main__":
    sys.exit(main())
