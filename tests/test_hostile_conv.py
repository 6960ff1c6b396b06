"""Issue 15, convolution and CNN: worked convolutions within the limits compile; networks that do not fit
the images (or the parameters limit) are refused before anything is built."""
from __future__ import annotations

import json
import random
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import require_pdflatex
from workedout.derivations.convolution import convolve
from workedout.derivations.convolution._forward import MAX_FORM_ENTRIES, MAX_PADDED_SIDE, MAX_SIDE
from workedout.derivations.convolution._notation import GRID_COLUMNS, GRID_ROWS, matrix, matrix_steps
from workedout.derivations.result import Grid
from workedout.numerics import limits
from workedout.numerics.cnn import DATASET_SHAPES, build_cnn, check_architecture, max_conv_layers


def _arrays(tmp_path, channels, side, outputs, k, seed=1):
    r = random.Random(seed)
    x = [[[r.randint(-3, 3) for _ in range(side)] for _ in range(side)] for _ in range(channels)]
    w = [[[[r.randint(-2, 2) for _ in range(k)] for _ in range(k)] for _ in range(channels)] for _ in range(outputs)]
    xf, kf = tmp_path / "x.json", tmp_path / "k.json"
    xf.write_text(json.dumps(x))
    kf.write_text(json.dumps(w))
    return xf, kf


def _one_line_refusal(status, out, err, *needles):
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------ conv: the PDF compiles
def test_conv_3_channels_16x16_4_outputs_compiles(run_cli, tmp_path):
    """The case of issue 15 (TeX's main memory ran out on a 784-column array): every matrix too wide for
    a line is a grid cut into page-sized blocks, and the products end with the output instead of a row."""
    require_pdflatex()
    xf, kf = _arrays(tmp_path, 3, 16, 4, 3)
    tex = tmp_path / "conv.tex"
    status, _, err = run_cli("conv", "--input", xf, "--kernel", kf, "--format", "tex-document", "-o", tex)
    assert status == 0, err
    source = tex.read_text()
    assert "begin{tabular}" in source  # the grids
    widest = max(line.count("&") for line in source.splitlines())
    assert widest < 200  # no array as wide as the output's 784 cells
    run = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                          tex.name], cwd=tmp_path, capture_output=True, timeout=120)
    log = (tmp_path / "conv.log").read_text(encoding="latin-1")
    assert "TeX capacity exceeded" not in log
    assert run.returncode == 0, log[-2000:]
    assert (tmp_path / "conv.pdf").stat().st_size > 0


def test_matrix_steps_blocks_fit_a_page():
    big = [(f"Y^{{({o + 1})}}", f"Y({o + 1})", matrix(np.arange(o, o + 48 * 40).reshape(48, 40))) for o in range(3)]
    steps = matrix_steps(big, why=("the output",), label="output")
    assert steps[0].label == "output" and steps[1].label == "output-2"
    assert all(isinstance(s.statement, Grid) for s in steps)
    assert len(steps) == 2 * 3  # 48 rows in 2 blocks, 40 columns in 3
    for s in steps:
        g = s.statement
        assert len(g.row_labels) <= GRID_ROWS and len(g.col_labels) <= GRID_COLUMNS
        assert len(g.panels) == 3  # the three channels side by side
    # every entry appears once, in its numbered place
    seen = {}
    for s in steps:
        g = s.statement
        for p, (_, rows) in enumerate(g.panels):
            for r, row in zip(g.row_labels, rows):
                for c, cell in zip(g.col_labels, row):
                    seen[(p, int(r), int(c))] = int(cell.value)
    assert seen == {(p, r + 1, c + 1): p + r * 40 + c for p in range(3) for r in range(48) for c in range(40)}


def test_matrix_steps_small_is_one_display():
    steps = matrix_steps([("X", "X", matrix([[1, 2], [3, 4]]))], why=("x",), label="givens")
    assert len(steps) == 1 and not isinstance(steps[0].statement, Grid)


def test_toeplitz_left_out_past_its_size(tmp_path):
    """A 16x16 input padded by 16 with four 1x1 kernels: T would be 9216 x 2304 (21 million entries);
    it is neither built nor in the answer, and a sentence says so."""
    xf, kf = _arrays(tmp_path, 1, 16, 4, 1)
    r = convolve(str(xf), str(kf), padding=16)
    assert 9216 * 2304 > MAX_FORM_ENTRIES
    assert "toeplitz" not in r.answer
    assert len(r.answer["im2col"]) == 1 and len(r.answer["im2col"][0]) == 48 * 48
    assert any("T would be 9216 x 2304 (21,233,664 entries, more than 1,000,000), so it is left out" in n
               for n in r.notes)
    assert np.array(r.answer["output"]).shape == (4, 48, 48)


def test_toeplitz_kept_at_the_issue_case(tmp_path):
    xf, kf = _arrays(tmp_path, 3, 16, 4, 3)
    r = convolve(str(xf), str(kf))
    assert np.array(r.answer["toeplitz"]).shape == (784, 768)  # 602,112 entries: within MAX_FORM_ENTRIES


@pytest.mark.parametrize("argv, needles", [
    (["--kernel", "[[" + ",".join(["1"] * 17) + "]]"], ["--kernel: 1x17 is too large to work by hand",
                                                       "numerics.convolution.conv2d"]),
    (["--kernel", "[[1]]", "--padding", "17"], ["--padding: the padded input would be 50x50",
                                                f"at most {MAX_PADDED_SIDE} per side: at most padding 16",
                                                "numerics.convolution.conv2d pads any amount"]),
    (["--kernel", "[[1]]", "--padding", "1000"], ["--padding: the padded input would be 2016x2016"]),
])
def test_conv_refuses_past_hand_sizes(run_cli, tmp_path, argv, needles):
    x = "[" + ",".join(["[" + ",".join(["1"] * MAX_SIDE) + "]"] * MAX_SIDE) + "]"
    out = tmp_path / "out.json"
    status, o, err = run_cli("conv", "--input", x, *argv, "--format", "json", "-o", out)
    _one_line_refusal(status, o, err, *needles)
    assert not out.exists()


def test_conv_largest_kernel_and_padding_work():
    x = [[1] * MAX_SIDE for _ in range(MAX_SIDE)]
    r = convolve(x, [[1] * MAX_SIDE for _ in range(MAX_SIDE)], padding=(MAX_PADDED_SIDE - MAX_SIDE) // 2)
    assert r.answer["output_shape"] == [33, 33]
    assert r.answer["output"][16][16] == 256


# ------------------------------------------------------------ cnn: refused before building anything
@pytest.mark.parametrize("argv, needles", [
    (["train", "--kernel-size", "99"], ["--kernel-size: 99 is larger than the 8x8 images of digits",
                                        "the largest kernel for 8x8 images of digits is 7"]),
    (["train", "--conv-layers", "50"], ["--conv-layers: 50 is more than 8x8 images of digits allow",
                                        "at most 4 conv layers"]),
    (["sweep", "--kernel-size", "3,99"], ["--kernel-size: 99 is larger", "the largest kernel", "is 7"]),
    (["sweep", "--conv-layers", "1,50"], ["--conv-layers: 50 is more than", "at most 4 conv layers"]),
    (["train", "--dataset", "cifar10", "--data-dir", "nowhere", "--conv-layers", "6", "--kernel-size", "31"],
     ["167,835,178 parameters, more than the limit parameters = 50,000,000", "--limit parameters=N"]),
    (["train", "--limit", "parameters=1000"], ["6,090 parameters, more than the limit parameters = 1,000",
                                               "--limit parameters=N"]),
])
def test_cnn_refusals(run_cli, tmp_path, argv, needles):
    out, fig = tmp_path / "out.json", tmp_path / "curve.png"
    status, o, err = run_cli("cnn", *argv, "--epochs", "1", "--format", "json", "-o", out, "--plot", fig)
    _one_line_refusal(status, o, err, *needles)
    assert not out.exists() and not fig.exists()
    assert list(tmp_path.iterdir()) == []


def test_cnn_python_api_names_the_parameter():
    with pytest.raises(ValueError, match=r"^kernel_size: 9 is larger .* the largest kernel for 8x8 images is 7"):
        build_cnn((1, 8, 8), 10, kernel_size=9)
    with pytest.raises(ValueError, match=r"^conv_layers: 5 is more than 8x8 images allow.*at most 4"):
        build_cnn((1, 8, 8), 10, conv_layers=5)
    with pytest.raises(ValueError, match=r"^channels: 0; expected positive integers"):
        build_cnn((1, 8, 8), 10, conv_layers=1, channels=(0,))
    with pytest.raises(limits.LimitError, match=r"^kernel_size: .*more than the limit parameters"):
        build_cnn((1, 8, 8), 10, conv_layers=1, channels=(10 ** 7,))
    with pytest.raises(ValueError, match=r"^input_shape"):
        check_architecture((8, 8), 10)
    with limits.raised(parameters=10 ** 10):
        assert check_architecture((1, 8, 8), 10, conv_layers=1, channels=(10 ** 7,))[0] > 5 * 10 ** 7


def test_cnn_just_inside_the_bounds_builds():
    model = build_cnn((1, 8, 8), 10, conv_layers=4, kernel_size=7)
    assert model.n_params == check_architecture((1, 8, 8), 10, conv_layers=4, kernel_size=7)[0]
    assert model.forward(np.zeros((2, 1, 8, 8), dtype=np.float32)).shape == (2, 10)
    assert max_conv_layers((1, 8, 8)) == 4 and max_conv_layers((1, 28, 28)) == 5
    assert max_conv_layers((3, 32, 32)) == 6


def test_cnn_train_largest_kernel_runs(run_cli, tmp_path):
    out = tmp_path / "out.json"
    status, _, err = run_cli("cnn", "train", "--kernel-size", "7", "--conv-layers", "1", "--epochs", "1",
                             "--format", "json", "-o", out)
    assert status == 0, err
    assert json.loads(out.read_text())["n_params"] == 1 * 16 * 49 + 16 + 16 * 4 * 4 * 10 + 10


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 3), h=st.integers(1, 33), w=st.integers(1, 33), layers=st.integers(0, 7),
       k=st.integers(0, 8).map(lambda n: 2 * n + 1))
def test_check_architecture_counts_what_build_cnn_builds(c, h, w, layers, k):
    """Whatever check_architecture accepts, build_cnn builds with exactly the counted weights;
    whatever it refuses is past the stated bounds."""
    try:
        n, channels = check_architecture((c, h, w), 10, conv_layers=layers, kernel_size=k)
    except ValueError as exc:
        assert (layers and k > min(h, w)) or layers > max_conv_layers((c, h, w)), str(exc)
        return
    assert layers <= max_conv_layers((c, h, w)) and (not layers or k <= min(h, w))
    assert build_cnn((c, h, w), 10, conv_layers=layers, kernel_size=k, channels=channels).n_params == n


def test_dataset_shapes_match_the_shipped_digits():
    from workedout.numerics.images import load_dataset
    d = load_dataset("digits")
    assert DATASET_SHAPES["digits"] == (d.input_shape, d.n_classes)


def test_multiply_adds_are_bounded_by_the_products_limit(tmp_path, capsys):
    """8 channels of 16x16 with 8 outputs of 16x16 kernels and padding 16 passes every size check but asks
    for 17.8M exact products: refused by the limit ``products``, which ``--limit`` raises."""
    import json as _json
    from workedout.derivations.cli import main
    (tmp_path / "x.json").write_text(_json.dumps([[[1] * 16] * 16] * 8))
    (tmp_path / "k.json").write_text(_json.dumps([[[[1] * 16] * 16] * 8] * 8))
    assert main(["conv", "--input", str(tmp_path / "x.json"), "--kernel", str(tmp_path / "k.json"),
                 "--padding", "16", "-o", str(tmp_path / "out.txt")]) == 2
    err = capsys.readouterr().err
    assert "each a sum of 2,048 products: 17,842,176 products, more than the limit products = 2,000,000" in err and "--limit products=N" in err
    assert "numerics.convolution (conv2d)" in err and not (tmp_path / "out.txt").exists()
