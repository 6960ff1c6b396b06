r"""PrefixSpan over sequences of itemsets, by pseudo-projection.

Definitions (Pei, Han et al., ICDE 2001). A sequence
:math:`s = \langle s_1 s_2 \dots s_m \rangle` is a list of itemsets. A pattern
:math:`\alpha = \langle a_1 \dots a_n \rangle` is *contained* in :math:`s`
(:math:`\alpha \sqsubseteq s`) when there are indices
:math:`j_1 < j_2 < \dots < j_n` with :math:`a_i \subseteq s_{j_i}`. The
*support* of :math:`\alpha` is the number of sequences of the database that
contain it (sequences, not occurrences; a :class:`~numerics.seqdb.SequenceDatabase`
with ``counts``, read from ``20 x <(ab)c>``, counts each sequence that many times); :math:`\alpha` is *frequent* when
its support is at least ``min_support``. The *length* of a pattern is its
number of items (:math:`\sum_i |a_i|`). A frequent pattern is *closed* when
no proper super-sequence has the same support.

PrefixSpan grows patterns from the empty prefix. A prefix
:math:`\alpha` is extended by an item :math:`x` in two ways: as a new itemset
(an *s-extension*, :math:`\langle \alpha\, x \rangle`) or into its last
itemset (an *i-extension*, :math:`\langle \dots (a_n \cup \{x\}) \rangle` for
:math:`x > \max a_n`). Support is anti-monotone, so only frequent prefixes are
extended.

Pseudo-projection. For a prefix :math:`\alpha` and a sequence :math:`s`, let
:math:`E(\alpha, s)` be the positions (in the flat array of the database's
items) of the last item of :math:`\alpha` in every itemset :math:`s_j` that
can end an occurrence of :math:`\alpha` (holds :math:`a_n` after an
occurrence of :math:`a_1 \dots a_{n-1}` in earlier itemsets). The projected
database of :math:`\alpha` is the list of pairs (sequence index, position),
never copied suffixes. Then

* :math:`x` s-extends in :math:`s` iff :math:`x` occurs in an itemset after the
  one of :math:`\min E`;
* :math:`x` i-extends in :math:`s` iff :math:`x` follows the matched item in one
  of the itemsets of :math:`E`: in the first, the ``(_x)`` of the paper's
  projected database, or in a *later* itemset that holds all of :math:`a_n`;
* :math:`E` of an s-extension is the occurrences of :math:`x` after the
  itemset of :math:`\min E`; of an i-extension, the occurrences of :math:`x`
  in the itemsets of :math:`E`. Only the first entry and entries with items
  after them in their itemset are kept (the others can never i-extend), and
  no entry with nothing after it in its sequence.
* A child whose occurrences have something after them in fewer than
  ``min_support`` sequences cannot have a frequent extension: it is reported
  without building its projection.

Items are encoded as integers in their sorted order; infrequent items are
removed before mining. The depth-first search runs in one numba kernel with
an explicit stack, and emits patterns in lexicographic order of their
itemsets (s-extensions of a prefix before its i-extensions).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Hashable, Iterable

from ._jit import njit
import numpy as np

from ._kernels import sort_unique_runs
from .seqdb import SequenceDatabase, from_sequences, sort_items
from .thresholds import resolve_min_support

__all__ = ["Pattern", "Projection", "Projector", "prefixspan", "top_k", "support", "contains", "projected_database",
           "count_patterns", "closed_patterns"]

Item = Hashable
Pattern = tuple  # tuple[tuple[Item, ...], ...]: sorted itemsets


@dataclass(frozen=True)
class Projection:
    """One sequence of a projected database, as the PrefixSpan paper writes it.

    Attributes
    ----------
    index : int
        The sequence's index in the database (0-based).
    suffix : tuple of itemsets
        What follows the first occurrence of the prefix.
    partial : bool
        True when the first itemset of ``suffix`` is the rest of the itemset
        that completed the prefix (written ``(_x)``).
    """

    index: int
    suffix: tuple
    partial: bool


# ======================================================================= API
def prefixspan(db, min_support, *, max_length: int | None = None,
               closed: bool = False) -> list[tuple[Pattern, int]]:
    """All frequent sequential patterns (or the closed ones) with their supports.

    Parameters
    ----------
    db : list of sequences, or SequenceDatabase
        Each sequence a list of itemsets, each itemset an iterable of hashable
        items (items inside an itemset form a set: order and repeats ignored).
        A SequenceDatabase's ``counts`` weigh its sequences: a support is the
        sum of the counts of the sequences that contain the pattern.
    min_support : int, float, str or Fraction
        A count of sequences (``2``) or a fraction of them (``0.25``,
        ``"1.0"``; of the counts' total when weighted), resolved by
        :func:`numerics.thresholds.resolve_min_support`.
    max_length : int, optional
        Largest pattern length (number of items) to report.
    closed : bool
        Report only closed patterns: those with no proper super-sequence of the
        same support (of any length, also beyond ``max_length``).

    Returns
    -------
    list of (pattern, support)
        ``pattern`` a tuple of itemsets, each a sorted tuple of items; in
        lexicographic order of the patterns.
    """
    data = _Encoded.build(db)
    minsup = resolve_min_support(min_support, data.total, what="min_support")
    max_length = _check_max_length(max_length)
    if not closed:
        return data.decode(*data.mine(minsup, max_length))
    patterns = data.decode(*data.mine(minsup, None if max_length is None else max_length + 1))
    kept = _closed_filter(patterns)
    return [(p, s) for p, s in kept if max_length is None or _length(p) <= max_length]


def top_k(db, k: int, *, max_length: int | None = None, closed: bool = False) -> list[tuple[Pattern, int]]:
    """The ``k`` patterns of highest support (ties broken by pattern order).

    The search raises its minimum support as it goes: a min-heap holds the
    ``k`` best supports seen, and a branch whose support falls below the
    heap's minimum cannot reach the top ``k`` (support is anti-monotone).

    Parameters
    ----------
    k : int
        How many patterns, at least 1. Fewer are returned when the database
        has fewer patterns.
    max_length, closed
        As in :func:`prefixspan`.

    Returns
    -------
    list of (pattern, support)
        By support, highest first; equal supports in pattern order.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: expected a positive integer, got {k!r}")
    k = int(k)
    max_length = _check_max_length(max_length)
    data = _Encoded.build(db)
    if data.n_sequences == 0:
        return []
    if not closed:
        found = data.decode(*data.mine(1, max_length, top_k=k))
    else:
        # Closed patterns are closed whatever the threshold; lower it until k of them are found.
        threshold = max(int(data.item_support.max(initial=1)), 1)
        while True:
            found = prefixspan(data.database, threshold, max_length=max_length, closed=True)
            if len(found) >= k or threshold == 1:
                break
            threshold = max(1, threshold // 2)
    order = {p: i for i, (p, _) in enumerate(found)}
    found.sort(key=lambda ps: (-ps[1], order[ps[0]]))
    return found[:k]


def contains(sequence, pattern) -> bool:
    """Whether ``pattern`` is a subsequence of ``sequence`` (itemsets as subsets, order kept).

    Greedy earliest matching is optimal: each itemset of the pattern is
    matched into the first itemset of the sequence, after the previous match,
    that holds it.
    """
    j = 0
    seq = [set(s) for s in sequence]
    for a in pattern:
        a = set(a)
        while j < len(seq) and not a <= seq[j]:
            j += 1
        if j == len(seq):
            return False
        j += 1
    return True


def support(db, pattern) -> int:
    """The number of sequences of ``db`` that contain ``pattern`` (:func:`contains`), each weighted by its count."""
    data = from_sequences(db)
    return sum(c for s, c in zip(data.sequences, data.counts) if contains(s, pattern))


def projected_database(db, prefix) -> list[Projection]:
    """The projected database of ``prefix``, from the pseudo-projection.

    Built as the miner builds it (the positions :math:`E` extended one item at
    a time), then written out: for each sequence that contains the prefix,
    the suffix after its first occurrence, with the rest of the itemset that
    completed the prefix as a partial first itemset; sequences that do not
    contain the prefix, or have nothing after it, are left out. Every item is
    kept (no infrequent item is removed).

    Parameters
    ----------
    prefix : pattern
        A non-empty tuple of itemsets.
    """
    return Projector(db).projected_database(prefix)


def count_patterns(db, min_support, *, max_length: int | None = None, stop_after: int | None = None) -> int:
    """How many frequent patterns :func:`prefixspan` finds, counted by the kernel without decoding them.

    With ``stop_after`` the search stops once more than ``stop_after`` are
    found and returns ``stop_after + 1`` ("more than"): a refused input costs
    at most that much work, whatever the database would give.
    """
    max_length = _check_max_length(max_length)
    if stop_after is not None and (isinstance(stop_after, bool) or not isinstance(stop_after, (int, np.integer))
                                   or stop_after < 1):
        raise ValueError(f"stop_after: expected a positive integer or None, got {stop_after!r}")
    data = _Encoded.build(db)
    minsup = resolve_min_support(min_support, data.total, what="min_support")
    if data.n_sequences == 0:
        return 0
    return int(data.mine(minsup, max_length, stop_after=int(stop_after or 0))[4])


class Projector:
    r"""Pseudo-projections of one database, encoded once: the engine's work, shared by many prefixes.

    For a prefix :math:`\alpha`, :meth:`positions` gives per sequence the
    positions :math:`E(\alpha, s)` of the module docstring; :meth:`extension_supports`
    counts, from them, the support of every one-item extension of
    :math:`\alpha` (each sequence once, weighted by its count), as the miner
    counts them. No suffix is copied.
    """

    def __init__(self, db):
        self.data = _Encoded.build(db, prune_below=1)
        self.code = {x: i for i, x in enumerate(self.data.names)}

    def positions(self, prefix) -> list[tuple[int, list[int]]]:
        """(index of the sequence in the database, E) for every sequence that contains ``prefix``."""
        data = self.data
        prefix = tuple(tuple(sort_items(set(a))) for a in prefix)
        if not prefix or any(not a for a in prefix):
            raise ValueError(f"prefix: expected a non-empty pattern of non-empty itemsets, got {prefix!r}")
        if any(x not in self.code for a in prefix for x in a):
            return []
        steps = [(self.code[x], j > 0) for a in prefix for j, x in enumerate(a)]
        item, iset_end, seq_start, seq_end = data.item, data.iset_end, data.seq_start, data.seq_end
        out = []
        for s in range(len(seq_start)):
            E = [-1]
            for x, is_i in steps:
                if is_i:
                    E = [q for p in E for q in range(p + 1, int(iset_end[p])) if item[q] == x]
                else:
                    start = seq_start[s] if E[0] < 0 else iset_end[E[0]]
                    E = [q for q in range(int(start), int(seq_end[s])) if item[q] == x]
                if not E:
                    break
            if E:
                out.append((s, E))
        return out

    def projected_database(self, prefix) -> list[Projection]:
        """The projected database of ``prefix`` written out (see :func:`projected_database`)."""
        data = self.data
        item, iset_end, seq_end = data.item, data.iset_end, data.seq_end
        out = []
        for s, E in self.positions(prefix):
            p0 = E[0]
            rest = tuple(data.names[item[q]] for q in range(p0 + 1, int(iset_end[p0])))
            suffix = ((rest,) if rest else ()) + data.itemsets_from(int(iset_end[p0]), int(seq_end[s]))
            if suffix:
                out.append(Projection(int(data.seq_index[s]), suffix, bool(rest)))
        return out

    def extension_supports(self, prefix) -> tuple[dict, dict]:
        """({item: support} of the i-extensions, {item: support} of the s-extensions) of ``prefix``.

        Only items with a positive support appear; items are the database's own.
        """
        data = self.data
        item, iset_end, seq_end = data.item, data.iset_end, data.seq_end
        i_sup: dict = {}
        s_sup: dict = {}
        for s, E in self.positions(prefix):
            w = int(data.seq_weight[s])
            for y in {int(item[q]) for p in E for q in range(p + 1, int(iset_end[p]))}:
                i_sup[y] = i_sup.get(y, 0) + w
            for y in set(item[int(iset_end[E[0]]):int(seq_end[s])].tolist()):
                s_sup[y] = s_sup.get(y, 0) + w
        names = data.names
        return ({names[y]: c for y, c in sorted(i_sup.items())}, {names[y]: c for y, c in sorted(s_sup.items())})


def closed_patterns(patterns: list[tuple[Pattern, int]]) -> list[tuple[Pattern, int]]:
    """Keep the closed patterns of a complete set of frequent patterns.

    ``patterns`` must hold every frequent pattern (of any length) of some
    database at some minimum support. Then a pattern is closed iff no pattern
    with one more item contains it with the same support: if a proper
    super-sequence :math:`\\beta \\sqsupset \\alpha` had the same support, so
    would every pattern between them, among them one with exactly one more
    item (an embedding of :math:`\\alpha` in :math:`\\beta` leaves an item of
    :math:`\\beta` unused; add it), and that pattern is frequent. So it is
    enough to delete each item of each pattern once and mark the result
    non-closed when its support is the same.
    """
    return _closed_filter(patterns)


# ================================================================= encoding
def _check_max_length(max_length):
    if max_length is None:
        return None
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 1:
        raise ValueError(f"max_length: expected a positive integer or None, got {max_length!r}")
    return int(max_length)


def _length(pattern) -> int:
    return sum(len(a) for a in pattern)


class _Encoded:
    """The database as flat int32 arrays: the layout the kernel mines.

    ``item[p]`` is the code of the item at position p (items of an itemset
    sorted, codes in sorted item order); ``iset_end[p]`` is one past the last
    position of p's itemset; sequence s spans ``seq_start[s]:seq_end[s]`` and
    is sequence ``seq_index[s]`` of the database (empty sequences dropped).
    """

    def __init__(self):
        self.database = None

    @classmethod
    def build(cls, db, prune_below: int | None = None) -> "_Encoded":
        """Encode ``db``; with ``prune_below`` items of lower support are dropped now.

        Without ``prune_below`` the raw encoding is kept and :meth:`mine`
        prunes for its own threshold.
        """
        self = cls()
        if not isinstance(db, (list, tuple, SequenceDatabase)):
            db = from_sequences(db)  # read an iterator once
        sequences = db.sequences if isinstance(db, SequenceDatabase) else db
        flat, iset_len, seq_len, vocabulary = _flatten(sequences)
        self.database = db
        self.n_sequences = len(seq_len)
        counts = db.counts if isinstance(db, SequenceDatabase) else ()
        self.weight = (np.array(counts, dtype=np.int64) if counts
                       else np.ones(len(seq_len), dtype=np.int64))
        self.total = int(self.weight.sum())
        names = sort_items(vocabulary)
        if names and all(type(x) is int for x in names) and abs(names[0]) < 2**62 and abs(names[-1]) < 2**62:
            arr = np.array(flat, dtype=np.int64)
            if names[-1] - names[0] < 8 * len(names) + 1_000_000:  # a lookup table, item -> code
                table = np.zeros(names[-1] - names[0] + 1, dtype=np.int32)
                table[np.array(names, dtype=np.int64) - names[0]] = np.arange(len(names), dtype=np.int32)
                codes = table[arr - names[0]]
            else:
                codes = np.searchsorted(np.array(names, dtype=np.int64), arr).astype(np.int32)
        else:
            lookup = {x: i for i, x in enumerate(names)}
            codes = np.fromiter(map(lookup.__getitem__, flat), dtype=np.int32, count=len(flat))
        if len(iset_len) and iset_len.max() > 1:
            offsets = np.zeros(len(iset_len) + 1, np.int64)
            np.cumsum(iset_len, out=offsets[1:])
            offsets, codes = sort_unique_runs(offsets, codes)
            iset_len = np.diff(offsets).astype(iset_len.dtype)
        self.raw = (codes, iset_len, seq_len)
        self.raw_names = names
        self.item_support = _item_support(codes, self.raw[1], self.raw[2], len(names), self.weight)
        self.minsup_pruned = 0
        if prune_below is not None:
            self._prune(prune_below)
        return self

    def _prune(self, minsup: int) -> None:
        codes, iset_len, seq_len = self.raw
        keep = self.item_support >= minsup
        recode = (np.cumsum(keep) - 1).astype(np.int32)
        recode[~keep] = -1
        self.names = [x for x, k in zip(self.raw_names, keep) if k]
        self.minsup_pruned = minsup
        (self.item, self.iset_end, self.seq_start, self.seq_end,
         self.seq_index, self.has_multi) = _compact(codes, iset_len, seq_len, recode)
        self.seq_weight = self.weight[self.seq_index]

    def itemsets_from(self, start: int, end: int) -> tuple:
        out, p = [], start
        while p < end:
            q = self.iset_end[p]
            out.append(tuple(self.names[self.item[r]] for r in range(p, q)))
            p = q
        return tuple(out)

    def mine(self, minsup: int, max_length: int | None, top_k: int = 0, stop_after: int = 0):
        if self.minsup_pruned == 0 or (minsup > self.minsup_pruned and top_k == 0):
            self._prune(minsup if top_k == 0 else 1)
        n_items = len(self.names)
        out = _mine_kernel(self.item, self.iset_end, self.seq_start, self.seq_end, np.int64(n_items),
                           np.int64(minsup), np.int64(max_length or 0), np.int64(top_k), self.has_multi,
                           self.seq_weight, np.int64(stop_after))
        return out

    def decode(self, parent, item, kind, sup, n) -> list[tuple[Pattern, int]]:
        singles = [(x,) for x in self.names]  # one 1-tuple per item, shared by every pattern
        patterns: list = [None] * n
        parent, item, kind = parent[:n].tolist(), item[:n].tolist(), kind[:n].tolist()
        for i in range(n):
            par = parent[i]
            if par < 0:
                patterns[i] = (singles[item[i]],)
            elif kind[i] == 0:
                patterns[i] = patterns[par] + (singles[item[i]],)
            else:
                q = patterns[par]
                patterns[i] = q[:-1] + (q[-1] + singles[item[i]],)
        return list(zip(patterns, sup[:n].tolist()))


def _flatten(sequences):
    """(flat items, itemset lengths, itemsets per sequence, vocabulary), as given (not normalised).

    The fast path reads lists of sized itemsets in C-level passes; anything
    else (generators, bad nesting) goes through :func:`numerics.seqdb.from_sequences`,
    whose errors say which sequence and itemset is wrong.
    """
    try:
        if isinstance(sequences, (list, tuple)) and set(map(type, sequences)) <= {list, tuple}:
            seq_len = np.fromiter(map(len, sequences), dtype=np.int32, count=len(sequences))
            itemsets = list(chain.from_iterable(sequences))
            iset_len = np.fromiter(map(len, itemsets), dtype=np.int32, count=len(itemsets))
            if not len(iset_len) or iset_len.min() > 0:
                flat = list(chain.from_iterable(itemsets))
                if len(flat) == int(iset_len.sum(dtype=np.int64)):
                    return flat, iset_len, seq_len, set(flat)
    except TypeError:
        pass
    data = from_sequences(sequences)
    itemsets = [a for q in data.sequences for a in q]
    flat = [x for a in itemsets for x in a]
    return (flat, np.array([len(a) for a in itemsets], dtype=np.int32),
            np.array([len(q) for q in data.sequences], dtype=np.int32), set(flat))


# ==================================================================== kernels
@njit(cache=True)
def _item_support(codes, iset_len, seq_len, n_items, weight):
    count = np.zeros(n_items, dtype=np.int64)
    mark = np.full(n_items, -1, dtype=np.int64)
    p = 0
    a = 0
    for s in range(len(seq_len)):
        for _ in range(seq_len[s]):
            for _ in range(iset_len[a]):
                x = codes[p]
                if mark[x] != s:
                    mark[x] = s
                    count[x] += weight[s]
                p += 1
            a += 1
    return count


@njit(cache=True)
def _compact(codes, iset_len, seq_len, recode):
    """Drop pruned items (recode -1), then empty itemsets and sequences; build the flat layout."""
    n = len(codes)
    item = np.empty(n, dtype=np.int32)
    iset_end = np.empty(n, dtype=np.int32)
    seq_start = np.empty(len(seq_len), dtype=np.int32)
    seq_end = np.empty(len(seq_len), dtype=np.int32)
    seq_index = np.empty(len(seq_len), dtype=np.int32)
    has_multi = False
    p = 0   # read position
    w = 0   # write position
    a = 0   # itemset index
    ns = 0
    for s in range(len(seq_len)):
        start = w
        for _ in range(seq_len[s]):
            begin = w
            for _ in range(iset_len[a]):
                x = recode[codes[p]]
                p += 1
                if x >= 0:
                    item[w] = x
                    w += 1
            a += 1
            if w > begin:
                # the itemsets arrive normalised (sorted, distinct) from the caller
                for r in range(begin, w):
                    iset_end[r] = w
                if w - begin > 1:
                    has_multi = True
        if w > start:
            seq_start[ns] = start
            seq_end[ns] = w
            seq_index[ns] = s
            ns += 1
    return item[:w], iset_end[:w], seq_start[:ns], seq_end[:ns], seq_index[:ns], has_multi


@njit(cache=True)
def _grow(arr, need):
    if need <= len(arr):
        return arr
    size = max(need, 2 * len(arr))
    out = np.empty(size, dtype=arr.dtype)
    out[:len(arr)] = arr
    return out


@njit(cache=True)
def _frequent_sorted(touched, n_touched, count, threshold, out):
    """Write the touched items with count >= threshold into ``out``, ascending; return how many."""
    n = 0
    for t in range(n_touched):
        x = touched[t]
        if count[x] >= threshold:
            k = n
            while k > 0 and out[k - 1] > x:
                out[k] = out[k - 1]
                k -= 1
            out[k] = x
            n += 1
    return n


@njit(cache=True)
def _heap_push(heap, size, k, value):
    """A min-heap of at most k supports; returns the new size."""
    if size < k:
        i = size
        heap[i] = value
        size += 1
        while i > 0:
            parent = (i - 1) // 2
            if heap[parent] <= heap[i]:
                break
            heap[parent], heap[i] = heap[i], heap[parent]
            i = parent
        return size
    if value <= heap[0]:
        return size
    heap[0] = value
    i = 0
    while True:
        left = 2 * i + 1
        right = left + 1
        small = i
        if left < size and heap[left] < heap[small]:
            small = left
        if right < size and heap[right] < heap[small]:
            small = right
        if small == i:
            break
        heap[small], heap[i] = heap[i], heap[small]
        i = small
    return size


@njit(cache=True)
def _mine_kernel(item, iset_end, seq_start, seq_end, n_items, minsup, max_len, top_k, has_multi, weight,
                 stop_after):
    """Depth-first PrefixSpan; returns (parent, item, kind, support, n) in preorder.

    ``stop_after`` > 0 stops the search once more than that many patterns are found
    (n is then ``stop_after + 1``): a bounded count for the work estimate of the worked side.

    kind 0: s-extension (new itemset), 1: i-extension (into the last itemset).
    Projections live in one arena (E_seq, E_pos) used as a stack: the children
    of a node are allocated together on top, and popping a node frees
    everything above its sibling group.
    """
    n_seq = len(seq_start)
    # arena of projection entries
    E_seq = np.empty(max(16, 2 * n_seq), dtype=np.int32)
    E_pos = np.empty(max(16, 2 * n_seq), dtype=np.int32)
    for s in range(n_seq):
        E_seq[s] = s
        E_pos[s] = -1
    top = n_seq
    # DFS stack: segment, parent node, item, kind, support, depth, arena top
    cap = 1024
    st_a = np.empty(cap, dtype=np.int64)
    st_b = np.empty(cap, dtype=np.int64)
    st_parent = np.empty(cap, dtype=np.int64)
    st_item = np.empty(cap, dtype=np.int64)
    st_kind = np.empty(cap, dtype=np.int64)
    st_sup = np.empty(cap, dtype=np.int64)
    st_depth = np.empty(cap, dtype=np.int64)
    st_top = np.empty(cap, dtype=np.int64)
    # outputs
    ocap = 1024
    o_parent = np.empty(ocap, dtype=np.int64)
    o_item = np.empty(ocap, dtype=np.int32)
    o_kind = np.empty(ocap, dtype=np.int8)
    o_sup = np.empty(ocap, dtype=np.int64)
    n_out = 0
    # counters
    s_cnt = np.zeros(n_items, dtype=np.int64)
    i_cnt = np.zeros(n_items, dtype=np.int64)
    s_occ = np.zeros(n_items, dtype=np.int64)
    i_occ = np.zeros(n_items, dtype=np.int64)
    s_use = np.zeros(n_items, dtype=np.int64)
    i_use = np.zeros(n_items, dtype=np.int64)
    s_mark = np.full(n_items, -1, dtype=np.int64)
    i_mark = np.full(n_items, -1, dtype=np.int64)
    s_fill = np.full(n_items, -1, dtype=np.int64)
    i_fill = np.full(n_items, -1, dtype=np.int64)
    s_touched = np.empty(n_items, dtype=np.int64)
    i_touched = np.empty(n_items, dtype=np.int64)
    s_freq = np.empty(n_items, dtype=np.int64)
    i_freq = np.empty(n_items, dtype=np.int64)
    heap = np.empty(max(top_k, 1), dtype=np.int64)
    heap_size = 0
    threshold = minsup

    # the root: the empty prefix, its projection one entry (s, -1) per sequence
    sp = 0
    cur_a = 0
    cur_b = n_seq
    cur_node = -1
    cur_depth = 0
    expand = n_seq > 0
    while True:
        if expand and (max_len == 0 or cur_depth < max_len):
            # ---- pass 1: count extensions and the entries their projections keep
            ns_t = 0
            ni_t = 0
            i = cur_a
            while i < cur_b:
                s = E_seq[i]
                p0 = E_pos[i]
                start = seq_start[s] if p0 < 0 else iset_end[p0]
                send = seq_end[s]
                for q in range(start, send):
                    x = item[q]
                    if s_mark[x] != s:
                        s_mark[x] = s
                        if s_cnt[x] == 0:
                            s_touched[ns_t] = x
                            ns_t += 1
                        s_cnt[x] += weight[s]
                        if q + 1 < send:  # something after it: the entry can still grow
                            s_use[x] += weight[s]
                            s_occ[x] += 1
                    elif has_multi and q + 1 < iset_end[q]:
                        s_occ[x] += 1
                j = i
                while j < cur_b and E_seq[j] == s:
                    p = E_pos[j]
                    if p >= 0:
                        for q in range(p + 1, iset_end[p]):
                            y = item[q]
                            if i_mark[y] != s:
                                i_mark[y] = s
                                if i_cnt[y] == 0:
                                    i_touched[ni_t] = y
                                    ni_t += 1
                                i_cnt[y] += weight[s]
                                if q + 1 < send:
                                    i_use[y] += weight[s]
                                    i_occ[y] += 1
                            elif q + 1 < iset_end[q]:
                                i_occ[y] += 1
                    j += 1
                i = j
            for t in range(ns_t):
                s_mark[s_touched[t]] = -1
            for t in range(ni_t):
                i_mark[i_touched[t]] = -1
            # ---- the frequent children, in item order (few: sorted by insertion)
            nfs = _frequent_sorted(s_touched, ns_t, s_cnt, threshold, s_freq)
            nfi = _frequent_sorted(i_touched, ni_t, i_cnt, threshold, i_freq)
            n_child = nfs + nfi
            # A child grows only when at least `threshold` of its sequences have something after it
            # (no extension can be counted in more); the others are leaves: no projection is built.
            grows = max_len == 0 or cur_depth + 1 < max_len
            need = top
            for t in range(nfs):
                if grows and s_use[s_freq[t]] >= threshold:
                    need += s_occ[s_freq[t]]
            for t in range(nfi):
                if grows and i_use[i_freq[t]] >= threshold:
                    need += i_occ[i_freq[t]]
            if n_child > 0:
                E_seq = _grow(E_seq, need)
                E_pos = _grow(E_pos, need)
                if sp + n_child > len(st_a):
                    size = 2 * (sp + n_child)
                    st_a = _grow(st_a, size)
                    st_b = _grow(st_b, size)
                    st_parent = _grow(st_parent, size)
                    st_item = _grow(st_item, size)
                    st_kind = _grow(st_kind, size)
                    st_sup = _grow(st_sup, size)
                    st_depth = _grow(st_depth, size)
                    st_top = _grow(st_top, size)
                base = top
                # offsets; children pushed in reverse so that they pop in order:
                # s-extensions ascending, then i-extensions ascending
                off = base
                for t in range(nfs):
                    x = s_freq[t]
                    if grows and s_use[x] >= threshold:
                        s_fill[x] = off
                        off += s_occ[x]
                for t in range(nfi):
                    y = i_freq[t]
                    if grows and i_use[y] >= threshold:
                        i_fill[y] = off
                        off += i_occ[y]
                new_top = off
                slot = sp + n_child - 1
                for t in range(nfs):
                    x = s_freq[t]
                    st_a[slot] = s_fill[x] if s_fill[x] >= 0 else 0
                    st_b[slot] = s_fill[x] + s_occ[x] if s_fill[x] >= 0 else 0
                    st_parent[slot] = cur_node
                    st_item[slot] = x
                    st_kind[slot] = 0
                    st_sup[slot] = s_cnt[x]
                    st_depth[slot] = cur_depth + 1
                    st_top[slot] = new_top
                    slot -= 1
                for t in range(nfi):
                    y = i_freq[t]
                    st_a[slot] = i_fill[y] if i_fill[y] >= 0 else 0
                    st_b[slot] = i_fill[y] + i_occ[y] if i_fill[y] >= 0 else 0
                    st_parent[slot] = cur_node
                    st_item[slot] = y
                    st_kind[slot] = 1
                    st_sup[slot] = i_cnt[y]
                    st_depth[slot] = cur_depth + 1
                    st_top[slot] = new_top
                    slot -= 1
                sp += n_child
                # ---- pass 2: fill the children's projections (when one of them grows)
                i = cur_a if new_top > base else cur_b
                while i < cur_b:
                    s = E_seq[i]
                    p0 = E_pos[i]
                    start = seq_start[s] if p0 < 0 else iset_end[p0]
                    send = seq_end[s]
                    for q in range(start, send):
                        x = item[q]
                        f = s_fill[x]
                        if f >= 0:
                            if s_mark[x] != s:
                                s_mark[x] = s
                                if q + 1 < send:
                                    E_seq[f] = s
                                    E_pos[f] = q
                                    s_fill[x] = f + 1
                            elif has_multi and q + 1 < iset_end[q]:
                                E_seq[f] = s
                                E_pos[f] = q
                                s_fill[x] = f + 1
                    j = i
                    while j < cur_b and E_seq[j] == s:
                        p = E_pos[j]
                        if p >= 0:
                            for q in range(p + 1, iset_end[p]):
                                y = item[q]
                                f = i_fill[y]
                                if f >= 0:
                                    if i_mark[y] != s:
                                        i_mark[y] = s
                                        if q + 1 < send:
                                            E_seq[f] = s
                                            E_pos[f] = q
                                            i_fill[y] = f + 1
                                    elif q + 1 < iset_end[q]:
                                        E_seq[f] = s
                                        E_pos[f] = q
                                        i_fill[y] = f + 1
                        j += 1
                    i = j
                top = new_top
            # ---- reset the counters
            for t in range(ns_t):
                x = s_touched[t]
                s_cnt[x] = 0
                s_occ[x] = 0
                s_use[x] = 0
                s_mark[x] = -1
                s_fill[x] = -1
            for t in range(ni_t):
                y = i_touched[t]
                i_cnt[y] = 0
                i_occ[y] = 0
                i_use[y] = 0
                i_mark[y] = -1
                i_fill[y] = -1
        # ---- pop the next node
        found = False
        while sp > 0:
            sp -= 1
            if st_sup[sp] < threshold:
                continue  # top-k: the threshold rose since it was pushed
            found = True
            break
        if not found:
            break
        cur_a = st_a[sp]
        cur_b = st_b[sp]
        top = st_top[sp]
        cur_depth = st_depth[sp]
        if n_out == len(o_parent):
            o_parent = _grow(o_parent, 2 * n_out)
            o_item = _grow(o_item, 2 * n_out)
            o_kind = _grow(o_kind, 2 * n_out)
            o_sup = _grow(o_sup, 2 * n_out)
        o_parent[n_out] = st_parent[sp]
        o_item[n_out] = st_item[sp]
        o_kind[n_out] = st_kind[sp]
        o_sup[n_out] = st_sup[sp]
        cur_node = n_out
        n_out += 1
        if stop_after > 0 and n_out > stop_after:
            break
        if top_k > 0:
            heap_size = _heap_push(heap, heap_size, top_k, st_sup[sp])
            if heap_size == top_k and heap[0] > threshold:
                threshold = heap[0]
        expand = cur_b > cur_a  # a leaf was pushed with an empty projection
    return o_parent, o_item, o_kind, o_sup, n_out


# ==================================================================== closed
def _closed_filter(patterns: list[tuple[Pattern, int]]) -> list[tuple[Pattern, int]]:
    sup = dict(patterns)
    not_closed = set()
    for q, s in patterns:
        for r in _one_item_deletions(q):
            if sup.get(r) == s:
                not_closed.add(r)
    return [(p, s) for p, s in patterns if p not in not_closed]


def _one_item_deletions(pattern: Pattern) -> Iterable[Pattern]:
    for i, a in enumerate(pattern):
        if len(a) == 1:
            r = pattern[:i] + pattern[i + 1:]
            if r:
                yield r
        else:
            for j in range(len(a)):
                yield pattern[:i] + (a[:j] + a[j + 1:],) + pattern[i + 1:]
