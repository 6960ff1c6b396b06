"""The textbook rules of PrefixSpan on itemset tuples: projecting a sequence on a prefix, counting extensions.

Shared by the worked solution (:mod:`._worked`) and the diagnosis of a
student's answer (:mod:`._diagnose`), which recomputes with these rules from
the student's own values.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...numerics.seqdb import sort_items

__all__ = ["PROJECTIONS", "Projected", "is_prefix", "project", "count_extensions", "extend"]

PROJECTIONS = ("strict", "paper")


@dataclass(frozen=True)
class Projected:
    """One sequence of a projected database: the rest of the matched itemset, then later itemsets."""

    index: int
    partial: tuple
    rest: tuple

    @property
    def empty(self) -> bool:
        return not self.partial and not self.rest


def is_prefix(prefix, pattern) -> bool:
    """Whether ``pattern`` grows ``prefix`` by one item (as new itemset or into its last one)."""
    if len(pattern) == len(prefix) + 1:
        return pattern[:len(prefix)] == prefix
    last = prefix[-1]
    return (len(pattern) == len(prefix) and pattern[:-1] == prefix[:-1]
            and pattern[-1][:len(last)] == last)  # the new item sorts after the last itemset's


def project(seq, prefix, index: int) -> Projected | None:
    """The suffix after the first occurrence of ``prefix``, or None when it does not occur."""
    j = 0
    for k, a in enumerate(prefix):
        while j < len(seq) and not set(a) <= set(seq[j]):
            j += 1
        if j == len(seq):
            return None
        if k < len(prefix) - 1:
            j += 1
    matched = seq[j]
    after = matched[matched.index(prefix[-1][-1]) + 1:]
    return Projected(index, tuple(after), tuple(seq[j + 1:]))


def count_extensions(projected: list, last: tuple) -> tuple[dict, dict]:
    """Candidates in a projected database: {item: [(sequence index, source)]} for each way.

    i-extensions (into the last itemset): source None for the underscore
    itemset, else the later itemset that holds ``last`` and the item.
    s-extensions (new itemset): items of the itemsets after the underscore one.
    """
    i_found: dict = {}
    s_found: dict = {}
    for pr in projected:
        seen_i: dict = {}
        for y in pr.partial:
            seen_i.setdefault(y, None)
        if last:
            for a in pr.rest:
                if set(last) <= set(a):
                    for y in a[a.index(last[-1]) + 1:]:
                        seen_i.setdefault(y, a)
        for y, src in seen_i.items():
            i_found.setdefault(y, []).append((pr.index, src))
        for y in {x for a in pr.rest for x in a}:
            s_found.setdefault(y, []).append(pr.index)
    order = lambda d: {y: d[y] for y in sort_items(d)}  # noqa: E731
    return order(i_found), {y: sorted(v) for y, v in order(s_found).items()}


def extend(projected: list, last: tuple, y, kind: str) -> list:
    """Project a projected database further on one more item (the textbook recursion)."""
    out = []
    for pr in projected:
        if kind == "s":
            for k, a in enumerate(pr.rest):
                if y in a:
                    out.append(Projected(pr.index, a[a.index(y) + 1:], pr.rest[k + 1:]))
                    break
            continue
        if y in pr.partial:
            out.append(Projected(pr.index, pr.partial[pr.partial.index(y) + 1:], pr.rest))
            continue
        need = set(last) | {y}
        for k, a in enumerate(pr.rest):
            if need <= set(a):
                out.append(Projected(pr.index, a[a.index(y) + 1:], pr.rest[k + 1:]))
                break
    return out
