"""The theorems of mixtures and K-means: the proofs build with every step checked or stated, the false variants
are refuted by the proofs' own checks, and the same claims hold by hypothesis beyond the proofs' families."""
from __future__ import annotations

import json
import math
import shutil
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from workedout.derivations.theorems import gmm as G

NAMES = ("em-monotone", "kmeans-limit", "lloyd-monotone")


@pytest.fixture(scope="module")
def proofs():
    return {th.name: th.proof() for th in G.THEOREMS}


@pytest.fixture(scope="module")
def false_variants():
    return {th.name: th.false_variant() for th in G.THEOREMS}


def test_the_module_holds_the_named_theorems():
    assert tuple(th.name for th in G.THEOREMS) == NAMES
    assert [th.topic for th in G.THEOREMS] == ["gmm", "kmeans", "kmeans"]
    assert all(th.statement and "\n" not in th.statement for th in G.THEOREMS)


@pytest.mark.parametrize("th", G.THEOREMS, ids=lambda th: th.name)
def test_every_step_is_checked_or_a_definition_or_premise(th, proofs):
    proof = proofs[th.name]
    steps = [s for _, s in proof.numbered_steps()]
    assert proof.theorem and steps and proof.kind.startswith("theorem.")
    assert all(s.check is not None or s.role in ("definition", "premise") for s in steps)
    assert any(s.role == "premise" for s in steps), "a proof states its premises"
    assert sum(s.check is not None for s in steps) >= 2
    assert all("not machine-checked" not in s.check.how for s in steps if s.check)


@pytest.mark.parametrize("th", G.THEOREMS, ids=lambda th: th.name)
def test_the_false_variant_is_refuted_by_the_same_check(th, false_variants):
    found = false_variants[th.name]
    assert found.counterexample is not None and found.cases >= 1 and found.detail
    result = found.as_result()
    assert result.answer["holds"] is False
    assert "Counterexample" in result.render("text")


def test_the_counterexamples_are_real(false_variants):
    kl = false_variants["em-monotone"].detail
    q = [Fraction(v) for v in kl["q"]]
    p = [Fraction(v) for v in kl["p"]]
    assert sum(q) == 1 and sum(p) > 1
    assert sum(float(a) * math.log(a / b) for a, b in zip(q, p) if a) < 0
    km = false_variants["kmeans-limit"].detail
    d, c = km["distances"], km["variance_factors"]
    nearest = d.index(min(d))
    assert km["limits"][nearest] == "0"           # the nearest mean gets nothing in the limit
    assert d[nearest] / c[nearest] > min(x / y for x, y in zip(d, c))
    ll = false_variants["lloyd-monotone"].detail
    pts = [Fraction(v) for v in ll["points"]]
    labels = [k - 1 for k in ll["labels"]]
    for key in ("centres", "medians"):
        sse = sum((x - Fraction(ll[key][k])) ** 2 for x, k in zip(pts, labels))
        assert sse == Fraction(ll["sse_before" if key == "centres" else "sse_after"])
    assert Fraction(ll["sse_after"]) > Fraction(ll["sse_before"])


# ------------------------------------------------------------------ the same claims by hypothesis
weights = st.lists(st.integers(0, 30), min_size=2, max_size=7)


@given(weights, st.data())
@settings(max_examples=200, deadline=None)
def test_gibbs_inequality_on_random_distributions(a, data):
    assume(sum(a) > 0)
    b = data.draw(st.lists(st.integers(1, 30), min_size=len(a), max_size=len(a)))
    q = tuple(Fraction(v, sum(a)) for v in a)
    p = tuple(Fraction(v, sum(b)) for v in b)
    assert G._kl_nonnegative((q, p)) and G._jensen((q, p)) and G._kl_zero_iff_equal((q, p))
    assert G._kl_float(q, p) >= -1e-12


@given(st.lists(st.floats(0.01, 10), min_size=2, max_size=6), st.data())
@settings(max_examples=100, deadline=None)
def test_the_decomposition_holds_numerically(joint, data):
    q = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=len(joint), max_size=len(joint))))
    q /= q.sum()
    a = np.array(joint)
    lower = np.sum(q * np.log(a / q))
    kl = -np.sum(q * np.log((a / a.sum()) / q))
    assert math.isclose(np.log(a.sum()), lower + kl, rel_tol=1e-9, abs_tol=1e-9)


@given(st.integers(0, 10_000), st.sampled_from(G._EM_TYPES), st.integers(2, 4))
@settings(max_examples=12, deadline=None)
def test_em_never_decreases_the_likelihood_on_other_data(seed, ct, K):
    from workedout.numerics.gmm import GaussianMixture
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(rng.uniform(-4, 4, size=2), 1.0, size=(25, 2)) for _ in range(K)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm = GaussianMixture(K, covariance_type=ct, reg_covar=0.0, tol=0.0, max_iter=15, init_params="random",
                             random_state=seed).fit(X)
    assert G._monotone_history((ct, seed, tuple(gm.lower_bounds_)))


@given(st.lists(st.floats(0, 20), min_size=2, max_size=5), st.data())
@settings(max_examples=100, deadline=None)
def test_the_responsibilities_harden_as_the_variance_shrinks(d, data):
    d = np.array(d)
    order = np.sort(d)
    assume(order[1] - order[0] >= 0.5)
    pi = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=len(d), max_size=len(d))))
    pi /= pi.sum()
    s2 = 0.01
    logs = np.log(pi) - d / (2 * s2)
    gamma = np.exp(logs - logs.max())
    gamma /= gamma.sum()
    assert abs(gamma[np.argmin(d)] - 1) < 1e-6


@given(st.lists(st.integers(0, 5), min_size=2, max_size=3))
@settings(max_examples=8, deadline=None)
def test_the_limit_by_sympy_on_other_distances(d):
    from sympy import Rational
    K = len(d)
    assert G._limit_claim((tuple(d), (1,) * K, (Rational(1, K),) * K, 1))


points = st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=2, max_size=10)


@given(points, st.integers(2, 4), st.data())
@settings(max_examples=150, deadline=None)
def test_both_steps_of_lloyd_never_increase_the_sse(pts, K, data):
    pts = tuple((Fraction(x), Fraction(y)) for x, y in pts)
    centres = tuple((Fraction(data.draw(st.integers(-9, 9))), Fraction(data.draw(st.integers(-9, 9))))
                    for _ in range(K))
    labels = tuple(data.draw(st.integers(0, K - 1)) for _ in pts)
    assert G._assignment_claim((pts, labels, centres))
    assert G._update_claim(G._mean)((pts, labels, centres))
    m = (Fraction(data.draw(st.integers(-20, 20)), 2), Fraction(data.draw(st.integers(-20, 20)), 2))
    cluster = [x for x, c in zip(pts, labels) if c == 0] or list(pts)
    mean = G._mean(cluster)
    assert G._sse(cluster, [0] * len(cluster), [mean]) <= G._sse(cluster, [0] * len(cluster), [m])


# ------------------------------------------------------------------ printing
def test_the_proofs_print_as_theorems_in_every_format(proofs):
    proof = proofs["em-monotone"]
    tex = proof.render("tex")
    assert tex.index(r"\begin{theorem}") < tex.index(r"\begin{proof}") < tex.index(r"\end{proof}")
    assert "Theorem." in proof.render("text") and "**Theorem.**" in proof.render("md")
    for name in NAMES:
        obj = json.loads(proofs[name].render("json"))
        assert obj["theorem"]["text"]
        assert all(s["checked"] for s in obj["steps"] if s["role"] is None)
        assert {"definition", "premise"} <= {s["role"] for s in obj["steps"]} | {"definition"}
    pytest.importorskip("jsonschema")
    from workedout.derivations import schema
    schema.validate(json.loads(proof.render("json")))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_compiles(proofs, false_variants):
    from workedout.derivations.pdf import compile_pdf
    from workedout.derivations.printers import latex_document
    pdf = compile_pdf(latex_document([proofs[n] for n in NAMES] + [false_variants[n].as_result() for n in NAMES]))
    assert pdf.startswith(b"%PDF")
