"""The theorems of a CNN's backward pass: the proofs build with every step checked or stated, the false variants
are refuted by the proofs' own checks, and the same claims hold by hypothesis beyond the proofs' families."""
from __future__ import annotations

import json
import shutil
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from workedout.derivations.theorems import cnn as C

NAMES = ("softmax-ce-gradient", "relu-maxpool-gradient", "conv-backprop")


@pytest.fixture(scope="module")
def proofs():
    return {th.name: th.proof() for th in C.THEOREMS}


@pytest.fixture(scope="module")
def false_variants():
    return {th.name: th.false_variant() for th in C.THEOREMS}


def test_the_module_holds_the_named_theorems():
    assert tuple(th.name for th in C.THEOREMS) == NAMES
    assert all(th.topic == "cnn" and th.statement for th in C.THEOREMS)


@pytest.mark.parametrize("th", C.THEOREMS, ids=lambda th: th.name)
def test_every_step_is_checked_or_a_definition_or_premise(th, proofs):
    proof = proofs[th.name]
    steps = [s for _, s in proof.numbered_steps()]
    assert proof.theorem and steps and proof.kind.startswith("theorem.")
    assert all(s.check is not None or s.role in ("definition", "premise") for s in steps)
    assert any(s.role == "premise" for s in steps), "a proof states its premises"
    assert sum(s.check is not None for s in steps) >= 2


@pytest.mark.parametrize("th", C.THEOREMS, ids=lambda th: th.name)
def test_the_false_variant_is_refuted_by_the_same_check(th, false_variants):
    found = false_variants[th.name]
    assert found.counterexample is not None and found.cases >= 1 and found.detail
    assert found.as_result().answer["holds"] is False


def test_the_counterexamples_are_real(false_variants):
    sm = false_variants["softmax-ce-gradient"].detail
    assert Fraction(sm["gradient"]) == -Fraction(sm["claimed"]) != 0
    mp = false_variants["relu-maxpool-gradient"].detail
    window = [v for row in mp["window"] for v in row]
    assert [Fraction(v) for v in mp["gradient"]] == [int(v == max(window)) for v in window]
    assert [Fraction(v) for v in mp["claimed"]] == [Fraction(1, 4)] * 4
    cb = false_variants["conv-backprop"].detail
    assert (cb["n"], cb["k"]) == (2, 2) and cb["derivative"] != cb["claimed"]


# ------------------------------------------------------------------ the same claims by hypothesis
@given(st.lists(st.floats(-5, 5), min_size=2, max_size=8), st.data())
@settings(max_examples=100, deadline=None)
def test_softmax_cross_entropy_gradient_by_finite_differences(z, data):
    z = np.array(z)
    y = np.array(data.draw(st.lists(st.floats(0, 1), min_size=len(z), max_size=len(z)))) + 1e-3
    y /= y.sum()

    def loss(v):
        top = v.max()
        return -np.sum(y * (v - top - np.log(np.exp(v - top).sum())))
    p = np.exp(z - z.max())
    p /= p.sum()
    h = 1e-6
    numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(len(z))])
    assert np.allclose(numeric, p - y, atol=1e-6)


def test_the_softmax_rule_symbolically_for_k_five():
    import sympy as sp
    claim = C._softmax_claim(C._true_rule)
    assert all(claim((5, "one-hot", [sp.Integer(int(j == c)) for j in range(5)], k)) for c in (0, 4) for k in range(5))


@given(st.lists(st.integers(-20, 20), min_size=4, max_size=4, unique=True), st.integers(-6, 6).filter(bool))
@settings(max_examples=100, deadline=None)
def test_max_routes_to_the_argmax(window, g):
    assert C._routing_claim(C._route_argmax)((tuple(window), g))


@given(st.sampled_from([((4, 4), 2, 2), ((6, 4), 2, 2), ((5, 5), 2, 1), ((6, 6), 3, 3), ((7, 7), 3, 2)]),
       st.randoms(use_true_random=False))
@settings(max_examples=25, deadline=None)
def test_maxpool_backprop_on_other_inputs(spec, rnd):
    (h, w), size, stride = spec
    vals = rnd.sample(range(-50, 50), h * w)
    X = [vals[r * w:(r + 1) * w] for r in range(h)]
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    G = [[rnd.randint(-5, 5) for _ in range(ow)] for _ in range(oh)]
    assert C._layer_claim((X, G, size, stride))


@given(st.integers(-1000, 1000).filter(bool))
def test_relu_gradient_on_other_inputs(a):
    assert C._relu_claim(Fraction(a, 7))


def _correlate(A, B):
    oh, ow = A.shape[0] - B.shape[0] + 1, A.shape[1] - B.shape[1] + 1
    return np.array([[np.sum(A[i:i + B.shape[0], j:j + B.shape[1]] * B) for j in range(ow)] for i in range(oh)])


@given(st.integers(2, 9), st.data())
@settings(max_examples=60, deadline=None)
def test_conv_backprop_rules_by_finite_differences(n, data):
    k = data.draw(st.integers(1, n))
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    X, W = rng.normal(size=(n, n)), rng.normal(size=(k, k))
    G = rng.normal(size=(n - k + 1, n - k + 1))
    b = rng.normal()

    def loss(X, W, b):
        return np.sum(G * (_correlate(X, W) + b))
    dX = _correlate(np.pad(G, k - 1), W[::-1, ::-1])
    dW = _correlate(X, G)
    h = 1e-6
    for (r, c) in [(0, 0), (n - 1, n - 1), (n // 2, (n - 1) // 2)]:
        E = np.zeros_like(X)
        E[r, c] = h
        assert np.isclose((loss(X + E, W, b) - loss(X - E, W, b)) / (2 * h), dX[r, c], atol=1e-5)
    E = np.zeros_like(W)
    E[k - 1, 0] = h
    assert np.isclose((loss(X, W + E, b) - loss(X, W - E, b)) / (2 * h), dW[k - 1, 0], atol=1e-5)
    assert np.isclose((loss(X, W, b + h) - loss(X, W, b - h)) / (2 * h), G.sum(), atol=1e-5)


def test_conv_backprop_symbolically_beyond_the_family():
    assert C._dx_claim(C._rotated)((6, 3)) and C._dw_db_claim((6, 3))
    assert not C._dx_claim(C._not_rotated)((6, 3))


# ------------------------------------------------------------------ printing
def test_the_proofs_print_as_theorems_in_every_format(proofs):
    for name in NAMES:
        proof = proofs[name]
        tex = proof.render("tex")
        assert tex.index(r"\begin{theorem}") < tex.index(r"\begin{proof}") < tex.index(r"\end{proof}")
        assert "Theorem." in proof.render("text") and "**Theorem.**" in proof.render("md")
        obj = json.loads(proof.render("json"))
        assert obj["theorem"]["text"] and all(s["checked"] for s in obj["steps"] if s["role"] is None)
    pytest.importorskip("jsonschema")
    from workedout.derivations import schema
    schema.validate(json.loads(proofs["conv-backprop"].render("json")))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_compiles(proofs, false_variants):
    from workedout.derivations.pdf import compile_pdf
    from workedout.derivations.printers import latex_document
    pdf = compile_pdf(latex_document([proofs[n] for n in NAMES] + [false_variants[n].as_result() for n in NAMES]))
    assert pdf.startswith(b"%PDF")
