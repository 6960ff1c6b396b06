"""numerics.apriori against brute force, FP-growth against Apriori, rules against the definitions and mlxtend."""
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import workedout.numerics.apriori as apriori_module
from workedout.numerics.apriori import (ALGORITHMS, apriori_levels, association_rules, frequent_itemsets,
                              resolve_min_confidence, support_count)

from .itemsets import brute_force


databases = st.lists(st.lists(st.integers(0, 6), max_size=6), max_size=14)
names = st.lists(st.lists(st.sampled_from(["a", "b", "c d", "&", "é", "x_y"]), max_size=5), max_size=12)


@given(databases, st.integers(1, 5), st.sampled_from([None, 1, 2, 3]))
def test_frequent_itemsets_equal_brute_force(db, s, max_len):
    expected = brute_force(db, s, max_len)
    for algorithm in ALGORITHMS:
        assert frequent_itemsets(db, s, max_len=max_len, algorithm=algorithm) == expected


@given(names, st.sampled_from(["0.2", "0.5", "1.0", 0.25, "1", 2]))
def test_named_items_and_fractions(db, min_support):
    from workedout.numerics.thresholds import resolve_min_support
    expected = brute_force(db, resolve_min_support(min_support, len(db)))
    assert frequent_itemsets(db, min_support) == expected
    assert frequent_itemsets(db, min_support, algorithm="fpgrowth") == expected


@given(databases, st.integers(1, 4))
def test_level_two_by_bitsets_equals_pair_counts(db, s):
    """The fallback for many frequent items (bitsets at level 2) gives the same itemsets."""
    expected = frequent_itemsets(db, s)
    old = apriori_module._PAIR_ARRAY_MAX_ITEMS
    apriori_module._PAIR_ARRAY_MAX_ITEMS = 0
    try:
        assert frequent_itemsets(db, s) == expected
    finally:
        apriori_module._PAIR_ARRAY_MAX_ITEMS = old


@given(databases, st.integers(1, 4))
def test_levels_join_prune_count(db, s):
    levels = apriori_levels(db, s)
    expected = brute_force(db, s)
    assert {frozenset(x): n for lv in levels for x, n in lv.frequent.items()} == expected
    assert not levels[-1].frequent  # Apriori stops at an empty L_k
    previous = set()
    for lv in levels:
        if lv.k > 1:
            joined = {(p, q, c) for p, q, c in lv.joined}
            assert joined == {(p, q, p + (q[-1],)) for p in previous for q in previous
                              if p < q and p[:-1] == q[:-1]}
            for c, subsets in lv.pruned.items():  # every pruned candidate has an infrequent subset ...
                infrequent = tuple(x for x in combinations(c, lv.k - 1) if x not in previous)
                assert subsets == infrequent and subsets
            for c in lv.candidates:  # ... and no kept candidate does
                assert all(x in previous for x in combinations(c, lv.k - 1))
            assert set(lv.candidates) | set(lv.pruned) == {c for _, _, c in joined}
        for c, n in lv.candidates.items():
            assert n == support_count(db, c)
        previous = set(lv.frequent)


def test_apriori_equals_fpgrowth_on_a_larger_database():
    rng = np.random.default_rng(7)
    density = np.linspace(0.05, 0.8, 30)
    db = [np.flatnonzero(rng.random(30) < density).tolist() for _ in range(1500)]
    for s in (0.3, 0.2, 150):
        a = frequent_itemsets(db, s)
        assert a == frequent_itemsets(db, s, algorithm="fpgrowth")
    assert max(map(len, a)) >= 4


def test_min_support_rule_and_edge_cases():
    db = [[1]] * 7 + [[2]] * 93
    assert frequent_itemsets(db, 0.07) == {frozenset([1]): 7, frozenset([2]): 93}  # 0.07 of 100 is 7
    assert frequent_itemsets(db, "1.0") == {}
    assert frequent_itemsets(db, 101) == {}
    assert frequent_itemsets([], 1) == {} and frequent_itemsets([[], []], "0.5") == {}
    assert frequent_itemsets([[1, 1, 2], [1]], 2) == {frozenset([1]): 2}  # a transaction is a set
    assert apriori_levels([], 1)[0].candidates == {}
    for bad in (0, -1, "1.5", 1.5):
        with pytest.raises(ValueError, match="min_support"):
            frequent_itemsets(db, bad)
    with pytest.raises(ValueError, match="max_len"):
        frequent_itemsets(db, 1, max_len=0)
    with pytest.raises(ValueError, match="algorithm"):
        frequent_itemsets(db, 1, algorithm="eclat")
    with pytest.raises(ValueError, match="transaction 2"):
        frequent_itemsets([["a"], "ab"], 1)
    with pytest.raises(ValueError, match="one orderable type"):
        frequent_itemsets([["a"], [1]], 1)


def direct_rules(itemsets, n):
    out = {}
    for x, sxy in itemsets.items():
        for r in range(1, len(x)):
            for a in combinations(sorted(x), r):
                b = tuple(sorted(x - set(a)))
                sa, sb = itemsets[frozenset(a)], itemsets[frozenset(b)]
                conf = Fraction(sxy, sa)
                out[a, b] = (sxy, conf, Fraction(n * sxy, sa * sb), Fraction(sxy, n) - Fraction(sa * sb, n * n),
                             None if conf == 1 else (1 - Fraction(sb, n)) / (1 - conf))
    return out


@given(databases, st.integers(1, 3), st.sampled_from([0, "0.5", 0.7, "2/3", 1]))
def test_rules_equal_the_definitions(db, s, min_confidence):
    itemsets = frequent_itemsets(db, s)
    c = resolve_min_confidence(min_confidence)
    expected = {k: v for k, v in direct_rules(itemsets, len(db)).items() if v[1] >= c}
    rules = association_rules(itemsets, len(db), min_confidence)
    assert {(r.antecedent, r.consequent) for r in rules} == set(expected)
    for r in rules:
        sxy, conf, lift, leverage, conviction = expected[r.antecedent, r.consequent]
        assert r.support == sxy
        assert r.confidence == pytest.approx(float(conf), rel=1e-12)
        assert r.lift == pytest.approx(float(lift), rel=1e-12)
        assert r.leverage == pytest.approx(float(leverage), rel=1e-12, abs=1e-15)
        assert r.conviction == (float("inf") if conviction is None else pytest.approx(float(conviction), rel=1e-12))


def test_confidence_is_compared_in_integers():
    # confidence exactly 7/10: kept at 0.7 although 7/10 in floats may fall either side of 0.7
    db = [["a", "b"]] * 7 + [["a"]] * 3
    rules = association_rules(frequent_itemsets(db, 1), len(db), 0.7)
    assert [(r.antecedent, r.consequent) for r in rules if r.antecedent == ("a",)] == [(("a",), ("b",))]
    assert not [r for r in association_rules(frequent_itemsets(db, 1), 10, "0.7000001") if r.antecedent == ("a",)]
    for bad in (-0.1, 1.5, "x"):
        with pytest.raises(ValueError, match="min_confidence"):
            association_rules({}, 1, bad)
    with pytest.raises(ValueError, match="closed under subsets"):
        association_rules({frozenset("ab"): 2}, 3)


@settings(max_examples=15)
@given(st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=5), min_size=1, max_size=12),
       st.integers(1, 3))
def test_rules_equal_mlxtend(db, s):
    pd = pytest.importorskip("pandas")
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    itemsets = frequent_itemsets(db, s)
    if not any(len(x) > 1 for x in itemsets):
        return
    n = len(db)
    frame = pd.DataFrame({"support": [c / n for c in itemsets.values()], "itemsets": list(itemsets)})
    theirs = mlx.association_rules(frame, num_itemsets=n, metric="confidence", min_threshold=0.0,
                                   return_metrics=["support", "confidence", "lift", "leverage", "conviction"])
    ours = {(frozenset(r.antecedent), frozenset(r.consequent)): r for r in association_rules(itemsets, n)}
    assert len(theirs) == len(ours)
    for _, row in theirs.iterrows():
        r = ours[frozenset(row["antecedents"]), frozenset(row["consequents"])]
        assert row["support"] * n == pytest.approx(r.support)
        for metric in ("confidence", "lift", "leverage"):
            assert row[metric] == pytest.approx(getattr(r, metric), rel=1e-9, abs=1e-12)
        assert row["conviction"] == pytest.approx(r.conviction, rel=1e-9) or (
            np.isinf(row["conviction"]) and np.isinf(r.conviction))


def test_itemsets_equal_mlxtend_fpgrowth_and_apriori():
    pd = pytest.importorskip("pandas")
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    rng = np.random.default_rng(3)
    X = rng.random((400, 12)) < np.linspace(0.1, 0.7, 12)
    db = [np.flatnonzero(row).tolist() for row in X]
    frame = pd.DataFrame(X, columns=list(range(12)))
    count = 60
    for miner in (mlx.fpgrowth, mlx.apriori):
        theirs = miner(frame, min_support=(count - 0.5) / len(db), use_colnames=True)
        got = {frozenset(x): round(sup * len(db)) for x, sup in zip(theirs["itemsets"], theirs["support"])}
        assert got == frequent_itemsets(db, count)


def test_itemsets_equal_pyfim():
    fim = pytest.importorskip("fim")
    rng = np.random.default_rng(5)
    db = [sorted(set(rng.integers(0, 40, rng.poisson(6)).tolist())) for _ in range(800)]
    ours = frequent_itemsets(db, 12)
    for algorithm in ("apriori", "eclat", "fpgrowth"):
        theirs = getattr(fim, algorithm)(db, supp=-12, report="a")
        assert {frozenset(x): n for x, n in theirs} == ours
