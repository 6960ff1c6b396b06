"""The M-step worked on numbers: exact, equal to the numeric M-step, bad input refused in one line."""
import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.gmm import mstep
from workedout.numerics.gmm import m_step

X = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 3]]
R = [["9/10", "1/10"], ["0.8", "0.2"], ["3/4", "1/4"], ["1/10", "9/10"], ["1/5", "4/5"]]
SHAPES = {"full": (2, 2, 2), "tied": (2, 2), "diag": (2, 2), "spherical": (2,)}


def write_csv(path, rows, header=None):
    lines = ([",".join(header)] if header else []) + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def files(tmp_path):
    return (write_csv(tmp_path / "X.csv", X, ["x1", "x2"]), write_csv(tmp_path / "R.csv", R, ["k1", "k2"]))


def test_course_example_exact():
    r = mstep(X, R, "full")
    assert r.answer["nk"] == [sp.Rational(11, 4), sp.Rational(9, 4)]
    assert r.answer["weights"] == [sp.Rational(11, 20), sp.Rational(9, 20)]
    assert r.answer["means"] == [[sp.Rational(4, 5), sp.Rational(7, 11)], [sp.Rational(52, 15), sp.Rational(25, 9)]]
    data = json.loads(r.to_json())
    assert data["exact"]["covariances"][0] == [["564/275", "64/55"], ["64/55", "668/605"]]
    assert data["exact"]["means"][1] == ["52/15", "25/9"]
    assert all(s.check for _, s in r.numbered_steps())
    assert "9/10 + 0.8 + 3/4 + 1/10 + 1/5" in r.to_text()   # each given value as given (issue 14)


@pytest.mark.parametrize("covariance", list(SHAPES))
def test_json_shapes_follow_scikit_learn(covariance, files):
    r = mstep(*files, covariance)
    data = json.loads(r.to_json())
    assert np.shape(data["covariances"]) == SHAPES[covariance]
    assert np.shape(data["exact"]["covariances"]) == SHAPES[covariance]
    assert np.shape(data["means"]) == (2, 2) and np.shape(data["weights"]) == (2,)
    weights, means, covs = m_step(np.array(X, dtype=float), np.array([[float(sp.Rational(v)) for v in row]
                                                                      for row in R]), covariance)
    np.testing.assert_allclose(data["covariances"], covs, rtol=1e-12)
    np.testing.assert_allclose(data["means"], means, rtol=1e-12)
    np.testing.assert_allclose(data["weights"], weights, rtol=1e-12)
    assert r.check(data).ok  # the JSON output passes its own check


@st.composite
def problems(draw):
    n, d, K = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    q = st.fractions(min_value=-9, max_value=9, max_denominator=10)
    Xs = [[sp.Rational(draw(q)) for _ in range(d)] for _ in range(n)]
    rows = []
    for _ in range(n):
        raw = [draw(st.integers(1, 9)) for _ in range(K)]
        rows.append([sp.Rational(v, sum(raw)) for v in raw])
    return Xs, rows


@pytest.mark.parametrize("covariance", list(SHAPES))
@settings(max_examples=12, deadline=None)
@given(problem=problems())
def test_worked_m_step_equals_numeric_m_step(covariance, problem):
    Xs, rows = problem
    r = mstep(Xs, rows, covariance)
    weights, means, covs = m_step(np.array(Xs, dtype=float), np.array(rows, dtype=float), covariance)
    data = r.to_dict()
    np.testing.assert_allclose(data["weights"], weights, rtol=1e-10)
    np.testing.assert_allclose(data["means"], means, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.reshape(data["covariances"], covs.shape), covs, rtol=1e-9, atol=1e-11)


def test_student_check_names_the_location(files):
    r = mstep(*files, "diag")
    answer = json.loads(r.to_json())
    answer["means"][1][0] = 3.5
    report = r.check(answer)
    assert [d.location for d in report.discrepancies] == ["means[1][0]"]
    assert report.discrepancies[0].step == r.step_number("mu_2")
    assert r.check({"weights": ["11/20", 0.45], "covariances": [["564/275", "668/605"], ["84/25", "808/405"]]}).ok


def test_rounded_rows_are_accepted_with_a_note():
    rows = [["0.3333333333", "0.6666666666"], ["1/2", "1/2"]]  # the first sums to 1 - 1e-10
    r = mstep([[0], [1]], rows, "spherical")
    assert any("within 1e-9" in note for note in r.notes)


@pytest.mark.parametrize("data,resp,message", [
    (X, [["1/2", "1/2"]] * 4, "resp: 4 rows, but data has 5 points"),
    (X, R[:-1] + [["1/2", "1/3"]], "resp: row 5 sums to 5/6"),
    (X, R[:-1] + [["3/2", "-1/2"]], "resp: row 5, column 2 is -1/2"),
    (X, [["1", "0"]] * 5, "resp: component 2 has N_2 = 0"),
    ([[0, 0], [1]], [["1"], ["1"]], "data: row 2 has 1 values, row 1 has 2"),
    ([[0, "a"]], [["1"]], "data row 1, column 2: 'a' is not a number"),
])
def test_bad_input_is_named(data, resp, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        mstep(data, resp, "full")


def test_cli_bad_csv_one_line_exit_2(run_cli, tmp_path, files):
    xfile, rfile = files
    bad = write_csv(tmp_path / "bad.csv", [[0, 0], [1, "abc"], [0, 1], [4, 4], [5, 3]], ["x1", "x2"])
    status, out, err = run_cli("gmm", "mstep", "--data", bad, "--resp", rfile)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "--data: bad.csv: row 3, column 2 (x2): 'abc' is not a number" in err
    zero = write_csv(tmp_path / "zero.csv", [["1", "0"]] * 5)
    status, out, err = run_cli("gmm", "mstep", "--data", xfile, "--resp", zero)
    assert status == 2 and "N_2 = 0" in err and "undefined" in err and err.count("\n") == 1
    status, out, err = run_cli("gmm", "mstep", "--data", tmp_path / "nope.csv", "--resp", rfile)
    assert status == 2 and err.startswith("workedout: error: --data: cannot read")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("1,abc\n2,3\n")
    status, out, err = run_cli("gmm", "mstep", "--data", mixed, "--resp", rfile)
    assert status == 2 and "row 1 mixes numbers and text (column 2: 'abc')" in err
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3\n")
    status, out, err = run_cli("gmm", "mstep", "--data", ragged, "--resp", rfile)
    assert status == 2 and err.startswith("workedout: error: --data:") and err.count("\n") == 1


def test_cli_formats_and_check(run_cli, tmp_path, files):
    xfile, rfile = files
    for fmt in ("text", "tex", "md", "json"):
        status, out, err = run_cli("gmm", "mstep", "--data", xfile, "--resp", rfile, "--covariance", "tied",
                                   "--format", fmt)
        assert status == 0 and out
    answer = tmp_path / "answer.json"
    status, _, _ = run_cli("gmm", "mstep", "--data", xfile, "--resp", rfile, "--format", "json", "-o", answer)
    assert status == 0
    assert run_cli("gmm", "mstep", "--data", xfile, "--resp", rfile, "--check", answer)[0] == 0
