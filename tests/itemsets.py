"""The brute-force frequent itemsets the Apriori tests compare the engine against (one copy for all of them)."""
from __future__ import annotations

from itertools import combinations


def brute_force(transactions, s, max_len=None):
    """Every itemset of the items present with support count at least ``s``, counted from the definition."""
    sets = [set(t) for t in transactions]
    items = sorted(set().union(*sets)) if sets else []
    out = {}
    for r in range(1, (max_len or len(items)) + 1):
        for c in combinations(items, r):
            n = sum(1 for t in sets if set(c) <= t)
            if n >= s:
                out[frozenset(c)] = n
    return out
