"""The worked E-step by Bayes' rule against the independent numeric E-step."""
import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from workedout.derivations.exact import to_float
from workedout.derivations.gmm import estep
from workedout.numerics.gmm import e_step

small = st.fractions(min_value=-3, max_value=3, max_denominator=4)
positive = st.fractions(min_value=sp.Rational(1, 4), max_value=3, max_denominator=4).filter(lambda f: f > 0)


def test_course_example_is_one_over_one_plus_e_to_three_halves():
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    gamma = r.answer["responsibilities"]
    assert sp.simplify(gamma[0] - 1 / (1 + sp.exp(sp.Rational(3, 2)))) == 0
    data = json.loads(r.to_json())
    assert data["exact"]["responsibilities"][0] == "1/(1 + exp(3/2))"
    assert f"{data['responsibilities'][0]:.6g}" == "0.182426"
    assert "0.1824" in r.to_text() and "0.182426" in estep(2, ["1/2", "1/2"], [0, 1], [1, 1], digits=6).to_text()


@st.composite
def mixtures(draw):
    K = draw(st.integers(1, 3))
    raw = [draw(st.integers(1, 5)) for _ in range(K)]
    weights = [sp.Rational(r, sum(raw)) for r in raw]
    means = [sp.Rational(draw(small)) for _ in range(K)]
    sds = [sp.Rational(draw(positive)) for _ in range(K)]
    return sp.Rational(draw(small)), weights, means, sds


@given(mixtures())
def test_worked_estep_equals_numeric_estep(m):
    x, weights, means, sds = m
    r = estep(x, weights, means, sds)
    gamma = r.answer["responsibilities"]
    # exactly 1 symbolically, positive
    assert sp.simplify(sp.Add(*gamma) - 1) == 0
    assert all(to_float(g) > 0 for g in gamma)
    _, resp = e_step(np.array([[float(x)]]), np.array([float(w) for w in weights]),
                     np.array([[float(mu)] for mu in means]), np.array([float(s) ** 2 for s in sds]),
                     "spherical")
    assert abs(resp[0].sum() - 1) < 1e-12
    np.testing.assert_allclose([to_float(g) for g in gamma], resp[0], rtol=1e-10, atol=1e-300)
    # every step that claims a check really was checked by the construction
    assert all(s.check is not None for _, s in r.numbered_steps()[1:])


@pytest.mark.parametrize("args,message", [
    ((2, ["1/2", "1/2"], [0, 1], [1, 0]), "sds: item 2 is 0"),
    ((2, ["1/2", "1/2"], [0, 1], [1, -1]), "sds: item 2 is -1"),
    ((2, ["1/2", "1/3"], [0, 1], [1, 1]), "weights: the weights sum to 5/6"),
    ((2, ["1/2", "1/2"], [0], [1, 1]), "means: 1 values given, but weights has 2"),
    ((2, ["1/2", "1/2"], [0, "a"], [1, 1]), "means item 2: 'a' is not a number"),
    (("x", ["1"], [0], [1]), "x: 'x' is not a number"),
])
def test_bad_input_is_named(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        estep(*args)


def test_check_of_own_json_passes_and_one_change_is_named(tmp_path):
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    data = json.loads(r.to_json())
    assert r.check(data).ok
    wrong = json.loads(r.to_json())
    wrong["responsibilities"][1] = 0.7
    report = r.check(wrong)
    assert not report.ok
    assert [d.location for d in report.discrepancies] == ["responsibilities[1]"]
    d = report.discrepancies[0]
    assert d.step == r.step_number("gamma_2") and "responsibility of component 2" in d.step_why
    wrong_exact = json.loads(r.to_json())
    wrong_exact["exact"]["evidence"] = "1/2"
    assert [d.location for d in r.check(wrong_exact).discrepancies] == ["exact.evidence"]


def test_student_answers_in_their_own_forms():
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    assert r.check({"responsibilities": ["0.182426", 0.817574]}).ok           # 6 significant digits
    assert r.check({"responsibilities": ["1/(1+exp(3/2))", "exp(3/2)/(1+exp(3/2))"]}).ok
    assert not r.check({"responsibilities": [0.2, 0.8]}).ok                     # 1 digit is not enough
    assert not r.check({"responsibilities": ["0.182"]}).ok                      # wrong count of entries
    report = r.check({"responsibility": [0.18]})
    assert "unknown key" in report.discrepancies[0].reason


def test_a_wrong_integer_is_reported_not_crashed():
    from workedout.derivations.result import Result
    r = Result(kind="t", title="t", answer={"count": sp.Integer(7), "counts": [sp.Integer(1), 2]})
    report = r.check({"count": 8, "counts": [1, "3"]})
    assert [(d.location, d.expected, d.given) for d in report.discrepancies] == [
        ("count", "7", "8"), ("counts[1]", "2", "3")]
