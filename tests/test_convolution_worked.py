"""The worked convolution and backpropagation: exact answers, matrix forms, checks, CLI, PDF."""
import json
import subprocess

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.convolution import backprop, convolve
from workedout.numerics.convolution import conv2d, conv2d_backward
from tests.conftest import require_pdflatex

ISSUE = ["conv", "--input", "[[1,2,3],[4,5,6],[7,8,9]]", "--kernel", "[[1,0],[0,-1]]"]


def test_issue_example_every_cell_and_both_matrix_forms():
    r = convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    assert r.answer["output"] == [[-4, -4], [-4, -4]]
    assert r.answer["output_shape"] == [2, 2]
    assert r.answer["im2col"] == [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    T = np.array(r.answer["toeplitz"], dtype=int)
    assert T.shape == (4, 9) and (T @ np.arange(1, 10) == -4).all()
    assert r.answer["operation"] == "cross-correlation"
    text = r.to_text()
    assert "y_11 = 1·1 + 2·0 + 4·0 + 5·(-1) = -4" in text
    assert "floor((3 + 2*0 - 2)/1) + 1" in text
    steps = dict((s.label, s) for _, s in r.numbered_steps())
    for label in ("y_1_1", "y_2_2", "im2col", "toeplitz", "toeplitz_blocks", "size_rows", "output"):
        assert steps[label].check is not None, label
    assert r"\boxed{5}" in r.to_latex()  # the window highlighted in the grid


matrices = st.integers(1, 4).flatmap(lambda h: st.integers(1, 4).flatmap(
    lambda w: st.lists(st.lists(st.integers(-5, 5), min_size=w, max_size=w), min_size=h, max_size=h)))


@settings(max_examples=15)
@given(matrices, st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.booleans())
def test_worked_output_equals_numerics(x, kh, kw, stride, padding, flip):
    x = np.array(x)
    kh, kw = min(kh, x.shape[0] + 2 * padding), min(kw, x.shape[1] + 2 * padding)
    k = np.arange(1, kh * kw + 1).reshape(kh, kw) - 3
    r = convolve(x.tolist(), k.tolist(), stride=stride, padding=padding, flip=flip)
    kernel = k[::-1, ::-1] if flip else k
    y = conv2d(x[None, None].astype(float), kernel[None, None].astype(float), None, stride, padding)[0, 0]
    assert np.array_equal(np.array(r.answer["output"], dtype=float), y)
    P = np.array(r.answer["im2col"], dtype=float)
    assert np.array_equal(kernel.reshape(1, -1) @ P, y.reshape(1, -1))
    xp = np.pad(x, padding)
    assert np.array_equal(np.array(r.answer["toeplitz"], dtype=float) @ xp.reshape(-1), y.reshape(-1))


def test_channels_bias_stride_padding_and_fractions():
    x = [[[1, 0, 2], [0, 1, 0], [2, 0, 1]], [[0, 1, 0], [1, 0, 1], [0, 1, 0]]]
    k = [[[[1, 0], [0, 1]], [["1/2", 1], [1, 0]]], [[[1, 1], [0, 0]], [[0, 0], [1, -1]]]]
    r = convolve(x, k, bias="1,-1", stride="1,2", padding=1)
    xf = np.array(x, dtype=float)[None]
    kf = np.array([[[[1, 0], [0, 1]], [[0.5, 1], [1, 0]]], [[[1, 1], [0, 0]], [[0, 0], [1, -1]]]])
    y = conv2d(xf, kf, np.array([1.0, -1.0]), (1, 2), 1)[0]
    assert r.answer["output_shape"] == [2, 4, 2]
    assert np.allclose(np.array(r.answer["output"], dtype=float), y)
    assert sp.Rational(1, 2) in [v for row in r.answer["kernel_used"][0][1] for v in row]
    assert len(r.answer["im2col"]) == 2 * 2 * 2
    doc = r.to_dict()
    halves = [v for ch in r.answer["output"] for row in ch for v in row if isinstance(v, sp.Rational)
              and not v.is_integer]
    assert halves and "/2" in json.dumps(doc["exact"]["output"])


def test_flip_is_the_mathematical_convolution():
    from scipy.signal import convolve2d
    x, k = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]]
    r = convolve(x, k, flip=True)
    assert r.answer["operation"] == "convolution"
    assert r.answer["kernel_used"] == [[4, 3], [2, 1]]
    assert np.array_equal(np.array(r.answer["output"], dtype=int), convolve2d(x, k, mode="valid"))
    assert "Convolution (kernel flipped)" in r.title


def test_check_reports_the_cell_and_its_step(tmp_path):
    r = convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    assert r.check({"output": [[-4, -4], [-4, -4]], "im2col": r.answer["im2col"]}).ok
    report = r.check({"output": [[-4, -4], [-3, -4]],
                      "im2col": [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 0]]})
    found = {d.location: d for d in report.discrepancies}
    assert set(found) == {"output[1][0]", "im2col[3][3]"}
    assert found["output[1][0]"].step == r.step_number("y_2_1")
    assert found["im2col[3][3]"].step == r.step_number("im2col")


def test_backprop_rules_and_numbers():
    r = backprop()
    X = np.arange(1, 10, dtype=float).reshape(1, 1, 3, 3)
    W = np.array([[[[1.0, 0], [0, -1]]]])
    G = np.array([[[[1.0, 2], [3, 4]]]])
    dx, dw, db = conv2d_backward(X, W, G)
    assert np.array_equal(np.array(r.answer["grad_weight"], dtype=float), dw[0, 0])
    assert np.array_equal(np.array(r.answer["grad_input"], dtype=float), dx[0, 0])
    assert r.answer["grad_bias"] == 10
    assert r.answer["relu_grad"] == [0, 0, 7]
    assert r.answer["maxpool_grad"] == [[0, 0, 2, 0], [1, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 4]]
    assert r.answer["softmax"] == [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 6)]
    assert r.answer["cross_entropy"] == sp.log(2)
    assert r.answer["cross_entropy_grad"] == [sp.Rational(-1, 2), sp.Rational(1, 3), sp.Rational(1, 6)]
    assert r.answer["adam_param"] == sp.Rational(49950001, 50000001)
    labels = {s.label: s for _, s in r.numbered_steps()}
    for label in ("dW_rule", "dX_rule", "db_rule", "dW", "dX", "relu_rule", "maxpool_backward",
                  "softmax_rule", "adam_step"):
        assert labels[label].check is not None


def test_backprop_on_other_dimensions():
    r = backprop([[1, 0, 2, 1], [0, 1, 1, 0], [2, 1, 0, 1]], [[1, -1, 0], [0, 2, 1]], [[1, -1], ["1/2", 0]])
    X = np.array([[1, 0, 2, 1], [0, 1, 1, 0], [2, 1, 0, 1]], dtype=float)[None, None]
    W = np.array([[1, -1, 0], [0, 2, 1]], dtype=float)[None, None]
    G = np.array([[1, -1], [0.5, 0]])[None, None]
    dx, dw, _ = conv2d_backward(X, W, G)
    assert np.allclose(np.array(r.answer["grad_input"], dtype=float), dx[0, 0])
    assert np.allclose(np.array(r.answer["grad_weight"], dtype=float), dw[0, 0])


def test_cli_json_keys_and_check(run_cli, tmp_path):
    status, out, err = run_cli(*ISSUE, "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    for key in ("output", "output_shape", "im2col", "toeplitz", "kernel_used", "padded_input", "operation"):
        assert key in doc
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"output": [[-4, -4], [-4, -5]]}))
    status, out, _ = run_cli(*ISSUE, "--check", answer)
    assert status == 1 and "output cell (2, 2)" in out  # the subject, 1-based like the worked text
    csv = tmp_path / "x.csv"
    csv.write_text("1,2,3\n4,5,6\n7,8,9\n")
    status, out, _ = run_cli("conv", "--input", csv, "--kernel", "[[1,0],[0,-1]]", "--format", "json")
    assert status == 0 and json.loads(out)["output"] == [[-4, -4], [-4, -4]]
    status, out, _ = run_cli("conv", "--input", csv, "--kernel", "[[1,0],[0,-1]]", "--backprop",
                             "--grad-output", "[[1,0],[0,1]]", "--format", "json")
    assert status == 0 and json.loads(out)["grad_bias"] == 2


@pytest.mark.parametrize("argv,needle", [
    (["--input", "[[1,2,3],[4,5]]", "--kernel", "[[1]]"], "--input: item [2] is length 2 but item [1] is length 3"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1,2,3]]"], "--kernel: 3 columns is larger than the padded input"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--stride", "0"], "--stride: 0 for the rows; must be positive"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--stride=-1,1"], "--stride: -1 for the rows"),
    (["--input", "[[1,x],[3,4]]", "--kernel", "[[1]]"], "--input item [1][2]: 'x' is not a number"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--padding", "a"], "--padding: 'a' is not an integer"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--bias", "1,2"], "--bias: 2 value(s) for 1 output"),
    (["--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--backprop", "--stride", "2"], "--backprop:"),
])
def test_bad_input_one_line_exit_2(run_cli, argv, needle):
    status, out, err = run_cli("conv", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_ragged_csv_names_the_row(run_cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3\n4,5\n")
    status, _, err = run_cli("conv", "--input", bad, "--kernel", "[[1]]")
    assert status == 2 and "row 2" in err and err.count("\n") == 1


def test_every_format_and_the_pdf(run_cli, tmp_path):
    for fmt in ("text", "tex", "tex-document", "md"):
        status, out, _ = run_cli(*ISSUE, "--padding", "1", "--bias", "1", "--format", fmt)
        assert status == 0 and out
    require_pdflatex()
    pdf = tmp_path / "conv.pdf"
    assert run_cli(*ISSUE, "--stride", "2", "--padding", "1", "--format", "pdf", "-o", pdf)[0] == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "im2col" in text and "Toeplitz" in text
    pdf2 = tmp_path / "bp.pdf"
    assert run_cli(*ISSUE, "--backprop", "--format", "pdf", "-o", pdf2)[0] == 0
