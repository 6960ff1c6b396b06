r"""Frequent itemsets by Apriori and by FP-growth, and association rules.

Definitions
-----------
A database :math:`D` holds :math:`N` transactions, each a *set* of items (a
repeated item counts once; an empty transaction counts in :math:`N`). The
support count of an itemset :math:`X` is

.. math::  \sigma(X) = |\{t \in D : X \subseteq t\}|,

and :math:`X` is frequent when :math:`\sigma(X) \ge \sigma_{\min}`, the
minimum support resolved by :func:`numerics.thresholds.resolve_min_support`
(a count such as ``2``, or a fraction such as ``0.2`` of :math:`N`, in exact
arithmetic). Items are ordered by the natural order of their type (numbers
numerically, strings by code point); an itemset is written as the sorted
tuple of its items.

Apriori (Agrawal & Srikant, 1994) works level by level: :math:`L_1` is the
frequent items; the candidates :math:`C_k` join two frequent
:math:`(k-1)`-itemsets that share their first :math:`k-2` items, drop
(*prune*) every candidate with an infrequent :math:`(k-1)`-subset (the
Apriori property: every subset of a frequent itemset is frequent), and
count the rest; :math:`L_k` is the counted candidates with
:math:`\sigma \ge \sigma_{\min}`. It stops when :math:`L_k` is empty.

Here the counting is *vertical*: one packed bitset per frequent item (bit
:math:`t` set when transaction :math:`t` holds the item, 64 transactions per
``uint64`` word), and :math:`\sigma(X)` is the popcount of the AND of the
bitsets of :math:`X`'s items. Level 2 is counted in one pass over the
transactions into a triangular array of pair counts (every pair of frequent
items is a candidate at level 2 and nothing can be pruned there), unless
there are too many frequent items for that array, when it falls back to the
bitsets. :func:`apriori_levels` (the worked side) then goes level by level
as above. :func:`frequent_itemsets` finds the same itemsets and counts in a
faster order, depth first (the order of Zaki's Eclat, 2000): each frequent
itemset keeps the non-zero words of its AND, and its extensions are counted
on those words only, after the Apriori property is checked on the pair of
the last two items. The inner loops are numba kernels (``cache=True``).
Memory: the bitsets take :math:`|L_1| \cdot N / 8` bytes; the depth-first
search adds one compressed bitset per depth, each at most one item's.

FP-growth (Han, Pei & Yin, 2000) is the second, independent algorithm: it
compresses the database into a prefix tree of the frequent items in
descending order of support and mines it recursively through conditional
pattern bases, never generating candidates. It is written in plain Python
and serves as the cross-check.

Association rules :math:`A \Rightarrow B` (:math:`A, B` non-empty and
disjoint, :math:`A \cup B` frequent) carry

.. math::

    \operatorname{supp} &= \sigma(A \cup B) \quad\text{(a count)},\qquad
    \operatorname{conf} = \frac{\sigma(A \cup B)}{\sigma(A)},\qquad
    \operatorname{lift} = \frac{N\, \sigma(A \cup B)}{\sigma(A)\, \sigma(B)},\\
    \operatorname{leverage} &= \frac{\sigma(A \cup B)}{N} - \frac{\sigma(A)\,\sigma(B)}{N^2},\qquad
    \operatorname{conviction} = \frac{1 - \sigma(B)/N}{1 - \operatorname{conf}}
    \quad(+\infty \text{ when } \operatorname{conf} = 1).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain, combinations
from numbers import Integral
from typing import Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
from ._jit import njit

from ._kernels import sort_unique_runs
from .apriori_types import Level, Rule, WorkEstimate  # noqa: F401 (the engine's result types)
from .thresholds import parse_fraction, resolve_min_confidence, resolve_min_support  # noqa: F401 (re-exported)
from .transactions import TransactionDatabase

__all__ = [
    "ALGORITHMS", "Itemset", "Level", "Rule", "EncodedDatabase",
    "frequent_itemsets", "apriori_levels", "association_rules", "resolve_min_confidence",
    "encode", "support_count", "WorkEstimate", "count_candidates",
]

Item = Hashable
Itemset = tuple  # a sorted tuple of items (natural order)
ALGORITHMS = ("apriori", "fpgrowth")

# Above this many frequent items the level-2 triangular array of pair counts
# would pass 64 MiB; the bitsets count level 2 instead.
_PAIR_ARRAY_MAX_ITEMS = 5792


# ============================================================== public API
def frequent_itemsets(transactions, min_support, *, max_len: int | None = None,
                      algorithm: str = "apriori") -> dict[frozenset, int]:
    r"""All frequent itemsets of a transaction database with their support counts.

    Parameters
    ----------
    transactions : iterable of iterables of items, or TransactionDatabase
        The database :math:`D`: each transaction an iterable of hashable items
        of one orderable type (a string is refused as a transaction: wrap it
        in a list). Repeated items count once; empty transactions count in N.
    min_support : int, float, str or Fraction
        :math:`\sigma_{\min}` as a count (``2``) or a fraction of N (``0.2``,
        ``"0.2"``, ``1.0``); see :func:`numerics.thresholds.resolve_min_support`.
    max_len : int, optional
        Largest itemset size to report (no cap by default).
    algorithm : {"apriori", "fpgrowth"}
        The bitset engine (numba: pair counts, then depth first with the
        Apriori prune on pairs; the same result as :func:`apriori_levels`),
        or FP-growth (plain Python).

    Returns
    -------
    dict of frozenset to int
        Every itemset :math:`X` with :math:`\sigma(X) \ge \sigma_{\min}`
        mapped to :math:`\sigma(X)`. Empty when the database is empty or
        :math:`\sigma_{\min} > N`.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm: expected one of {', '.join(ALGORITHMS)}, got {algorithm!r}")
    max_len = _check_max_len(max_len)
    db = encode(transactions)
    s = resolve_min_support(min_support, db.n_transactions)
    if algorithm == "apriori":
        return _apriori_itemsets(db, s, max_len)
    found = _fpgrowth_codes(db, s, max_len)
    items = db.items
    return {frozenset(map(items.__getitem__, codes)): count for codes, count in found}


def apriori_levels(transactions, min_support, *, max_len: int | None = None,
                   progress: Callable[[int], None] | None = None) -> list[Level]:
    """Apriori level by level: join, prune, count, and :math:`L_k`.

    Parameters are those of :func:`frequent_itemsets`. Itemsets are sorted
    tuples of items; dicts are in lexicographic order of the itemsets.
    ``progress``, if given, is called with ``k`` as level ``k`` starts (a
    hook for a progress bar: :func:`numerics.progress.note`).

    Returns
    -------
    list of Level
        Levels 1, 2, ...: the last has an empty :math:`L_k` (Apriori stops),
        unless ``max_len`` stopped it first.
    """
    max_len = _check_max_len(max_len)
    db = encode(transactions)
    s = resolve_min_support(min_support, db.n_transactions)
    items = db.items
    name = lambda codes: tuple(items[c] for c in codes)  # noqa: E731
    levels = []
    counts1 = np.bincount(db.codes, minlength=len(items)) if len(items) else np.zeros(0, np.int64)
    frequent_items = np.flatnonzero(counts1 >= s)
    levels.append(Level(1, (), {(items[i],): int(counts1[i]) for i in range(len(items))}, {},
                        {(items[i],): int(counts1[i]) for i in frequent_items}))
    if not len(frequent_items) or (max_len is not None and max_len <= 1):
        return levels
    relabel = np.full(len(items), -1, np.int32)
    relabel[frequent_items] = np.arange(len(frequent_items), dtype=np.int32)
    indptr, codes = _filter_rows(db.indptr, db.codes, relabel)
    bits = _bitsets(indptr, codes, len(frequent_items))
    back = frequent_items  # new code -> original code
    L = np.arange(len(frequent_items), dtype=np.int32).reshape(-1, 1)
    k = 1
    while True:
        k += 1
        if progress is not None:
            progress(k)
        cand, gen_a, gen_b, missing, counts = _next_level_trace(L, bits, s)
        orig = lambda row: name(back[row])  # noqa: E731
        joined = tuple((orig(L[a]), orig(L[b]), orig(cand[i])) for i, (a, b) in enumerate(zip(gen_a, gen_b)))
        candidates, pruned, frequent = {}, {}, {}
        for i in range(len(cand)):
            if missing[i].any():
                pruned[orig(cand[i])] = tuple(sorted(orig(np.delete(cand[i], p)) for p in range(k - 2)
                                                     if missing[i, p]))
            else:
                candidates[orig(cand[i])] = int(counts[i])
                if counts[i] >= s:
                    frequent[orig(cand[i])] = int(counts[i])
        levels.append(Level(k, joined, candidates, pruned, frequent))
        keep = np.array([not missing[i].any() and counts[i] >= s for i in range(len(cand))], bool)
        L = np.ascontiguousarray(cand[keep]) if len(cand) else np.zeros((0, k), np.int32)
        if not len(L) or (max_len is not None and k >= max_len):
            return levels


def association_rules(itemsets: Mapping, n_transactions: int, min_confidence=0.0) -> list[Rule]:
    r"""Every association rule of a set of frequent itemsets, with five metrics.

    For each frequent itemset :math:`X` with at least two items and each
    non-empty proper subset :math:`A \subset X`, the rule
    :math:`A \Rightarrow X \setminus A`, kept when
    :math:`\sigma(X) \ge c_{\min}\, \sigma(A)` -- compared in integers
    from the counts and the exact fraction :math:`c_{\min}`, never from a
    ratio of float supports.

    Parameters
    ----------
    itemsets : mapping of itemset (frozenset, set or tuple) to int
        Frequent itemsets and their support counts, closed under subsets (as
        :func:`frequent_itemsets` returns them).
    n_transactions : int
        N, the number of transactions.
    min_confidence : number or str
        :math:`c_{\min}` in [0, 1]: a decimal (``0.7``, ``"0.7"``, read as the
        decimal it prints as), a fraction (``"7/10"``), a percentage
        (``"70%"``) or 0/1.

    Returns
    -------
    list of Rule
        Ordered by itemset size, itemset, antecedent size, antecedent.
    """
    if isinstance(n_transactions, bool) or not isinstance(n_transactions, Integral) or n_transactions < 0:
        raise ValueError(f"n_transactions: expected a non-negative integer, got {n_transactions!r}")
    n = int(n_transactions)
    if not isinstance(itemsets, Mapping):
        raise TypeError(f"itemsets: expected a mapping of itemset to support count (as frequent_itemsets returns), "
                        f"got {type(itemsets).__name__}")
    c_min = resolve_min_confidence(min_confidence)
    num, den = c_min.numerator, c_min.denominator
    support: dict[frozenset, int] = {}
    for x, count in itemsets.items():
        if isinstance(x, (str, bytes)):
            raise ValueError(f"itemsets: key {x!r} is a string; expected a set or tuple of items")
        if not isinstance(x, Iterable):
            raise TypeError(f"itemsets: key {x!r} is not an itemset; expected a set or tuple of items")
        if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
            raise ValueError(f"itemsets: the support count of {set(x)!r} is {count!r}; expected a non-negative "
                             "integer")
        try:
            support[frozenset(x)] = int(count)
        except TypeError:
            raise TypeError(f"itemsets: key {x!r} holds an item that is not hashable; expected items such as "
                            "strings or numbers") from None
    try:
        ordered = sorted(((tuple(sorted(x)), x) for x in support), key=lambda e: (len(e[0]), e[0]))
    except TypeError:
        raise ValueError("itemsets: items must be of one orderable type") from None
    rules = []
    for items, x in ordered:
        if len(items) < 2:
            continue
        sxy = support[x]
        for r in range(1, len(items)):
            for a in combinations(items, r):
                fa = frozenset(a)
                b = tuple(i for i in items if i not in fa)
                sa, sb = support.get(fa), support.get(frozenset(b))
                if sa is None or sb is None:
                    missing = a if sa is None else b
                    raise ValueError(f"itemsets: {set(missing)!r}, a subset of the frequent itemset "
                                     f"{set(items)!r}, is missing; the itemsets must be closed under subsets")
                if sxy * den < num * sa:
                    continue
                rules.append(_rule(a, b, sxy, sa, sb, n))
    return rules


def count_candidates(transactions, min_support, *, max_len: int | None = None,
                     stop_after: int | None = None) -> WorkEstimate:
    r"""Count the candidates, frequent itemsets and rules of Apriori without building them as Python objects.

    Level by level as :func:`frequent_itemsets` mines (bitsets, numba); the
    joined candidates of level :math:`k` are counted from the groups of
    :math:`L_{k-1}` that share their first :math:`k-2` items (a group of
    :math:`g` gives :math:`g(g-1)/2`) *before* the level is mined, so with
    ``stop_after`` the work stops as soon as the count passes it.
    """
    max_len = _check_max_len(max_len)
    db = encode(transactions)
    s = resolve_min_support(min_support, db.n_transactions)
    m = len(db.items)
    cap = math.inf if stop_after is None else stop_after
    if m == 0 or s > db.n_transactions:
        return WorkEstimate(m, 0, 0, True)
    counts1 = np.bincount(db.codes, minlength=m)
    frequent_items = np.flatnonzero(counts1 >= s).astype(np.int32)
    m1 = len(frequent_items)
    candidates, frequent, rules = m, m1, 0
    if candidates > cap:
        return WorkEstimate(candidates, frequent, rules, False)
    if m1 < 2 or max_len == 1:
        return WorkEstimate(candidates, frequent, rules, True)
    candidates += m1 * (m1 - 1) // 2  # level 2: every pair of frequent items
    if candidates > cap:
        return WorkEstimate(candidates, frequent, rules, False)
    relabel = np.full(m, -1, np.int32)
    relabel[frequent_items] = np.arange(m1, dtype=np.int32)
    indptr, codes = _filter_rows(db.indptr, db.codes, relabel)
    bits = None
    if m1 <= _PAIR_ARRAY_MAX_ITEMS:
        L, _ = _frequent_pairs(_pair_counts(indptr, codes, m1), m1, s)
    else:
        bits = _bitsets(indptr, codes, m1)
        L, _ = _next_level(np.arange(m1, dtype=np.int32).reshape(-1, 1), bits, s)
    k = 2
    while len(L):
        frequent += len(L)
        rules += len(L) * (2 ** k - 2)
        if max_len is not None and k >= max_len or len(L) < 2:
            break
        end = _group_ends(L)
        candidates += int((end - np.arange(len(L)) - 1).sum())
        if candidates > cap:
            return WorkEstimate(candidates, frequent, rules, False)
        if bits is None:
            bits = _bitsets(indptr, codes, m1)
        L, _ = _next_level(L, bits, s)
        k += 1
    return WorkEstimate(candidates, frequent, rules, True)


def support_count(transactions, itemset: Iterable) -> int:
    r""":math:`\sigma(X)`, the number of transactions holding every item of ``itemset``."""
    if isinstance(itemset, (str, bytes)) or not isinstance(itemset, Iterable):
        raise TypeError(f"itemset: expected a set or tuple of items, got {type(itemset).__name__} (a string is "
                        "refused: wrap one item in a list)")
    try:
        x = set(itemset)
    except TypeError:
        raise TypeError("itemset: holds an item that is not hashable; expected items such as strings or "
                        "numbers") from None
    return sum(1 for t in _as_sets(transactions) if x <= t)


# ================================================================ encoding
@dataclass(frozen=True)
class EncodedDatabase:
    """Transactions as sorted item codes in CSR form.

    Attributes
    ----------
    items : list
        The distinct items in natural order; code ``i`` is ``items[i]``.
    indptr : ndarray of int64, shape (N + 1,)
    codes : ndarray of int32, shape (nnz,)
        Transaction ``t`` is ``codes[indptr[t]:indptr[t+1]]``, sorted, unique.
    """

    items: list
    indptr: np.ndarray
    codes: np.ndarray

    @property
    def n_transactions(self) -> int:
        return len(self.indptr) - 1


def encode(transactions) -> EncodedDatabase:
    """Encode a database as sorted unique item codes per transaction (see :class:`EncodedDatabase`)."""
    if isinstance(transactions, EncodedDatabase):
        return transactions
    if isinstance(transactions, TransactionDatabase):
        return _encode_database(transactions)
    if isinstance(transactions, (str, bytes)) or not isinstance(transactions, Iterable):
        raise ValueError("transactions: expected an iterable of transactions (each an iterable of items), "
                         f"got {type(transactions).__name__}")
    txs = transactions if isinstance(transactions, (list, tuple)) else list(transactions)
    kinds = set(map(type, txs))
    if not kinds <= {list, tuple, set, frozenset}:
        for i, t in enumerate(txs):
            if isinstance(t, (str, bytes)) or not isinstance(t, Iterable):
                raise ValueError(f"transactions: transaction {i + 1} is {type(t).__name__} {t!r}; expected "
                                 "an iterable of items (wrap a single item in a list)")
        txs = [t if isinstance(t, (list, tuple, set, frozenset)) else list(t) for t in txs]
    n = len(txs)
    lengths = np.fromiter(map(len, txs), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(txs))
    items, codes = _item_codes(flat)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if not _runs_sorted_unique(indptr, codes):  # most databases come sorted: checking is cheaper than copying
        indptr, codes = sort_unique_runs(indptr, codes)
    return EncodedDatabase(items, indptr, codes)


def _encode_database(db: TransactionDatabase) -> EncodedDatabase:
    """A read database: transactions are sorted and distinct already; every item of ``db.items`` keeps a code."""
    items = list(db.items)
    lookup = {x: i for i, x in enumerate(items)}
    flat = list(chain.from_iterable(db.transactions))
    codes = np.fromiter(map(lookup.__getitem__, flat), dtype=np.int32, count=len(flat))
    indptr = np.zeros(len(db.transactions) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, db.transactions), np.int64, len(db.transactions)), out=indptr[1:])
    return EncodedDatabase(items, indptr, codes)


def _int_values(flat: list):
    """``flat`` as int64 when every entry is a Python int, else None (``np.array`` then decides).

    The test is ``type(sum(flat)) is int`` (a C loop over the list: any
    float, string, numpy scalar or other object makes the sum raise or
    change type), then ``np.fromiter``: together cheaper than
    ``np.array``'s type discovery. A list of only bools (max at most 1) is
    left to ``np.array``, which keeps False/True as the items.
    """
    if not flat:
        return None
    try:
        if type(sum(flat)) is not int:
            return None
        values = np.fromiter(flat, np.int64, len(flat))
    except Exception:  # noqa: BLE001 -- any failure: the general path decides, exactly as before
        return None
    return values if values.max() > 1 else None


def _item_codes(flat: list) -> tuple[list, np.ndarray]:
    """The distinct items in natural order, and each entry's code."""
    values = _int_values(flat)
    if values is None:
        values = np.array(flat) if flat else np.zeros(0, np.int64)
    if values.dtype.kind in "iu" and values.ndim == 1 and (not len(values) or (
            values.min() >= 0 and values.max() < max(1 << 20, 4 * len(values)))):
        present = np.bincount(values, minlength=1) > 0  # non-negative integers: a direct table
        distinct = np.flatnonzero(present)
        table = np.full(len(present), -1, np.int32)
        table[distinct] = np.arange(len(distinct), dtype=np.int32)
        return distinct.tolist(), table[values]
    try:
        distinct = set(flat)
    except TypeError as exc:
        raise ValueError(f"transactions: items must be hashable ({exc})") from None
    try:
        items = sorted(distinct)
    except TypeError:
        kinds = sorted({type(x).__name__ for x in distinct})
        raise ValueError(f"transactions: items must be of one orderable type (their natural order sorts "
                         f"itemsets); got {', '.join(kinds)}") from None
    lookup = {x: i for i, x in enumerate(items)}
    return items, np.fromiter(map(lookup.__getitem__, flat), dtype=np.int32, count=len(flat))


def _as_sets(transactions) -> list[frozenset]:
    db = encode(transactions)
    items = db.items
    return [frozenset(items[c] for c in db.codes[db.indptr[t]:db.indptr[t + 1]])
            for t in range(db.n_transactions)]


def _check_max_len(max_len):
    if max_len is None:
        return None
    if isinstance(max_len, bool) or not isinstance(max_len, Integral) or max_len < 1:
        raise ValueError(f"max_len: expected a positive integer or None, got {max_len!r}")
    return int(max_len)


def _rule(a: tuple, b: tuple, sxy: int, sa: int, sb: int, n: int) -> Rule:
    confidence = sxy / sa
    lift = n * sxy / (sa * sb)
    leverage = (sxy * n - sa * sb) / (n * n)
    if sxy == sa:
        conviction = math.inf
    else:
        conviction = (n - sb) * sa / (n * (sa - sxy))
    return Rule(tuple(a), tuple(b), sxy, sa, sb, n, confidence, lift, leverage, conviction)


# ============================================================ Apriori core
def _apriori_itemsets(db: EncodedDatabase, s: int, max_len: int | None) -> dict[frozenset, int]:
    """Frequent itemsets (of the items) and their counts: pair counts, then depth first.

    The same itemsets and counts as the level-by-level :func:`apriori_levels`
    (tested against it and against brute force), found in a faster order:
    the frequent items are relabelled ``0..m1-1`` in their order, one pass
    over the transactions builds the pair counts and the bitsets
    (:func:`_pairs_and_bitsets`), and :func:`_eclat` extends each frequent
    itemset depth first, counting only candidates whose last two items are a
    frequent pair (the Apriori property on that 2-subset).
    """
    m = len(db.items)
    if m == 0 or s > db.n_transactions:
        return {}
    counts1 = np.bincount(db.codes, minlength=m)
    frequent_items = np.flatnonzero(counts1 >= s)
    names = [db.items[i] for i in frequent_items.tolist()]  # label -> item
    out = {frozenset((x,)): c for x, c in zip(names, counts1[frequent_items].tolist())}
    m1 = len(frequent_items)
    if m1 < 2 or max_len == 1:
        return out
    relabel = np.full(m, -1, np.int32)
    relabel[frequent_items] = np.arange(m1, dtype=np.int32)
    pairs = m1 <= _PAIR_ARRAY_MAX_ITEMS
    tri, bits = _pairs_and_bitsets(db.indptr, db.codes, relabel, m1, pairs)
    labels, ends, counts = _eclat(bits, tri, pairs, s, m1 if max_len is None else max_len)
    flat = list(map(names.__getitem__, labels.tolist()))
    start = 0
    for end, c in zip(ends.tolist(), counts.tolist()):
        out[frozenset(flat[start:end])] = c
        start = end
    return out


@njit(cache=True)
def _runs_sorted_unique(indptr, codes):
    """True when every run ``codes[indptr[r]:indptr[r+1]]`` is strictly increasing (one pass, no copy)."""
    for r in range(len(indptr) - 1):
        for p in range(indptr[r] + 1, indptr[r + 1]):
            if codes[p - 1] >= codes[p]:
                return False
    return True


@njit(cache=True)
def _filter_rows(indptr, codes, relabel):
    """Keep the items with ``relabel >= 0``, renamed (order-preserving)."""
    n = len(indptr) - 1
    out = np.empty(len(codes), np.int32)
    out_ptr = np.zeros(n + 1, np.int64)
    pos = 0
    for r in range(n):
        for p in range(indptr[r], indptr[r + 1]):
            c = relabel[codes[p]]
            if c >= 0:
                out[pos] = c
                pos += 1
        out_ptr[r + 1] = pos
    return out_ptr, out[:pos].copy()


@njit(cache=True)
def _pair_counts(indptr, codes, m):
    """Counts of every pair i < j of items in a triangular array, one pass over the rows."""
    tri = np.zeros(m * (m - 1) // 2, np.int32)
    for r in range(len(indptr) - 1):
        lo, hi = indptr[r], indptr[r + 1]
        for p in range(lo, hi):
            i = np.int64(codes[p])
            base = i * (2 * m - i - 1) // 2 - i - 1
            for q in range(p + 1, hi):
                tri[base + codes[q]] += 1
    return tri


@njit(cache=True)
def _frequent_pairs(tri, m, s):
    n = 0
    for v in tri:
        if v >= s:
            n += 1
    L = np.empty((n, 2), np.int32)
    counts = np.empty(n, np.int64)
    pos = 0
    idx = 0
    for i in range(m):
        for j in range(i + 1, m):
            if tri[idx] >= s:
                L[pos, 0] = i
                L[pos, 1] = j
                counts[pos] = tri[idx]
                pos += 1
            idx += 1
    return L, counts


@njit(cache=True)
def _bitsets(indptr, codes, m):
    """One packed bitset per item: bit t of row i set when transaction t holds item i."""
    n = len(indptr) - 1
    words = (n + 63) // 64
    bits = np.zeros((m, words), np.uint64)
    for r in range(n):
        w = r >> 6
        mask = np.uint64(1) << np.uint64(r & 63)
        for p in range(indptr[r], indptr[r + 1]):
            bits[codes[p], w] |= mask
    return bits


@njit(cache=True, inline="always")
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True)
def _prefix_words(row, bits, prefix, nz):
    """AND of the bitsets of ``row``'s items into ``prefix``; its non-zero word indices into ``nz``."""
    prefix[:] = bits[row[0]]
    for t in range(1, len(row)):
        b = bits[row[t]]
        for w in range(len(prefix)):
            prefix[w] &= b[w]
    n = 0
    for w in range(len(prefix)):
        if prefix[w] != 0:
            nz[n] = w
            n += 1
    return n


@njit(cache=True)
def _and_count(prefix, nz, n_nz, b):
    c = np.uint64(0)
    for t in range(n_nz):
        w = nz[t]
        c += _popcount(prefix[w] & b[w])
    return np.int64(c)


@njit(cache=True)
def _row_less(a, b):
    for t in range(len(a)):
        if a[t] != b[t]:
            return a[t] < b[t]
    return False


@njit(cache=True)
def _contains(L, sub):
    """Binary search for ``sub`` among the lexicographically sorted rows of ``L``."""
    lo, hi = 0, L.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if _row_less(L[mid], sub):
            lo = mid + 1
        else:
            hi = mid
    if lo == L.shape[0]:
        return False
    for t in range(len(sub)):
        if L[lo, t] != sub[t]:
            return False
    return True


@njit(cache=True)
def _group_ends(L):
    """end[a]: one past the last row sharing row a's first k-2 items (rows are sorted)."""
    n, w = L.shape
    end = np.empty(n, np.int64)
    a = 0
    while a < n:
        b = a + 1
        while b < n:
            same = True
            for t in range(w - 1):
                if L[b, t] != L[a, t]:
                    same = False
                    break
            if not same:
                break
            b += 1
        for r in range(a, b):
            end[r] = b
        a = b
    return end


@njit(cache=True)
def _has_infrequent_subset(L, cand, sub):
    k = len(cand)
    for p in range(k - 2):  # dropping either of the last two items gives a generator: frequent
        pos = 0
        for t in range(k):
            if t != p:
                sub[pos] = cand[t]
                pos += 1
        if not _contains(L, sub):
            return True
    return False


@njit(cache=True)
def _next_level(L, bits, s):
    """L_k and counts from L_{k-1} (sorted rows): join, prune, count by popcount."""
    n, km1 = L.shape
    k = km1 + 1
    end = _group_ends(L)
    words = bits.shape[1]
    prefix = np.empty(words, np.uint64)
    nz = np.empty(words, np.int64)
    cand = np.empty(k, np.int32)
    sub = np.empty(km1, np.int32)
    cap = 1024
    out = np.empty((cap, k), np.int32)
    counts = np.empty(cap, np.int64)
    pos = 0
    for a in range(n):
        if end[a] - a < 2:
            continue
        n_nz = -1
        for b in range(a + 1, end[a]):
            for t in range(km1):
                cand[t] = L[a, t]
            cand[km1] = L[b, km1 - 1]
            if _has_infrequent_subset(L, cand, sub):
                continue
            if n_nz < 0:
                n_nz = _prefix_words(L[a], bits, prefix, nz)
            c = _and_count(prefix, nz, n_nz, bits[cand[km1]])
            if c >= s:
                if pos == cap:
                    cap *= 2
                    grown = np.empty((cap, k), np.int32)
                    grown[:pos] = out[:pos]
                    out = grown
                    grown_c = np.empty(cap, np.int64)
                    grown_c[:pos] = counts[:pos]
                    counts = grown_c
                out[pos] = cand
                counts[pos] = c
                pos += 1
    return out[:pos].copy(), counts[:pos].copy()


@njit(cache=True)
def _next_level_trace(L, bits, s):
    """Every joined candidate: its generators, which (k-1)-subsets are infrequent, its count (-1: pruned)."""
    n, km1 = L.shape
    k = km1 + 1
    end = _group_ends(L)
    total = 0
    for a in range(n):
        total += end[a] - a - 1
    cand = np.empty((total, k), np.int32)
    gen_a = np.empty(total, np.int64)
    gen_b = np.empty(total, np.int64)
    missing = np.zeros((total, max(k - 2, 1)), np.bool_)
    counts = np.full(total, -1, np.int64)
    words = bits.shape[1]
    prefix = np.empty(words, np.uint64)
    nz = np.empty(words, np.int64)
    sub = np.empty(km1, np.int32)
    pos = 0
    for a in range(n):
        n_nz = -1
        for b in range(a + 1, end[a]):
            for t in range(km1):
                cand[pos, t] = L[a, t]
            cand[pos, km1] = L[b, km1 - 1]
            gen_a[pos], gen_b[pos] = a, b
            pruned = False
            for p in range(k - 2):
                q = 0
                for t in range(k):
                    if t != p:
                        sub[q] = cand[pos, t]
                        q += 1
                if not _contains(L, sub):
                    missing[pos, p] = True
                    pruned = True
            if not pruned:
                if n_nz < 0:
                    n_nz = _prefix_words(L[a], bits, prefix, nz)
                counts[pos] = _and_count(prefix, nz, n_nz, bits[cand[pos, km1]])
            pos += 1
    return cand, gen_a, gen_b, missing[:, :max(k - 2, 0)], counts


# ================================================= depth-first mining core
@njit(cache=True)
def _pairs_and_bitsets(indptr, codes, relabel, m, pairs):
    """The pair counts and one packed bitset per frequent item, in two passes over the transactions.

    Pass 1, transaction by transaction: its items are relabelled into a
    compact copy (branch-free: an infrequent item's -1 is written and then
    overwritten; ``relabel`` keeps the order, so the copy stays sorted) and
    their bits set (bit ``t`` of every row is set while word ``t >> 6``
    stays in cache). Pass 2, when ``pairs``: every pair i < j of each
    transaction's copy adds 1 to the triangular array ``tri`` (row i starts
    at ``i(2m-i-1)/2 - i - 1``). Two passes because the random increments of
    ``tri`` and the bitset writes, interleaved, evict each other's cache
    lines: one fused pass measured 1.5x slower.
    """
    n = len(indptr) - 1
    bits = np.zeros((m, (n + 63) // 64), np.uint64)
    kept = np.empty(len(codes) + 1, np.int32)
    ptr = np.zeros(n + 1, np.int64)
    k = 0
    for r in range(n):
        w = r >> 6
        mask = np.uint64(1) << np.uint64(r & 63)
        for p in range(indptr[r], indptr[r + 1]):
            c = relabel[codes[p]]
            kept[k] = c
            k += c >= 0
        for p in range(ptr[r], k):
            bits[kept[p], w] |= mask
        ptr[r + 1] = k
    tri = np.zeros(m * (m - 1) // 2 if pairs else 0, np.int32)
    if pairs:
        for r in range(n):
            hi = ptr[r + 1]
            for p in range(ptr[r], hi - 1):
                i = np.int64(kept[p])
                base = i * (2 * m - i - 1) // 2 - i - 1
                for q in range(p + 1, hi):
                    tri[base + kept[q]] += 1
    return tri, bits


@njit(cache=True)
def _grow(a, need):
    """``a``, or a copy at least twice as long when ``need`` entries do not fit."""
    if need <= len(a):
        return a
    b = np.empty(max(need, 2 * len(a)), a.dtype)
    b[:len(a)] = a
    return b


@njit(cache=True)
def _eclat(bits, tri, pairs, s, max_len):
    """Every frequent itemset of 2 to ``max_len`` items, depth first over compressed bitsets.

    Items are labels ``0..m-1`` (the items' order). A prefix ``P`` keeps its
    transactions as a *compressed* bitset: the indices and values of the
    non-zero words of the AND of its items' bitsets. Its extension list is
    the items ``f`` after its last item with ``P + f`` frequent. For each
    extension ``e`` (loop order: prefix, then e, then the later extensions
    f of P, then the words of P + e), the child ``P + e`` is compressed from
    P's words (``O(words of P)``, never the full length), and ``P + e + f``
    is counted by popcount over the child's words only, skipped outright when
    the pair ``{e, f}`` is infrequent in ``tri`` (the Apriori property).
    Fast because the words shrink with depth (a prefix of support sigma has
    at most sigma non-zero words), the AND of a prefix is computed once for
    all its extensions, and no candidate is searched for in a table.
    Without ``pairs`` (too many items for ``tri``) the pairs are counted on
    the bitsets like the deeper levels.

    The stacks are flat: depth d's words are ``idx/val[w_lo[d]:w_lo[d]+w_n[d]]``
    and its extensions ``ext[e_lo[d]:e_lo[d]+e_n[d]]``; a child's region
    starts where its parent's ends (a child never has more words or
    extensions than its parent). Returns ``(labels, ends, counts)``: itemset
    r is ``labels[ends[r-1]:ends[r]]`` with support ``counts[r]``.
    """
    m, words = bits.shape
    out = np.empty(4096, np.int32)
    ends = np.empty(1024, np.int64)
    counts = np.empty(1024, np.int64)
    n_out = 0
    n_items = 0
    idx = np.empty(words, np.int32)
    val = np.empty(words, np.uint64)
    ext = np.empty(m, np.int32)
    w_lo = np.zeros(m + 1, np.int64)
    w_n = np.zeros(m + 1, np.int64)
    e_lo = np.zeros(m + 1, np.int64)
    e_n = np.zeros(m + 1, np.int64)
    pos = np.zeros(m + 1, np.int64)
    prefix = np.empty(m + 1, np.int32)
    for i in range(m):
        prefix[0] = i
        wn = 0
        if not pairs or max_len >= 3:
            for w in range(words):  # branch-free: write every word, keep the non-zero ones
                v = bits[i, w]
                idx[wn] = w
                val[wn] = v
                wn += v != 0
        out = _grow(out, n_items + 2 * (m - i))  # room for every candidate: no check in the loop
        ends = _grow(ends, n_out + m - i)
        counts = _grow(counts, n_out + m - i)
        en = 0
        base = np.int64(i) * (2 * m - i - 1) // 2 - i - 1
        for j in range(i + 1, m):
            if pairs:
                c = np.int64(tri[base + j])
            else:
                c = _and_count_compressed(idx, val, 0, wn, bits[j])
            if c >= s:
                ext[en] = j
                en += 1
                _put(out, ends, counts, n_out, n_items, prefix, 1, j, c)
                n_items += 2
                n_out += 1
        if en < 2 or max_len < 3:
            continue
        w_lo[0], w_n[0], e_lo[0], e_n[0], pos[0] = 0, wn, 0, en, 0
        d = 0
        while d >= 0:
            if pos[d] >= e_n[d] - 1:  # the last extension has no later sibling to join
                d -= 1
                continue
            q0 = e_lo[d] + pos[d]
            e = ext[q0]
            pos[d] += 1
            prefix[d + 1] = e
            lo = w_lo[d] + w_n[d]  # the child's words: P's words AND e's
            idx = _grow(idx, lo + w_n[d])
            val = _grow(val, lo + w_n[d])
            cn = 0
            for t in range(w_lo[d], lo):  # branch-free, as at the top
                v = val[t] & bits[e, idx[t]]
                idx[lo + cn] = idx[t]
                val[lo + cn] = v
                cn += v != 0
            elo = e_lo[d] + e_n[d]
            ext = _grow(ext, elo + e_n[d])
            out = _grow(out, n_items + (d + 3) * e_n[d])
            ends = _grow(ends, n_out + e_n[d])
            counts = _grow(counts, n_out + e_n[d])
            en = 0
            base = np.int64(e) * (2 * m - e - 1) // 2 - e - 1
            for q in range(q0 + 1, e_lo[d] + e_n[d]):
                f = ext[q]
                if pairs and tri[base + f] < s:
                    continue
                c = _and_count_compressed(idx, val, lo, cn, bits[f])
                if c >= s:
                    ext[elo + en] = f
                    en += 1
                    _put(out, ends, counts, n_out, n_items, prefix, d + 2, f, c)
                    n_items += d + 3
                    n_out += 1
            if en >= 2 and d + 4 <= max_len:
                d += 1
                w_lo[d], w_n[d], e_lo[d], e_n[d], pos[d] = lo, cn, elo, en, 0
    return out[:n_items].copy(), ends[:n_out].copy(), counts[:n_out].copy()


@njit(cache=True, inline="always")
def _and_count_compressed(idx, val, lo, n, b):
    """Popcount of a compressed bitset (words ``idx/val[lo:lo+n]``) AND the full bitset ``b``."""
    c = np.uint64(0)
    for t in range(lo, lo + n):
        c += _popcount(val[t] & b[idx[t]])
    return np.int64(c)


@njit(cache=True)
def _put(out, ends, counts, n_out, n_items, prefix, plen, last, count):
    """Write the itemset ``prefix[:plen] + (last,)`` with its count (the caller made room)."""
    for t in range(plen):
        out[n_items + t] = prefix[t]
    out[n_items + plen] = last
    ends[n_out] = n_items + plen + 1
    counts[n_out] = count


# ============================================================ FP-growth
class _FPTree:
    """A prefix tree of weighted transactions: node 0 is the root."""

    __slots__ = ("item", "count", "parent", "children", "nodes")

    def __init__(self):
        self.item = [-1]
        self.count = [0]
        self.parent = [-1]
        self.children: list[dict] = [{}]
        self.nodes: dict[int, list[int]] = defaultdict(list)  # the header table's node-links

    def insert(self, path: Sequence[int], weight: int) -> None:
        node = 0
        for it in path:
            children = self.children[node]
            nxt = children.get(it)
            if nxt is None:
                nxt = len(self.item)
                self.item.append(it)
                self.count.append(weight)
                self.parent.append(node)
                self.children.append({})
                children[it] = nxt
                self.nodes[it].append(nxt)
            else:
                self.count[nxt] += weight
            node = nxt


def _fpgrowth_codes(db: EncodedDatabase, s: int, max_len: int | None) -> list[tuple[tuple, int]]:
    """FP-growth: frequent itemsets as (tuple of item codes, count)."""
    m = len(db.items)
    if m == 0 or s > db.n_transactions:
        return []
    counts1 = np.bincount(db.codes, minlength=m)
    # rank: frequent items by descending support (ties: natural order); the tree stores ranks
    order = sorted((int(i) for i in np.flatnonzero(counts1 >= s)), key=lambda i: (-counts1[i], i))
    rank = {item: r for r, item in enumerate(order)}
    tree = _FPTree()
    merged: dict[tuple, int] = defaultdict(int)
    codes, indptr = db.codes.tolist(), db.indptr.tolist()
    for t in range(db.n_transactions):
        path = tuple(sorted(rank[c] for c in codes[indptr[t]:indptr[t + 1]] if c in rank))
        if path:
            merged[path] += 1
    for path, weight in merged.items():
        tree.insert(path, weight)
    found: list[tuple[tuple, int]] = []
    _fp_mine(tree, (), s, max_len, found)
    return [(tuple(sorted(order[r] for r in ranks)), count) for ranks, count in found]


def _fp_mine(tree: _FPTree, suffix: tuple, s: int, max_len: int | None, found: list) -> None:
    for it in sorted(tree.nodes, reverse=True):  # least frequent first
        nodes = tree.nodes[it]
        support = sum(tree.count[v] for v in nodes)
        if support < s:
            continue
        itemset = suffix + (it,)
        found.append((itemset, support))
        if max_len is not None and len(itemset) >= max_len:
            continue
        base = []  # the conditional pattern base: prefix paths with the node's count
        cond = defaultdict(int)
        for v in nodes:
            weight, path, p = tree.count[v], [], tree.parent[v]
            while p > 0:
                path.append(tree.item[p])
                p = tree.parent[p]
            if path:
                base.append((path, weight))
                for x in path:
                    cond[x] += weight
        keep = {x for x, c in cond.items() if c >= s}
        if not keep:
            continue
        sub = _FPTree()
        for path, weight in base:
            kept = [x for x in reversed(path) if x in keep]
            if kept:
                sub.insert(kept, weight)
        _fp_mine(sub, itemset, s, max_len, found)
