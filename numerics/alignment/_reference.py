r"""Alignment for hand-sized pairs in pure Python: the reference the worked alignment is checked against.

The worked alignment (``workedout align GATTACA GCATGCU``, a table of at most
:data:`MAX_LENGTH` letters a side) checks every row, the score, the count and
every listed alignment against a numeric computation. For such a pair it uses
:class:`ReferenceAligner` instead of :class:`~._aligner.PairwiseAligner` (the
anti-diagonal numba kernels): the same recurrences (the module docstring of
:mod:`numerics.alignment`), written again cell by cell in row-major order over
Python numbers, so that the check loads no numba, no kernel and compiles
nothing:

* the scoring is validated by the engine's own :class:`~._scoring.Scoring`
  (same parameters, same errors);
* :meth:`~ReferenceAligner.dp_tables` -- Gotoh's :math:`M, X, Y` (with linear
  gaps, :math:`e = o`, they give the single table :math:`H`) and the arrow bits
  of every cell in the engine's layout (:data:`M_FROM_M` ... :data:`M_END`,
  this module's own copy of the constants): a predecessor state is an arrow
  when it attains the maximum and, in local mode, scores strictly between 0
  and the optimum; :data:`M_START` where a local alignment may start (the
  diagonal predecessor's best state is at most 0); :data:`M_END` where
  :math:`M` reaches the local optimum;
* :meth:`~ReferenceAligner.score`, :meth:`~ReferenceAligner.count` (the exact
  number of co-optimal alignments, a forward sum over the arrows:
  :math:`N(v) = [v \text{ a start}] + \sum_u N(u)`, added up over the end
  states), :meth:`~ReferenceAligner.alignment_score` (a given alignment
  rescored column by column), :func:`semiglobal_ranges`;
* :func:`bellman_ford` -- shortest paths from one node with negative weights,
  relaxing every edge in the order of its tail node (as
  ``scipy.sparse.csgraph.bellman_ford`` walks its CSR rows) until a round
  changes nothing: the worked edit graph's check, without importing scipy.

Numbers are what the engine computes in: Python ints when every score is an
integer (and no score can reach :math:`2^{60}`), otherwise floats, with the
engine's tolerance for two float scores to count as equal, so the values and
the arrows are the engine's exactly. That they are equal is a property test
(``tests/test_references.py``).
"""
from __future__ import annotations

import math

import numpy as np

from ._scoring import ScoredAligner, Scoring, ValidatedSequence
from ._tables import DPTables

__all__ = ["MAX_LENGTH", "is_hand_sized", "ReferenceAligner", "semiglobal_ranges",
           "bellman_ford", "M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START", "X_FROM_M", "X_FROM_X", "X_FROM_Y",
           "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END"]

#: A pair is hand-sized (checked by this module, not the kernels) up to this many letters a side:
#: the size up to which the worked table is shown (``derivations.alignment.MAX_TABLE``).
MAX_LENGTH = 40

# The arrow bits of one cell, as numerics.alignment._kernels lays them out (a test asserts they are
# equal): state q from state r is FIRST[q] << r, states numbered 0 M, 1 X, 2 Y.
M_FROM_M, M_FROM_X, M_FROM_Y, M_START = 1, 2, 4, 8
X_FROM_M, X_FROM_X, X_FROM_Y = 16, 32, 64
Y_FROM_M, Y_FROM_X, Y_FROM_Y = 128, 256, 512
M_END = 1024
_FIRST = (M_FROM_M, X_FROM_M, Y_FROM_M)
_NEG = -math.inf                     # a state no alignment ends in


def is_hand_sized(seq1: str, seq2: str) -> bool:
    """Whether the pair is checked here (at most :data:`MAX_LENGTH` letters each)."""
    return len(seq1) <= MAX_LENGTH and len(seq2) <= MAX_LENGTH


class ReferenceAligner(ScoredAligner):
    """:class:`numerics.alignment.PairwiseAligner`'s scoring and its ``score``, ``count``,
    ``dp_tables`` and ``alignment_score``, in pure Python, for sequences of at most
    :data:`MAX_LENGTH` letters.

    Parameters are those of :class:`~numerics.alignment.PairwiseAligner`, checked by the
    same code (errors name the parameter). Longer sequences are refused (ValueError naming
    ``seq1`` or ``seq2``): the cell-by-cell loops are for hand-sized tables.
    """

    __slots__ = ()

    # --- the methods --------------------------------------------------------------
    def score(self, seq1: str, seq2: str) -> int | float:
        """The optimal score: :math:`\\max(M, X, Y)_{nm}`, or :math:`\\max(0, \\max M)` (local)."""
        return self._fill(seq1, seq2).result

    def count(self, seq1: str, seq2: str) -> int:
        """The exact number of co-optimal alignments (what :func:`numerics.alignment.count_optimal` counts)."""
        f = self._fill(seq1, seq2)
        n, m, bits = f.n, f.m, f.bits
        if f.local and not f.best > f.eps:
            return 0
        N = [[[0] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
        total = 0
        for i in range(n + 1):
            for j in range(m + 1):
                b = bits[i][j]
                for q, (di, dj) in enumerate(((1, 1), (1, 0), (0, 1))):
                    c = 1 if q == 0 and ((not f.local and i == 0 and j == 0) or (f.local and b & M_START)) else 0
                    for r in range(3):
                        if b & (_FIRST[q] << r):
                            c += N[r][i - di][j - dj]
                    N[q][i][j] = c
                if f.local and b & M_END:
                    total += N[0][i][j]
        if not f.local:
            total = sum(N[q][n][m] for q in range(3) if f.V[q][n][m] >= f.best - f.eps)
        return total

    def dp_tables(self, seq1: str, seq2: str) -> DPTables:
        """The full tables and their arrows (the fields of :class:`numerics.alignment.DPTables`)."""
        f = self._fill(seq1, seq2)
        M, X, Y = (np.array([[float(v) for v in row] for row in f.V[q]], dtype=np.float64).reshape(f.n + 1, f.m + 1)
                   for q in range(3))
        H = np.maximum(np.maximum(M, X), Y)
        if f.local:
            H = np.maximum(H, 0.0)
        arrows = np.array(f.bits, dtype=np.uint16).reshape(f.n + 1, f.m + 1)
        arrows.setflags(write=False)
        return DPTables(H=H, M=M, X=X, Y=Y, arrows=arrows, score=f.result, mode=self.mode,
                               free_ends=self.free_ends, seq1=f.seq1, seq2=f.seq2)

    # --- the tables -----------------------------------------------------------------
    def _fill(self, seq1: str, seq2: str) -> _Filled:
        s = self._scoring
        first, second = ValidatedSequence("seq1", seq1), ValidatedSequence("seq2", seq2)
        for seq in (first, second):
            if len(seq.text) > MAX_LENGTH:
                raise ValueError(f"{seq.name}: {len(seq.text)} letters; the pure-Python reference takes at most "
                                 f"{MAX_LENGTH} (use numerics.alignment.PairwiseAligner)")
            s.check_letters(seq)
        return _Filled(s, first.text, second.text, len(first.letters | second.letters))


class _Filled:
    """The tables of one pair: ``V[q][i][j]`` (q = 0 M, 1 X, 2 Y; ``-inf`` unreachable), ``bits[i][j]``,
    ``best`` (the optimum in the working number type), ``result`` (as returned), ``eps``."""

    def __init__(self, s: Scoring, a: str, b: str, alphabet_size: int) -> None:
        n, m = len(a), len(b)
        self.n, self.m, self.seq1, self.seq2, self.local = n, m, a, b, s.local
        # the engine's number type: exact ints while no score can reach 2**60, else floats within eps
        integral, largest = s._values(max(alphabet_size, 1) if s.matrix is None else 0)
        bound = (n + m + 2) * max(1.0, largest)
        exact = integral and bound < 2 ** 60
        num = int if exact else float
        eps = 0 if exact else 64 * 2.220446049250313e-16 * bound
        go, ge = num(s.gap_open), num(s.gap_extend)
        sub = {(x, y): num(s.substitution(x, y)) for x in set(a) for y in set(b)}
        free = s.free_ends
        local = s.local
        z = 0 if local else _NEG
        V = [[[_NEG] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
        Mv, Xv, Yv = V
        if not local:
            Mv[0][0] = num(0)
        for i in range(n + 1):                       # the values, row-major
            for j in range(m + 1):
                if (i == 0 and j == 0) or (local and (i == 0 or j == 0)):
                    continue
                if i and j:
                    Mv[i][j] = max(Mv[i - 1][j - 1], Xv[i - 1][j - 1], Yv[i - 1][j - 1], z) + sub[a[i - 1], b[j - 1]]
                if i:
                    o, e = (0, 0) if (j == 0 and free[0]) or (j == m and free[1]) else (go, ge)
                    Xv[i][j] = max(Mv[i - 1][j] + o, Xv[i - 1][j] + e, Yv[i - 1][j] + o)
                if j:
                    o, e = (0, 0) if (i == 0 and free[2]) or (i == n and free[3]) else (go, ge)
                    Yv[i][j] = max(Mv[i][j - 1] + o, Xv[i][j - 1] + o, Yv[i][j - 1] + e)
        if local:
            best = max([0] + [v for row in Mv for v in row if v != _NEG])
            best = num(best)
        else:
            best = max(Mv[n][m], Xv[n][m], Yv[n][m])
        # which predecessor states may be passed through: reachable; local: strictly between 0 and the optimum
        if not local:
            lo, hi, end = _NEG, math.inf, math.inf
        elif best > eps:
            lo, hi, end = eps, best - eps, best - eps
        else:
            lo, hi, end = eps, math.inf, math.inf
        bits = [[0] * (m + 1) for _ in range(n + 1)]
        for i in range(n + 1):                       # the arrows
            for j in range(m + 1):
                if (i == 0 and j == 0) or (local and (i == 0 or j == 0)):
                    continue
                c = 0
                if i and j:
                    prev = (Mv[i - 1][j - 1], Xv[i - 1][j - 1], Yv[i - 1][j - 1])
                    hd = max(prev)
                    t = max(hd, z)
                    c |= sum(M_FROM_M << r for r, u in enumerate(prev) if u >= t - eps and lo < u < hi)
                    if local and hd <= eps:
                        c |= M_START
                    if Mv[i][j] >= end:
                        c |= M_END
                if i:
                    o, e = (0, 0) if (j == 0 and free[0]) or (j == m and free[1]) else (go, ge)
                    prev = (Mv[i - 1][j], Xv[i - 1][j], Yv[i - 1][j])
                    c |= _arrows(X_FROM_M, prev, (prev[0] + o, prev[1] + e, prev[2] + o), Xv[i][j], eps, lo, hi)
                if j:
                    o, e = (0, 0) if (i == 0 and free[2]) or (i == n and free[3]) else (go, ge)
                    prev = (Mv[i][j - 1], Xv[i][j - 1], Yv[i][j - 1])
                    c |= _arrows(Y_FROM_M, prev, (prev[0] + o, prev[1] + o, prev[2] + e), Yv[i][j], eps, lo, hi)
                bits[i][j] = c
        self.V, self.bits, self.best, self.eps = V, bits, best, eps
        self.result = s.result(best)


def _arrows(first: int, prev, candidates, value, eps, lo, hi) -> int:
    """The arrow bits (first << r) of the predecessor states r whose candidate attains ``value``."""
    return sum(first << r for r in range(3) if candidates[r] >= value - eps and lo < prev[r] < hi)


def semiglobal_ranges(ops, free_ends=(True, True, True, True)) -> tuple[tuple[int, int], tuple[int, int]]:
    """``[start, end)`` in each sequence of a semiglobal alignment's letters outside its free end gaps.

    ``ops``: the columns from the first, 0 ``(x, y)``, 1 ``(x, -)``, 2 ``(-, y)``; ``free_ends``:
    ``(seq1_start, seq1_end, seq2_start, seq2_end)``. A leading (trailing) run of ``(x, -)``
    columns before seq2's first letter (after its last) is left out of seq1's range when that end
    is free; likewise ``(-, y)`` runs for seq2. As :func:`numerics.alignment.semiglobal_ranges`.
    """
    codes = ops.tolist() if isinstance(ops, np.ndarray) else list(ops)
    if any(op not in (0, 1, 2) for op in codes):
        raise ValueError(f"ops: expected column codes 0, 1 and 2, got {sorted(set(codes))!r}")
    if len(free_ends) != 4:
        raise ValueError("free_ends: expected 4 booleans (seq1_start, seq1_end, seq2_start, "
                         f"seq2_end), got {free_ends!r}")
    n, m = codes.count(0) + codes.count(1), codes.count(0) + codes.count(2)

    def run(columns) -> tuple[int, int]:
        """(seq1 letters, seq2 letters) in the run of one gap kind opening ``columns``."""
        kind = columns[0] if columns and columns[0] != 0 else None
        k = 0
        while k < len(columns) and columns[k] == kind:
            k += 1
        return (k, 0) if kind == 1 else (0, k)

    lead1, lead2 = run(codes)
    trail1, trail2 = run(codes[::-1])
    lead1, trail1 = lead1 * bool(free_ends[0]), trail1 * bool(free_ends[1])
    lead2, trail2 = lead2 * bool(free_ends[2]), trail2 * bool(free_ends[3])
    # a sequence all in end gaps (the other empty): its range is empty, at the lead's end
    return (lead1, max(lead1, n - trail1)), (lead2, max(lead2, m - trail2))


def bellman_ford(n_nodes: int, edges, source: int) -> list:
    """Shortest distances from ``source`` (``inf`` where unreachable) by Bellman-Ford.

    ``edges``: (tail, head, weight) with any real weights. Each round relaxes every edge,
    tails in node order (as ``scipy.sparse.csgraph.bellman_ford`` walks a CSR graph); it stops
    after a round that changes nothing, at most ``n_nodes - 1`` rounds, and a change in round
    ``n_nodes`` means a negative cycle (ValueError). Exact weights (ints, Fractions) give
    exact distances.
    """
    order = sorted(edges, key=lambda edge: edge[0])
    dist: list = [math.inf] * n_nodes
    dist[source] = 0
    for _ in range(n_nodes):
        changed = False
        for u, v, w in order:
            du = dist[u]
            if du != math.inf and du + w < dist[v]:
                dist[v] = du + w
                changed = True
        if not changed:
            return dist
    raise ValueError("edges: the graph has a negative cycle reachable from the source")
