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
bitsets. The inner loops are numba kernels (``cache=True``). Memory: the
bitsets take :math:`|L_1| \cdot N / 8` bytes.

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
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import chain, combinations
from numbers import Integral
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np
from numba import njit

from ._kernels import sort_unique_runs
from .thresholds import parse_fraction, resolve_min_support
from .transactions import TransactionDatabase

__all__ = [
    "ALGORITHMS", "Itemset", "Level", "Rule", "EncodedDatabase",
    "frequent_itemsets", "apriori_levels", "association_rules", "resolve_min_confidence",
    "encode", "support_count",
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
        Apriori with bitsets (numba), or FP-growth (plain Python).

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
        found = _apriori_codes(db, s, max_len)
    else:
        found = _fpgrowth_codes(db, s, max_len)
    items = db.items
    return {frozenset(items[c] for c in codes): count for codes, count in found}


@dataclass(frozen=True)
class Level:
    r"""One level of Apriori, as the worked side shows it.

    Attributes
    ----------
    k : int
        The itemset size.
    joined : tuple of (p, q, candidate)
        The join step: two frequent (k-1)-itemsets sharing their first k-2
        items and the candidate :math:`p \cup q` (empty at level 1, where the
        candidates are the items).
    candidates : dict of Itemset to int
        :math:`C_k` after pruning, each with its support count.
    pruned : dict of Itemset to tuple of Itemset
        Each pruned candidate with *every* infrequent (k-1)-subset.
    frequent : dict of Itemset to int
        :math:`L_k`.
    """

    k: int
    joined: tuple
    candidates: dict
    pruned: dict
    frequent: dict


def apriori_levels(transactions, min_support, *, max_len: int | None = None) -> list[Level]:
    """Apriori level by level: join, prune, count, and :math:`L_k`.

    Parameters are those of :func:`frequent_itemsets`. Itemsets are sorted
    tuples of items; dicts are in lexicographic order of the itemsets.

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


@dataclass(frozen=True)
class Rule:
    r"""An association rule :math:`A \Rightarrow B` with its metrics.

    Attributes
    ----------
    antecedent, consequent : tuple
        :math:`A` and :math:`B`, sorted tuples of items.
    support : int
        :math:`\sigma(A \cup B)`, a count.
    antecedent_support, consequent_support : int
        :math:`\sigma(A)` and :math:`\sigma(B)`.
    n_transactions : int
        :math:`N`.
    confidence, lift, leverage, conviction : float
        As defined in the module docstring; conviction is ``math.inf`` when
        the confidence is 1.
    """

    antecedent: tuple
    consequent: tuple
    support: int
    antecedent_support: int
    consequent_support: int
    n_transactions: int
    confidence: float
    lift: float
    leverage: float
    conviction: float


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
    c_min = resolve_min_confidence(min_confidence)
    num, den = c_min.numerator, c_min.denominator
    support: dict[frozenset, int] = {}
    for x, count in itemsets.items():
        if isinstance(x, (str, bytes)):
            raise ValueError(f"itemsets: key {x!r} is a string; expected a set or tuple of items")
        support[frozenset(x)] = int(count)
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


def resolve_min_confidence(min_confidence, *, what: str = "min_confidence") -> Fraction:
    """The minimum confidence as an exact fraction in [0, 1].

    A float is read as the decimal it prints as (``0.7`` is 7/10); a string
    may be a decimal, ``p/q`` or a percentage (``70%``).
    """
    if isinstance(min_confidence, bool):
        raise ValueError(f"{what}: expected a number in [0, 1], got {min_confidence!r}")
    try:
        if isinstance(min_confidence, Fraction):
            c = min_confidence
        elif isinstance(min_confidence, Integral):
            c = Fraction(int(min_confidence))
        elif isinstance(min_confidence, float):
            if not math.isfinite(min_confidence):
                raise ValueError
            c = Fraction(Decimal(repr(min_confidence)))
        elif isinstance(min_confidence, str):
            c = parse_fraction(min_confidence, what=what, expected="a number in [0, 1] (such as 0.7, 7/10 "
                                                                   "or 70%)")
        else:
            c = Fraction(min_confidence)
    except ValueError as exc:
        if str(exc).startswith(f"{what}:"):
            raise
        raise ValueError(f"{what}: expected a number in [0, 1] (such as 0.7), got {min_confidence!r}") from None
    except (InvalidOperation, ZeroDivisionError, TypeError):
        raise ValueError(f"{what}: expected a number in [0, 1] (such as 0.7), got {min_confidence!r}") from None
    if not 0 <= c <= 1:
        raise ValueError(f"{what}: must be between 0 and 1, got {min_confidence}")
    return c


def support_count(transactions, itemset: Iterable) -> int:
    r""":math:`\sigma(X)`, the number of transactions holding every item of ``itemset``."""
    x = set(itemset)
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


def _item_codes(flat: list) -> tuple[list, np.ndarray]:
    """The distinct items in natural order, and each entry's code."""
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
def _apriori_codes(db: EncodedDatabase, s: int, max_len: int | None) -> list[tuple[tuple, int]]:
    """Frequent itemsets as (tuple of item codes, count), level by level."""
    m = len(db.items)
    if m == 0 or s > db.n_transactions:
        return []
    counts1 = np.bincount(db.codes, minlength=m)
    frequent_items = np.flatnonzero(counts1 >= s).astype(np.int32)
    out = [((int(i),), int(counts1[i])) for i in frequent_items]
    m1 = len(frequent_items)
    if m1 < 2 or max_len == 1:
        return out
    relabel = np.full(m, -1, np.int32)
    relabel[frequent_items] = np.arange(m1, dtype=np.int32)
    indptr, codes = _filter_rows(db.indptr, db.codes, relabel)
    bits = None
    if m1 <= _PAIR_ARRAY_MAX_ITEMS:
        L, counts = _frequent_pairs(_pair_counts(indptr, codes, m1), m1, s)
    else:
        bits = _bitsets(indptr, codes, m1)
        L, counts = _next_level(np.arange(m1, dtype=np.int32).reshape(-1, 1), bits, s)
    k = 2
    while len(L):
        back = frequent_items[L]
        out += [(tuple(row), int(c)) for row, c in zip(back.tolist(), counts.tolist())]
        if max_len is not None and k >= max_len or len(L) < 2:
            break
        if bits is None:
            bits = _bitsets(indptr, codes, m1)
        L, counts = _next_level(L, bits, s)
        k += 1
    return out


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
