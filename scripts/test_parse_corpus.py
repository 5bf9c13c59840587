#!/usr/bin/env python3
"""Tests for parse_corpus.py without a trained parser: spaCy Docs are built by hand (words, spaces, heads, labels),
a toy "parser" component (chains each sentence's words) stands in for a trained pipeline in the end-to-end runs,
and Stanza output is imitated with plain objects. The kill-and-restart test runs the script in a child process
(with the toy parser) that SIGKILLs itself while writing its third output, then reruns it.

Run with pytest (`pytest scripts/test_parse_corpus.py`) or directly (`python scripts/test_parse_corpus.py`):
exit 0 when all pass, 1 on a failure, 77 when spaCy cannot be imported (`python -m pip install spacy`).
"""
import contextlib
import io
import os
import stat
import sys
import tempfile
import traceback
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc
except ImportError:
    spacy = None
    if "pytest" in sys.modules:
        import pytest

        pytest.skip("spaCy is not installed (python -m pip install spacy)", allow_module_level=True)

import parse_corpus as pc  # noqa: E402

VOCAB = spacy.blank("en").vocab if spacy is not None else None


def make_doc(words, spaces, heads, deps, pos=None, lemmas=None, tags=None, morphs=None):
    return Doc(VOCAB, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas, tags=tags,
               morphs=morphs)


def rows(lines):
    """Token lines as lists of columns (comments left out)."""
    return [ln.split("\t") for ln in lines if not ln.startswith("#")]


# ---------------------------------------------------------------------------------------------------------------------
# spaCy conversion
# ---------------------------------------------------------------------------------------------------------------------

def two_sentence_doc():
    return make_doc(
        words=["The", "cat", "sat", ".", "It", "slept", "."],
        spaces=[True, True, False, True, True, False, False],
        heads=[1, 2, 2, 2, 5, 5, 5],
        deps=["det", "nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"],
        pos=["DET", "NOUN", "VERB", "PUNCT", "PRON", "VERB", "PUNCT"],
        lemmas=["the", "cat", "sit", ".", "it", "sleep", "."],
        tags=["DT", "NN", "VBD", ".", "PRP", "VBD", "."],
        morphs=["Definite=Def|PronType=Art", "Number=Sing", "", "", "", "", ""],
    )


def test_two_sentences_exact_output():
    sents = list(two_sentence_doc().sents)
    assert len(sents) == 2
    first = pc.spacy_sentence_to_conllu(sents[0], "d:1", newdoc_id="d")
    second = pc.spacy_sentence_to_conllu(sents[1], "d:2")
    assert first == [
        "# newdoc id = d",
        "# sent_id = d:1",
        "# text = The cat sat.",
        "1\tThe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t2\tdet\t_\t_",
        "2\tcat\tcat\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_",
        "3\tsat\tsit\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No",
        "4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_",
    ], first
    # Heads restart at 1 in the second sentence (absolute spaCy indices 4..6 become 1..3); ROOT -> root.
    assert second == [
        "# sent_id = d:2",
        "# text = It slept.",
        "1\tIt\tit\tPRON\tPRP\t_\t2\tnsubj\t_\t_",
        "2\tslept\tsleep\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No",
        "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\tSpaceAfter=No",
    ], second
    assert pc.validate_conllu_sentence(first) == ""
    assert pc.validate_conllu_sentence(second) == ""


def test_space_token_dropped_and_dependent_reattached():
    # "Hello\nworld!": the SPACE token "\n" hangs off "Hello", and "!" hangs off the SPACE token; dropping it must
    # attach "!" to "Hello" (the dropped token's head). "Hello" is followed by whitespace, so no SpaceAfter=No.
    doc = make_doc(words=["Hello", "\n", "world", "!"], spaces=[False, False, False, False],
                   heads=[2, 0, 2, 1], deps=["intj", "dep", "ROOT", "punct"],
                   pos=["INTJ", "SPACE", "NOUN", "PUNCT"], lemmas=["hello", "\n", "world", "!"])
    assert doc[1].is_space
    (sent,) = list(doc.sents)
    lines = pc.spacy_sentence_to_conllu(sent, "x:1", newdoc_id="x")
    assert lines == [
        "# newdoc id = x",
        "# sent_id = x:1",
        "# text = Hello world!",
        "1\tHello\thello\tINTJ\t_\t_\t2\tintj\t_\t_",
        "2\tworld\tworld\tNOUN\t_\t_\t0\troot\t_\tSpaceAfter=No",
        "3\t!\t!\tPUNCT\t_\t_\t1\tpunct\t_\tSpaceAfter=No",
    ], lines
    assert pc.validate_conllu_sentence(lines) == ""


def test_space_token_chain_and_double_spaces():
    # "a  b c": spaCy makes "a" + " " (SPACE) + "b" + "c"; "c" -> SPACE -> "b"... here a chain of two dropped tokens.
    doc = make_doc(words=["a", " ", "\n", "b", "c"], spaces=[True, False, False, True, False],
                   heads=[3, 0, 1, 3, 2], deps=["nsubj", "dep", "dep", "ROOT", "obj"])
    (sent,) = list(doc.sents)
    lines = pc.spacy_sentence_to_conllu(sent, "s")
    assert rows(lines) == [
        ["1", "a", "_", "_", "_", "_", "2", "nsubj", "_", "_"],
        ["2", "b", "_", "_", "_", "_", "0", "root", "_", "_"],
        ["3", "c", "_", "_", "_", "_", "1", "obj", "_", "SpaceAfter=No"],
    ], lines
    assert "# text = a b c" in lines
    assert pc.validate_conllu_sentence(lines) == ""


def test_space_token_as_root():
    # The SPACE token is the root: its two dependents would both become roots. The first stays the root, the other
    # attaches to it with its own label.
    doc = make_doc(words=["Hi", "\n\n", "there", "."], spaces=[False, False, False, False],
                   heads=[1, 1, 1, 2], deps=["intj", "ROOT", "advmod", "punct"])
    (sent,) = list(doc.sents)
    lines = pc.spacy_sentence_to_conllu(sent, "s")
    assert rows(lines) == [
        ["1", "Hi", "_", "_", "_", "_", "0", "root", "_", "_"],
        ["2", "there", "_", "_", "_", "_", "1", "advmod", "_", "SpaceAfter=No"],
        ["3", ".", "_", "_", "_", "_", "2", "punct", "_", "SpaceAfter=No"],
    ], lines
    assert pc.validate_conllu_sentence(lines) == ""


def test_whitespace_only_sentence_is_empty():
    doc = make_doc(words=["\n"], spaces=[False], heads=[0], deps=["ROOT"])
    (sent,) = list(doc.sents)
    assert pc.spacy_sentence_to_conllu(sent, "s") == []


# ---------------------------------------------------------------------------------------------------------------------
# Stanza conversion (imitated objects: the real package is not needed)
# ---------------------------------------------------------------------------------------------------------------------

def _word(i, text, lemma, upos, head, deprel, feats=None, xpos=None):
    return SimpleNamespace(id=i, text=text, lemma=lemma, upos=upos, xpos=xpos, feats=feats, head=head, deprel=deprel)


def test_stanza_sentence_with_multiword_token():
    # French "Il va au marché." with "au" = "à le".
    tokens = [
        SimpleNamespace(id=(1,), text="Il", spaces_after=" ", words=[_word(1, "Il", "il", "PRON", 2, "nsubj",
                                                                           "Number=Sing|Person=3")]),
        SimpleNamespace(id=(2,), text="va", spaces_after=" ", words=[_word(2, "va", "aller", "VERB", 0, "root")]),
        SimpleNamespace(id=(3, 4), text="au", spaces_after=" ", words=[_word(3, "à", "à", "ADP", 5, "case"),
                                                                      _word(4, "le", "le", "DET", 5, "det")]),
        SimpleNamespace(id=(5,), text="marché", spaces_after="", words=[_word(5, "marché", "marché", "NOUN", 2,
                                                                              "obl")]),
        SimpleNamespace(id=(6,), text=".", misc="SpaceAfter=No", words=[_word(6, ".", ".", "PUNCT", 2, "punct")]),
    ]
    lines = pc.stanza_sentence_to_conllu(SimpleNamespace(tokens=tokens), "f:1", newdoc_id="f")
    assert lines == [
        "# newdoc id = f",
        "# sent_id = f:1",
        "# text = Il va au marché.",
        "1\tIl\til\tPRON\t_\tNumber=Sing|Person=3\t2\tnsubj\t_\t_",
        "2\tva\taller\tVERB\t_\t_\t0\troot\t_\t_",
        "3-4\tau\t_\t_\t_\t_\t_\t_\t_\t_",
        "3\tà\tà\tADP\t_\t_\t5\tcase\t_\t_",
        "4\tle\tle\tDET\t_\t_\t5\tdet\t_\t_",
        "5\tmarché\tmarché\tNOUN\t_\t_\t2\tobl\t_\tSpaceAfter=No",
        "6\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\tSpaceAfter=No",
    ], lines
    assert pc.validate_conllu_sentence(lines) == ""


# ---------------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------------

def _sentence(*word_rows):
    return ["# sent_id = v"] + ["\t".join(r) for r in word_rows]


def _w(i, head, deprel="dep"):
    return [str(i), f"w{i}", "_", "_", "_", "_", str(head), deprel, "_", "_"]


def test_validate_conllu_sentence():
    ok = _sentence(_w(1, 2), _w(2, 0, "root"), _w(3, 2))
    assert pc.validate_conllu_sentence(ok) == ""
    cases = {
        "two roots": (_sentence(_w(1, 0, "root"), _w(2, 0, "root")), "exactly one root"),
        "no root": (_sentence(_w(1, 2), _w(2, 1)), "exactly one root"),
        "cycle": (_sentence(_w(1, 0, "root"), _w(2, 3), _w(3, 2)), "cycle"),
        "head out of range": (_sentence(_w(1, 0, "root"), _w(2, 3)), "out of range"),
        "own head": (_sentence(_w(1, 0, "root"), _w(2, 2)), "its own head"),
        "ids": (_sentence(_w(1, 0, "root"), _w(3, 1)), "consecutive"),
        "root label": (_sentence(_w(1, 0, "ROOT"), _w(2, 1)), "expected 'root'"),
        "root label elsewhere": (_sentence(_w(1, 0, "root"), _w(2, 1, "root")), "DEPREL 'root' but HEAD"),
        "columns": (["1\tw\t_\t_\t_\t_\t0\troot\t_"], "10 tab-separated columns"),
        "empty column": (["1\t\t_\t_\t_\t_\t0\troot\t_\t_"], "empty column"),
        "head not int": (_sentence(["1", "w", "_", "_", "_", "_", "_", "root", "_", "_"]), "non-negative integer"),
        "range position": (_sentence(_w(1, 0, "root"), ["3-4"] + ["_"] * 9, _w(2, 1)), "multiword range"),
        "range past end": (_sentence(["1-2"] + ["_"] * 9, _w(1, 0, "root")), "after the last word"),
        "no words": (["# sent_id = v"], "no words"),
        "comment after words": (_sentence(_w(1, 0, "root")) + ["# late"], "comment line after"),
    }
    for name, (lines, expected) in cases.items():
        reason = pc.validate_conllu_sentence(lines)
        assert expected in reason, (name, reason)


def test_validate_conllu_file(tmp_path):
    good = tmp_path / "good.conllu"
    good.write_text("# newdoc id = d\n# sent_id = d:1\n# text = w1 w2\n"
                    "1\tw1\t_\t_\t_\t_\t0\troot\t_\t_\n2\tw2\t_\t_\t_\t_\t1\tdep\t_\t_\n\n"
                    "# sent_id = d:2\n# text = w1\n1\tw1\t_\t_\t_\t_\t0\troot\t_\t_\n\n", encoding="utf-8")
    assert pc.validate_conllu_file(good) == (2, [])
    bad = tmp_path / "bad.conllu"
    bad.write_text("# sent_id = a\n# text = x\n1\tx\t_\t_\t_\t_\t0\troot\t_\t_\n\n"
                   "# sent_id = a\n# text = x\n1\tx\t_\t_\t_\t_\t0\troot\t_\t_\n\n"
                   "# sent_id = b\n1\tx\t_\t_\t_\t_\t0\troot\t_\t_\n\n"
                   "# sent_id = c\n# text = x y\n1\tx\t_\t_\t_\t_\t0\troot\t_\t_\n2\ty\t_\t_\t_\t_\t0\troot\t_\t_\n",
                   encoding="utf-8")
    n, errors = pc.validate_conllu_file(bad)
    assert n == 4
    assert [e.split(": ", 1)[0] for e in errors] == [f"{bad}:5", f"{bad}:9", f"{bad}:12", f"{bad}:12"], errors
    assert "duplicate sent_id a" in errors[0] and "no '# text'" in errors[1]
    assert "exactly one root" in errors[2] and "not followed by a blank line" in errors[3]


# ---------------------------------------------------------------------------------------------------------------------
# Atomic write, inputs
# ---------------------------------------------------------------------------------------------------------------------

def test_write_atomic(tmp_path):
    out = tmp_path / "sub" / "out.conllu"
    pc.write_atomic(out, ["a\n", "b\n"])
    assert out.read_text(encoding="utf-8") == "a\nb\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask

    def failing():
        yield "partial\n"
        raise RuntimeError("parser crashed")

    try:
        pc.write_atomic(out, failing())
        raise AssertionError("write_atomic swallowed the error")
    except RuntimeError:
        pass
    assert out.read_text(encoding="utf-8") == "a\nb\n", "the old file must survive a failed write"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.conllu"], "the temporary file must be removed"

    def reject(tmp):
        assert tmp.read_text(encoding="utf-8") == "new\n" and tmp.name.startswith(".out.conllu.")
        raise ValueError("invalid")

    try:
        pc.write_atomic(out, ["new\n"], check=reject)
        raise AssertionError("write_atomic swallowed the check's error")
    except ValueError:
        pass
    assert out.read_text(encoding="utf-8") == "a\nb\n", "a rejected file must not replace the old one"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.conllu"]


def test_iter_documents(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("\ufeffFirst line\nwrapped here.\n\n  \n\nSecond doc.\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Whole\n\nfile.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n \n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored\n", encoding="utf-8")
    files = pc.find_input_files([str(tmp_path)])
    assert [f.name for f in files] == ["a.txt", "b.txt", "empty.txt"]
    assert list(pc.iter_documents(files)) == [
        (f"{a}:1", "First line wrapped here."), (f"{a}:2", "Second doc."), (f"{b}:1", "Whole"), (f"{b}:2", "file."),
    ]
    assert list(pc.iter_documents(files, doc_per_file=True)) == [
        (str(a), "First line\nwrapped here.\n\n  \n\nSecond doc."), (str(b), "Whole\n\nfile."),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# main(): error paths and end-to-end runs with a toy parser
# ---------------------------------------------------------------------------------------------------------------------

def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = pc.main(argv)
        except SystemExit as e:  # argparse
            code = e.code
    return code, out.getvalue(), err.getvalue()


def assert_one_error_line(err, *fragments):
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def test_missing_model_exits_2(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("Some text.\n", encoding="utf-8")
    out = tmp_path / "out.conllu"
    code, _, err = run_main([str(text), "--out", str(out), "--model", "sasmlm_no_such_model_xyz", "--quiet"])
    assert code == 2, (code, err)
    assert_one_error_line(err, "sasmlm_no_such_model_xyz", "-m spacy download sasmlm_no_such_model_xyz")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"], "no temporary file may be left behind"


def test_bad_inputs_exit_2(tmp_path):
    out = tmp_path / "out.conllu"
    code, _, err = run_main([str(tmp_path / "missing.txt"), "--out", str(out)])
    assert code == 2 and "missing.txt: no such file or directory" in err, err
    assert_one_error_line(err)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("caf\xe9\n".encode("latin-1"))
    code, _, err = run_main([str(latin), "--out", str(out)])
    assert code == 2 and "not valid utf-8" in err and "--encoding" in err, err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_main([str(empty), "--out", str(out)])
    assert code == 2 and "no *.txt files" in err, err
    code, _, err = run_main([str(latin), "--out", str(out), "--batch-size", "0"])
    assert code == 2 and "--batch-size must be at least 1" in err, err
    code, _, err = run_main([str(latin), "--out", str(out), "--no-such-option"])
    assert code == 2, err
    assert_one_error_line(err, "unrecognized arguments")
    assert not out.exists()


if spacy is not None:
    @Language.component("sasmlm_test_chain_parser")
    def chain_parser(doc):
        """Toy parser: a sentence ends after each '.', its first token is the root, every other token hangs off the
        token before it. Whitespace tokens are parsed like words (as spaCy does), so they are in the chains."""
        words = [t.text for t in doc]
        heads, deps = [], []
        start = 0
        for i, w in enumerate(words):
            heads.append(start if i == start else i - 1)
            deps.append("ROOT" if i == start else "dep")
            if w == ".":
                start = i + 1
        pos = ["SPACE" if not w.strip() else "PUNCT" if w == "." else "X" for w in words]
        return Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc], heads=heads, deps=deps,
                   pos=pos, lemmas=[w.lower() for w in words])


def toy_pipeline(tmp_path, with_parser=True):
    path = tmp_path / ("toy_parser" if with_parser else "toy_blank")
    nlp = spacy.blank("en")
    if with_parser:
        nlp.add_pipe("sasmlm_test_chain_parser")
    nlp.to_disk(path)
    return path


def test_end_to_end_toy_parser(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The cat sat. It slept.\n\nSecond  doc\nhere.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Last one.\n", encoding="utf-8")
    out = tmp_path / "out.conllu"
    model = toy_pipeline(tmp_path)
    code, stdout, err = run_main([str(corpus), "--out", str(out), "--model", str(model), "--validate", "--quiet",
                                  "--batch-size", "2"])
    assert code == 0, (code, stdout, err)
    a, b = corpus / "a.txt", corpus / "b.txt"
    expected = (
        f"# newdoc id = {a}:1\n# sent_id = {a}:1:1\n# text = The cat sat.\n"
        "1\tThe\tthe\tX\t_\t_\t0\troot\t_\t_\n"
        "2\tcat\tcat\tX\t_\t_\t1\tdep\t_\t_\n"
        "3\tsat\tsat\tX\t_\t_\t2\tdep\t_\tSpaceAfter=No\n"
        "4\t.\t.\tPUNCT\t_\t_\t3\tdep\t_\t_\n\n"
        f"# sent_id = {a}:1:2\n# text = It slept.\n"
        "1\tIt\tit\tX\t_\t_\t0\troot\t_\t_\n"
        "2\tslept\tslept\tX\t_\t_\t1\tdep\t_\tSpaceAfter=No\n"
        "3\t.\t.\tPUNCT\t_\t_\t2\tdep\t_\tSpaceAfter=No\n\n"
        # "Second  doc": spaCy makes the second space a SPACE token; "doc" hung off it and now hangs off "Second".
        f"# newdoc id = {a}:2\n# sent_id = {a}:2:1\n# text = Second doc here.\n"
        "1\tSecond\tsecond\tX\t_\t_\t0\troot\t_\t_\n"
        "2\tdoc\tdoc\tX\t_\t_\t1\tdep\t_\t_\n"
        "3\there\there\tX\t_\t_\t2\tdep\t_\tSpaceAfter=No\n"
        "4\t.\t.\tPUNCT\t_\t_\t3\tdep\t_\tSpaceAfter=No\n\n"
        f"# newdoc id = {b}:1\n# sent_id = {b}:1:1\n# text = Last one.\n"
        "1\tLast\tlast\tX\t_\t_\t0\troot\t_\t_\n"
        "2\tone\tone\tX\t_\t_\t1\tdep\t_\tSpaceAfter=No\n"
        "3\t.\t.\tPUNCT\t_\t_\t2\tdep\t_\tSpaceAfter=No\n\n"
    )
    got = out.read_text(encoding="utf-8")
    assert got == expected, got
    assert "3 documents, 4 sentences, 14 words" in stdout and "1 whitespace tokens dropped" in stdout, stdout
    assert "validated" in stdout and "all valid" in stdout, stdout
    assert pc.validate_conllu_file(out) == (4, [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.conllu", "toy_parser"]

    # --doc-per-file and --max-docs: only a.txt, as one document; its blank line gives whitespace tokens.
    out2 = tmp_path / "one.conllu"
    code, stdout, err = run_main([str(corpus), "--out", str(out2), "--model", str(model), "--doc-per-file",
                                  "--max-docs", "1", "--validate", "--quiet"])
    assert code == 0, (code, stdout, err)
    text = out2.read_text(encoding="utf-8")
    assert text.count("# newdoc id = ") == 1 and f"# newdoc id = {a}\n" in text, text
    assert "# text = Second doc here." in text and str(b) not in text, text
    assert pc.validate_conllu_file(out2)[1] == []


def test_end_to_end_two_processes(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("".join(f"Doc number {i}. Has two sentences.\n\n" for i in range(6)), encoding="utf-8")
    out = tmp_path / "out.conllu"
    code, stdout, err = run_main([str(text), "--out", str(out), "--model", str(toy_pipeline(tmp_path)),
                                  "--processes", "2", "--batch-size", "2", "--validate", "--quiet"])
    assert code == 0, (code, stdout, err)
    got = out.read_text(encoding="utf-8")
    assert [ln for ln in got.splitlines() if ln.startswith("# newdoc")] == \
        [f"# newdoc id = {text}:{i + 1}" for i in range(6)], got  # documents stay in input order
    assert pc.validate_conllu_file(out) == (12, [])


def test_pipeline_without_parser_exits_2(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("Some text.\n", encoding="utf-8")
    out = tmp_path / "out.conllu"
    code, _, err = run_main([str(text), "--out", str(out), "--model", str(toy_pipeline(tmp_path, False))])
    assert code == 2, (code, err)
    assert_one_error_line(err, "does not produce dependency parses")
    assert not out.exists()


# ---------------------------------------------------------------------------------------------------------------------
# --out-dir, sharding, kill and restart
# ---------------------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def environ(**values):
    """os.environ with the Slurm array variables removed and `values` set, restored afterwards."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("SLURM_ARRAY_")]:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def four_inputs(tmp_path, docs_per_file=3):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in "abcd":
        (corpus / f"{name}.txt").write_text(
            "".join(f"File {name} doc {i}. Second sentence here.\n\n" for i in range(docs_per_file)), encoding="utf-8")
    return corpus


def newdoc_ids(path):
    return [ln.split("=", 1)[1].strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()
            if ln.startswith("# newdoc id =")]


def test_resolve_shard():
    assert pc.resolve_shard(None, None, env={}) == (0, 1, "")
    assert pc.resolve_shard(1, 4, env={"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"})[:2] == (1, 4)
    slurm = {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}
    assert pc.resolve_shard(None, None, env=slurm) == (3, 4, "Slurm array")
    assert pc.resolve_shard(None, None, env=slurm, use_slurm=False) == (0, 1, "")
    # --array=1-4 and --array=0-15:4 count from their first task.
    assert pc.resolve_shard(None, None, env={**slurm, "SLURM_ARRAY_TASK_MIN": "1"})[:2] == (2, 4)
    assert pc.resolve_shard(None, None, env={"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "4",
                                             "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "4"})[:2] == (2, 4)
    bad = [((0, None, {}), "go together"), ((None, 2, {}), "go together"), ((2, 2, {}), "must be in 0..1"),
           ((0, 0, {}), "at least 1"), ((None, None, {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4"}),
                                        "--array=0-(N-1)"),
           ((None, None, {"SLURM_ARRAY_TASK_ID": "1"}), "cannot read the Slurm array task")]
    for (shard, num, env), fragment in bad:
        try:
            pc.resolve_shard(shard, num, env=env)
            raise AssertionError(f"no error for {shard} {num} {env}")
        except pc.UserError as e:
            assert fragment in str(e), (fragment, str(e))


def test_sharding_disjoint_and_covering(tmp_path):
    corpus = four_inputs(tmp_path, docs_per_file=1)
    model = str(toy_pipeline(tmp_path))
    files = pc.find_input_files([str(corpus)])
    shards = [pc.shard_files(files, i, 2) for i in range(2)]
    assert [[f.name for f in s] for s in shards] == [["a.txt", "c.txt"], ["b.txt", "d.txt"]]
    out = tmp_path / "out"
    with environ():  # shard 0 by flags
        code, stdout, err = run_main([str(corpus), "--out-dir", str(out), "--shard", "0", "--num-shards", "2",
                                      "--model", model, "--quiet"])
    assert code == 0, (code, stdout, err)
    assert sorted(p.name for p in out.iterdir()) == ["a.conllu", "c.conllu"], err
    assert "shard 0/2 (from --shard/--num-shards): 2 of 4 input files" in err, err
    with environ(SLURM_ARRAY_TASK_ID="1", SLURM_ARRAY_TASK_COUNT="2"):  # shard 1 from the Slurm array
        code, stdout, err = run_main([str(corpus), "--out-dir", str(out), "--model", model, "--quiet"])
    assert code == 0, (code, stdout, err)
    assert "shard 1/2 (from Slurm array)" in err and "skipped 0 whose output exists" in err, err
    assert sorted(p.name for p in out.iterdir()) == ["a.conllu", "b.conllu", "c.conllu", "d.conllu"]
    ids = [i for name in "abcd" for i in newdoc_ids(out / f"{name}.conllu")]
    assert ids == [f"{corpus / name}.txt:1" for name in "abcd"], ids

    # --out ignores the Slurm array (with a warning) unless the flags say otherwise.
    whole, part = tmp_path / "whole.conllu", tmp_path / "part.conllu"
    with environ(SLURM_ARRAY_TASK_ID="1", SLURM_ARRAY_TASK_COUNT="2"):
        code, _, err = run_main([str(corpus), "--out", str(whole), "--model", model, "--quiet"])
        assert code == 0 and "use --out-dir" in err, err
        code, _, err = run_main([str(corpus), "--out", str(part), "--shard", "1", "--num-shards", "2",
                                 "--model", model, "--quiet"])
        assert code == 0, err
    assert len(newdoc_ids(whole)) == 4 and newdoc_ids(part) == [f"{corpus / n}.txt:1" for n in "bd"]

    # More shards than files: the empty shards have nothing to do.
    code, _, err = run_main([str(corpus), "--out-dir", str(tmp_path / "o6"), "--shard", "5", "--num-shards", "6",
                             "--model", model, "--quiet"])
    assert code == 0 and "0 of 4 input files" in err and not (tmp_path / "o6").exists(), err


def test_out_dir_one_file_per_input(tmp_path):
    corpus = four_inputs(tmp_path)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "e.txt").write_text("Nested one.\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("\n", encoding="utf-8")
    extra = tmp_path / "notes.text"
    extra.write_text("Not a txt name.\n", encoding="utf-8")
    model = str(toy_pipeline(tmp_path))
    out = tmp_path / "out"
    with environ():
        code, stdout, err = run_main([str(corpus), str(extra), "--out-dir", str(out), "--recursive", "--model", model,
                                      "--validate", "--batch-size", "2"])
    assert code == 0, (code, stdout, err)
    got = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert got == ["a.conllu", "b.conllu", "c.conllu", "d.conllu", "notes.text.conllu", "sub/e.conllu"], got
    assert "1 files have no text and get no output" in err, err
    assert "wrote 6 files to" in stdout and "all validated" in stdout, stdout
    assert err.count(" words/s") == 7 and "[1/7]" in err, err  # a line per output and the total
    # The outputs are --out's output cut at file boundaries.
    whole = tmp_path / "whole.conllu"
    code, _, err = run_main([str(corpus), str(extra), "--out", str(whole), "--recursive", "--model", model, "--quiet"])
    assert code == 0, err
    order = ["a", "b", "c", "d", "sub/e", "notes.text"]
    assert "".join((out / f"{n}.conllu").read_text(encoding="utf-8") for n in order) == \
        whole.read_text(encoding="utf-8")


def test_out_dir_bad_combinations_exit_2(tmp_path):
    corpus = four_inputs(tmp_path, docs_per_file=1)
    out = tmp_path / "out"
    cases = [
        (["--out", str(tmp_path / "x.conllu"), "--out-dir", str(out)], "not allowed with argument"),
        ([], "one of the arguments --out --out-dir is required"),
        (["--out-dir", str(out), "--shard", "1"], "--shard and --num-shards go together"),
        (["--out-dir", str(out), "--shard", "2", "--num-shards", "2"], "--shard must be in 0..1"),
        (["--out-dir", str(out), "--max-docs", "1"], "--max-docs cannot be used with --out-dir"),
        (["--out-dir", str(corpus / "a.txt")], "is not a directory"),
        ([str(corpus / "a.txt"), "--out-dir", str(out)], "is given twice"),  # a.txt is in corpus/ too
    ]
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Same relative name.\n", encoding="utf-8")
    cases.append(([str(other), "--out-dir", str(out)], "would both write"))
    for extra, fragment in cases:
        with environ():
            code, _, err = run_main([str(corpus)] + extra + ["--model", "sasmlm_no_such_model_xyz"])
        assert code == 2, (extra, code, err)
        assert_one_error_line(err, fragment)
    assert not out.exists()


# Runs parse_corpus.main in a child process with the toy parser registered. TEST_KILL_AFTER_FILES=K makes it SIGKILL
# itself while it writes output K+1 (after K outputs are complete): the test's stand-in for a preempted job.
KILL_WRAPPER = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import test_parse_corpus  # noqa: F401 (registers the toy parser component)
import parse_corpus as pc

kill_after = int(os.environ.get("TEST_KILL_AFTER_FILES", "0"))
if kill_after:
    real_write, finished = pc.write_atomic, []

    def write_atomic(path, chunks, check=None):
        if len(finished) < kill_after:
            real_write(path, chunks, check)
            finished.append(path)
            return
        def die_after_first_chunk():
            for chunk in chunks:
                yield chunk
                os.kill(os.getpid(), signal.SIGKILL)
        real_write(path, die_after_first_chunk(), check)

    pc.write_atomic = write_atomic
sys.exit(pc.main(sys.argv[2:]))
"""


def run_child(args, kill_after=0):
    import subprocess
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_ARRAY_")}
    if kill_after:
        env["TEST_KILL_AFTER_FILES"] = str(kill_after)
    return subprocess.run([sys.executable, "-c", KILL_WRAPPER, str(Path(__file__).resolve().parent)] + args,
                          env=env, capture_output=True, text=True, timeout=600)


def test_kill_after_second_of_four_and_restart(tmp_path):
    """Acceptance: parse_corpus.py over 4 input shards killed after the second and restarted: 4 outputs, none
    duplicated or partial."""
    import signal
    corpus = four_inputs(tmp_path, docs_per_file=3)
    out = tmp_path / "out"
    args = [str(corpus), "--out-dir", str(out), "--model", str(toy_pipeline(tmp_path)), "--validate", "--quiet",
            "--batch-size", "1"]
    first = run_child(args + ["--processes", "1"], kill_after=2)
    assert first.returncode == -signal.SIGKILL, (first.returncode, first.stdout, first.stderr)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.conllu", "b.conllu"]
    temps = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert len(temps) == 1 and temps[0].startswith(".c.conllu.") and temps[0].endswith(".tmp"), temps
    before = {n: ((out / n).stat().st_ino, (out / n).stat().st_mtime_ns) for n in ("a.conllu", "b.conllu")}

    second = run_child(args + ["--processes", "2"])
    assert second.returncode == 0, (second.returncode, second.stdout, second.stderr)
    assert "skipped 2 whose output exists (finished earlier), 2 to parse" in second.stderr, second.stderr
    assert "removed 1 temporary files of a killed run" in second.stderr, second.stderr
    assert "wrote 2 files to" in second.stdout and " words/s" in second.stderr, (second.stdout, second.stderr)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["a.conllu", "b.conllu", "c.conllu", "d.conllu"], names  # no temporary files either
    for n, stamp in before.items():
        assert ((out / n).stat().st_ino, (out / n).stat().st_mtime_ns) == stamp, f"{n} was rewritten"
    all_ids = []
    for name in "abcd":
        path = out / f"{name}.conllu"
        sentences, errors = pc.validate_conllu_file(path)
        assert (sentences, errors) == (6, []), (name, sentences, errors)
        assert newdoc_ids(path) == [f"{corpus / name}.txt:{i}" for i in (1, 2, 3)], newdoc_ids(path)
        all_ids += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("# sent_id")]
    assert len(all_ids) == 24 == len(set(all_ids)), "sent_ids must be unique across the outputs"

    third = run_child(args)
    assert third.returncode == 0 and "skipped 4 whose output exists" in third.stderr, third.stderr
    assert "0 to parse" in third.stderr and sorted(p.name for p in out.iterdir()) == names


def _run_all() -> int:
    if spacy is None:
        print("test_parse_corpus: skipped: spaCy is not installed (python -m pip install spacy)", file=sys.stderr)
        return 77
    import inspect

    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    failed = 0
    for name, fn in tests:
        with tempfile.TemporaryDirectory() as d:
            kwargs = {"tmp_path": Path(d)} if "tmp_path" in inspect.signature(fn).parameters else {}
            try:
                fn(**kwargs)
                print(f"PASS {name}")
            except Exception:
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc()
    print(f"{len(tests) - failed}/{len(tests)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_run_all())
