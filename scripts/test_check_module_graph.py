#!/usr/bin/env python3
"""Tests for check_module_graph.py: the real tree passes; a copy of it with a planted back-edge, an undeclared
module, a stale exception or a stale graph fails; --write brings the graph back.

Run with `python3 -m unittest scripts/test_check_module_graph.py` or directly (exit 0 when all pass, 1 otherwise).
"""
import contextlib
import io
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import check_module_graph  # noqa: E402


def run_check(root, *extra):
    """(exit code, stdout, stderr) of the checker on `root`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = check_module_graph.main(["--root", str(root), *extra])
    return code, out.getvalue(), err.getvalue()


class RealTree(unittest.TestCase):
    def test_passes(self):
        code, out, err = run_check(ROOT)
        self.assertEqual(code, 0, err)
        self.assertIn("train    -> ", out)
        self.assertEqual(err, "")


class PlantedTree(unittest.TestCase):
    """A copy of the real src/, include/ and docs/ARCHITECTURE.md, changed one way per test."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        for part in ("src", "include"):
            shutil.copytree(ROOT / part, self.root / part)
        (self.root / "docs").mkdir()
        shutil.copy(ROOT / "docs" / "ARCHITECTURE.md", self.root / "docs" / "ARCHITECTURE.md")
        self.doc = self.root / "docs" / "ARCHITECTURE.md"

    def tearDown(self):
        self.tmp.cleanup()

    def plant(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def test_copy_passes(self):
        self.assertEqual(run_check(self.root)[0], 0)

    def test_back_edge_fails(self):
        # model must never see the trainer.
        self.plant("src/model/planted.cpp", '#include "sasmlm/model/bert.h"\n#include "sasmlm/train/trainer.h"\n')
        code, _, err = run_check(self.root)
        self.assertEqual(code, 1)
        self.assertIn("model -> train is not allowed", err)
        self.assertIn("src/model/planted.cpp:2", err)

    def test_back_edge_from_a_header_fails(self):
        self.plant("include/sasmlm/core/planted.h", '#pragma once\n#include <sasmlm/config/config.h>\n')
        code, _, err = run_check(self.root)
        self.assertEqual(code, 1)
        self.assertIn("core -> config is not allowed", err)

    def test_write_does_not_excuse_a_back_edge(self):
        self.plant("src/data/planted.cpp", '#include "sasmlm/sas/regularizer.h"\n')
        code, _, err = run_check(self.root, "--write")
        self.assertEqual(code, 1)
        self.assertIn("data -> sas is not allowed", err)

    def test_undeclared_module_fails(self):
        self.plant("src/newmod/thing.cpp", '#include "sasmlm/core/error.h"\n')
        code, _, err = run_check(self.root)
        self.assertEqual(code, 1)
        self.assertIn("module newmod", err)

    def test_stale_exception_fails(self):
        text = self.doc.read_text()
        self.doc.write_text(text.replace("```module-exceptions\n", "```module-exceptions\ndata -> model: planted\n"))
        code, _, err = run_check(self.root)
        self.assertEqual(code, 1)
        self.assertIn("exception data -> model", err)

    def test_layer_order_is_enforced(self):
        text = self.doc.read_text()
        self.doc.write_text(text.replace("config: core\n", "config: core data\n"))
        code, _, err = run_check(self.root)
        self.assertEqual(code, 2)
        self.assertIn("config may use only modules listed before it", err)

    def test_stale_graph_fails_and_write_fixes_it(self):
        # An allowed new edge changes the graph: check mode wants the doc rewritten, --write does it.
        self.plant("src/dist/planted.cpp", '#include "sasmlm/model/bert.h"\n')
        text = self.doc.read_text()
        self.doc.write_text(text.replace("dist:   core config\n", "dist:   core config model\n"))
        code, _, err = run_check(self.root)
        self.assertEqual(code, 1)
        self.assertIn("out of date", err)
        self.assertEqual(run_check(self.root, "--write")[0], 0)
        self.assertIn("dist --> model", self.doc.read_text())
        self.assertEqual(run_check(self.root)[0], 0)


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False).result.wasSuccessful() else 1)
