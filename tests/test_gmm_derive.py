"""The derived EM updates: every step checked, the updates equal the numeric EM, students' updates diagnosed."""
import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations import matrix_calculus as mc
from workedout.derivations.gmm import CANONICAL, Instance, derive, estep, evaluate_update, parse_update
from workedout.derivations.gmm._syntax import compare_update
from workedout.derivations.result import Chain, Section
from workedout.numerics.gmm import e_step, m_step
from tests.conftest import require_pdflatex

TYPES = ["full", "tied", "diag", "spherical"]
DEFINITIONS = {"mixture"}  # the model itself: nothing to check


# ------------------------------------------------------------ matrix calculus
@pytest.mark.parametrize("name", sorted(mc.IDENTITIES))
def test_each_identity_is_proved_in_dimensions_1_2_3(name):
    assert mc.prove(name)


def test_the_proof_machinery_is_exact_and_can_fail():
    R, m = mc.poly_ring(3)
    A = m["s"]
    S = sp.Matrix(3, 3, lambda a, b: sp.Symbol(f"s_{a + 1}{b + 1}"))
    assert R.to_sympy(mc.pdet(A)) - S.det() == 0 if hasattr(R, "to_sympy") else True
    adj = mc.padj(A)
    assert all(sp.expand(adj[a][b].as_expr() - S.adjugate()[a, b]) == 0 for a in range(3) for b in range(3))
    det = mc.pdet(A)
    # Jacobi's formula holds with the transpose of the adjugate and fails without it (non-symmetric A)
    assert det.diff(A[0][1]) == adj[1][0]
    assert det.diff(A[0][1]) != adj[0][1]
    assert not mc.is_zero(S.det() - 1) and mc.is_zero(S.inv() * S - sp.eye(3))


# ------------------------------------------------------------------ derive
@pytest.fixture(scope="module")
def derivation():
    return derive("all")


def test_every_step_is_machine_checked_except_the_definition(derivation):
    steps = derivation.numbered_steps()
    assert len(steps) > 45
    unchecked = {s.label for _, s in steps if s.check is None}
    assert unchecked == DEFINITIONS
    sections = [s.title for s in derivation.steps if isinstance(s, Section)]
    for needle in ("E-step", "means", "weights", "Full", "Tied", "Diagonal", "Spherical", "Second-order",
                   "K-means", "one-dimensional"):
        assert any(needle in t for t in sections), needle


def test_the_derivation_follows_the_issue(derivation):
    labels = [s.label for _, s in derivation.numbered_steps()]
    for label in ("complete", "bayes", "Q", "grad_mu", "solve_mu", "N", "lagrange", "lambda", "weights",
                  "solve_full", "solve_tied", "solve_diag", "solve_spherical", "hess_mu", "hess_cov", "hess_var",
                  "hess_pi", "km_limit", "km_means", "solve_mu_1d", "solve_var_1d", "summary"):
        assert label in labels, label
    # every final update says it was substituted back
    for label in ("solve_mu", "weights", "solve_full", "solve_tied", "solve_diag", "solve_spherical",
                  "solve_mu_1d", "solve_var_1d"):
        step = dict((s.label, s) for _, s in derivation.numbered_steps())[label]
        assert step.check.how.startswith("(a) substituted back"), label
    # the moves SymPy does not make are shown steps with their reasons
    grad = dict((s.label, s) for _, s in derivation.numbered_steps())["grad_mu"].statement
    assert isinstance(grad, Chain) and len(grad.rhs) == 5
    reasons = " ".join(part for r in grad.reasons for part in r if isinstance(part, str))
    assert "pull it out" in reasons and "split the sum" in reasons


def test_answer_keys_and_json(derivation):
    data = json.loads(derivation.to_json())
    assert data["kind"] == "gmm.derive"
    assert data["means"] == "sum(gamma_ik*x_i)/N_k"
    assert data["weights"] == "N_k/N"
    assert set(data["covariances"]) == set(TYPES)
    assert data["covariances"]["spherical"] == "sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/(d*N_k)"
    single = derive("diag").to_dict()
    assert single["covariances"] == "sum(gamma_ik*(x_ij - mu_kj)^2)/N_k"
    assert "reasons" in data["steps"][2]["statement"]


def test_latex_is_lecture_notes(derivation):
    tex = derivation.to_latex()
    assert tex.count(r"\begin{align}") > 40
    assert r"&& \text{" in tex and r"\eqref{eq:gmm-derive:" in tex and r"\tag{" in tex
    assert r"\gamma_{ik}" in tex and "{\\gamma}_{i,k}" not in tex
    assert r"\frac{1}{N_{k}} \sum_{i=1}^{n} \gamma_{ik} x_{i}" in tex  # the 1-D mean update, factor in front
    md = derivation.to_markdown()
    assert "\\begin{aligned}" in md and "&& \\text{" in md


def test_derivation_compiles_to_pdf(tmp_path):
    require_pdflatex()
    pdf = derive("tied").to_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20000


# ---------------------------------------------- (b) derived == numerics
def _floats(v):
    if isinstance(v, sp.MatrixBase):
        return np.array(v.tolist(), dtype=float).squeeze(axis=1 if v.cols == 1 else None)
    return float(v)


@st.composite
def data_and_resp(draw, max_n=6):
    d = draw(st.integers(1, 3))
    K = draw(st.integers(1, 3))
    n = draw(st.integers(1, max_n))
    q = st.fractions(min_value=-5, max_value=5, max_denominator=8)
    X = [sp.Matrix([sp.Rational(draw(q)) for _ in range(d)]) for _ in range(n)]
    rows = []
    for _ in range(n):
        raw = [draw(st.integers(1, 9)) for _ in range(K)]
        rows.append([sp.Rational(v, sum(raw)) for v in raw])
    return Instance(X, sp.Matrix(rows))


def _as_arrays(inst):
    X = np.array([[float(v) for v in xv] for xv in inst.X])
    R = np.array([[float(v) for v in inst.resp.row(p)] for p in range(inst.n)])
    return X, R


@pytest.mark.parametrize("covariance_type", TYPES)
@settings(max_examples=25, deadline=None)
@given(inst=data_and_resp())
def test_derived_m_step_equals_numeric_m_step(covariance_type, inst):
    X, R = _as_arrays(inst)
    weights, means, covs = m_step(X, R, covariance_type)
    ours_means = evaluate_update("means", CANONICAL["means"], inst)
    ours_weights = evaluate_update("weights", CANONICAL["weights"], inst)
    ours_cov = evaluate_update(covariance_type, CANONICAL[covariance_type], inst, means=ours_means)
    np.testing.assert_allclose([float(w) for w in ours_weights], weights, rtol=1e-10)
    np.testing.assert_allclose(np.array([_floats(m) for m in ours_means]).reshape(means.shape), means,
                               rtol=1e-9, atol=1e-12)
    ours = np.array([_floats(c) for c in ours_cov]).reshape(covs.shape)
    np.testing.assert_allclose(ours, covs, rtol=1e-9, atol=1e-11)


@st.composite
def mixtures(draw):
    d = draw(st.integers(1, 3))
    K = draw(st.integers(1, 3))
    n = draw(st.integers(1, 4))
    q = st.fractions(min_value=-3, max_value=3, max_denominator=4)
    X = [sp.Matrix([sp.Rational(draw(q)) for _ in range(d)]) for _ in range(n)]
    raw = [draw(st.integers(1, 5)) for _ in range(K)]
    weights = [sp.Rational(v, sum(raw)) for v in raw]
    means = [sp.Matrix([sp.Rational(draw(q)) for _ in range(d)]) for _ in range(K)]
    covs = []
    for _ in range(K):
        A = sp.Matrix(d, d, lambda a, b: sp.Rational(draw(st.integers(-2, 2)), 2))
        covs.append(A * A.T + sp.eye(d) * sp.Rational(draw(st.integers(1, 4)), 2))
    return Instance(X, sp.ones(n, K) / K, weights, means, covs)


@settings(max_examples=25, deadline=None)
@given(inst=mixtures())
def test_derived_e_step_equals_numeric_e_step(inst):
    resp = evaluate_update("responsibilities", CANONICAL["responsibilities"], inst)
    X, _ = _as_arrays(inst)
    _, oracle = e_step(X, np.array([float(w) for w in inst.weights]),
                       np.array([[float(v) for v in m] for m in inst.means]),
                       np.array([np.array(C.tolist(), dtype=float) for C in inst.covariances]), "full")
    ours = np.array([float(sp.N(v, 30)) for v in resp]).reshape(oracle.shape)
    np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=1e-300)
    assert np.allclose(ours.sum(axis=1), 1)


def test_worked_d_dimensional_estep_equals_numerics():
    r = estep("[1, 2]", "1/2,1/2", "[[0, 0], [1, 1]]", covariances="[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]")
    _, oracle = e_step(np.array([[1.0, 2.0]]), np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]),
                       np.array([np.eye(2), [[2.0, 1.0], [1.0, 2.0]]]), "full")
    np.testing.assert_allclose([float(sp.N(g)) for g in r.answer["responsibilities"]], oracle[0], rtol=1e-12)
    assert all(s.check for _, s in r.numbered_steps()[2:])
    # the covariance types in scikit-learn's shapes give the same full matrices
    for ctype, covs in (("tied", "[[2, 1], [1, 2]]"), ("diag", "[[1, 1], [2, 2]]"), ("spherical", "1, 2")):
        r2 = estep([1, 2], ["1/2", "1/2"], [[0, 0], [1, 1]], covariances=covs, covariance_type=ctype)
        assert sp.simplify(sum(r2.answer["responsibilities"]) - 1) == 0


@pytest.mark.parametrize("kwargs,message", [
    (dict(covariances="[[[1, 2], [2, 1]], [[1, 0], [0, 1]]]"), "item 1 is not positive definite"),
    (dict(covariances="[[[1, 2], [0, 1]], [[1, 0], [0, 1]]]"), "item 1 is not symmetric"),
    (dict(covariances="[[[1, 0], [0, 1]]]"), "give 2 matrices of 2 x 2"),
    (dict(covariances="[[1, 0], [0, 1]]", sds="1,1"), "not both"),
])
def test_d_dimensional_estep_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        estep("[1, 2]", "1/2,1/2", "[[0, 0], [1, 1]]", **{"sds": None, **kwargs})


# ---------------------------------------------------------- student check
def test_own_json_passes_its_check(derivation):
    report = derivation.check(json.loads(derivation.to_json()))
    assert report.ok and report.answer["n_compared"] == 7


def test_equivalent_forms_are_accepted(derivation):
    answer = {"means": "(1/N_k)*sum(x_i*gamma_ik)", "weights": "sum(gamma_ik)/n",
              "covariances": {"full": "sum(gamma_ik*outer(x_i, x_i))/N_k - outer(mu_k, mu_k)",
                              "diag": "diag(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k)))/N_k",
                              "spherical": "trace(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k)))/(d*N_k)",
                              "tied": "sum(N_k*sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k, k)/N"}}
    assert derivation.check(answer).ok


@pytest.mark.parametrize("key,given,reason", [
    ("means", "sum(gamma_ik*x_i)/N", "divides by N (all points) instead of N_k"),
    ("weights", "N_k", "not normalised"),
    ("covariances.full", "sum(gamma_ik*outer(x_i, x_i))/N_k", "not centred"),
    ("covariances.full", "sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/(N_k - 1)", "Bessel"),
    ("covariances.spherical", "sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/N_k", "missing the factor 1/d"),
    ("covariances.tied", "sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k, k)/K", "equal weights 1/K"),
    ("means", "sum(gamma_ik*x_i)/N_k + 1", "adds a d-vector and a number"),
    ("means", "sum(x_i*x_i)/N_k", "dot(a, a)"),
    ("means", "sum(gamma_ik*x_i)/N_k + 2*sum(gamma_ik*x_i)/n", "differs from the derived update"),
    ("weights", "__import__('os').system('true')", "cannot read it"),
    ("covariances.diag", "sum(gamma_ik*x_i)/N_k", "the mean of"),
])
def test_wrong_updates_are_named_with_the_reason(derivation, key, given, reason):
    answer = {key: given} if "." not in key else {"covariances": {key.split(".")[1]: given}}
    report = derivation.check(answer)
    assert not report.ok
    (d,) = report.discrepancies
    assert d.location == key and reason in d.reason, d.reason
    assert d.step is not None


def test_check_structure_errors(derivation):
    report = derivation.check({"covariances": "sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k", "mean": "x"})
    reasons = {d.location: d.reason for d in report.discrepancies}
    assert "expected an object with the keys" in reasons["covariances"]
    assert "unknown key" in reasons["mean"]
    assert not derivation.check({"means": 3}).ok
    single = derive("full")
    assert single.check({"covariances": CANONICAL["full"]}).ok


def test_answer_syntax_is_parsed_without_eval():
    assert parse_update("sum(gamma_ik*x_i)/N_k").free_symbols
    for hostile in ["open('/etc/passwd')", "x_i.__class__", "lambda: 1", "sum(x_i, q)", "dot(x_i)"]:
        with pytest.raises(ValueError):
            parse_update(hostile)
    assert compare_update("means", "sum(gamma_ik*x_i, k)") is not None


# --------------------------------------------------------------------- CLI
def test_cli_derive_and_check(run_cli, tmp_path):
    status, out, err = run_cli("gmm", "derive", "--covariance", "spherical", "--format", "json")
    assert status == 0 and json.loads(out)["covariances"] == CANONICAL["spherical"]
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"means": CANONICAL["means"], "covariances": "sum(gamma_ik*dot(x_i-mu_k, x_i-mu_k))/N_k"}))
    status, out, err = run_cli("gmm", "derive", "--covariance", "spherical", "--check", answer, "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert [d["location"] for d in report["discrepancies"]] == ["covariances"]
    status, out, err = run_cli("gmm", "derive", "--covariance", "round")
    assert status == 2 and "invalid choice" in err and err.count("\n") == 1


def test_cli_estep_d_dimensional(run_cli):
    status, out, err = run_cli("gmm", "estep", "--x", "[1, 2]", "--weights", "1/2,1/2", "--means", "[[0, 0], [1, 1]]",
                               "--covariances", "[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]", "--format", "json")
    assert status == 0
    assert abs(sum(json.loads(out)["responsibilities"]) - 1) < 1e-12
    status, out, err = run_cli("gmm", "estep", "--x", "[1, 2]", "--weights", "1/2,1/2", "--means", "[[0, 0], [1]]",
                               "--covariances", "[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]")
    assert status == 2 and err.startswith("workedout: error: --means") and err.count("\n") == 1
    status, out, err = run_cli("gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1")
    assert status == 2 and "--sds" in err


@pytest.mark.parametrize("covariance", ["full", "tied", "diag", "spherical"])
def test_each_covariance_type_derives_alone(covariance):
    """Each derivation stands alone: no reference to a step of another type's (tied once cited full's)."""
    r = derive(covariance)
    assert r.answer["covariances"] and r.to_text() and r.to_latex()
