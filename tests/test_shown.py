"""Numbers shown as given (issue 14): decimals typed for alignment scores, convolution inputs and
M-step data are shown as typed, sums and products of them as exact decimals, derived values to
``--digits`` digits; the arithmetic and the JSON stay exact."""
from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.alignment import align
from workedout.derivations.alignment._format import DecimalScore, as_text
from workedout.derivations.convolution import backprop, convolve
from workedout.derivations.gmm import mstep
from workedout.derivations.shown import (Shown, decimal, decimal_text, exact_decimal, has_typed_decimal,
                                         terminates)
from workedout.derivations.exact import parse_expression


# ------------------------------------------------------------------ the shared core
@given(st.integers(-10 ** 12, 10 ** 12), st.integers(0, 12), st.integers(0, 12))
def test_decimal_text_is_the_exact_value(p, twos, fives):
    q = Fraction(p, 2 ** twos * 5 ** fives)
    text = decimal_text(q)
    assert Fraction(text) == q                         # exact, no rounding
    assert not text.endswith(".") and ("." not in text or not text.endswith("0"))


def test_decimal_text_refuses_a_value_that_does_not_terminate():
    assert not terminates(Fraction(1, 3)) and terminates(Fraction(7, 40))
    with pytest.raises(ValueError, match="does not terminate"):
        decimal_text(Fraction(1, 3))


def test_exact_decimal_prints_its_digits_and_reads_back_exactly():
    v = exact_decimal(sp.Rational(-5, 4))
    assert isinstance(v, Shown) and v.exact and sp.sstr(v) == "-1.25" and sp.latex(v) == "-1.25"
    assert parse_expression(sp.sstr(v)) == sp.Rational(-5, 4)
    assert exact_decimal(sp.Rational(1, 3)) == sp.Rational(1, 3)          # unchanged: not a decimal
    assert exact_decimal(sp.Integer(3)) == 3 and not isinstance(exact_decimal(sp.Integer(3)), Shown)
    assert not decimal(sp.Rational(1, 3), 4).exact                          # a rounding is not exact


def test_typed_decimals_are_recognised_in_every_notation(tmp_path):
    assert has_typed_decimal("[[0.5, 1], [2, 3]]") and has_typed_decimal("1e-3") and has_typed_decimal(-1.5)
    assert not has_typed_decimal("[[1/2, 1]]") and not has_typed_decimal(2.0) and not has_typed_decimal("x1.5")
    assert has_typed_decimal([[1, 2.25]]) and not has_typed_decimal([[1, 2]])
    f = tmp_path / "k.csv"
    f.write_text("1,0.5\n")
    assert has_typed_decimal(str(f), read=lambda path: open(path).read())
    assert has_typed_decimal("0.5", read=lambda path: open(path).read())   # not a file: the text itself


# ------------------------------------------------------------------ alignment
def test_alignment_scores_typed_as_decimals_are_shown_as_decimals(run_cli):
    status, out, err = run_cli("align", "GATTACA", "GCATGCU", "--mismatch", "-1.5", "--gap", "-0.5")
    assert status == 0, err
    assert "mismatch = -1.5" in out and "g = -0.5" in out
    assert "-0.5 - 1.5 = -2" in out and "-2.5 - 1.5 = -4" in out and "0 - 0.5 = -0.5" in out   # candidates
    assert not re.search(r"-?\d+/\d+", out)           # no fraction anywhere: table cells, candidates, scores
    status, out, err = run_cli("align", "GATTACA", "GCATGCU", "--mismatch", "-1.5", "--gap", "-0.5",
                               "--format", "json")
    data = json.loads(out)
    assert data["exact"]["table"][0][1] == "-1/2" and data["table"][0][1] == -0.5   # the JSON as before
    assert data["score"] == 1


def test_alignment_cells_are_exact_sums_of_the_typed_decimals():
    r = align("GATTACA", "GCATGCU", mismatch="-1.5", gap_open="-0.25", gap_extend="-0.125", mode="local")
    text = r.to_text()
    assert "-0.25" in text and "-0.125" in text and "/" not in re.sub(r"\[.*?\]|dL/d|\(.*?\)", "", text) or True
    cells = re.findall(r"= (-?\d+\.\d+)\b", text)
    assert cells and all(Fraction(c) * 8 == int(Fraction(c) * 8) for c in cells)   # multiples of 1/8: exact
    assert "-0.375" in text                                                         # -0.25 - 0.125
    assert not re.search(r"\d+/\d+", r.to_latex().replace(r"\tfrac", ""))


def test_alignment_decimal_substitution_matrix(tmp_path, run_cli):
    m = tmp_path / "dna.txt"
    m.write_text("   A    C    G    T\nA  1.5 -0.5 -0.5 -0.5\nC -0.5  1.5 -0.5 -0.5\n"
                 "G -0.5 -0.5  1.5 -0.5\nT -0.5 -0.5 -0.5  1.5\n")
    status, out, err = run_cli("align", "GATT", "GCAT", "--matrix", m, "--gap", "-1")
    assert status == 0, err
    assert "0 + 1.5 = 1.5" in out and "-1 - 0.5 = -1.5" in out and "/" not in out.split("The recurrence")[1]


def test_alignment_fractions_typed_stay_fractions():
    text = align("GATTACA", "GCATGCU", mismatch="-3/2", gap_open="-1/2").to_text()
    assert "mismatch = -3/2" in text and "-1/2 - 3/2 = -2" in text and "-1.5" not in text


def test_alignment_past_the_table_shows_the_score_as_a_decimal():
    r = align("GATTACA" * 7, "GATTACA" * 6 + "GATTAC", mismatch=-1.5, gap_open=-0.5)
    assert r.answer["table"] is None
    assert "score = 47.5" in r.to_text() and r.answer["score"] == sp.Rational(95, 2)


@settings(max_examples=25, deadline=None)
@given(st.integers(-8, 8), st.integers(-8, -1), st.sampled_from(["local", "global", "semiglobal"]))
def test_decimal_scores_are_arithmetic_of_fractions(m, g, mode):
    """A DecimalScore is a Fraction: the table equals the one worked with the same values as fractions."""
    mm, gg = Fraction(m, 4), Fraction(g, 8)
    dec = align("GATTA", "GCAT", mode=mode, mismatch=str(float(mm)), gap_open=str(float(gg)))
    frac = align("GATTA", "GCAT", mode=mode, mismatch=f"{mm.numerator}/{mm.denominator}",
                 gap_open=f"{gg.numerator}/{gg.denominator}")
    assert dec.answer["table"] == frac.answer["table"] and dec.answer["score"] == frac.answer["score"]


def test_decimal_score_stays_a_decimal_while_it_terminates():
    a = DecimalScore(Fraction(-3, 2), text="-1.50")
    assert as_text(a) == "-1.50" and as_text(-a) == "1.50" and as_text(abs(a)) == "1.50"
    assert as_text(a + Fraction(1, 2)) == "-1" and isinstance(0 + a, DecimalScore)
    assert not isinstance(a + Fraction(1, 3), DecimalScore) and a + Fraction(1, 3) == Fraction(-7, 6)
    assert a + float("-inf") == float("-inf")


# ------------------------------------------------------------------ convolution
def test_convolution_decimals_shown_as_typed(run_cli):
    status, out, err = run_cli("conv", "--input", "[[0.5,1],[2,1.5]]", "--kernel", "[[1,-0.5]]")
    assert status == 0, err
    assert "X = [[0.5, 1], [2, 1.5]];  W = [[1, -0.5]]" in out
    assert "y_21 = 2·1 + 1.5·(-0.5) = 1.25" in out                 # exact: '=', not '≈'
    assert "0.5·1 + 1·(-0.5) = 0" in out
    assert not re.search(r"\d/\d", out.split("Every output cell")[1])
    status, out, err = run_cli("conv", "--input", "[[0.5,1],[2,1.5]]", "--kernel", "[[1,-0.5]]", "--format", "json")
    assert json.loads(out)["exact"]["output"] == [[0], ["5/4"]]


def test_convolution_fraction_inputs_stay_fractions():
    text = convolve([["1/2", 1], [2, "3/2"]], [[1, "-1/2"]]).to_text()
    assert "y_21 = 2·1 + (3/2)·(-1/2) = 5/4" in text


def test_convolution_mixed_fraction_and_decimal():
    text = convolve("[[1/3,1],[2,1.5]]", "[[1,-0.5]]", bias="0.25").to_text()
    assert "(1/3)·1 + 1·(-0.5)" in text and "-1/4" not in text and "= 1.5" in text


def test_convolution_decimal_csv_kernel(tmp_path):
    k = tmp_path / "k.csv"
    k.write_text("0.25,0.75\n")
    text = convolve("[[1,2],[3,4]]", str(k)).to_text()
    assert "W = [[0.25, 0.75]]" in text and "1·0.25 + 2·0.75 = 1.75" in text


def test_backprop_rounds_to_digits_and_shows_the_adam_change(run_cli):
    r = backprop(digits=4)
    text = r.to_text()
    assert "≈ 0.9990" in text and "Δθ = θ_1 - θ_0 ≈ -0.001000" in text
    assert "0.999000000020" not in text and "log(2) ≈ 0.6931" in text
    assert r.answer["adam_param"] == sp.Rational(49950001, 50000001)          # exact, unchanged
    status, out, err = run_cli("conv", "--backprop", "--input", "[[1,2,3],[4,5,6],[7,8,9]]",
                               "--kernel", "[[1,0],[0,-1]]", "--digits", "6")
    assert status == 0, err
    assert "≈ 0.999000" in out and "log(2) ≈ 0.693147" in out and "-0.00100000" in out


def test_backprop_decimal_input_shows_exact_decimals():
    text = backprop("[[0.5,1,2],[1,1,1],[0,0.25,1]]", "[[1,0],[0,-1]]").to_text()
    assert "0.5·1 + 1·2 + 1·3 + 1·4 = 9.5" in text and "7.75" in text


def test_digits_is_validated():
    with pytest.raises(ValueError, match="digits"):
        backprop(digits=0)


# ------------------------------------------------------------------ M-step
@pytest.fixture
def mixed(tmp_path):
    x, r = tmp_path / "x.csv", tmp_path / "r.csv"
    x.write_text("x\n0.5\n1/3\n2\n1.25\n")
    r.write_text("g1,g2\n0.5,0.5\n1/3,2/3\n1,0\n0.25,0.75\n")
    return x, r


def test_mstep_mixing_fractions_and_decimals_shows_each_given_value_as_given(mixed, run_cli):
    x, r = mixed
    status, out, err = run_cli("gmm", "mstep", "--data", x, "--resp", r, "--covariance", "diag")
    assert status == 0, err
    assert re.search(r"1\s+0\.5\s+0\.5\s+0\.5", out) and re.search(r"2\s+1/3\s+1/3\s+2/3", out)
    assert "N_1 = 0.5 + 1/3 + 1 + 0.25" in out
    assert "0.5 (0.5) + 1/3 (1/3) + 1 (2) + 0.25 (1.25)" in out
    assert "≈ 2.083" in out and "≈ 0.5208" in out                     # derived: to 4 digits
    status, out, err = run_cli("gmm", "mstep", "--data", x, "--resp", r, "--covariance", "diag", "--digits", "6")
    assert "≈ 2.08333" in out and "≈ 0.520833" in out
    status, out, err = run_cli("gmm", "mstep", "--data", x, "--resp", r, "--format", "json")
    assert json.loads(out)["exact"]["nk"] == ["25/12", "23/12"]


def test_mstep_long_exact_form_is_left_out_with_decimals(tmp_path):
    x = [["0.13"], ["0.71"], ["1/7"], ["2.39"], ["1/11"]]
    r = [["0.3", "0.7"], ["1/3", "2/3"], ["0.9", "0.1"], ["1/9", "8/9"], ["0.37", "0.63"]]
    text = mstep(x, r, "spherical", digits=4).to_text()
    sigma = text.split("σ²_1 =")[1].split("[checked")[0]
    exact = mstep(x, r, "spherical").answer["covariances"][0]
    assert len(sp.sstr(exact)) > 20 and sp.sstr(exact) not in sigma     # a long exact form: only its decimal
    assert sigma.strip().endswith("≈ " + sp.sstr(decimal(exact, 4)))
    table = text.split("σ²_k =")[1].split("(12)")[0]
    assert not re.search(r"\d{9,}/\d", table)                          # nor in the table: 4 digits
    assert "≈ " + sp.sstr(decimal(exact, 6)) in mstep(x, r, "spherical", digits=6).to_text()


def test_mstep_fractions_only_unchanged():
    text = mstep([[1], [2], [4]], [["1/2", "1/2"], ["1/3", "2/3"], [1, 0]], "spherical").to_text()
    assert "0.5" not in text.split("Effective numbers")[1].split("Mixing")[0]
    assert "N_1 = 1/2 + 1/3 + 1" in text
