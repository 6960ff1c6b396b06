"""Small numba kernels shared by more than one engine."""
from __future__ import annotations

import numpy as np
from ._jit import njit

__all__ = ["sort_unique_runs"]


@njit(cache=True)
def sort_unique_runs(indptr, codes):
    """Sort each run ``codes[indptr[r]:indptr[r + 1]]`` and drop repeated codes.

    An itemset (Apriori's transaction, an element of a PrefixSpan sequence) is
    a set: its items are kept sorted and once each. Runs are short, so each is
    built by insertion. Returns ``(new_indptr, new_codes)`` as int64 offsets
    and int32 codes.
    """
    n = len(indptr) - 1
    out = np.empty(len(codes), np.int32)
    out_ptr = np.zeros(n + 1, np.int64)
    pos = 0
    for r in range(n):
        start = pos
        for p in range(indptr[r], indptr[r + 1]):
            c = codes[p]
            j = pos
            while j > start and out[j - 1] > c:
                j -= 1
            if j > start and out[j - 1] == c:
                continue
            for q in range(pos, j, -1):
                out[q] = out[q - 1]
            out[j] = c
            pos += 1
        out_ptr[r + 1] = pos
    return out_ptr, out[:pos].copy()
