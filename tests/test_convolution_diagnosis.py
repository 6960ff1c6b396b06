"""The diagnosis of a student's convolution (issue 13): each catalogued misconception recognised by
recomputing with the wrong rule, errors carried forward from the student's own values, subjects, marks.

The students' wrong answers are computed here with numpy and scipy (an implementation of each wrong
rule independent of the checker's), never with the checker's own variants.
"""
import json
import math
from fractions import Fraction

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.signal import convolve2d, correlate2d

from workedout.derivations.convolution import backprop, convolve
from workedout.derivations.convolution._check import BACKPROP_CATALOGUE, CATALOGUE

FEW = settings(max_examples=15, deadline=None)
VERY_FEW = settings(max_examples=6, deadline=None)

small = st.integers(-3, 5)


@st.composite
def problems(draw, side=(3, 5), k=(2, 3), square=False):
    h = draw(st.integers(*side))
    w = h if square else draw(st.integers(*side))
    kh = draw(st.integers(*k))
    kw = kh if square else draw(st.integers(*k))
    X = np.array(draw(st.lists(st.lists(small, min_size=w, max_size=w), min_size=h, max_size=h)))
    K = np.array(draw(st.lists(st.lists(small, min_size=kw, max_size=kw), min_size=kh, max_size=kh)))
    return X, K


def ids(d):
    return set(d["misconception"]["id"].split(" + ")) if d["misconception"] else set()


def entries(report):
    return {d["location"]: d for d in report.answer["discrepancies"]}


def strided_correlation(X, K, stride=1, padding=0, bias=0):
    Xp = np.pad(X, padding)
    return (correlate2d(Xp, K, mode="valid")[::stride, ::stride] + bias).tolist()


def assert_every_wrong_value_named(report, mid, key="output"):
    found = [d for d in report.answer["discrepancies"] if d["location"] == key or d["location"].startswith(key + "[")]
    assert found
    for d in found:
        assert d["cause"] == "root"
        assert mid in ids(d), (d["location"], d["misconception"])


def test_the_catalogue_has_the_issue_ids_each_with_a_step():
    assert {m.id for m in CATALOGUE} >= {"true-convolution", "padding-ignored", "stride-ignored", "bias-missing",
                                         "kernel-transposed", "valid-vs-same"}
    assert all(m.step and m.text.endswith(".") for m in CATALOGUE + BACKPROP_CATALOGUE)


# ----------------------------------------------------------- one id each
@FEW
@given(problems())
def test_true_convolution_is_named_on_the_whole_grid(p):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    assume(not np.array_equal(convolve2d(X, K, mode="valid"), correlate2d(X, K, mode="valid")))
    r = convolve(X.tolist(), K.tolist())
    report = r.check({"output": convolve2d(X, K, mode="valid").tolist()})
    assert_every_wrong_value_named(report, "true-convolution")
    d = report.answer["discrepancies"][0]
    assert d["step"] == r.step_number("definition") and "kernel flipped" in d["reason"]


@FEW
@given(problems())
def test_flip_missing_when_the_mathematical_convolution_is_asked(p):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    assume(not np.array_equal(convolve2d(X, K, mode="valid"), correlate2d(X, K, mode="valid")))
    r = convolve(X.tolist(), K.tolist(), flip=True)
    report = r.check({"output": correlate2d(X, K, mode="valid").tolist(), "operation": "cross-correlation"})
    assert_every_wrong_value_named(report, "flip-missing")
    assert report.answer["discrepancies"][0]["location"] == "operation"  # the worked order: the operation first


@FEW
@given(problems(), st.integers(1, 2), st.sampled_from(["whole", "shape"]))
def test_padding_ignored_compares_the_grid_of_another_size_as_a_whole(p, pad, what):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    r = convolve(X.tolist(), K.tolist(), padding=pad)
    student = strided_correlation(X, K)
    answer = {"output": student}
    if what == "shape":
        answer["output_shape"] = list(np.shape(student))
    report = r.check(answer)
    found = entries(report)
    assert "padding-ignored" in ids(found["output"]) and found["output"]["cause"] == "root"
    assert found["output"]["subject"] == "the output grid"
    n = int(np.prod(r.answer["output_shape"]))
    assert report.answer["marks"]["possible"] == n + (what == "shape")
    assert report.answer["marks"]["awarded"] == 0
    if what == "shape":
        assert "padding-ignored" in ids(found["output_shape"])
        assert report.answer["discrepancies"][0]["location"] == "output_shape"  # the size is worked first


@FEW
@given(problems(side=(4, 6)), st.integers(2, 3))
def test_stride_ignored(p, stride):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    r = convolve(X.tolist(), K.tolist(), stride=stride)
    assume(np.shape(r.answer["output"]) != correlate2d(X, K, mode="valid").shape)
    report = r.check({"output": strided_correlation(X, K)})
    assert_every_wrong_value_named(report, "stride-ignored")


@FEW
@given(problems(), st.integers(-4, 4).filter(bool))
def test_bias_missing(p, bias):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    r = convolve(X.tolist(), K.tolist(), bias=[bias])
    report = r.check({"output": strided_correlation(X, K)})
    assert_every_wrong_value_named(report, "bias-missing")
    assert report.answer["roots"] == int(np.prod(r.answer["output_shape"]))


@FEW
@given(problems())
def test_kernel_transposed(p):
    X, K = p
    assume(K.shape[1] <= X.shape[0] and K.shape[0] <= X.shape[1] and K.shape[0] <= X.shape[0]
           and K.shape[1] <= X.shape[1])
    assume(not np.array_equal(correlate2d(X, K.T, mode="valid"), strided_correlation(X, K)))
    r = convolve(X.tolist(), K.tolist())
    report = r.check({"output": correlate2d(X, K.T, mode="valid").tolist()})
    assert_every_wrong_value_named(report, "kernel-transposed")


@FEW
@given(problems(k=(3, 3), square=True))
def test_valid_vs_same_when_valid_is_asked(p):
    X, K = p
    r = convolve(X.tolist(), K.tolist())
    report = r.check({"output": correlate2d(X, K, mode="same").tolist(), "output_shape": list(X.shape)})
    found = entries(report)
    assert "valid-vs-same" in ids(found["output"]) and "valid-vs-same" in ids(found["output_shape"])
    assert found["output_shape"]["step"] == r.step_number("size_rows")


@FEW
@given(problems(k=(3, 3), square=True))
def test_same_padding_ignored_names_both_ids(p):
    X, K = p
    r = convolve(X.tolist(), K.tolist(), padding=1)  # the 'same' padding of a 3x3 kernel
    report = r.check({"output": correlate2d(X, K, mode="valid").tolist()})
    assert ids(entries(report)["output"]) == {"padding-ignored", "valid-vs-same"}


@FEW
@given(problems(), st.data())
def test_a_rule_with_a_slip_besides_is_named_on_the_cells_it_explains(p, data):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    right = correlate2d(X, K, mode="valid")
    wrong = convolve2d(X, K, mode="valid")
    changed = list(zip(*np.nonzero(right != wrong)))
    assume(len(changed) >= 4)
    i, j = data.draw(st.sampled_from(changed))
    student = wrong.copy()
    student[i, j] += 100
    report = convolve(X.tolist(), K.tolist()).check({"output": student.tolist()})
    found = entries(report)
    assert ids(found[f"output[{i}][{j}]"]) == set()
    assert all("true-convolution" in ids(found[f"output[{a}][{b}]"]) for a, b in changed if (a, b) != (i, j))


# ----------------------------------------------------- errors carried forward
@FEW
@given(problems(), st.integers(0, 1), st.data())
def test_one_wrong_padded_cell_and_what_follows_from_it_is_one_root(p, pad, data):
    X, K = p
    assume(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1])
    r = convolve(X.tolist(), K.tolist(), padding=pad)
    Xp = np.pad(X, pad)
    a = data.draw(st.integers(0, Xp.shape[0] - 1))
    b = data.draw(st.integers(0, Xp.shape[1] - 1))
    Xp[a, b] += data.draw(st.integers(1, 4))
    kh, kw = K.shape
    OH, OW = Xp.shape[0] - kh + 1, Xp.shape[1] - kw + 1
    cols = [[int(Xp[i + u, j + v]) for i in range(OH) for j in range(OW)] for u in range(kh) for v in range(kw)]
    answer = {"padded_input": Xp.tolist(), "output": correlate2d(Xp, K, mode="valid").tolist(), "im2col": cols,
              "output_shape": [OH, OW]}
    report = r.check(answer)
    assert report.answer["roots"] == 1
    root = report.answer["discrepancies"][0]
    assert root["location"] == f"padded_input[{a}][{b}]" and root["subject"] == f"padded input cell ({a + 1}, {b + 1})"
    assert all(d["follows_from"] == root["location"] for d in report.answer["discrepancies"][1:])
    marks = report.answer["marks"]
    assert marks["awarded"] == marks["possible"] - 1
    strict = r.check(answer, ecf=False).answer["marks"]
    assert strict["awarded"] == marks["possible"] - len(report.answer["discrepancies"])
    assert len(report.answer["discrepancies"]) == 1 or strict["awarded"] < marks["awarded"]


@FEW
@given(problems(square=True))
def test_a_flipped_kernel_as_applied_and_the_output_from_it(p):
    X, K = p
    assume(K.shape[0] <= X.shape[0])
    assume(not np.array_equal(K, K[::-1, ::-1]))
    r = convolve(X.tolist(), K.tolist())
    report = r.check({"kernel_used": K[::-1, ::-1].tolist(), "output": convolve2d(X, K, mode="valid").tolist()})
    roots = [d for d in report.answer["discrepancies"] if d["cause"] == "root"]
    assert roots and all(d["location"].startswith("kernel_used[") and "true-convolution" in ids(d) for d in roots)
    assert all(d["follows_from"] == roots[0]["location"] for d in report.answer["discrepancies"]
               if d["cause"] == "follows")
    assert report.answer["marks"]["awarded"] == report.answer["marks"]["possible"] - len(roots)


@VERY_FEW
@given(st.integers(0, 2), st.sampled_from(["0.4", "0.45", "2/5", 0.6]))
def test_softmax_slip_carries_into_the_loss_and_its_gradient(k, p):
    r = backprop()
    probs = ["1/2", "1/3", "1/6"]
    probs[k] = p
    exact = [float(Fraction(str(v))) for v in probs]
    answer = {"softmax": probs, "cross_entropy": f"{-math.log(exact[0]):.6f}",
              "cross_entropy_grad": [f"{v - (i == 0):.6f}" for i, v in enumerate(exact)]}
    report = r.check(answer)
    assert report.answer["roots"] == 1
    assert report.answer["discrepancies"][0]["location"] == f"softmax[{k}]"
    assert report.answer["marks"]["awarded"] == report.answer["marks"]["possible"] - 1
    assert r.check(answer, ecf=False).answer["marks"]["awarded"] < report.answer["marks"]["awarded"]


@VERY_FEW
@given(st.sampled_from(["0.06", "1/10", "0.5"]), st.integers(5, 9))
def test_adam_moment_slip_carries_into_the_step(m, digits):
    r = backprop()
    mv = float(Fraction(m))
    theta = 1 - 1e-3 * (mv / 0.1) / (math.sqrt(0.00025 / 0.001) + 1e-8)
    report = r.check({"adam_m": m, "adam_v": "0.00025", "adam_param": f"{theta:.{digits}f}"})
    assert report.answer["roots"] == 1 and report.answer["discrepancies"][0]["location"] == "adam_m"
    assert entries(report)["adam_param"]["cause"] == "follows"


def test_maxpool_gradient_follows_the_students_maximum():
    r = backprop()
    # window (1, 1) of [[1, 3], [4, 2]]: the student takes 3 as its maximum and sends the gradient there
    report = r.check({"maxpool_output": [[3, 2], [5, 3]],
                      "maxpool_grad": [[0, 1, 2, 0], [0, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 4]]})
    found = entries(report)
    assert report.answer["roots"] == 1 and found["maxpool_output[0][0]"]["subject"] == "max-pool output cell (1, 1)"
    assert {found[k]["cause"] for k in ("maxpool_grad[0][1]", "maxpool_grad[1][0]")} == {"follows"}


# ------------------------------------------------------- backprop ids
@VERY_FEW
@given(problems(side=(3, 4), k=(2, 2)))
def test_dx_kernel_not_rotated(p):
    X, K = p
    assume(not np.array_equal(K, K[::-1, ::-1]))
    G = np.arange(1, (X.shape[0] - 1) * (X.shape[1] - 1) + 1).reshape(X.shape[0] - 1, X.shape[1] - 1)
    r = backprop(X.tolist(), K.tolist(), G.tolist())
    assume(not np.array_equal(correlate2d(G, K, mode="full"), convolve2d(G, K, mode="full")))
    report = r.check({"grad_input": correlate2d(G, K, mode="full").tolist()})
    assert_every_wrong_value_named(report, "dx-kernel-not-rotated", "grad_input")
    assert report.answer["discrepancies"][0]["subject"].startswith("dL/dX cell (")


@VERY_FEW
@given(st.sampled_from([6, "6", 6.0, "6.00"]))
def test_relu_at_zero(v):
    r = backprop()
    report = r.check({"relu_grad": [0, v, 7]})
    d = report.answer["discrepancies"][0]
    assert "relu-at-zero" in ids(d) and d["step"] == r.step_number("relu_rule")
    assert d["subject"] == "ReLU gradient dL/dz at z = 0 (entry 2)"


@VERY_FEW
@given(st.sampled_from([["1/2", "1/3", "1/6"], ["0.4", "0.4", "0.2"]]))
def test_softmax_grad_sign(probs):
    r = backprop()
    p = [float(Fraction(v)) for v in probs]
    report = r.check({"softmax": probs, "cross_entropy_grad": [f"{(k == 0) - v:.4f}" for k, v in enumerate(p)]})
    named = [d for d in report.answer["discrepancies"] if d["location"].startswith("cross_entropy_grad")]
    assert named and all("softmax-grad-sign" in ids(d) for d in named)


@VERY_FEW
@given(st.integers(4, 9), st.booleans())
def test_adam_no_bias_correction(digits, own_moments):
    r = backprop()
    m, v = (0.06, 0.0003) if own_moments else (0.05, 0.00025)
    theta = 1 - 1e-3 * m / (math.sqrt(v) + 1e-8)
    answer = {"adam_param": f"{theta:.{digits}f}"}
    if own_moments:
        answer.update(adam_m=str(m), adam_v=str(v))
    d = entries(r.check(answer))["adam_param"]
    assert d["cause"] == "root" and "adam-no-bias-correction" in ids(d)


# ------------------------------------------------------- correct answers pass
def test_correct_answers_typed_as_students_type_them_pass():
    r = convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 1], [1, 1]], stride=2, padding=1, bias=["1/2"])
    out = [[str(v) for v in row] for row in r.answer["output"]]
    assert r.check({"output": out, "output_shape": "2x2", "operation": "cross-correlation",
                    "padded_input": r.answer["padded_input"]}).ok
    assert r.check({"output": [[f"{float(v):.1f}" for v in row] for row in r.answer["output"]],
                    "output_shape": [2, 2]}).ok
    b = backprop()
    assert b.check({"softmax": ["0.5", "0.333", "0.167"], "cross_entropy": "0.693", "adam_param": "0.999",
                    "cross_entropy_grad": ["-1/2", "0.3333", "1/6"], "relu_grad": [0, 0, 7], "grad_bias": 10.0,
                    "adam_m": "0.05", "adam_v": "2.5e-4"}).ok


# ----------------------------------------------------------------- the CLI
def test_cli_check_reveal_and_no_ecf(run_cli, tmp_path):
    args = ["conv", "--input", "[[3,0,1,2],[1,5,8,9],[2,7,2,5],[0,1,3,1]]", "--kernel", "[[1,0],[0,-1]]"]
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"kernel_used": [[-1, 0], [0, 1]], "output": [[2, 8, 8], [6, -3, -3], [-1, -4, -1]]}))
    status, out, _ = run_cli(*args, "--check", answer)
    assert status == 1
    assert "kernel as applied, entry (1, 1)" in out and "[true-convolution]" in out and "(ECF)" in out
    assert "Marks: 11 of 13" in out
    status, out, _ = run_cli(*args, "--check", answer, "--reveal", "where")
    assert "true-convolution" not in out and "kernel as applied, entry (1, 1)" in out
    status, out, _ = run_cli(*args, "--check", answer, "--reveal", "why")
    assert "[true-convolution]" in out and "expected" not in out.split("Root causes")[1].splitlines()[1]
    status, out, _ = run_cli(*args, "--check", answer, "--no-ecf")
    assert "Marks: 2 of 13" in out
    status, out, _ = run_cli(*args, "--check", answer, "--format", "json")
    doc = json.loads(out)
    entry = doc["discrepancies"][0]
    assert entry["misconception"]["id"] == "true-convolution" and entry["cause"] == "root"
    assert doc["roots"] == 2 and doc["marks"]["awarded"] == 11


def test_two_rules_that_explain_the_same_cells_beside_a_slip_are_both_named():
    """Found by hypothesis: a flipped kernel [[0,1],[0,0]] is also the transposed [[0,0],[1,0]]; beside a slip
    both ids must be named (the issue: when two ids reproduce the values, every one is named)."""
    X = np.zeros((5, 5), dtype=int)
    X[3, 2] = X[3, 3] = 1
    K = np.array([[0, 0], [1, 0]])
    student = convolve2d(X, K, mode="valid")
    student[2, 2] += 100
    found = entries(convolve(X.tolist(), K.tolist()).check({"output": student.tolist()}))
    assert ids(found["output[2][2]"]) == set()
    for loc in ("output[2][3]", "output[3][1]", "output[3][2]"):
        assert ids(found[loc]) == {"true-convolution", "kernel-transposed"}
