#!/usr/bin/env python3
"""Parses plain text into CoNLL-U with a dependency parser, so that any corpus can go through `sasmlm prepare`.

Usage:
  parse_corpus.py INPUT... --out corpus.conllu [--backend spacy|stanza] [--model en_core_web_sm | --lang en]
                  [--doc-per-file] [--recursive] [--batch-size 64] [--processes 1] [--max-docs N] [--validate]
  parse_corpus.py INPUT... --out-dir DIR [--shard I --num-shards N] [same options, but no --max-docs]

  INPUT is a text file or a directory (its *.txt files, sorted by name; --recursive also looks in subdirectories).
  Documents are separated by blank lines (the line breaks inside one document count as spaces), or, with
  --doc-per-file, each file is one document (kept as it is; whitespace tokens are dropped).
  Every document starts with `# newdoc id = SOURCE:N` (SOURCE with --doc-per-file) and every sentence has
  `# sent_id = DOC_ID:K` and `# text = ...`; words have the 10 CoNLL-U columns, HEAD 0 and DEPREL `root` on the
  sentence root, and `SpaceAfter=No` in MISC where no whitespace follows the word. The output is written to a
  temporary file next to --out and renamed over it at the end, so an interrupted run never leaves a half file.
  --validate re-reads the output and checks every sentence (ids 1..n, heads in range, one root, no cycles).

  Then, e.g.:  sasmlm prepare --config my.yaml --set data.train='[corpus.conllu]'

Cluster scale (--out-dir, one output per input file, restartable, shardable over a Slurm array):
  The input files are listed in a fixed order: the INPUT arguments in the order given, a directory's files sorted by
  path. --out-dir writes one CoNLL-U file per input file: DIR/REL with REL the file's path relative to its INPUT
  directory (subdirectories mirrored; the file's own name for an INPUT that is a file), `.txt` replaced by `.conllu`
  (other names get `.conllu` appended). Two inputs that would share an output name are an error. Each output is
  written atomically (temporary file in its directory, fsync, rename), so an output under its final name is
  finished: a rerun skips it (and says how many it skipped), and removes the temporary files a killed run left for
  the files it parses. Ids are those of --out mode (they contain the input path), so they are unique across outputs.
  Sharding: the file at position p (0-based, in the order above) belongs to shard p % N. `--shard I --num-shards N`
  picks shard I (0 <= I < N); without them, inside a Slurm array job (--out-dir only) I and N come from
  SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP and SLURM_ARRAY_TASK_COUNT, e.g. --array=0-(N-1).
  --out takes the shard flags too (the output then holds that shard's files); it ignores a Slurm array.
  A shard with no files exits 0. Words/s go to stderr per output file and for the whole run. --processes workers
  start anew for every file, so many tiny files parse slower than a few large ones (aim for megabytes each).

Installing a parser (the script needs one of the two; both download models once):
  spaCy (default backend; fast on CPU, `--processes N` runs N worker processes):
    python -m pip install spacy
    python -m spacy download en_core_web_sm     # or en_core_web_md / _lg / _trf, or another language's pipeline
  `--model` takes any installed pipeline name or a path to a pipeline directory; it must contain a parser.
  Stanza (`--backend stanza --lang en`; trained on UD treebanks, so its labels are UD relations; slower, uses a GPU
  when there is one; multiword tokens become `3-4` range lines):
    python -m pip install stanza
    python -c "import stanza; stanza.download('en')"

spaCy's English labels are ClearNLP relations (nsubj, dobj, ...), not UD ones; its root label ROOT becomes `root`.
Whitespace tokens (spaCy's SPACE tokens) are dropped; a word whose head was one is attached to that token's head.

Exit codes: 0 success; 2 bad input, missing package or model (one `error:` line on stderr says what to install);
1 the written file failed --validate (a bug: please report it; --out-dir keeps no such file).
"""
from __future__ import annotations

import argparse
import collections
import glob
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Deque, Iterable, Iterator, List, Optional, Sequence, Tuple

EXIT_OK = 0
EXIT_INVALID_OUTPUT = 1
EXIT_USER_ERROR = 2

_LINE_BREAKING = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class UserError(Exception):
    """Bad input, or a missing package or model: reported as one `error:` line, exit code 2."""


# ---------------------------------------------------------------------------------------------------------------------
# Conversion (pure functions: no model needed)
# ---------------------------------------------------------------------------------------------------------------------

def _field(value) -> str:
    """A CoNLL-U column value: no tabs or line breaks, never empty (`_` for a missing value)."""
    if value is None:
        return "_"
    text = _LINE_BREAKING.sub(" ", str(value)).strip()
    return text if text else "_"


def _is_whitespace_token(token) -> bool:
    return bool(getattr(token, "is_space", False)) or not token.text.strip()


def _sentence_text(forms: Sequence[str], space_after: Sequence[bool]) -> str:
    return "".join(f + (" " if s else "") for f, s in zip(forms, space_after)).strip()


def _comment_lines(sent_id: str, text: str, newdoc_id: Optional[str]) -> List[str]:
    lines = []
    if newdoc_id is not None:
        lines.append(f"# newdoc id = {_field(newdoc_id)}")
    lines.append(f"# sent_id = {_field(sent_id)}")
    lines.append(f"# text = {_LINE_BREAKING.sub(' ', text)}")
    return lines


def spacy_sentence_to_conllu(sent, sent_id: str, newdoc_id: Optional[str] = None) -> List[str]:
    """One spaCy sentence (a Span of a parsed Doc) as CoNLL-U lines, comments first, without the blank line.

    Whitespace-only tokens are dropped; a word whose head chain passes through dropped tokens gets the first kept
    token up that chain as its head. Heads outside the sentence count as the root. If that leaves several roots
    (a dropped token was the root), the first one (spaCy's own root when it was kept) stays the root and the others
    attach to it, keeping their label (`dep` where their label was ROOT). Returns [] when the sentence has no word
    that is not whitespace. Raises ValueError if the result is still not a tree (only possible for a malformed Doc).
    """
    doc = sent.doc
    start, end = sent.start, sent.end
    kept = [t for t in sent if not _is_whitespace_token(t)]
    if not kept:
        return []
    new_id = {t.i: k + 1 for k, t in enumerate(kept)}

    def resolved_head(token) -> int:
        """New 1-based id of the token's head after dropping whitespace tokens; 0 for the root."""
        seen = {token.i}
        h = token.head
        while True:
            if h.i == token.i or not (start <= h.i < end):
                return 0
            if h.i in new_id:
                return new_id[h.i]
            if h.i in seen or h.head.i == h.i:  # dropped token that is a root (or a loop through dropped ones)
                return 0
            seen.add(h.i)
            h = h.head

    heads = [resolved_head(t) for t in kept]
    roots = [k for k, h in enumerate(heads) if h == 0]
    if not roots:
        raise ValueError(f"sentence {sent_id}: no root (the parse has a cycle)")
    primary = next((k for k in roots if kept[k].head.i == kept[k].i), roots[0])
    deprels = []
    for k, t in enumerate(kept):
        label = t.dep_ or ""
        if k == primary:
            heads[k], label = 0, "root"
        else:
            if heads[k] == 0:
                heads[k] = primary + 1
            if not label or label.lower() == "root":
                label = "dep"
        deprels.append(label)

    space_after = []
    for t in kept:
        nxt = t.i + 1
        space_after.append(bool(t.whitespace_) or (nxt < len(doc) and _is_whitespace_token(doc[nxt])))
    forms = [_field(t.text) for t in kept]

    lines = _comment_lines(sent_id, _sentence_text(forms, space_after), newdoc_id)
    for k, t in enumerate(kept):
        morph = str(t.morph) if t.has_morph() else ""
        lines.append("\t".join([
            str(k + 1), forms[k], _field(t.lemma_), _field(t.pos_), _field(t.tag_), _field(morph),
            str(heads[k]), _field(deprels[k]), "_", "_" if space_after[k] else "SpaceAfter=No",
        ]))
    reason = validate_conllu_sentence(lines)
    if reason:
        raise ValueError(f"sentence {sent_id}: {reason}")
    return lines


def _stanza_space_after(token) -> bool:
    spaces = getattr(token, "spaces_after", None)
    if isinstance(spaces, str):
        return spaces != ""
    misc = getattr(token, "misc", None) or ""
    return "SpaceAfter=No" not in misc.split("|")


def stanza_sentence_to_conllu(sent, sent_id: str, newdoc_id: Optional[str] = None) -> List[str]:
    """One Stanza sentence as CoNLL-U lines (comments first, no blank line). Stanza's words already carry UD heads
    and relations; a token of several words becomes a range line `3-4` (with SpaceAfter) before its words.
    Raises ValueError if the parse is not a valid tree."""
    tokens = list(sent.tokens)
    if not tokens:
        return []
    forms = [_field(t.text) for t in tokens]
    space_after = [_stanza_space_after(t) for t in tokens]
    lines = _comment_lines(sent_id, _sentence_text(forms, space_after), newdoc_id)
    for t, form, space in zip(tokens, forms, space_after):
        misc = "_" if space else "SpaceAfter=No"
        words = list(t.words)
        multi = len(words) > 1
        if multi:
            lines.append(f"{words[0].id}-{words[-1].id}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
        for w in words:
            head = int(w.head) if w.head is not None else -1
            deprel = "root" if head == 0 else _field(w.deprel)
            lines.append("\t".join([
                str(w.id), _field(w.text), _field(w.lemma), _field(w.upos), _field(w.xpos), _field(w.feats),
                str(head) if head >= 0 else "_", deprel, "_", "_" if multi else misc,
            ]))
    reason = validate_conllu_sentence(lines)
    if reason:
        raise ValueError(f"sentence {sent_id}: {reason}")
    return lines


def validate_conllu_sentence(lines: Sequence[str]) -> str:
    """Checks one sentence block (comment lines allowed, no blank lines). Returns "" if it is valid, else the first
    problem: 10 non-empty tab-separated columns, word ids 1..n in order, multiword ranges right before their words,
    integer heads in 0..n, nobody its own head, exactly one root with DEPREL `root` (and no other `root`), no cycles."""
    heads: List[int] = []
    deprels: List[str] = []
    range_end = 0
    seen_word_line = False
    for line in lines:
        if line.startswith("#"):
            if seen_word_line:
                return "comment line after word lines"
            continue
        seen_word_line = True
        cols = line.split("\t")
        if len(cols) != 10:
            return f"expected 10 tab-separated columns, found {len(cols)}: {line!r}"
        if any(c == "" for c in cols):
            return f"empty column in line {line!r}"
        if any(c != c.strip() for c in cols):
            return f"column with leading or trailing whitespace in line {line!r}"
        wid = cols[0]
        if "-" in wid:
            a, _, b = wid.partition("-")
            if not (a.isdigit() and b.isdigit()) or int(a) > int(b) or int(a) != len(heads) + 1:
                return f"multiword range {wid} is not a range starting at the next word ({len(heads) + 1})"
            range_end = int(b)
            continue
        if "." in wid:
            continue  # empty node (enhanced graph only)
        if not wid.isdigit() or int(wid) != len(heads) + 1:
            return f"word ids must be consecutive from 1: expected {len(heads) + 1}, found {wid}"
        if not cols[6].isdigit():
            return f"HEAD {cols[6]!r} of word {wid} is not a non-negative integer"
        heads.append(int(cols[6]))
        deprels.append(cols[7])
    n = len(heads)
    if n == 0:
        return "sentence has no words"
    if range_end > n:
        return f"multiword range ends at {range_end}, after the last word ({n})"
    roots = [i + 1 for i, h in enumerate(heads) if h == 0]
    for i, h in enumerate(heads):
        if h > n:
            return f"HEAD {h} of word {i + 1} is out of range (the sentence has {n} words)"
        if h == i + 1:
            return f"word {i + 1} is its own head"
    if len(roots) != 1:
        return f"expected exactly one root (HEAD 0), found {len(roots)}" + (f": words {roots}" if roots else "")
    if deprels[roots[0] - 1] != "root":
        return f"root word {roots[0]} has DEPREL {deprels[roots[0] - 1]!r}, expected 'root'"
    for i, d in enumerate(deprels):
        if d == "root" and heads[i] != 0:
            return f"word {i + 1} has DEPREL 'root' but HEAD {heads[i]}"
    state = [0] * (n + 1)  # 0 unseen, 1 on the current path, 2 reaches the root
    state[0] = 2
    for start in range(1, n + 1):
        w = start
        path = []
        while state[w] == 0:
            state[w] = 1
            path.append(w)
            w = heads[w - 1]
        if state[w] == 1:
            return f"cycle in heads through word {w}"
        for v in path:
            state[v] = 2
    return ""


def validate_conllu_file(path, max_errors: int = 20) -> Tuple[int, List[str]]:
    """Re-reads a CoNLL-U file and checks every sentence with validate_conllu_sentence, plus that each has a unique
    `# sent_id` and a `# text`. Returns (number of sentences, problems as 'FILE:LINE: reason')."""
    errors: List[str] = []
    sentences = 0
    sent_ids = set()
    block: List[str] = []
    block_line = 0

    def check(block: List[str], line_no: int) -> None:
        nonlocal sentences
        sentences += 1
        reason = validate_conllu_sentence(block)
        ids = [ln.split("=", 1)[1].strip() for ln in block if re.match(r"#\s*sent_id\s*=", ln)]
        if not reason and not ids:
            reason = "no '# sent_id' comment"
        elif not reason and ids[0] in sent_ids:
            reason = f"duplicate sent_id {ids[0]}"
        if not reason and not any(re.match(r"#\s*text\s*=", ln) for ln in block):
            reason = "no '# text' comment"
        if ids:
            sent_ids.add(ids[0])
        if reason and len(errors) < max_errors:
            errors.append(f"{path}:{line_no}: {reason}")

    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    check(block, block_line)
                    block = []
                continue
            if not block:
                block_line = line_no
            block.append(line)
    if block:
        check(block, block_line)
        if len(errors) < max_errors:
            errors.append(f"{path}:{block_line}: the last sentence is not followed by a blank line")
    if sentences == 0:
        errors.append(f"{path}: no sentences")
    return sentences, errors


# ---------------------------------------------------------------------------------------------------------------------
# Input and output
# ---------------------------------------------------------------------------------------------------------------------

def expand_inputs(inputs: Sequence[str], recursive: bool = False) -> List[Tuple[Path, Path]]:
    """The input files in reading order, each with its path relative to its INPUT (a directory, or the file's own
    directory when the INPUT is a file)."""
    files: List[Tuple[Path, Path]] = []
    for name in inputs:
        p = Path(name)
        if p.is_dir():
            found = sorted(f for f in (p.rglob("*.txt") if recursive else p.glob("*.txt")) if f.is_file())
            if not found:
                raise UserError(f"{name}: directory has no *.txt files" + ("" if recursive else
                                                                              " (--recursive looks in subdirectories)"))
            files.extend((f, f.relative_to(p)) for f in found)
        elif p.is_file():
            files.append((p, Path(p.name)))
        else:
            raise UserError(f"{name}: no such file or directory")
    return files


def find_input_files(inputs: Sequence[str], recursive: bool = False) -> List[Path]:
    return [f for f, _ in expand_inputs(inputs, recursive)]


def shard_files(items: Sequence, shard: int, num_shards: int) -> list:
    """Shard `shard` of `num_shards`: the items at positions p with p % num_shards == shard."""
    return [item for p, item in enumerate(items) if p % num_shards == shard]


def resolve_shard(shard: Optional[int], num_shards: Optional[int], env=os.environ,
                  use_slurm: bool = True) -> Tuple[int, int, str]:
    """(index, count, where it came from): the flags when given, else a Slurm array's task (when use_slurm),
    else (0, 1)."""
    if shard is not None or num_shards is not None:
        if shard is None or num_shards is None:
            raise UserError("--shard and --num-shards go together")
        if num_shards < 1:
            raise UserError(f"--num-shards must be at least 1, got {num_shards}")
        if not 0 <= shard < num_shards:
            raise UserError(f"--shard must be in 0..{num_shards - 1} (--num-shards {num_shards}), got {shard}")
        return shard, num_shards, "--shard/--num-shards"
    if not use_slurm or "SLURM_ARRAY_TASK_ID" not in env:
        return 0, 1, ""
    names = ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP")
    shown = ", ".join(f"{n}={env[n]}" for n in names if n in env)
    try:
        task = int(env["SLURM_ARRAY_TASK_ID"])
        count = int(env["SLURM_ARRAY_TASK_COUNT"])
        low = int(env.get("SLURM_ARRAY_TASK_MIN", "0"))
        step = int(env.get("SLURM_ARRAY_TASK_STEP", "1") or "1")
    except (KeyError, ValueError):
        raise UserError(f"cannot read the Slurm array task ({shown}); pass --shard I --num-shards N") from None
    index, rest = divmod(task - low, max(step, 1))
    if rest or not 0 <= index < count:
        raise UserError(f"the Slurm array task ({shown}) is not one of {count} evenly spaced tasks; submit with "
                        "--array=0-(N-1) or pass --shard I --num-shards N")
    return index, count, "Slurm array"


def output_name(rel: Path) -> Path:
    return rel.with_suffix(".conllu") if rel.suffix == ".txt" else rel.with_name(rel.name + ".conllu")


def plan_outputs(items: Sequence[Tuple[Path, Path]], out_dir: Path) -> List[Tuple[Path, Path]]:
    """(input, output) for every input file (all shards, so that a clash is found by every shard alike)."""
    plan: List[Tuple[Path, Path]] = []
    by_out, by_source = {}, {}
    for path, rel in items:
        out = out_dir / output_name(rel)
        for seen, key, what in ((by_out, str(out), f"write {out}"), (by_source, _source_name(path),
                                                                     f"get the document ids {_source_name(path)}")):
            if key in seen and seen[key].resolve() == path.resolve():
                raise UserError(f"{path} is given twice (also through {seen[key]}); give each input file once")
            if key in seen:
                raise UserError(f"{seen[key]} and {path} would both {what}; pass their common parent directory "
                                "(with --recursive), or parse them into separate --out-dir directories")
            seen[key] = path
        plan.append((path, out))
    return plan


def _temp_files(out: Path) -> List[Path]:
    """Temporary files write_atomic makes for `out` (left behind only by a killed run)."""
    return sorted(out.parent.glob(f".{glob.escape(out.name)}.*.tmp")) if out.parent.is_dir() else []


def _source_name(path: Path) -> str:
    return re.sub(r"\s+", "_", str(path))


def iter_documents(files: Sequence[Path], doc_per_file: bool = False,
                   encoding: str = "utf-8") -> Iterator[Tuple[str, str]]:
    """Yields (doc_id, text) for every non-empty document. Blank-line mode joins a document's lines with spaces."""
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    for path in files:
        source = _source_name(path)
        try:
            with open(path, encoding=enc, newline=None) as f:
                if doc_per_file:
                    text = f.read().strip()
                    if text:
                        yield source, text
                    continue
                n = 0
                para: List[str] = []
                for line in f:
                    stripped = line.strip()
                    if stripped:
                        para.append(stripped)
                    elif para:
                        n += 1
                        yield f"{source}:{n}", " ".join(para)
                        para = []
                if para:
                    n += 1
                    yield f"{source}:{n}", " ".join(para)
        except UnicodeDecodeError as e:
            raise UserError(f"{path}: not valid {encoding} text ({e.reason} at byte {e.start}); "
                            "pass --encoding ENCODING") from None
        except OSError as e:
            raise UserError(f"{path}: cannot read: {e.strerror or e}") from None


def write_atomic(path, chunks: Iterable[str], check=None) -> None:
    """Writes the strings to a temporary file in the target's directory, then renames it over `path`. On any error
    (or Ctrl-C) the temporary file is removed and an existing `path` is left untouched. `check(temporary path)`, when
    given, runs before the rename; an exception from it also leaves `path` untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; give it the permissions a plain open() would
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable (not possible on every file system)
        dir_fd = os.open(str(path.parent), os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


class Progress:
    """tqdm when installed, else a line on stderr every `every_s` seconds with docs/s."""

    def __init__(self, total: Optional[int], enabled: bool = True, every_s: float = 10.0):
        self.total, self.enabled, self.every_s = total, enabled, every_s
        self.count = 0
        self.start = self.last = time.monotonic()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True,
                                mininterval=0.5 if sys.stderr.isatty() else 30.0)
            except ImportError:
                self.bar = None

    def update(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        rate = self.count / max(now - self.start, 1e-9)
        of = f"/{self.total}" if self.total else ""
        print(f"parse_corpus: {self.count}{of} docs, {rate:.1f} docs/s", file=sys.stderr, flush=True)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.count:
            self._line(time.monotonic())


# ---------------------------------------------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------------------------------------------

def _python() -> str:
    """How to call this interpreter in an install hint: `python` when that is it, else its full path."""
    found = shutil.which("python")
    if found and os.path.realpath(found) == os.path.realpath(sys.executable):
        return "python"
    return sys.executable or "python"


def load_spacy(model: str, gpu: bool = False):
    try:
        import spacy
    except ImportError:
        raise UserError(f"spaCy is not installed; install it with: {_python()} -m pip install spacy "
                        f"(and a pipeline: {_python()} -m spacy download en_core_web_sm)") from None
    if gpu and not spacy.prefer_gpu():
        print("parse_corpus: warning: --gpu given but no GPU is usable by spaCy (needs cupy); using the CPU",
              file=sys.stderr)
    try:
        nlp = spacy.load(model)
    except OSError as e:
        if os.sep in model or Path(model).exists():
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise UserError(f"cannot load the spaCy pipeline at {model}: {first}") from None
        raise UserError(f"spaCy pipeline '{model}' is not installed; install it with: "
                        f"{_python()} -m spacy download {model}") from None
    except Exception as e:  # e.g. a pipeline needing spacy-transformers, or built for another spaCy version
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise UserError(f"cannot load spaCy pipeline '{model}': {type(e).__name__}: {first}") from None
    probe = nlp("This is a test sentence.")
    if not probe.has_annotation("DEP"):
        raise UserError(f"spaCy pipeline '{model}' does not produce dependency parses (components: "
                        f"{', '.join(nlp.pipe_names) or 'none'}); use one with a parser, e.g. en_core_web_sm")
    return nlp


def load_stanza(lang: str, gpu: Optional[bool] = None):
    hint = (f"{_python()} -m pip install stanza, then {_python()} -c \"import stanza; stanza.download('{lang}')\"")
    try:
        import stanza
    except ImportError:
        raise UserError(f"Stanza is not installed; install it with: {hint}") from None
    kwargs = dict(lang=lang, processors="tokenize,pos,lemma,depparse", logging_level="WARN")
    if gpu is not None:
        kwargs["use_gpu"] = gpu
    try:
        try:
            nlp = stanza.Pipeline(download_method=None, **kwargs)  # never download behind the user's back
        except TypeError:  # Stanza < 1.4 has no download_method (and does not download on its own)
            nlp = stanza.Pipeline(**kwargs)
    except (FileNotFoundError, ValueError) as e:
        raise UserError(f"Stanza models for '{lang}' are not installed; install them with: "
                        f"{_python()} -c \"import stanza; stanza.download('{lang}')\" ({_first_line(e)})") from None
    except Exception as e:
        raise UserError(f"cannot load the Stanza pipeline for '{lang}': {type(e).__name__}: {_first_line(e)} "
                        f"(models are installed with: {_python()} -c \"import stanza; stanza.download('{lang}')\")"
                        ) from None
    return stanza, nlp


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class Stats:
    def __init__(self):
        self.docs = self.sentences = self.words = self.dropped = self.skipped = 0
        self.skip_reasons: List[str] = []

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.skip_reasons) < 5:
            self.skip_reasons.append(reason)

    def add(self, other: "Stats") -> None:
        """Adds another file's counts (the run's totals over --out-dir files)."""
        self.docs += other.docs
        self.sentences += other.sentences
        self.words += other.words
        self.dropped += other.dropped
        self.skipped += other.skipped
        self.skip_reasons.extend(other.skip_reasons[:5 - len(self.skip_reasons)])


def _doc_blocks(doc_id: str, sentences, convert, stats: Stats, count_dropped=None) -> Iterator[str]:
    k = 0
    for sent in sentences:
        if count_dropped is not None:
            stats.dropped += count_dropped(sent)
        sent_id = f"{doc_id}:{k + 1}"
        try:
            lines = convert(sent, sent_id, newdoc_id=doc_id if k == 0 else None)
        except ValueError as e:
            stats.skip(str(e))
            continue
        if not lines:
            continue
        k += 1
        stats.sentences += 1
        stats.words += sum(1 for ln in lines if not ln.startswith("#") and "-" not in ln.split("\t", 1)[0])
        yield "\n".join(lines) + "\n\n"


def spacy_blocks(nlp, documents: Iterable[Tuple[str, str]], batch_size: int, processes: int,
                 progress: Progress, stats: Stats) -> Iterator[str]:
    # nlp.pipe keeps the input order (with several processes too); the ids wait in a queue instead of riding along
    # with as_tuples, whose context is lost when a pipeline component returns a new Doc.
    pending: Deque[str] = collections.deque()

    def texts() -> Iterator[str]:
        for doc_id, text in documents:
            pending.append(doc_id)
            yield text

    for doc in nlp.pipe(texts(), batch_size=batch_size, n_process=processes):
        doc_id = pending.popleft()
        stats.docs += 1
        if all(_is_whitespace_token(t) for t in doc):
            stats.dropped += len(doc)
        else:
            if not doc.has_annotation("DEP"):
                raise UserError(f"document {doc_id} came back without a dependency parse; "
                                "use a pipeline with a parser")
            yield from _doc_blocks(doc_id, doc.sents, spacy_sentence_to_conllu, stats,
                                   lambda s: sum(1 for t in s if _is_whitespace_token(t)))
        progress.update()


def stanza_blocks(stanza, nlp, documents: Iterable[Tuple[str, str]], batch_size: int,
                  progress: Progress, stats: Stats) -> Iterator[str]:
    def batches():
        batch: List[Tuple[str, str]] = []
        for item in documents:
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    for batch in batches():
        docs = nlp([stanza.Document([], text=text) for _, text in batch])
        for (doc_id, _), doc in zip(batch, docs):
            stats.docs += 1
            yield from _doc_blocks(doc_id, doc.sentences, stanza_sentence_to_conllu, stats)
            progress.update()


def _limit(documents: Iterable[Tuple[str, str]], max_docs: Optional[int]) -> Iterator[Tuple[str, str]]:
    for n, item in enumerate(documents):
        if max_docs is not None and n >= max_docs:
            return
        yield item


# ---------------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one `error:` line and exit 2, like sasmlm itself
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="parse_corpus.py", description=__doc__.split("\n\n")[0],
                epilog="See the module docstring (head scripts/parse_corpus.py) for installing parser models "
                       "and for --out-dir and sharding.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="text files, or directories of *.txt files")
    dest = p.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", metavar="PATH", help="output CoNLL-U file (written atomically)")
    dest.add_argument("--out-dir", metavar="DIR", help="one CoNLL-U file per input file under DIR (each written "
                                                       "atomically; finished ones are skipped on a rerun)")
    p.add_argument("--shard", type=int, metavar="I", help="parse only shard I: the input files at positions p with "
                                                          "p %% N == I (default: the Slurm array task with --out-dir)")
    p.add_argument("--num-shards", type=int, metavar="N", help="number of shards (with --shard)")
    p.add_argument("--backend", choices=["spacy", "stanza"], default="spacy", help="parser (default: spacy)")
    p.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline name or path (default: en_core_web_sm)")
    p.add_argument("--lang", default="en", help="Stanza language code (default: en)")
    p.add_argument("--doc-per-file", action="store_true", help="each file is one document (default: documents are "
                                                               "separated by blank lines)")
    p.add_argument("--recursive", action="store_true", help="look for *.txt in subdirectories too")
    p.add_argument("--encoding", default="utf-8", help="input encoding (default: utf-8)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="documents per batch (default: 64)")
    p.add_argument("--processes", type=int, default=1, metavar="N",
                   help="spaCy worker processes (nlp.pipe n_process; default: 1)")
    p.add_argument("--gpu", action="store_true", help="spaCy: run on the GPU if usable (Stanza uses one by default)")
    p.add_argument("--max-docs", type=int, metavar="N", help="parse only the first N documents (for quick trials; "
                                                             "not with --out-dir)")
    p.add_argument("--validate", action="store_true", help="re-read the output and check every sentence")
    p.add_argument("--quiet", action="store_true", help="no progress bar (and with --out-dir no line per file)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR


def _load_backend(args, longest: int):
    """Loads the parser; returns (function(documents, progress, stats) -> CoNLL-U blocks, parser name)."""
    if args.backend == "spacy":
        nlp = load_spacy(args.model, args.gpu)
        if longest > nlp.max_length:
            raise UserError(f"a document has {longest} characters, more than the pipeline's limit of "
                            f"{nlp.max_length}; split it into paragraphs (blank lines) and drop --doc-per-file")
        return (lambda documents, progress, stats: spacy_blocks(nlp, documents, args.batch_size, args.processes,
                                                                progress, stats)), f"spaCy {args.model}"
    stanza, nlp = load_stanza(args.lang, True if args.gpu else None)
    return (lambda documents, progress, stats: stanza_blocks(stanza, nlp, documents, args.batch_size, progress,
                                                             stats)), f"Stanza {args.lang}"


def _rate(words: int, seconds: float) -> str:
    return f"{words} words in {seconds:.1f} s, {words / max(seconds, 1e-9):.0f} words/s"


def _run(args) -> int:
    for name in ("batch_size", "processes", "max_docs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.backend == "stanza" and args.processes != 1:
        print("parse_corpus: warning: --processes applies to spaCy only; Stanza runs in one process",
              file=sys.stderr)
    if args.out_dir is not None:
        return _run_out_dir(args)
    out = Path(args.out)
    if out.is_dir():
        raise UserError(f"--out {out} is a directory; give a file name")
    # With --out every task of an array would write the same file, so only explicit flags shard.
    index, count, _ = resolve_shard(args.shard, args.num_shards, use_slurm=False)
    if args.shard is None and os.environ.get("SLURM_ARRAY_TASK_COUNT", "1") != "1":
        print("parse_corpus: warning: this is a Slurm array task, but --out parses all inputs into one file; "
              "use --out-dir (or --shard/--num-shards with a per-task --out) to split the work", file=sys.stderr)

    files = find_input_files(args.inputs, args.recursive)
    if count > 1:
        files = shard_files(files, index, count)
        if not files:
            print(f"parse_corpus: shard {index}/{count} has no input files; nothing to do", file=sys.stderr)
            return EXIT_OK
    # Count the documents first (reading is fast next to parsing): a total for the progress bar, and bad
    # encodings or an empty input are reported before a model is loaded.
    total, longest = 0, 0
    for _, text in _limit(iter_documents(files, args.doc_per_file, args.encoding), args.max_docs):
        total += 1
        longest = max(longest, len(text))
    if total == 0:
        raise UserError(f"no text in {', '.join(args.inputs)} (all files are empty or whitespace)")

    stats = Stats()
    documents = _limit(iter_documents(files, args.doc_per_file, args.encoding), args.max_docs)
    blocks_for, parser_name = _load_backend(args, longest)
    progress = Progress(total, enabled=not args.quiet)
    blocks = blocks_for(documents, progress, stats)

    started = time.monotonic()
    try:
        write_atomic(out, blocks)
    finally:
        progress.close()
    elapsed = time.monotonic() - started

    if stats.sentences == 0:
        out.unlink()
        raise UserError(f"the parser found no sentences in {', '.join(args.inputs)}")
    if stats.skipped:
        print(f"parse_corpus: warning: skipped {stats.skipped} sentences the parser left without a valid tree; "
              f"first: {stats.skip_reasons[0]}", file=sys.stderr)
    print(f"wrote {out}: {stats.docs} documents, {stats.sentences} sentences, {stats.words} words "
          f"({parser_name}, {stats.docs / max(elapsed, 1e-9):.1f} docs/s"
          + (f", {stats.dropped} whitespace tokens dropped" if stats.dropped else "") + ")")
    print(f"parse_corpus: {_rate(stats.words, elapsed)}", file=sys.stderr)

    if args.validate:
        sentences, errors = validate_conllu_file(out)
        if errors:
            for e in errors:
                print(f"error: {e}", file=sys.stderr)
            return EXIT_INVALID_OUTPUT
        print(f"validated {out}: {sentences} sentences, all valid")
    return EXIT_OK


class _NoSentences(Exception):
    pass


class _InvalidOutput(Exception):
    pass


def _run_out_dir(args) -> int:
    if args.max_docs is not None:
        raise UserError("--max-docs cannot be used with --out-dir (a truncated output would count as finished "
                        "on a rerun); try it with --out")
    out_dir = Path(args.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out-dir {out_dir} is not a directory")
    index, count, origin = resolve_shard(args.shard, args.num_shards)
    plan = plan_outputs(expand_inputs(args.inputs, args.recursive), out_dir)
    mine = shard_files(plan, index, count)
    who = f"shard {index}/{count} (from {origin}): " if count > 1 else ""
    stale = 0
    for _, out in mine:
        for tmp in _temp_files(out):
            tmp.unlink()
            stale += 1
    todo = [(path, out) for path, out in mine if not out.exists()]
    print(f"parse_corpus: {who}{len(mine)} of {len(plan)} input files; skipped {len(mine) - len(todo)} whose "
          f"output exists (finished earlier), {len(todo)} to parse"
          + (f"; removed {stale} temporary files of a killed run" if stale else ""), file=sys.stderr)
    if not todo:
        return EXIT_OK

    counts, longest = [], 0
    for path, _ in todo:
        n = 0
        for _, text in iter_documents([path], args.doc_per_file, args.encoding):
            n += 1
            longest = max(longest, len(text))
        counts.append(n)
    empty = [str(path) for (path, _), n in zip(todo, counts) if n == 0]
    if empty:
        print(f"parse_corpus: warning: {len(empty)} files have no text and get no output: {', '.join(empty[:3])}"
              + (", ..." if len(empty) > 3 else ""), file=sys.stderr)
    if not sum(counts):
        return EXIT_OK

    blocks_for, parser_name = _load_backend(args, longest)
    progress = Progress(sum(counts), enabled=not args.quiet)
    total = Stats()
    written = 0
    started = time.monotonic()
    try:
        for k, ((path, out), n) in enumerate(zip(todo, counts)):
            if n == 0:
                continue
            stats = Stats()

            def check(tmp: Path) -> None:
                if stats.sentences == 0:
                    raise _NoSentences()
                if args.validate:
                    errors = validate_conllu_file(tmp)[1]
                    if errors:
                        raise _InvalidOutput(errors)

            file_started = time.monotonic()
            try:
                write_atomic(out, blocks_for(iter_documents([path], args.doc_per_file, args.encoding), progress,
                                             stats), check=check)
                written += 1
            except _NoSentences:
                progress.write(f"parse_corpus: warning: the parser found no sentences in {path}; no output")
            except _InvalidOutput as e:
                for line in e.args[0]:
                    print(f"error: {out} (before renaming): {line}", file=sys.stderr)
                return EXIT_INVALID_OUTPUT
            total.add(stats)
            if not args.quiet:
                progress.write(f"parse_corpus: [{k + 1}/{len(todo)}] {out}: {stats.docs} documents, "
                               f"{stats.sentences} sentences, " + _rate(stats.words, time.monotonic() - file_started))
    finally:
        progress.close()
    elapsed = time.monotonic() - started

    if total.skipped:
        print(f"parse_corpus: warning: skipped {total.skipped} sentences the parser left without a valid tree; "
              f"first: {total.skip_reasons[0]}", file=sys.stderr)
    print(f"wrote {written} files to {out_dir}: {total.docs} documents, {total.sentences} sentences, {total.words} "
          f"words ({parser_name}" + (f", {total.dropped} whitespace tokens dropped" if total.dropped else "")
          + (", all validated" if args.validate else "") + ")")
    print(f"parse_corpus: {who}{_rate(total.words, elapsed)} ({parser_name}"
          + (f", {args.processes} process{'es' if args.processes > 1 else ''})" if args.backend == "spacy"
             else ")"),
          file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
