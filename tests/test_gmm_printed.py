"""Exercises typed as textbooks print them (issue 14): variances, roots, rounded weights, decimals as given,
one precision, negative means, and gmm fit's --reg-covar and --tol 0."""
import json

import numpy as np
import pytest
import sympy as sp

from workedout.derivations.exact import parse_root, to_float
from workedout.derivations.gmm import estep
from workedout.derivations.gmm._fit import fit

ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1"]


def _same(a, b):
    return all(sp.simplify(u - v) == 0 for u, v in zip(a.answer["responsibilities"], b.answer["responsibilities"]))


def test_variances_beside_sds():
    by_sd = estep(2, ["1/2", "1/2"], [0, 1], ["1/2", "3/2"])
    by_var = estep(2, ["1/2", "1/2"], [0, 1], variances=["1/4", "9/4"])
    assert _same(by_sd, by_var)
    text = by_var.to_text()
    assert "σ₁² = 1/4" in text and "1/sqrt(2*pi*(9/4)) * exp(-(2 - 1)^2/(2*(9/4)))" in text
    with pytest.raises(ValueError, match="variances: give either sds or variances"):
        estep(2, ["1/2", "1/2"], [0, 1], [1, 1], variances=[1, 1])
    with pytest.raises(ValueError, match="variances: item 2 is 0; a variance must be positive"):
        estep(2, ["1/2", "1/2"], [0, 1], variances=[1, 0])


def test_variances_on_the_command_line(run_cli):
    status, out, _ = run_cli(*ESTEP, "--variances", "1/4,9/4", "--format", "json")
    assert status == 0
    reference = json.loads(estep(2, ["1/2", "1/2"], [0, 1], ["1/2", "3/2"]).to_json())
    assert json.loads(out)["exact"]["responsibilities"] == reference["exact"]["responsibilities"]


def test_exact_roots_as_standard_deviations_and_variances(run_cli):
    assert parse_root("sqrt(2)") == sp.sqrt(2) and parse_root("3*sqrt(2)/2") == 3 * sp.sqrt(2) / 2
    for bad in ("pi", "exp(1)", "sqrt(-1)", "sqrt(x)"):
        with pytest.raises(ValueError, match="sds"):
            parse_root(bad, what="sds")
    r = estep(1, ["1/2", "1/2"], [0, 2], ["sqrt(2)", "1"])
    assert _same(r, estep(1, ["1/2", "1/2"], [0, 2], variances=[2, 1]))
    assert "σ₁ = √2" in r.to_text()
    status, out, _ = run_cli(*ESTEP, "--sds", "sqrt(2),1", "--format", "json")
    assert status == 0 and json.loads(out)["exact"]["densities"][0] == "exp(-1)/(2*sqrt(pi))"
    status, out, _ = run_cli(*ESTEP, "--variances", "sqrt(2),1")  # a root is a variance too
    assert status == 0


def test_rounded_weights_refused_with_a_hint_then_normalised(run_cli):
    args = ("gmm", "estep", "--x", "1", "--weights", "0.33,0.33,0.35", "--means", "0,1,2", "--sds", "1,1,1")
    status, _, err = run_cli(*args)
    assert status == 2 and "--weights: the weights sum to 1.01 (0.33 + 0.33 + 0.35)" in err
    assert "use --normalize-weights" in err
    status, out, _ = run_cli(*args, "--normalize-weights")
    assert status == 0
    assert "Note: The weights 0.33, 0.33, 0.35 sum to 1.01" in out and "33/101, 33/101, 35/101" in out
    r = estep(1, ["0.33", "0.33", "0.35"], [0, 1, 2], [1, 1, 1], normalize_weights=True)
    assert sum(to_float(g) for g in r.answer["responsibilities"]) == pytest.approx(1)
    assert r.notes and "divided by their sum" in r.notes[0]
    # d dimensions too
    r2 = estep([1, 2], "0.5,0.6", [[0, 0], [1, 1]], covariances=[[[1, 0], [0, 1]], [[2, 1], [1, 2]]],
               normalize_weights=True)
    assert "0.5, 0.6 sum to 1.1" in r2.notes[0]


def test_decimals_shown_as_given_and_one_precision():
    r = estep("3.19", "0.3,0.7", "2.5,-1.25", "1.5,0.5")
    text = r.to_text()
    assert "x = 3.19" in text and "π₁ = 0.3" in text and "μ₂ = -1.25" in text and "σ₁ = 1.5" in text
    assert "319/100" not in text and "3/10" not in text
    assert "exp(-(3.19 - 2.5)^2/(2*1.5^2))" in text and "(3.19 - (-1.25))" in text
    data = json.loads(r.to_json())
    assert data["givens"][0]["value"] == 3.19 and data["givens"][0]["exact"] == "3.19"
    assert data["exact"]["responsibilities"] == json.loads(
        estep("319/100", "3/10,7/10", "5/2,-5/4", "3/2,1/2").to_json())["exact"]["responsibilities"]
    # every decimal of the steps has `digits` significant digits: densities, weighted densities, evidence
    for digits in (3, 4, 6):
        shown = estep("3.19", "0.3,0.7", "2.5,-1.25", "1.5,0.5", digits=digits).to_text()
        approx = [line.split("≈ ")[1].split()[0] for line in shown.splitlines() if "≈ " in line]
        assert len(approx) >= 7
        for a in approx:
            mantissa = a.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
            assert len(mantissa) == digits, (digits, a)
    with pytest.raises(ValueError, match="digits: expected a whole number"):
        estep(2, ["1/2", "1/2"], [0, 1], [1, 1], digits=0)


def test_estep_shows_plain_decimals_and_a_short_exact_form_only():
    text = estep(2, ["1/2", "1/2"], [0, 1], ["1/2", "3/2"]).to_text()
    assert "≈ 0.0002677" in text and "≈ 0.2130" in text            # the densities
    assert "≈ 0.0001338" in text and "1/2 * 0.2130" in text        # the weighted densities
    assert "≈ 0.1066    # 0.0001338 + 0.1065" in text              # the evidence
    assert "sqrt(2)*exp(-8)" not in text                           # a long exact form is not shown
    short = estep(2, ["1/2", "1/2"], [0, 1], [1, 1]).to_text()
    assert "1 + ℯ" in short or "1/(1 + exp(3/2))" in short         # the short log-odds form is


def test_digits_on_the_command_line(run_cli):
    _, out4, _ = run_cli(*ESTEP, "--sds", "1,1")
    _, out6, _ = run_cli(*ESTEP, "--sds", "1,1", "--digits", "6")
    assert "≈ 0.1824" in out4 and "≈ 0.182426" in out6
    _, j4, _ = run_cli(*ESTEP, "--sds", "1,1", "--format", "json")
    _, j6, _ = run_cli(*ESTEP, "--sds", "1,1", "--format", "json", "--digits", "6")
    assert {k: v for k, v in json.loads(j4).items() if k != "steps"} == \
           {k: v for k, v in json.loads(j6).items() if k != "steps"}


def test_negative_means_on_the_command_line(run_cli):
    status, out, _ = run_cli("gmm", "estep", "--x", "-1", "--weights", "1/2,1/2", "--means", "-3,2",
                             "--sds", "1,1")
    assert status == 0 and "μ₁ = -3" in out and "(-1 - (-3))" in out


def test_fit_reg_covar_and_tol_zero(run_cli):
    status, out, _ = run_cli("gmm", "fit", "iris", "--k", "2", "--columns", "petal_width", "--tol", "0",
                             "--max-iter", "7", "--reg-covar", "0", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["n_iter"] == 7 and len(data["lower_bounds"]) == 7
    assert any("tol = 0" in n for n in data["notes"])
    a = fit("iris", k=2, columns="petal_width", reg_covar=1e-6)
    b = fit("iris", k=2, columns="petal_width", reg_covar=0.1)
    assert not np.allclose(a.answer["covariances"], b.answer["covariances"])
    assert "reg_covar = 0.1" in b.to_text()
    for flag in ("--reg-covar", "--tol"):
        status, _, err = run_cli("gmm", "fit", "iris", "--k", "2", flag, "-1")
        assert status == 2 and f"argument {flag}: must be at least 0" in err


def test_mstep_shows_decimals_as_given(tmp_path):
    from workedout.derivations.gmm import mstep
    (tmp_path / "X.csv").write_text("x\n3.19\n1.5\n4.25\n")
    (tmp_path / "R.csv").write_text("0.9,0.1\n0.8,0.2\n0.25,0.75\n")
    r = mstep(tmp_path / "X.csv", tmp_path / "R.csv", "full")
    text = r.to_text()
    assert "319/100" not in text and "9/10" not in text
    assert "N_1 = 0.9 + 0.8 + 0.25 = 1.95" in text and "0.9 (3.19) + 0.8 (1.5) + 0.25 (4.25) = (5.1335)" in text
    assert "(10267/3900)    # ≈ (2.633)" in text          # a fraction where the decimal does not end
    assert r.answer["nk"][0] == sp.Rational(39, 20)      # the arithmetic stays exact
    fractions = mstep([[0], [1], [4]], [[1, 0], ["4/5", "1/5"], [0, 1]], "full").to_text()
    assert "4/5" in fractions                              # typed as fractions: shown as fractions
