#!/usr/bin/env python3
"""Checks that the modules include each other only as docs/ARCHITECTURE.md allows, and keeps its graph current.

A module is a folder: src/<module>/ and include/sasmlm/<module>/ (the CLI is src/cli/). An edge A -> B is any
`#include "sasmlm/B/..."` in a file of A. The doc declares, in fenced blocks:
  ```modules                 one line per module, bottom-up: `name: allowed dependencies` (only modules above)
  ```module-exceptions       known back-edges still in the code: `a -> b: one-line reason`
and holds the generated mermaid graph between `<!-- module-graph:begin -->` and `<!-- module-graph:end -->`.

Prints the graph, then exits 1 on an edge neither allowed nor excepted, on an exception the code no longer has, on a
folder the doc does not declare, or when the doc's mermaid block is out of date; `--write` rewrites that block.
Usage: scripts/check_module_graph.py [--root DIR] [--write]
"""
import argparse
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]sasmlm/([A-Za-z0-9_]+)/', re.MULTILINE)
SOURCE_SUFFIXES = {".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh"}
BEGIN, END = "<!-- module-graph:begin -->", "<!-- module-graph:end -->"


class DocError(Exception):
    """The doc's declaration cannot be read: a broken block, not a broken graph."""


def fenced_block(text, tag):
    """Lines of the one ```tag block of the doc, comments and blank lines left out."""
    blocks = re.findall(r"^```" + re.escape(tag) + r"[ \t]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    if len(blocks) != 1:
        raise DocError(f"expected one ```{tag} block, found {len(blocks)}")
    lines = []
    for line in blocks[0].splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def read_layers(text):
    """{module: allowed dependencies}, in the doc's bottom-up order; a module may depend only on modules below it."""
    layers = {}
    for line in fenced_block(text, "modules"):
        name, sep, deps = line.partition(":")
        name = name.strip()
        if not sep or not re.fullmatch(r"[a-z0-9_]+", name):
            raise DocError(f"modules block: expected 'name: deps...', found '{line}'")
        if name in layers:
            raise DocError(f"modules block: {name} declared twice")
        allowed = set(deps.split())
        below = allowed - set(layers)
        if below:
            # A dependency on a module declared later would allow a cycle: the list is the layer order.
            raise DocError(f"modules block: {name} may use only modules listed before it, not {' '.join(sorted(below))}")
        layers[name] = allowed
    return layers


def read_exceptions(text, layers):
    """{(a, b): reason} for the known back-edges."""
    exceptions = {}
    for line in fenced_block(text, "module-exceptions"):
        match = re.fullmatch(r"([a-z0-9_]+)\s*->\s*([a-z0-9_]+)\s*:\s*(\S.*)", line)
        if not match:
            raise DocError(f"module-exceptions block: expected 'a -> b: reason', found '{line}'")
        a, b, reason = match.groups()
        for name in (a, b):
            if name not in layers:
                raise DocError(f"module-exceptions block: {name} is not in the modules block")
        exceptions[(a, b)] = reason
    return exceptions


def module_files(root):
    """{module: [files]} for src/<module>/ and include/sasmlm/<module>/ (files directly in src/ belong to none)."""
    modules = {}
    for base in (root / "src", root / "include" / "sasmlm"):
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            files = [f for f in sorted(folder.rglob("*")) if f.is_file() and f.suffix in SOURCE_SUFFIXES]
            modules.setdefault(folder.name, []).extend(files)
    return modules


def read_edges(root):
    """{(a, b): [(file, line number)]} for every include of module b from a file of module a != b."""
    edges = {}
    for module, files in module_files(root).items():
        edges.setdefault((module, module), [])  # every module appears, even one that includes nothing
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            for match in INCLUDE.finditer(text):
                target = match.group(1)
                if target != module:
                    line = text.count("\n", 0, match.start()) + 1
                    edges.setdefault((module, target), []).append((f.relative_to(root).as_posix(), line))
    return edges


def mermaid(layers, edges, exceptions):
    """The graph as a mermaid block: allowed edges solid, known exceptions dashed and labelled."""
    lines = ["```mermaid", "graph TD"]
    for a, b in sorted(e for e in edges if e[0] != e[1]):
        lines.append(f"  {a} -. exception .-> {b}" if (a, b) in exceptions else f"  {a} --> {b}")
    lines.append("```")
    return "\n".join(lines)


def replace_block(text, block):
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise DocError(f"no {BEGIN} ... {END} markers for the generated graph")
    return text[: start + len(BEGIN)] + "\n" + block + "\n" + text[end:]


def check(root, doc_path, write):
    """Problems found (empty: all good). Prints the graph on the way."""
    text = doc_path.read_text(encoding="utf-8")
    layers = read_layers(text)
    exceptions = read_exceptions(text, layers)
    edges = read_edges(root)
    problems = []
    modules = sorted({a for a, _ in edges})
    for module in modules:
        if module not in layers:
            problems.append(f"module {module} (src/{module} or include/sasmlm/{module}) is not declared in the "
                            f"modules block of {doc_path.name}")
    for module in layers:
        deps = sorted(b for a, b in edges if a == module and b != module)
        marked = [d + (" (exception)" if (module, d) in exceptions else "") for d in deps]
        print(f"{module:8} -> {', '.join(marked) if marked else '-'}")
    for (a, b), sites in sorted(edges.items()):
        if a == b or a not in layers:
            continue
        if b not in layers:
            problems.append(f"{a} -> {b}: {b} is not a declared module ({sites[0][0]}:{sites[0][1]})")
        elif b not in layers[a] and (a, b) not in exceptions:
            where = ", ".join(f"{f}:{n}" for f, n in sites[:3]) + (" ..." if len(sites) > 3 else "")
            problems.append(f"{a} -> {b} is not allowed by {doc_path.name} ({where})")
    for a, b in sorted(exceptions):
        if (a, b) not in edges:
            problems.append(f"exception {a} -> {b} is listed in {doc_path.name} but the code no longer has it: "
                            "remove the line")
        elif b in layers[a]:
            problems.append(f"exception {a} -> {b} is allowed by the modules block anyway: remove the line")
    block = mermaid(layers, edges, exceptions)
    updated = replace_block(text, block)
    if write:
        if updated != text:
            doc_path.write_text(updated, encoding="utf-8")
            print(f"wrote the module graph into {doc_path}")
    elif updated != text:
        problems.append(f"the mermaid graph in {doc_path.name} is out of date (scripts/check_module_graph.py --write)")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="repository root (default: this checkout)")
    parser.add_argument("--doc", type=Path, help="architecture doc (default: ROOT/docs/ARCHITECTURE.md)")
    parser.add_argument("--write", action="store_true", help="rewrite the doc's generated mermaid block")
    args = parser.parse_args(argv)
    doc = args.doc or args.root / "docs" / "ARCHITECTURE.md"
    try:
        problems = check(args.root, doc, args.write)
    except (DocError, OSError) as e:
        print(f"error: {doc}: {e}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
