"""Alignment's theorems: every proof builds with every step checked or a definition/premise, every false
variant is refuted, the same claims hold by hypothesis beyond the proofs' families, and the LaTeX compiles."""
import json
import shutil
from math import comb

import pytest
from hypothesis import given, settings, strategies as st

from workedout.derivations.model import Step
from workedout.derivations.theorems import align
from workedout.derivations.theorems.base import FalseVariant, Theorem

NAMES = ["dp-optimal", "delannoy-count", "sw-floor"]
BY_NAME = {t.name: t for t in align.THEOREMS}


@pytest.fixture(scope="module")
def proofs():
    return {t.name: t.proof() for t in align.THEOREMS}


@pytest.fixture(scope="module")
def false_variants():
    return {t.name: t.false_variant() for t in align.THEOREMS}


def test_the_theorems_are_listed_with_topic_and_statement():
    assert [t.name for t in align.THEOREMS] == NAMES
    for t in align.THEOREMS:
        assert isinstance(t, Theorem) and t.topic == "align" and t.statement.strip()
        assert "\n" not in t.statement


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_checked_or_a_definition_or_premise(proofs, name):
    r = proofs[name]
    assert r.kind == "theorem." + name.replace("-", "_")
    assert r.theorem
    steps = [s for s in r.steps if isinstance(s, Step)]
    assert any(s.role == "definition" for s in steps)
    assert sum(s.check is not None for s in steps) >= 2
    for s in steps:
        assert (s.check is None) == (s.role is not None), s
        if s.check is not None:
            assert any(w in s.check.how for w in ("exhaustively", "symbolically", "cases")), s.check.how


@pytest.mark.parametrize("name", NAMES)
def test_the_proof_renders_in_every_text_format(proofs, name):
    r = proofs[name]
    text = r.render("text")
    assert "Theorem." in text and "Proof." in text and "∎" in text
    assert "\\begin{theorem}" in r.render("tex-document") and "\\begin{proof}" in r.render("tex-document")
    data = json.loads(r.render("json"))
    roles = [s["role"] for s in data["steps"]]
    assert "definition" in roles and data["theorem"]


@pytest.mark.parametrize("name", NAMES)
def test_the_false_variant_is_refuted(false_variants, name):
    found = false_variants[name]
    assert isinstance(found, FalseVariant)
    assert found.counterexample is not None and found.cases >= 1 and found.detail
    answer = json.loads(found.as_result().render("json"))
    assert answer["holds"] is False and answer["counterexample"] == found.counterexample


def test_the_counterexamples_are_the_expected_ones(false_variants):
    assert false_variants["delannoy-count"].detail["n"] == 1 == false_variants["delannoy-count"].detail["m"]
    assert false_variants["delannoy-count"].detail["alignments"] == 3
    dp = false_variants["dp-optimal"].detail
    assert dp["recurrence"] < dp["optimum"]
    sw = false_variants["sw-floor"].detail
    assert sw["table_max"] < sw["best_local"]


# ------------------------------------------------------------------ beyond the proofs' families
def _brute_optimum(a, b, match, mismatch, gap):
    """Every alignment, by recursion on the first column (independent of the module's enumeration)."""
    if not a and not b:
        return 0
    best = None
    if a and b:
        best = (match if a[0] == b[0] else mismatch) + _brute_optimum(a[1:], b[1:], match, mismatch, gap)
    if a:
        v = gap + _brute_optimum(a[1:], b, match, mismatch, gap)
        best = v if best is None else max(best, v)
    if b:
        v = gap + _brute_optimum(a, b[1:], match, mismatch, gap)
        best = v if best is None else max(best, v)
    return best


seqs = st.text(alphabet="ACGT", max_size=5)
scorings = st.tuples(st.integers(1, 3), st.integers(-3, 0), st.integers(-3, -1))


@settings(max_examples=60, deadline=None)
@given(seqs, seqs, scorings)
def test_dp_is_the_optimum_by_hypothesis(a, b, scoring):
    assert align._dp_claim(align._nw_score)((a, b, scoring))
    assert align._nw_score(a, b, scoring) == _brute_optimum(a, b, *scoring)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ACGT", max_size=4), st.text(alphabet="ACGT", max_size=4), scorings)
def test_sw_floor_by_hypothesis(a, b, scoring):
    assert align._table_max_claim(align._sw_table)((a, b, scoring))
    best = max(_brute_optimum(a[i:j], b[k:l], *scoring) for i in range(len(a) + 1) for j in range(i, len(a) + 1)
               for k in range(len(b) + 1) for l in range(k, len(b) + 1))
    assert align._aligner(scoring, "local").score(a, b) == best


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40))
def test_delannoy_closed_form_by_hypothesis(n, m):
    closed = sum(comb(n, k) * comb(m, k) * 2 ** k for k in range(min(n, m) + 1))
    assert align._delannoy(n, m) == closed
    assert align._closed(n, m) == closed


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 6), st.integers(0, 6))
def test_delannoy_counts_alignments_by_hypothesis(n, m):
    assert align._counted_claim(align._delannoy)((n, m))
    assert len(set(align._alignments(n, m))) == len(align._alignments(n, m))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_compiles(proofs, false_variants):
    for name in NAMES:
        assert proofs[name].render("pdf").startswith(b"%PDF")
    assert false_variants["dp-optimal"].as_result().render("pdf").startswith(b"%PDF")
