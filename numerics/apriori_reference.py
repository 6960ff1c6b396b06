r"""Apriori for hand-sized databases in pure Python: the reference the worked Apriori is checked against.

The worked Apriori (``workedout apriori``, a textbook table of a few
transactions) checks every level against a numeric computation. For a
hand-sized database (:func:`is_hand_sized`: at most
:data:`MAX_TRANSACTIONS` transactions over at most :data:`MAX_ITEMS` items)
it uses this module instead of :mod:`numerics.apriori` (bitsets, numba): the
same definitions, written again over Python sets, so that the check needs no
numba import, no kernel loading and no compilation, and stays independent of
the worked side's own counting:

* :func:`apriori_levels` -- join :math:`L_{k-1}` with itself (itemsets sharing
  their first :math:`k-2` items), prune every candidate with a
  :math:`(k-1)`-subset outside :math:`L_{k-1}`, count the rest by scanning
  the transactions (a subset test per transaction);
* :func:`frequent_itemsets` -- depth-first over tid-sets (Eclat: the support
  of :math:`X \cup \{y\}` is :math:`|T(X) \cap T(y)|`), a second algorithm
  that shares nothing with the level-wise one, in place of FP-growth;
* :func:`count_candidates`, :func:`association_rules`, :func:`support_count`,
  with the results of the engine's functions of the same names.

That each equals the engine's is a property test (``tests/test_references.py``).
"""
from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations
from typing import Iterable, Mapping

from .apriori_types import Level, Rule, WorkEstimate
from .thresholds import resolve_min_confidence, resolve_min_support

__all__ = ["MAX_TRANSACTIONS", "MAX_ITEMS", "is_hand_sized", "Level", "WorkEstimate", "Rule", "apriori_levels",
           "frequent_itemsets", "count_candidates", "association_rules", "support_count",
           "resolve_min_confidence"]

#: A database is hand-sized (checked by this module, not the engine) up to this many transactions ...
MAX_TRANSACTIONS = 40
#: ... over at most this many distinct items (so at most 2^12 candidates of every size together).
MAX_ITEMS = 12


def is_hand_sized(db) -> bool:
    """Whether the worked Apriori checks ``db`` (a :class:`numerics.transactions.TransactionDatabase`) here."""
    return db.n_transactions <= MAX_TRANSACTIONS and len(db.items) <= MAX_ITEMS


def _setup(db, min_support):
    transactions = [frozenset(t) for t in db.transactions]
    s = resolve_min_support(min_support, len(transactions))
    rank = {x: i for i, x in enumerate(db.items)}
    return transactions, s, rank


def apriori_levels(db, min_support, *, max_len: int | None = None, progress=None) -> list[Level]:
    """Levels 1, 2, ... of Apriori; the last has an empty L_k unless ``max_len`` stopped it first."""
    transactions, s, rank = _setup(db, min_support)

    def count(c) -> int:
        x = set(c)
        return sum(1 for t in transactions if x <= t)

    C1 = {(x,): count((x,)) for x in db.items}
    levels = [Level(1, (), C1, {}, {c: n for c, n in C1.items() if n >= s})]
    L = sorted(levels[0].frequent, key=lambda c: [rank[x] for x in c])
    k = 1
    while L and (max_len is None or k < max_len):
        k += 1
        if progress is not None:
            progress(k)
        joined = tuple((p, q, p + (q[-1],)) for i, p in enumerate(L) for q in L[i + 1:] if p[:-1] == q[:-1])
        L_set = set(L)
        candidates, pruned, frequent = {}, {}, {}
        for _, _, c in joined:
            missing = tuple(sorted(x for x in combinations(c, k - 1) if x not in L_set))
            if missing:
                pruned[c] = missing
            else:
                candidates[c] = count(c)
                if candidates[c] >= s:
                    frequent[c] = candidates[c]
        levels.append(Level(k, joined, candidates, pruned, frequent))
        L = list(frequent)
    return levels


def frequent_itemsets(db, min_support, *, max_len: int | None = None, algorithm: str = "apriori") -> dict:
    """Every frequent itemset (frozenset) with its support count.

    ``algorithm="apriori"``: the union of the levels of :func:`apriori_levels`; any other value (the
    engine's ``"fpgrowth"``, or ``"eclat"``): depth-first over tid-sets, the second, independent search.
    """
    if algorithm == "apriori":
        return {frozenset(c): n for level in apriori_levels(db, min_support, max_len=max_len)
                for c, n in level.frequent.items()}
    transactions, s, rank = _setup(db, min_support)
    tids = {x: frozenset(i for i, t in enumerate(transactions) if x in t) for x in db.items}
    found: dict = {}

    def grow(prefix: tuple, tidset: frozenset, rest: list) -> None:
        for i, x in enumerate(rest):
            t = tidset & tids[x]
            if len(t) >= s:
                found[frozenset(prefix + (x,))] = len(t)
                if max_len is None or len(prefix) + 1 < max_len:
                    grow(prefix + (x,), t, rest[i + 1:])

    if s <= len(transactions):
        grow((), frozenset(range(len(transactions))), list(db.items))
    return found


def count_candidates(db, min_support, *, max_len: int | None = None, stop_after: int | None = None) -> WorkEstimate:
    """What :func:`apriori_levels` goes through (``stop_after`` is accepted; a hand-sized run is counted whole)."""
    levels = apriori_levels(db, min_support, max_len=max_len)
    candidates = len(levels[0].candidates) + sum(len(level.joined) for level in levels[1:])
    frequent = sum(len(level.frequent) for level in levels)
    rules = sum(len(level.frequent) * (2 ** level.k - 2) for level in levels)
    return WorkEstimate(candidates, frequent, rules, True)


def support_count(db, itemset: Iterable) -> int:
    """σ(X): the transactions holding every item of ``itemset``."""
    x = set(itemset)
    return sum(1 for t in db.transactions if x <= set(t))


def association_rules(itemsets: Mapping, n_transactions: int, min_confidence=0.0) -> list[Rule]:
    """Every rule A => X \\ A of the itemsets with confidence >= ``min_confidence`` (compared exactly)."""
    c_min = resolve_min_confidence(min_confidence)
    support = {frozenset(x): int(n) for x, n in itemsets.items()}
    n = int(n_transactions)
    rules = []
    for x in sorted(support, key=lambda x: (len(x), tuple(sorted(x)))):
        items = tuple(sorted(x))
        sxy = support[x]
        for r in range(1, len(items)):
            for a in combinations(items, r):
                b = tuple(i for i in items if i not in a)
                sa, sb = support[frozenset(a)], support[frozenset(b)]
                if Fraction(sxy, sa) < c_min:
                    continue
                conviction = math.inf if sxy == sa else (n - sb) * sa / (n * (sa - sxy))
                rules.append(Rule(a, b, sxy, sa, sb, n, sxy / sa, n * sxy / (sa * sb),
                                  (sxy * n - sa * sb) / (n * n), conviction))
    return rules
