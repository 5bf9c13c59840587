#!/usr/bin/env python3
"""Tests for plot_dynamics.py: two fake runs (metrics.jsonl, eval.jsonl, onsets.json) give a figure in the format of
--out's extension (png, pdf, svg: checked by their magic bytes) whose panels hold the runs' values and onsets; bad
input gives one clear `error:` line and exit code 2. Likewise sweep_report_plot.py on a fake sweep: conditions in
their colours, onsets marked.

Run with pytest (`pytest scripts/test_plot_dynamics.py`) or directly (`python scripts/test_plot_dynamics.py`):
exit 0 when all pass, 1 on a failure, 77 when matplotlib cannot be imported (`python -m pip install matplotlib`).
"""
import contextlib
import io
import json
import math
import sys
import tempfile
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    import matplotlib  # noqa: F401
except ImportError:
    matplotlib = None
    if "pytest" in sys.modules:
        import pytest

        pytest.skip("matplotlib is not installed (python -m pip install matplotlib)", allow_module_level=True)

import plot_dynamics as pd  # noqa: E402
import sweep_report_plot as srp  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def fake_run(root, name, centre, with_onsets=True):
    """A run with 12 checkpoints: a sigmoid UAS rise around `centre`, falling loss, rising BLiMP."""
    run = root / name
    run.mkdir()
    metrics, evals = [], []
    for step in range(0, 1201, 20):
        metrics.append({"step": step, "mlm_loss": 8.0 * math.exp(-step / 400) + 2.0, "sas_loss": 0.1 + step / 1e4,
                        "lambda": 1.0 if step < 600 else 0.0, "lr": 1e-4, "tokens_per_s": 1000.0})
        if step % 100 == 0:
            metrics.append({"step": step, "split": "dev", "mlm_loss": 8.0 * math.exp(-step / 400) + 2.3,
                            "mlm_accuracy": 0.1, "sas_r_per_arc": 1.0 - step / 2400})
    for step in range(100, 1201, 100):
        uas = 0.2 + 0.4 / (1 + math.exp(-(step - centre) / 80))
        evals.append({"step": step, "uas": uas, "offset_baseline": 0.35, "blimp": {"overall": 0.5 + step / 6000,
                      "per_paradigm": {"x": 0.5}}, "twonn": [9.0, 7.0 + step / 600, None], "mlm_loss": 3.0})
    write_jsonl(run / "metrics.jsonl", metrics)
    write_jsonl(run / "eval.jsonl", evals)
    if with_onsets:
        (run / "onsets.json").write_text(json.dumps({"structure_onset": centre - 100, "capabilities_onset":
                                                     centre + 100, "blimp_onset": None,
                                                     "loss_drop_onset": centre, "points": 12}))
    return run


def run_main(args):
    """(exit code, stdout, stderr) of plot_dynamics.main(args)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = pd.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_two_runs_write_png_to_first_run_by_default():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a = fake_run(root, "sas_off", 500)
        b = fake_run(root, "sas_on", 700, with_onsets=False)
        code, out, err = run_main([a, b])
        assert code == 0, err
        png = a / "dynamics.png"
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert out.strip() == str(png)
        assert not list(a.glob("*.tmp.png"))


def test_out_option_and_last_layer_id():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a = fake_run(root, "run", 500)
        target = root / "figs" / "cmp.png"
        code, _, err = run_main([a, "--out", target, "--id", "last"])
        assert code == 0, err
        assert target.read_bytes()[:8] == PNG_MAGIC


def test_format_follows_the_extension():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a = fake_run(root, "run", 500)
        for suffix, magic in ((".pdf", b"%PDF-"), (".svg", b"<?xml"), (".PNG", PNG_MAGIC)):
            target = root / ("fig" + suffix)
            code, _, err = run_main([a, "--out", target])
            assert code == 0, err
            data = target.read_bytes()
            assert data[:len(magic)] == magic, (suffix, data[:16])
            assert suffix != ".svg" or b"<svg" in data[:2000]
        expect_error([a, "--out", root / "fig.jpeg"], "fig.jpeg", "extension '.jpeg'", ".png, .pdf, .svg")
        expect_error([a, "--out", root / "fig"], "no extension", ".png, .pdf, .svg")
        assert not (root / "fig.jpeg").exists() and not (root / "fig").exists()


def lines_of(ax):
    """(linestyle, xdata, ydata) of every line on an axis, as plain lists."""
    return [(line.get_linestyle(), list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines]


def test_panels_hold_the_values_and_the_onsets():
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as tmp:
        run = fake_run(Path(tmp), "run", 500)
        fig = pd.draw([("run", pd.load_run(run, "mean"))], "mean")
        try:
            panels = {ax.get_title(): ax for ax in fig.axes if ax.get_title()}
            titles = list(panels)
            for word in ("MLM loss", "UAS", "BLiMP", "lambda", "SAS term R", "TwoNN"):
                assert sum(word in t for t in titles) == 1, (word, titles)
            by_word = {w: next(ax for t, ax in panels.items() if w in t) for w in ("UAS", "lambda", "SAS term")}
            onsets = [(x[0], style) for style, x, _ in lines_of(by_word["lambda"]) if len(set(x)) == 1 and len(x) == 2]
            # structure 400 dashed, capabilities 600 dotted, loss drop 500 solid, on every panel
            assert sorted(onsets) == [(400, "--"), (500, "-"), (600, ":")], onsets
            for ax in panels.values():
                assert sum(1 for _, x, _ in lines_of(ax) if x in ([400, 400], [500, 500], [600, 600])) == 3
            curves = [l for l in lines_of(by_word["lambda"]) if len(l[1]) > 2]
            assert len(curves) == 1 and curves[0][2][:2] == [1.0, 1.0] and curves[0][2][-1] == 0.0
            offset = [y for style, x, y in lines_of(by_word["UAS"]) if style == "--" and len(x) > 2]
            assert offset == [[0.35] * 12], offset  # the offset baseline is a line of its own
            r_arc = [y for style, x, y in lines_of(by_word["SAS term"]) if len(x) > 2]
            assert r_arc == [[1.0 - s / 2400 for s in range(0, 1201, 100)]], r_arc
            twin = [ax for ax in fig.axes if not ax.get_title() and ax.get_visible() and ax.lines]
            assert len(twin) == 1  # the training SAS term, on its own y axis
            (style, steps, values), = lines_of(twin[0])
            assert style == ":" and len(steps) == 61 and abs(values[-1] - 0.22) < 1e-12
        finally:
            plt.close(fig)


def test_series_are_read_and_merged():
    with tempfile.TemporaryDirectory() as tmp:
        run = fake_run(Path(tmp), "run", 500)
        series, onsets = pd.load_run(run, "mean")
        assert len(series["train_loss"]) == 61
        assert [s for s, _ in series["uas"]] == list(range(100, 1201, 100))
        assert series["offset"][0] == (100, 0.35)
        assert abs(series["blimp"][-1][1] - 0.7) < 1e-12
        assert len(series["lambda"]) == 61 and series["lambda"][0] == (0, 1.0) and series["lambda"][-1] == (1200, 0.0)
        assert len(series["sas_loss"]) == 61 and series["r_per_arc"][1] == (100, 1.0 - 100 / 2400)
        assert abs(series["id"][0][1] - (9.0 + 7.0 + 100 / 600) / 2) < 1e-12  # null layer left out of the mean
        assert onsets == {"structure_onset": 400.0, "capabilities_onset": 600.0, "loss_drop_onset": 500.0}
        last, _ = pd.load_run(run, "last")
        assert last["id"] == []  # the last layer is null everywhere


def test_metrics_only_run_with_probes_in_eval_lines():
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "train_only"
        run.mkdir()
        write_jsonl(run / "metrics.jsonl", [{"step": 10, "mlm_loss": 5.0}, {"step": 10, "split": "dev",
                                            "mlm_loss": 5.5, "uas": 0.3, "blimp": {"overall": 0.55}}])
        series, onsets = pd.load_run(run, "mean")
        assert series["uas"] == [(10, 0.3)] and series["blimp"] == [(10, 0.55)] and onsets == {}
        code, _, err = run_main([run])
        assert code == 0, err


def expect_error(args, *fragments):
    code, _, err = run_main(args)
    assert code == pd.EXIT_USER_ERROR, (code, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_bad_input_gives_clear_errors():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expect_error([root / "missing"], "missing", "not a directory")
        empty = root / "empty"
        empty.mkdir()
        expect_error([empty], "holds neither metrics.jsonl nor eval.jsonl")

        bad = root / "bad"
        bad.mkdir()
        (bad / "metrics.jsonl").write_text('{"step": 1, "mlm_loss": 2.0}\n\n{"step": 2, "mlm_loss": \n')
        expect_error([bad], "metrics.jsonl:3:", "not valid JSON")
        (bad / "metrics.jsonl").write_text('[1, 2]\n')
        expect_error([bad], "metrics.jsonl:1:", "expected a JSON object")
        (bad / "metrics.jsonl").write_text('{"mlm_loss": 2.0}\n')
        expect_error([bad], "metrics.jsonl:1:", '"step" must be an integer')
        (bad / "metrics.jsonl").write_text('{"step": 1, "mlm_loss": "high"}\n')
        expect_error([bad], "metrics.jsonl:1:", '"mlm_loss" must be a number')
        (bad / "metrics.jsonl").write_text('{"step": 1, "lr": 0.1}\n')
        expect_error([bad], "no plottable values")
        (bad / "metrics.jsonl").write_text('{"step": 1, "mlm_loss": 2.0}\n')
        (bad / "eval.jsonl").write_text('{"step": 1, "twonn": ["x"]}\n')
        expect_error([bad], "eval.jsonl:1:", '"twonn.0" must be a number')
        (bad / "eval.jsonl").write_text('{"step": 1, "uas": 0.4}\n')
        (bad / "onsets.json").write_text("{broken")
        expect_error([bad], "onsets.json", "not valid JSON")
        (bad / "onsets.json").unlink()
        (bad / "metrics.jsonl").write_bytes(b"\xff\xfe garbage\n")
        expect_error([bad], "metrics.jsonl", "cannot read")


def fake_sweep(root):
    """report.csv of a 2 x 2 sweep (until 300 / 600, seeds 1 / 2) whose runs hold fake metrics, plus a planned run
    that has not started; returns the CSV path."""
    header = ["run", "state", "step", "until", "seed", "final_mlm_loss", "final_dev_loss", "final_uas",
              "final_blimp", "structure_onset", "capabilities_onset", "blimp_onset", "loss_drop_onset"]
    lines = [",".join(header)]
    for until in (300, 600):
        for seed in (1, 2):
            centre = until + 100 * seed
            name = f"until{until}_seed{seed}"
            fake_run(root, name, centre)
            lines.append(",".join(str(v) for v in (name, "done", 1200, until, seed, 2.4, 2.7 + seed / 10,
                                                   0.5 + until / 6000, 0.7, centre - 100, centre + 100, "",
                                                   centre)))
    lines.append("until900_seed1,planned,0,900,1,,,,,,,,")
    (root / "report.csv").write_text("\n".join(lines) + "\n")
    return root / "report.csv"


def run_sweep_main(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = srp.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_sweep_report_format_follows_the_extension():
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = fake_sweep(Path(tmp))
        for suffix, magic in ((".png", PNG_MAGIC), (".pdf", b"%PDF-"), (".svg", b"<?xml")):
            target = Path(tmp) / "figs" / ("report" + suffix)
            code, out, err = run_sweep_main([csv_path, "--out", target])
            assert code == 0, err
            assert target.read_bytes()[:len(magic)] == magic, suffix
            assert out.strip() == f"wrote {target}"


def test_sweep_report_compares_conditions_with_onsets():
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = fake_sweep(Path(tmp))
        rows, x_key = srp.read_report(csv_path, None)
        trajectories = srp.load_trajectories(rows, csv_path.parent)
        assert x_key == "until" and [row["run"] for row, _, _ in trajectories] == [r["run"] for r in rows[:4]]
        fig = srp.draw(csv_path, rows, x_key, trajectories)
        try:
            panels = {ax.get_title(): ax for ax in fig.axes}
            uas = next(ax for t, ax in panels.items() if t.startswith("UAS"))
            curves = [line for line in uas.lines if len(line.get_xdata()) > 2]
            colours = [mcolors.to_hex(line.get_color()) for line in curves]
            # one curve per run with metrics, one colour per condition
            assert len(curves) == 4 and colours[0] == colours[1] != colours[2] == colours[3], colours
            vertical = {(line.get_xdata()[0], line.get_linestyle(), mcolors.to_hex(line.get_color()))
                        for line in uas.lines if len(line.get_xdata()) == 2}
            # until300_seed1: centre 400 -> structure 300 (--), capabilities 500 (:), loss drop 400 (-)
            assert {(300, "--", colours[0]), (500, ":", colours[0]), (400, "-", colours[0])} <= vertical, vertical
            assert (800, ":", colours[2]) in vertical  # until600_seed1 (centre 700): capabilities, the other colour
            onsets = next(ax for t, ax in panels.items() if t.startswith("onsets"))
            points = {(round(float(x), 6), float(y)) for line in onsets.lines for x, y in line.get_xydata()}
            shift = 300 * 0.08  # structure is the first of four kinds: 1.5 spacings * 0.08 left of x
            x = round(300 - 1.5 * shift, 6)
            assert (x, 350.0) in points, points  # the mean of the seeds' structure onsets, 300 and 400
            for end in (350.0 - 100 / math.sqrt(2), 350.0 + 100 / math.sqrt(2)):  # the error bar: sd over n-1
                assert any(px == x and abs(py - end) < 1e-9 for px, py in points), (end, points)
            final_uas = next(ax for t, ax in panels.items() if t.startswith("final UAS"))
            means = [list(line.get_ydata()) for line in final_uas.lines if line.get_linestyle() == "-"]  # not caps
            assert means == [[0.55, 0.6]], means
            assert "no data" not in [t.get_text() for ax in fig.axes for t in ax.texts]
        finally:
            plt.close(fig)


def test_sweep_report_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_path = fake_sweep(root)

        def expect(args, *fragments):
            code, _, err = run_sweep_main(args)
            assert code == srp.EXIT_USER_ERROR, (code, err)
            assert err.startswith("error: ") and err.count("\n") == 1, err
            for fragment in fragments:
                assert fragment in err, (fragment, err)

        expect([csv_path, "--out", root / "r.gif"], "extension '.gif'", ".png, .pdf, .svg")
        expect([csv_path, "--out", root / "r.png", "--x", "lr"], "--x lr: no such column")
        (root / "other.csv").write_text("a,b\n1,2\n")
        expect([root / "other.csv", "--out", root / "r.png"], "not a sweep report")
        (root / "until300_seed1" / "eval.jsonl").write_text("{oops\n")
        expect([csv_path, "--out", root / "r.png"], "until300_seed1", "eval.jsonl:1:", "not valid JSON")
        assert not list(root.glob("r.*"))


def main():
    if matplotlib is None:
        print("skipped: matplotlib is not installed (python -m pip install matplotlib)")
        return 77
    failed = 0
    tests = [(name, fn) for name, fn in sorted(globals().items()) if name.startswith("test_") and callable(fn)]
    for name, fn in tests:
        try:
            fn()
            print(f"ok    {name}")
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL  {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed}/{len(tests)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
