"""The E-step and M-step check reports: root causes, errors carried forward, misconceptions, marks.

Every student's answer here is computed by a wrong-rule implementation in
floats (numpy/scipy), written independently of derivations.gmm._check, and
typed as a student types it (7 significant digits, as text).
"""
import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings, strategies as st
from scipy.stats import multivariate_normal, norm

from workedout.derivations.gmm import estep, mstep
from workedout.derivations.gmm._check import ESTEP_CATALOGUE, MSTEP_CATALOGUE

SETTINGS = settings(max_examples=6, deadline=None)


def typed(v):
    """A value as a student writes it: 7 significant digits, as text."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return [typed(x) for x in v]
    if v == 0:
        return "0"
    return np.format_float_positional(float(v), precision=7, unique=False, fractional=False, trim="k") \
        if abs(float(v)) >= 1e-4 else f"{float(v):.6e}"


def ids(d):
    return set(d.misconception["id"].split(" + ")) if d.misconception else set()


# ==================================================================== E-step
@st.composite
def mixtures(draw):
    K = draw(st.integers(2, 3))
    raw = [draw(st.integers(1, 5)) for _ in range(K)]
    weights = [sp.Rational(r, sum(raw)) for r in raw]
    means = [sp.Rational(draw(st.integers(-6, 6)), 2) for _ in range(K)]
    sds = [sp.Rational(draw(st.integers(2, 12)), 4) for _ in range(K)]
    x = sp.Rational(draw(st.integers(-6, 6)), 3)
    return x, weights, means, sds


def chain(x, weights, means, sds, *, density=None, weighted=None, normalise=True):
    """The E-step in floats, with a rule replaced: density(x, mu, sd), weighted(w, dens), normalise."""
    density = density or (lambda x_, m, s: norm.pdf(x_, m, s))
    weighted = weighted or (lambda w, dv: w * dv)
    dens = [density(float(x), float(m), float(s)) for m, s in zip(means, sds)]
    num = [weighted(float(w), dv) for w, dv in zip(weights, dens)]
    ev = sum(num)
    resp = [v / ev for v in num] if normalise else list(num)
    return {"densities": dens, "weighted_densities": num, "evidence": ev, "responsibilities": resp}


RULES = {
    "sd-as-variance": dict(density=lambda x_, m, s: norm.pdf(x_, m, math.sqrt(s))),
    "missing-prior": dict(weighted=lambda w, dv: dv),
    "unnormalised": dict(normalise=False),
    "log-density": dict(density=lambda x_, m, s: norm.logpdf(x_, m, s)),
}


def test_catalogue_ids_are_the_contract():
    assert [m.id for m in ESTEP_CATALOGUE] == list(RULES)
    assert [m.id for m in MSTEP_CATALOGUE] == ["divide-by-n", "old-mean", "unbiased", "unweighted",
                                               "raw-second-moment", "equal-weights"]


@pytest.mark.parametrize("mid", list(RULES))
@pytest.mark.parametrize("keys", ["all", "responsibilities"])
@SETTINGS
@given(problem=mixtures())
def test_estep_misconception_is_named_at_its_root(mid, keys, problem):
    x, weights, means, sds = problem
    r = estep(x, weights, means, sds)
    values = chain(x, weights, means, sds, **RULES[mid])
    answer = {k: typed(v) for k, v in values.items() if keys == "all" or k == keys}
    report = r.check(answer)
    assume(not report.ok)
    roots = [d for d in report.discrepancies if d.cause == "root"]
    first_stage = {"sd-as-variance": "densities", "log-density": "densities", "missing-prior": "weighted_densities",
                   "unnormalised": "responsibilities"}[mid] if keys == "all" else "responsibilities"
    assert roots and roots[0].location.startswith(first_stage), [d.location for d in roots]
    assert all(mid in ids(d) for d in roots), [(d.location, d.misconception) for d in roots]
    assert report.answer["roots"] == len(roots)
    step = r.step_number({"sd-as-variance": "pdf", "log-density": "pdf"}.get(mid, "bayes"))
    assert roots[0].step == step


@SETTINGS
@given(problem=mixtures(), data=st.data())
def test_estep_one_wrong_density_everything_after_follows(problem, data):
    x, weights, means, sds = problem
    r = estep(x, weights, means, sds)
    K = len(weights)
    j = data.draw(st.integers(0, K - 1))
    dens = [norm.pdf(float(x), float(m), float(s)) for m, s in zip(means, sds)]
    dens[j] *= 1.5
    num = [float(w) * dv for w, dv in zip(weights, dens)]
    ev = sum(num)
    answer = {"densities": typed(dens), "weighted_densities": typed(num), "evidence": typed(ev),
              "responsibilities": typed([v / ev for v in num])}
    report = r.check(answer)
    assert report.answer["roots"] == 1
    root = report.discrepancies[0]
    assert root.location == f"densities[{j}]" and root.subject == f"density of component {j + 1}"
    follows = report.discrepancies[1:]
    assert follows and all(d.cause == "follows" and d.follows_from == root.location for d in follows)
    marks = report.answer["marks"]
    assert marks["possible"] == 3 * K + 1 and marks["awarded"] == marks["possible"] - 1
    strict = r.check(answer, ecf=False).answer["marks"]
    assert strict["awarded"] == marks["possible"] - 1 - len(follows)


def test_estep_issue_example_reads_well():
    """sigma read as a variance, three components: named, the root first, decimals not nested exp forms."""
    r = estep("1/3", ["1/5", "3/10", "1/2"], [0, 1, "5/2"], ["1/2", 1, 2])
    values = chain(sp.Rational(1, 3), [sp.Rational(1, 5), sp.Rational(3, 10), sp.Rational(1, 2)],
                   [0, 1, sp.Rational(5, 2)], [sp.Rational(1, 2), 1, 2], **RULES["sd-as-variance"])
    report = r.check({k: typed(v) for k, v in values.items()})
    text = report.to_text()
    assert "exp(" not in text and "[sd-as-variance]" in text
    assert report.discrepancies[0].subject == "density of component 1"
    assert report.discrepancies[0].step == r.step_number("pdf")
    entry = report.answer["discrepancies"][0]
    assert entry["misconception"]["id"] == "sd-as-variance" and entry["cause"] == "root"
    # density of component 2 has sigma = 1: right, and so are its weighted density... every other value follows
    assert report.answer["roots"] == 2
    assert report.answer["marks"] == {**report.answer["marks"], "awarded": 8, "possible": 10}


def test_estep_d_dimensional_variance_as_sd():
    covs = [[[1, 0], [0, 2]], [[2, 1], [1, 2]]]
    r = estep([1, 2], ["1/3", "2/3"], [[0, 0], [1, 1]], covariances=covs)
    dens = [multivariate_normal.pdf([1, 2], m, np.array(c) @ np.array(c)) for m, c in zip([[0, 0], [1, 1]], covs)]
    num = [w * d for w, d in zip([1 / 3, 2 / 3], dens)]
    report = r.check({"responsibilities": typed([v / sum(num) for v in num])})
    assert report.answer["roots"] == 2 and all("sd-as-variance" in ids(d) for d in report.discrepancies)
    assert report.discrepancies[1].subject == "responsibility of component 2"


def test_estep_correct_answers_as_students_type_them():
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    assert r.check({"responsibilities": ["0.1824", "81.76%"]}).ok
    assert r.check({"densities": ["0.05399", "0.2420"], "weighted_densities": ["0.02700", "0.1210"],
                    "evidence": "0.1480", "responsibilities": ["0.1824", "0.8176"]}).ok
    assert r.check({"responsibilities": ["1/(1+exp(3/2))", "1/(1+exp(-3/2))"]}).ok
    assert r.check(json.loads(r.to_json())).ok


def test_estep_rounded_intermediates_still_follow():
    """A student rounding every value to 4 digits, from a wrong density on: one root, the rest carried."""
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    dens = [0.06, norm.pdf(2, 1, 1)]
    num = [0.5 * v for v in dens]
    ev = sum(num)
    answer = {"densities": ["0.06000", f"{dens[1]:.4g}"], "weighted_densities": [f"{v:.4g}" for v in num],
              "evidence": f"{ev:.4g}", "responsibilities": [f"{v / ev:.4g}" for v in num]}
    report = r.check(answer)
    assert report.answer["roots"] == 1 and report.discrepancies[0].location == "densities[0]"


# ==================================================================== M-step
@st.composite
def mstep_problems(draw, d=None):
    n = draw(st.integers(3, 6))
    d = d or draw(st.integers(1, 2))
    K = draw(st.integers(2, 3))
    X = [[draw(st.integers(-5, 5)) for _ in range(d)] for _ in range(n)]
    R = []
    for _ in range(n):
        raw = [draw(st.integers(1, 9)) for _ in range(K)]
        R.append([sp.Rational(v, sum(raw)) for v in raw])
    prev = [[draw(st.integers(-3, 3)) for _ in range(d)] for _ in range(K)]
    return X, R, prev


def m_step(X, R, ctype, *, means_div="nk", cov_div="nk", weighted=True, centre="new", pool="pool", prev=None,
           nk_shift=None):
    """The M-step in numpy with a rule replaced (independent of the checker)."""
    X = np.array(X, float)
    R = np.array([[float(sp.Rational(v)) for v in row] for row in R])
    n, d = X.shape
    K = R.shape[1]
    nk = R.sum(0)
    if nk_shift is not None:
        nk[nk_shift] += 0.5
    N = float(n)
    W = R if weighted else np.ones_like(R)
    div_m = {"nk": nk, "N": np.full(K, N), "n": np.full(K, N)}[means_div]
    mu = (W.T @ X) / div_m[:, None]
    centres = {"new": mu, "zero": np.zeros((K, d)), "prev": np.array(prev, float)}[centre]
    S = np.array([(W[:, k, None, None] * (X - centres[k])[:, :, None] * (X - centres[k])[:, None, :]).sum(0)
                  for k in range(K)])
    if ctype == "tied":
        if pool == "equal":
            cov = sum(S[k] / nk[k] for k in range(K)) / K
        else:
            cov = S.sum(0) / {"nk": N, "N-1": N - 1, "KN": K * N}[cov_div]
    else:
        div = {"nk": nk, "N": np.full(K, N), "nk-1": nk - 1, "n": np.full(K, N)}[cov_div]
        full = S / div[:, None, None]
        cov = {"full": full, "diag": np.array([np.diag(c) for c in full]),
               "spherical": np.array([np.trace(c) / d for c in full])}[ctype]
    exact_zero = lambda a: np.where(np.abs(a) < 1e-12, 0.0, a)  # float noise where the value is 0
    return {"nk": nk, "weights": nk / N, "means": exact_zero(mu), "covariances": exact_zero(cov)}


MRULES = {  # id -> (rule, the types it applies to, the first stage it breaks)
    "divide-by-n": (dict(means_div="N", cov_div="N"), ("full", "diag", "spherical"), "means"),
    "unbiased": (dict(cov_div="nk-1"), ("full", "diag", "spherical"), "covariances"),
    "unbiased-tied": (dict(cov_div="N-1"), ("tied",), "covariances"),
    "unweighted": (dict(weighted=False, means_div="nk", cov_div="nk"), ("full", "diag", "spherical"), "means"),
    "unweighted-tied": (dict(weighted=False, cov_div="nk"), ("tied",), "means"),
    "raw-second-moment": (dict(centre="zero"), ("full", "tied", "diag", "spherical"), "covariances"),
    "old-mean": (dict(centre="prev"), ("full", "tied", "diag", "spherical"), "covariances"),
    "equal-weights": (dict(pool="equal"), ("tied",), "covariances"),
}


@pytest.mark.parametrize("rule", list(MRULES))
@pytest.mark.parametrize("ctype", ["full", "tied", "diag", "spherical"])
@SETTINGS
@given(problem=mstep_problems())
def test_mstep_misconception_is_named_at_its_root(rule, ctype, problem):
    spec, types, stage = MRULES[rule]
    if ctype not in types:
        return
    mid = rule.removesuffix("-tied")
    X, R, prev = problem
    if rule == "unweighted-tied":
        spec = dict(weighted=False)  # means unweighted too: sum x_i / N_k; tied scatter over N
    r = mstep(X, R, ctype, previous_means=prev if mid == "old-mean" else None)
    values = m_step(X, R, ctype, prev=prev, **spec)
    if mid == "unbiased":
        assume(min(values["nk"]) > 1.05)
    report = r.check({k: typed(v) for k, v in values.items()})
    assume(not report.ok)
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert roots and roots[0].location.startswith(stage), [d.location for d in roots]
    named = [d for d in roots if mid in ids(d)]
    assert named and named[0] is roots[0], [(d.location, d.misconception) for d in roots]
    assert all(mid in ids(d) for d in roots if d.location.startswith(stage))


@SETTINGS
@given(problem=mstep_problems(d=2))
def test_old_mean_from_the_full_covariances_alone(problem):
    X, R, prev = problem
    r = mstep(X, R, "full")   # no previous means: the excess over the right covariance is rank one
    values = m_step(X, R, "full", centre="prev", prev=prev)
    report = r.check({k: typed(v) for k, v in values.items()})
    assume(not report.ok)
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert roots and all("old-mean" in ids(d) for d in roots), [(d.location, d.misconception) for d in roots]


@pytest.mark.parametrize("ctype", ["full", "tied", "diag", "spherical"])
@SETTINGS
@given(problem=mstep_problems(), data=st.data())
def test_mstep_one_wrong_nk_everything_after_follows(ctype, problem, data):
    X, R, _ = problem
    K = len(R[0])
    j = data.draw(st.integers(0, K - 1))
    r = mstep(X, R, ctype)
    values = m_step(X, R, ctype, nk_shift=j)
    report = r.check({k: typed(v) for k, v in values.items()})
    assert report.answer["roots"] == 1, [(d.location, d.cause) for d in report.discrepancies]
    root = report.discrepancies[0]
    assert root.location == f"nk[{j}]" and root.subject == f"N_{j + 1}"
    marks = report.answer["marks"]
    assert marks["awarded"] == marks["possible"] - 1
    follows = report.discrepancies[1:]
    assert follows and all(d.follows_from == root.location for d in follows)
    assert r.check({k: typed(v) for k, v in values.items()}, ecf=False).answer["marks"]["awarded"] == \
        marks["possible"] - 1 - len(follows)


def test_mstep_subjects_and_steps():
    X = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 3]]
    R = [["9/10", "1/10"], ["4/5", "1/5"], ["3/4", "1/4"], ["1/10", "9/10"], ["1/5", "4/5"]]
    r = mstep(X, R, "full")
    values = m_step(X, R, "full", cov_div="nk-1")
    report = r.check({k: typed(v) for k, v in values.items()})
    d = report.discrepancies[0]
    assert d.subject == "covariance of component 1, entry (1, 1)" and d.step == r.step_number("cov_1")
    assert report.answer["roots"] == 6   # the entries (2, 1) repeat the student's (1, 2): they follow
    mirror = next(e for e in report.discrepancies if e.location == "covariances[0][1][0]")
    assert mirror.cause == "follows" and mirror.follows_from == "covariances[0][0][1]"
    values = m_step(X, R, "full", weighted=False)
    report = r.check({k: typed(v) for k, v in values.items()})
    d = report.discrepancies[0]
    assert d.subject == "mean of component 1, coordinate 1" and d.step == r.step_number("wsum_1")
    assert "unweighted" in ids(d)


def test_mstep_correct_answers_as_students_type_them():
    X = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 3]]
    R = [["9/10", "1/10"], ["4/5", "1/5"], ["3/4", "1/4"], ["1/10", "9/10"], ["1/5", "4/5"]]
    r = mstep(X, R, "diag")
    assert r.check({"nk": ["11/4", 2.25], "weights": ["55%", "0.45"], "means": [["0.8", "0.6364"], ["3.467", "25/9"]],
                    "covariances": [["2.051", "1.104"], ["3.36", "1.995"]]}).ok


def test_previous_means_are_checked():
    with pytest.raises(ValueError, match="previous_means: expected 2 means of 2 coordinates"):
        mstep([[0, 0], [1, 1]], [["1/2", "1/2"], ["1/2", "1/2"]], "full", previous_means=[[0, 0]])
    r = mstep([[0, 0], [1, 1]], [["1/2", "1/2"], ["1/2", "1/2"]], "full", previous_means="[[0, 0], [1, 1]]")
    assert r.check(r.to_dict()).ok


# ====================================================================== CLI
def test_cli_check_reveal_and_no_ecf(run_cli, tmp_path):
    X = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 3]]
    R = [["9/10", "1/10"], ["4/5", "1/5"], ["3/4", "1/4"], ["1/10", "9/10"], ["1/5", "4/5"]]
    (tmp_path / "X.csv").write_text("\n".join(",".join(map(str, row)) for row in X) + "\n")
    (tmp_path / "R.csv").write_text("\n".join(",".join(row) for row in R) + "\n")
    prev = [[1, 0], [4, 4]]
    values = m_step(X, R, "spherical", centre="prev", prev=prev)
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({k: typed(v) for k, v in values.items()}))
    base = ["gmm", "mstep", "--data", tmp_path / "X.csv", "--resp", tmp_path / "R.csv", "--covariance", "spherical",
            "--previous-means", "[[1, 0], [4, 4]]", "--check", answer]
    status, out, err = run_cli(*base, "--format", "json")
    assert status == 1, err
    data = json.loads(out)
    assert data["roots"] == 2 and data["discrepancies"][0]["misconception"]["id"] == "old-mean"
    assert data["discrepancies"][0]["subject"] == "variance of component 1"
    status, out, _ = run_cli(*base, "--reveal", "where", "--format", "json")
    entry = json.loads(out)["discrepancies"][0]
    assert entry["misconception"] is None and entry["expected"] is None
    status, out, _ = run_cli(*base, "--reveal", "why")
    assert "old-mean" in out and "previous mean" in out
    # one wrong N_1 carried through: with ECF one mark lost, without every value after it
    values = m_step(X, R, "spherical", nk_shift=0)
    answer.write_text(json.dumps({k: typed(v) for k, v in values.items()}))
    ecf = json.loads(run_cli(*base, "--format", "json")[1])["marks"]
    strict = json.loads(run_cli(*base, "--no-ecf", "--format", "json")[1])["marks"]
    assert ecf["awarded"] == ecf["possible"] - 1 and strict["awarded"] < ecf["awarded"]


def test_cli_estep_check(run_cli, tmp_path):
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"responsibilities": ["0.5", "0.5"]}))
    status, out, _ = run_cli("gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1",
                             "--check", answer)
    assert status == 1 and "responsibility of component 1" in out
