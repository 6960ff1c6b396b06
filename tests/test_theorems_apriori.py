"""Apriori's theorems: the proofs build with every step checked or stated, the false variants are refuted,
and the same claims hold by hypothesis on databases beyond the proofs' families."""
from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.theorems import apriori as A

ITEMS = "abcdefg"
databases = st.lists(st.frozensets(st.sampled_from(ITEMS), max_size=5), min_size=1, max_size=15)


@pytest.fixture(scope="module")
def proofs():
    return {th.name: th.proof() for th in A.THEOREMS}


@pytest.mark.parametrize("th", A.THEOREMS, ids=lambda th: th.name)
def test_every_step_is_checked_or_a_definition_or_premise(th, proofs):
    proof = proofs[th.name]
    steps = [s for _, s in proof.numbered_steps()]
    assert proof.theorem and steps
    assert all(s.check is not None or s.role in ("definition", "premise") for s in steps)
    assert any(s.role == "premise" for s in steps), "a proof states its premises"
    assert sum(s.check is not None for s in steps) >= 2


@pytest.mark.parametrize("th", A.THEOREMS, ids=lambda th: th.name)
def test_the_false_variant_is_refuted_by_the_same_check(th):
    found = th.false_variant()
    assert found.counterexample is not None and found.cases >= 1
    assert found.as_result().answer["holds"] is False


def test_the_counterexamples_are_real():
    found = A.THEOREMS[0].false_variant().detail
    db = [frozenset(t) for t in found["database"]]
    x, y = frozenset(found["X"]), frozenset(found["Y"])
    assert x <= y and sum(x <= t for t in db) > sum(y <= t for t in db)
    found = A.THEOREMS[1].false_variant().detail
    db = [frozenset(t) for t in found["database"]]
    assert sum(frozenset(found["candidate"]) <= t for t in db) < found["min_support"]


def _support(db, x):
    return sum(1 for t in db if x <= t)


@given(databases, st.data())
@settings(max_examples=200, deadline=None)
def test_support_is_anti_monotone(db, data):
    y = data.draw(st.frozensets(st.sampled_from(ITEMS), max_size=4))
    x = data.draw(st.sampled_from([frozenset(c) for k in range(len(y) + 1) for c in combinations(sorted(y), k)]))
    assert _support(db, y) <= _support(db, x)


@given(databases, st.integers(1, 6))
@settings(max_examples=100, deadline=None)
def test_join_and_prune_miss_no_frequent_itemset(db, s):
    assert A._complete((tuple(db), s))


@given(databases, st.data())
@settings(max_examples=150, deadline=None)
def test_confidence_is_anti_monotone_in_the_consequent(db, data):
    itemset = data.draw(st.frozensets(st.sampled_from(ITEMS), min_size=2, max_size=4))
    subsets = [frozenset(c) for k in range(1, len(itemset)) for c in combinations(sorted(itemset), k)]
    x = data.draw(st.sampled_from(subsets))
    x2 = data.draw(st.sampled_from([s for s in subsets if s <= x]))
    if _support(db, x2) and _support(db, x):
        assert _support(db, itemset) * _support(db, x) <= _support(db, itemset) * _support(db, x2)
        assert A._consequent_claim((tuple(db), itemset, x, x2))


def test_the_proof_prints_as_a_theorem_in_every_format(proofs):
    proof = proofs["apriori-property"]
    tex = proof.render("tex")
    assert tex.index(r"\begin{theorem}") < tex.index(r"\begin{proof}") < tex.index(r"\end{proof}")
    assert "Theorem." in proof.render("text") and "**Theorem.**" in proof.render("md")
    import json
    obj = json.loads(proof.render("json"))
    assert obj["theorem"]["text"].startswith("For itemsets X ⊆ Y")
    assert [s["role"] for s in obj["steps"]][:2] == ["definition", "premise"]
    assert all(s["checked"] for s in obj["steps"] if s["role"] is None)
    jsonschema = pytest.importorskip("jsonschema")
    from workedout.derivations import schema
    schema.validate(obj)
    del jsonschema
