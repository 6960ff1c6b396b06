r"""PrefixSpan for hand-sized databases in pure Python: the reference the worked PrefixSpan is checked against.

The worked PrefixSpan (``workedout prefixspan``, a textbook database of a
few sequences) checks every projection and every support against a numeric
computation. For a hand-sized database (:func:`is_hand_sized`: at most
:data:`MAX_SEQUENCES` sequences of at most :data:`MAX_ITEMS` items in all)
it uses this module instead of :mod:`numerics.prefixspan` (pseudo-projection
in numba kernels): the same definitions, written again from the definition of
containment, so that the check needs no numba import, no kernel loading and no
compilation, and stays independent of the worked side's projections:

* a sequence contains a pattern when the pattern's itemsets are subsets of
  itemsets of the sequence in order (greedy earliest matching is optimal);
* the projected database of a prefix: for each sequence that contains it, the
  suffix after the prefix's earliest occurrence, the rest of the itemset that
  completed the prefix first (written ``(_x)``);
* an s-extension by ``y`` is frequent when ``prefix + <(y)>`` is contained in
  enough sequences, an i-extension when ``prefix`` with ``y`` added to its last
  itemset (``y`` after that itemset's items) is;
* :func:`prefixspan` grows every frequent pattern by its frequent extensions,
  depth first, each support counted by containment.

That each equals the engine's is a property test (``tests/test_references.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

from .seqdb import from_sequences, sort_items
from .thresholds import resolve_min_support

__all__ = ["MAX_SEQUENCES", "MAX_ITEMS", "is_hand_sized", "Projection", "Projector", "contains", "support",
           "prefixspan", "count_patterns"]

#: A database is hand-sized (checked here, not by the engine) up to this many sequences ...
MAX_SEQUENCES = 30
#: ... holding at most this many items in all (the sum of the itemsets' sizes).
MAX_ITEMS = 300


def is_hand_sized(db) -> bool:
    """Whether the worked PrefixSpan checks ``db`` (a :class:`numerics.seqdb.SequenceDatabase`) here."""
    return len(db.sequences) <= MAX_SEQUENCES and sum(len(a) for s in db.sequences for a in s) <= MAX_ITEMS


@dataclass(frozen=True)
class Projection:
    """One sequence of a projected database: ``index``, ``suffix`` (itemsets), ``partial`` (a ``(_x)`` first)."""

    index: int
    suffix: tuple
    partial: bool


def _earliest(sequence, pattern) -> int | None:
    """The index of the itemset where the earliest occurrence of ``pattern`` ends (None: not contained)."""
    j = 0
    end = None
    for a in pattern:
        a = set(a)
        while j < len(sequence) and not a <= set(sequence[j]):
            j += 1
        if j == len(sequence):
            return None
        end = j
        j += 1
    return end


def contains(sequence, pattern) -> bool:
    """Whether ``pattern`` is a subsequence of ``sequence`` (itemsets as subsets, order kept)."""
    return _earliest(sequence, pattern) is not None


def support(db, pattern) -> int:
    """The sequences of ``db`` containing ``pattern``, each weighted by its count."""
    data = from_sequences(db)
    return sum(c for s, c in zip(data.sequences, data.counts) if contains(s, pattern))


class Projector:
    """Projected databases and extension supports of one database, from containment."""

    def __init__(self, db):
        self.db = from_sequences(db)
        self.rank = {x: i for i, x in enumerate(sort_items({x for s in self.db.sequences for a in s for x in a}))}

    def projected_database(self, prefix) -> list[Projection]:
        """The suffix after the earliest occurrence of ``prefix`` in every sequence holding it (empty ones left out)."""
        prefix = tuple(tuple(sort_items(set(a))) for a in prefix)
        out = []
        for index, s in enumerate(self.db.sequences):
            end = _earliest(s, prefix)
            if end is None:
                continue
            top = self.rank[prefix[-1][-1]]
            rest = tuple(x for x in sort_items(s[end]) if self.rank[x] > top)
            suffix = ((rest,) if rest else ()) + tuple(tuple(sort_items(a)) for a in s[end + 1:])
            if suffix:
                out.append(Projection(index, suffix, bool(rest)))
        return out

    def extension_supports(self, prefix) -> tuple[dict, dict]:
        """({y: support of the i-extension by y}, {y: support of the s-extension by y}), positive supports only."""
        prefix = tuple(tuple(sort_items(set(a))) for a in prefix)
        i_sup: dict = {}
        s_sup: dict = {}
        last = prefix[-1]
        top = max(self.rank.get(x, -1) for x in last)
        for s, c in zip(self.db.sequences, self.db.counts):
            if not contains(s, prefix):
                continue
            items = {x for a in s for x in a}
            for y in items:
                if contains(s, prefix + ((y,),)):
                    s_sup[y] = s_sup.get(y, 0) + c
                if self.rank[y] > top and contains(s, prefix[:-1] + (tuple(sort_items(last + (y,))),)):
                    i_sup[y] = i_sup.get(y, 0) + c
        return i_sup, s_sup


def _mine(db, minsup: int, max_length: int | None, stop_after: int | None):
    """Every frequent pattern with its support, in lexicographic order (of the items' canonical order)."""
    projector = Projector(db)
    rank = projector.rank
    found: list = []

    def grow(pattern: tuple, length: int) -> None:
        if max_length is not None and length >= max_length:
            return
        i_sup, s_sup = projector.extension_supports(pattern)
        for y, c in s_sup.items():
            if c >= minsup and (stop_after is None or len(found) <= stop_after):
                found.append((pattern + ((y,),), c))
                grow(pattern + ((y,),), length + 1)
        for y, c in i_sup.items():
            if c >= minsup and (stop_after is None or len(found) <= stop_after):
                extended = pattern[:-1] + (tuple(sort_items(pattern[-1] + (y,))),)
                found.append((extended, c))
                grow(extended, length + 1)

    items: dict = {}
    for s, c in zip(projector.db.sequences, projector.db.counts):
        for y in {x for a in s for x in a}:
            items[y] = items.get(y, 0) + c
    for y, c in items.items():
        if c >= minsup and (stop_after is None or len(found) <= stop_after):
            found.append((((y,),), c))
            grow(((y,),), 1)
    found.sort(key=lambda pc: tuple(tuple(rank[x] for x in a) for a in pc[0]))
    return found


def prefixspan(db, min_support, *, max_length: int | None = None, closed: bool = False) -> list[tuple]:
    """Every frequent sequential pattern (or the closed ones: no super-sequence of equal support) with its support."""
    data = from_sequences(db)
    minsup = resolve_min_support(min_support, sum(data.counts), what="min_support")
    if not closed:
        return _mine(data, minsup, max_length, None)
    # a proper super-sequence of equal support implies one with exactly one more item (see
    # numerics.prefixspan.closed_patterns), so mining one item past max_length decides closedness
    every = _mine(data, minsup, None if max_length is None else max_length + 1, None)
    by_support: dict = {}
    for p, c in every:
        by_support.setdefault(c, []).append(p)
    size = lambda p: sum(len(a) for a in p)  # noqa: E731
    return [(p, c) for p, c in every if (max_length is None or size(p) <= max_length)
            and not any(size(q) == size(p) + 1 and _within(p, q) for q in by_support[c])]


def _within(p, q) -> bool:
    """Whether pattern ``p`` is a subsequence of pattern ``q``."""
    return contains(q, p)


def count_patterns(db, min_support, *, max_length: int | None = None, stop_after: int | None = None) -> int:
    """How many frequent patterns :func:`prefixspan` finds; past ``stop_after``, ``stop_after + 1``."""
    data = from_sequences(db)
    minsup = resolve_min_support(min_support, sum(data.counts), what="min_support")
    if not data.sequences:
        return 0
    n = len(_mine(data, minsup, max_length, stop_after))
    return n if stop_after is None else min(n, stop_after + 1)
