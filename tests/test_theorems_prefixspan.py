"""PrefixSpan's theorems: every proof builds with every step checked or a definition/premise, every false
variant is refuted, the same claims hold by hypothesis beyond the proofs' families, and the LaTeX compiles."""
import json
import shutil
from itertools import combinations

import pytest
from hypothesis import given, settings, strategies as st

from workedout.derivations.model import Step
from workedout.derivations.theorems import prefixspan as ps
from workedout.derivations.theorems.base import FalseVariant, Theorem

NAMES = ["projection-lemma", "pattern-growth-complete"]


@pytest.fixture(scope="module")
def proofs():
    return {t.name: t.proof() for t in ps.THEOREMS}


@pytest.fixture(scope="module")
def false_variants():
    return {t.name: t.false_variant() for t in ps.THEOREMS}


def test_the_theorems_are_listed_with_topic_and_statement():
    assert [t.name for t in ps.THEOREMS] == NAMES
    for t in ps.THEOREMS:
        assert isinstance(t, Theorem) and t.topic == "prefixspan" and t.statement.strip()


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_checked_or_a_definition_or_premise(proofs, name):
    r = proofs[name]
    assert r.kind == "theorem." + name.replace("-", "_") and r.theorem
    steps = [s for s in r.steps if isinstance(s, Step)]
    assert any(s.role == "premise" and "per sequence" in str(s.statement.parts) for s in steps)
    for s in steps:
        assert (s.check is None) == (s.role is not None), s
        if s.check is not None:
            assert "exhaustively" in s.check.how and "cases" in s.check.how, s.check.how


@pytest.mark.parametrize("name", NAMES)
def test_the_proof_renders(proofs, name):
    r = proofs[name]
    assert "Theorem." in r.render("text") and "∎" in r.render("text")
    data = json.loads(r.render("json"))
    assert data["theorem"] and {"definition", "premise", None} == {s["role"] for s in data["steps"]}


@pytest.mark.parametrize("name", NAMES)
def test_the_false_variant_is_refuted(false_variants, name):
    found = false_variants[name]
    assert isinstance(found, FalseVariant)
    assert found.counterexample is not None and found.cases >= 1 and found.detail
    assert json.loads(found.as_result().render("json"))["holds"] is False


def test_the_counterexamples_are_the_expected_ones(false_variants):
    lemma = false_variants["projection-lemma"].detail
    assert lemma["occurrences_in_database"] > lemma["occurrences_in_projection"]
    growth = false_variants["pattern-growth-complete"].detail
    assert growth["missed"] == [[["a", "b"]]]


# ------------------------------------------------------------------ beyond the proofs' families
def _contains(seq, pattern):
    """Greedy earliest matching (a different algorithm from the module's enumeration of embeddings)."""
    j = 0
    for a in pattern:
        while j < len(seq) and not set(a) <= set(seq[j]):
            j += 1
        if j == len(seq):
            return False
        j += 1
    return True


itemsets = st.sampled_from([tuple(c) for k in (1, 2, 3) for c in combinations("abcd", k)])
sequences = st.lists(itemsets, min_size=1, max_size=4).map(tuple)
databases = st.lists(sequences, min_size=1, max_size=6).map(tuple)
patterns = st.lists(st.sampled_from([tuple(c) for k in (1, 2) for c in combinations("abcd", k)]),
                    min_size=1, max_size=2).map(tuple)


@settings(max_examples=150, deadline=None)
@given(databases, patterns, patterns, st.booleans())
def test_projection_lemma_by_hypothesis(db, alpha, beta, join):
    kind = "i" if join and min(beta[0]) > alpha[-1][-1] else "s"
    assert ps._lemma_claim(ps._per_sequence)((db, alpha, kind, beta))
    joined = ps._joined(alpha, kind, beta)
    direct = sum(1 for s in db if _contains(s, joined))
    projected = [ps._project(s, alpha) for s in db]
    assert direct == sum(1 for pr in projected if pr is not None and ps._projected_count(pr, alpha, kind, beta) > 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c")]),
                         min_size=1, max_size=3).map(tuple), min_size=1, max_size=5).map(tuple),
       st.integers(1, 5))
def test_pattern_growth_is_complete_by_hypothesis(db, minsup):
    minsup = min(minsup, len(db))
    assert ps._complete_claim(ps._grow)((db, minsup))
    assert ps._complete_claim(ps._reference)((db, minsup))
    # every frequent pattern by greedy containment is found
    found = ps._grow(db, minsup)
    for p, c in found.items():
        assert c == sum(1 for s in db if _contains(s, p)) >= minsup


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_latex_compiles(proofs, false_variants):
    for name in NAMES:
        assert proofs[name].render("pdf").startswith(b"%PDF")
        assert false_variants[name].as_result().render("pdf").startswith(b"%PDF")
