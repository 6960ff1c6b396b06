"""The fast itemset engine (pair counts, then depth first over compressed bitsets) against brute force,
against the level-by-level Apriori of the worked side, and its input fast paths."""
import enum
from itertools import chain, combinations, pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import workedout.numerics.apriori as apriori_module
from workedout.numerics.apriori import apriori_levels, encode, frequent_itemsets

from .itemsets import brute_force


def level_by_level(transactions, s, max_len=None):
    """The frequent itemsets of the worked side's Apriori (join, prune, count, level by level)."""
    return {frozenset(x): n for lv in apriori_levels(transactions, s, max_len=max_len)
            for x, n in lv.frequent.items()}


def levelwise_kernels(transactions, s, max_len=None):
    """The level-by-level bitset Apriori of ``count_candidates`` (join, prune, popcount), from its kernels."""
    db = encode(transactions)
    counts1 = np.bincount(db.codes, minlength=len(db.items))
    frequent = np.flatnonzero(counts1 >= s).astype(np.int32)
    out = {frozenset([db.items[i]]): int(counts1[i]) for i in frequent}
    relabel = np.full(len(db.items), -1, np.int32)
    relabel[frequent] = np.arange(len(frequent), dtype=np.int32)
    indptr, codes = apriori_module._filter_rows(db.indptr, db.codes, relabel)
    bits = apriori_module._bitsets(indptr, codes, len(frequent))
    L, k = np.arange(len(frequent), dtype=np.int32).reshape(-1, 1), 1
    while len(L) > 1 and (max_len is None or k < max_len):
        L, counts = apriori_module._next_level(L, bits, s)
        k += 1
        out.update({frozenset(db.items[i] for i in frequent[row]): int(c) for row, c in zip(L, counts)})
    return out


@pytest.fixture
def no_pair_array(monkeypatch):
    """Force the fallback for many frequent items: level 2 counted on the bitsets, no pair prune."""
    monkeypatch.setattr(apriori_module, "_PAIR_ARRAY_MAX_ITEMS", 0)


# ------------------------------------------------------------ brute force
# Items from a small range so that itemsets of three and more items are frequent;
# unsorted transactions with repeated items exercise the sort step of the encoder.
small_dbs = st.lists(st.lists(st.integers(0, 9), max_size=9), max_size=25)


@settings(max_examples=200, deadline=None)
@given(small_dbs, st.integers(1, 6), st.sampled_from([None, 1, 2, 3, 4]))
def test_engine_equals_brute_force(db, s, max_len):
    assert frequent_itemsets(db, s, max_len=max_len) == brute_force(db, s, max_len)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_dbs, st.integers(1, 6), st.sampled_from([None, 2, 3]))
def test_engine_without_pair_array_equals_brute_force(no_pair_array, db, s, max_len):
    assert frequent_itemsets(db, s, max_len=max_len) == brute_force(db, s, max_len)


def _planted(seed, n_transactions, n_items, n_patterns, pattern_size, noise):
    """Transactions made of planted patterns (deep frequent itemsets) plus uniform noise items."""
    rng = np.random.default_rng(seed)
    patterns = [rng.choice(n_items, size=pattern_size, replace=False) for _ in range(n_patterns)]
    db = []
    for _ in range(n_transactions):
        t = set(rng.choice(n_items, size=rng.poisson(noise)).tolist())
        for p in patterns:
            if rng.random() < 0.3:
                t.update(p[rng.random(len(p)) < 0.9].tolist())
        db.append(sorted(t))
    return db


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6), st.integers(3, 12), st.sampled_from([None, 3, 5]))
def test_engine_equals_worked_apriori_on_planted_patterns(seed, s, max_len):
    db = _planted(seed, n_transactions=40, n_items=30, n_patterns=2, pattern_size=6, noise=2)
    assert frequent_itemsets(db, s, max_len=max_len) == level_by_level(db, s, max_len)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 12), st.sampled_from([None, 3, 5]))
def test_engine_equals_levelwise_bitsets_on_planted_patterns(seed, s, max_len):
    db = _planted(seed, n_transactions=60, n_items=40, n_patterns=3, pattern_size=7, noise=3)
    assert frequent_itemsets(db, s, max_len=max_len) == levelwise_kernels(db, s, max_len)


def test_engine_equals_levelwise_bitsets_over_many_words():
    """Thousands of transactions (many 64-bit words per bitset) and itemsets five and more items deep."""
    db = _planted(7, n_transactions=3000, n_items=60, n_patterns=4, pattern_size=7, noise=4)
    for s in (150, 400):  # 28,906 and 646 itemsets, up to nine and seven items
        found = frequent_itemsets(db, s)
        assert found == levelwise_kernels(db, s)
        assert max(map(len, found)) >= 5


def test_one_deep_itemset_grows_every_buffer(no_pair_array):
    """A 12-item transaction three times: 4,095 itemsets, past every buffer's first size, both ways."""
    db = [list(range(12))] * 3 + [[0, 1], [5]]
    expected = {frozenset(c): 3 + (set(c) <= {0, 1}) + (set(c) == {5})
                for r in range(1, 13) for c in combinations(range(12), r)}
    assert frequent_itemsets(db, 3) == expected


def test_one_deep_itemset_with_pair_array():
    db = [list(range(12))] * 3 + [[0, 1], [5]]
    found = frequent_itemsets(db, 3)
    assert len(found) == 2 ** 12 - 1 and found[frozenset(range(12))] == 3
    assert frequent_itemsets(db, 3, max_len=4) == {x: n for x, n in found.items() if len(x) <= 4}


def test_min_support_above_n_and_empty_database():
    assert frequent_itemsets([[1, 2], [1, 2]], 3) == {}
    assert frequent_itemsets([], 1) == {}
    assert frequent_itemsets([[], []], 1) == {}


# ------------------------------------------------------ encoder fast paths
class Colour(enum.IntEnum):
    RED = 3
    GREEN = 7


@pytest.mark.parametrize("db", [
    [[True, False], [True]],                      # only bools: the items stay False/True
    [[True, 3], [3, 2]],                          # bools among ints: numpy reads True as 1, as before
    [[2.0, 3], [3]],                              # a float among ints
    [[2 ** 64, 3], [3]],                          # past int64
    [[2 ** 63 - 1, 5], [5]],
    [[np.int64(4), np.int64(9)], [np.int64(9)]],  # numpy integers
    [[Colour.RED, Colour.GREEN], [Colour.GREEN]],
    [["b", "a"], ["a"]],
    [[-3, 5], [5, -3, -3]],                       # negative integers
    [[10 ** 7, 2], [2]],                          # integers too sparse for a direct table
])
def test_encoder_fast_path_keeps_items_and_types(db):
    got = encode(db)
    values = np.array(list(chain.from_iterable(db)))
    if values.dtype.kind in "iu":  # what np.array made of the items before the int fast path
        expected_items = sorted(set(values.tolist()))
    else:
        expected_items = sorted(set(chain.from_iterable(db)))
    assert got.items == expected_items
    assert [type(x) for x in got.items] == [type(x) for x in expected_items]
    rows = [got.codes[got.indptr[t]:got.indptr[t + 1]].tolist() for t in range(got.n_transactions)]
    assert rows == [sorted({got.items.index(x) for x in t}) for t in db]
    assert frequent_itemsets(db, 1) == brute_force(db, 1)


def test_bool_items_stay_bools():
    found = frequent_itemsets([[True, False], [True]], 1)
    assert {type(x) for itemset in found for x in itemset} == {bool}


@given(st.lists(st.lists(st.integers(0, 30), max_size=8), max_size=20))
def test_runs_sorted_unique_check(db):
    indptr = np.zeros(len(db) + 1, np.int64)
    np.cumsum([len(t) for t in db], out=indptr[1:])
    codes = np.array(list(chain.from_iterable(db)), np.int32) if any(db) else np.zeros(0, np.int32)
    expected = all(all(a < b for a, b in pairwise(t)) for t in db)
    assert apriori_module._runs_sorted_unique(indptr, codes) == expected
