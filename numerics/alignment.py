r"""Pairwise sequence alignment: the fast numeric engine and oracle.

Conventions
-----------
* **Scores are added and maximised.** Substitutions score ``match`` /
  ``mismatch`` or a substitution matrix entry; **gap penalties are negative
  scores** (zero is allowed, a positive gap score is refused). A gap of length
  :math:`k` (a maximal run of consecutive columns with ``-`` in the same
  sequence) scores :math:`o + (k-1)\,e` with :math:`o` = ``gap_open`` and
  :math:`e` = ``gap_extend``; ``gap_extend=None`` means linear gaps,
  :math:`e = o` (every gap position scores ``gap_open``).
* **Letters are case-insensitive** (upper-cased before scoring).
* **An alignment is a sequence of columns** ``(x, y)``, ``(x, -)`` or
  ``(-, y)``; so ``A-/-C`` and ``-A/C-`` are two different alignments, as in
  Biopython's ``PairwiseAligner``. Adjacent gaps in different sequences are
  two gaps, each opened.
* **Modes.**

  - ``"global"`` (Needleman-Wunsch): all of both sequences, every column scored.
  - ``"local"`` (Smith-Waterman): a substring of each, the best-scoring pair.
  - ``"semiglobal"``: global, but *end gaps are free* at the ends selected by
    ``free_ends = (seq1_start, seq1_end, seq2_start, seq2_end)``, all ``True``
    by default. ``seq1_start=True`` means a prefix of seq1 may face gaps
    before the first letter of seq2 at no cost (leading ``(x, -)`` columns are
    free); ``seq1_end`` the same for a suffix of seq1 after the last letter of
    seq2; ``seq2_start`` / ``seq2_end`` likewise for seq2. In Biopython's
    ``PairwiseAligner`` (seq1 = target, seq2 = query) they are the left and
    right *deletion* end-gap scores (seq1's ends) and the left and right
    *insertion* end-gap scores (seq2's ends) set to 0 (formerly named
    ``query_left``, ``query_right``, ``target_left``, ``target_right``). To
    fit a short read seq2 inside seq1: ``free_ends=(True, True, False, False)``.

Recurrences (Gotoh's three matrices)
------------------------------------
Row :math:`i` runs over seq1 :math:`a_1..a_n`, column :math:`j` over seq2
:math:`b_1..b_m`; :math:`s(a_i, b_j)` is the substitution score. :math:`M`
ends in a substitution column, :math:`X` in a gap in seq2 (column
:math:`(a_i, -)`, a vertical move), :math:`Y` in a gap in seq1 (column
:math:`(-, b_j)`, a horizontal move):

.. math::

    M_{ij} &= \max(H_{i-1,j-1},\ z) + s(a_i, b_j), \qquad
    H_{ij} = \max(M_{ij}, X_{ij}, Y_{ij}) \\
    X_{ij} &= \max(M_{i-1,j} + o,\ X_{i-1,j} + e,\ Y_{i-1,j} + o) \\
    Y_{ij} &= \max(M_{i,j-1} + o,\ Y_{i,j-1} + e,\ X_{i,j-1} + o)

with :math:`z = -\infty` in global/semiglobal and :math:`z = 0` in local
mode (an alignment may start at any substitution column). Global starts at
:math:`M_{00} = 0`, :math:`X_{00} = Y_{00} = -\infty`; the borders are gaps
only (:math:`X_{i0} = o + (i-1)e`, :math:`Y_{0j} = o + (j-1)e`). In
semiglobal mode :math:`o = e = 0` for the moves along a free border: vertical
moves in column 0 (``seq1_start``) and column :math:`m` (``seq1_end``),
horizontal moves in row 0 (``seq2_start``) and row :math:`n` (``seq2_end``).
The global score is :math:`H_{nm}`, the local score
:math:`\max(0, \max_{ij} M_{ij})`. With linear gaps (:math:`e = o = g`) this
reduces to the one-matrix recurrence
:math:`H_{ij} = \max(H_{i-1,j-1} + s,\ H_{i-1,j} + g,\ H_{i,j-1} + g\ [,\ 0])`.
Every column sequence is exactly one path through the states, so counting
paths counts alignments.

Co-optimal alignments (what :func:`count_optimal` counts)
---------------------------------------------------------
Global and semiglobal: every column sequence of optimal score. Local: every
optimal alignment that cannot be trimmed, i.e. every proper non-empty prefix
scores strictly between 0 and the optimum (no leading part scoring 0 and no
trailing part scoring 0). So ``CAC``/``CGC`` (match 1, mismatch -1) counts
the four one-column ``C/C`` alignments but not ``CAC/CGC`` itself. This is
exactly what Biopython's ``PairwiseAligner`` enumerates in local mode (its
paths never run through a state scoring 0, nor through the optimum before
their last column), for linear and affine gaps alike: the tests check both
against brute-force enumeration and against Biopython. A local
optimum of 0 has no alignment: the count is 0 (and :func:`align` returns the
empty alignment).

Empty sequences are valid: global score = the gap cost of the other sequence
(one alignment; two empty sequences: score 0, the empty alignment); local
score 0 and no alignment.

Numerics
--------
All-integer scoring runs in ``int32`` (``int64`` when a score could exceed
:math:`2^{28}`) and returns Python ints; any non-integer score runs in
``float64`` and returns floats; two float scores count as equal when they
differ by less than a few ulps of the largest reachable score. The kernels
sweep **anti-diagonals**: the cells of one anti-diagonal depend only on the two
before it, so each is one vectorised (SIMD) loop; numba compiles them
(``cache=True``), because a DP recurrence is a loop numpy cannot vectorise.

* :func:`score`: three anti-diagonals of :math:`n+1` values: :math:`O(n+m)`
  memory.
* :func:`align`: a forward sweep keeps checkpoints (two anti-diagonals every
  :math:`K` diagonals), then the traceback recomputes, block by block and
  only inside the band the path can reach (at most :math:`K` cells wide), the
  predecessor bits it needs: memory about :math:`24\,n (n+m)/K + 2K^2` bytes
  with :math:`K \approx (12 (n+m) n)^{1/3}` (18 MB measured for
  :math:`n = m = 20\,000`, where Biopython's traceback takes 320 MB), time
  about one score sweep plus :math:`(n+m)K/2` cells.
* :func:`count_optimal`: predecessor bits for every cell (3 bytes per cell),
  a backward pass that marks the states on optimal paths, then a forward
  pass that counts paths over the marked states only, in exact multi-limb
  integers (64-bit limbs, doubled on overflow), returned as a Python int.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from numba import njit

from .seqio import SubstitutionMatrix, load_matrix

__all__ = [
    "MODES",
    "Alignment",
    "DPTables",
    "score",
    "align",
    "count_optimal",
    "dp_tables",
    "alignment_score",
    "M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START",
    "X_FROM_M", "X_FROM_X", "X_FROM_Y",
    "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END",
]

#: The alignment modes.
MODES: tuple[str, ...] = ("global", "local", "semiglobal")

# Predecessor ("arrow") bits of one DP cell, as in :attr:`DPTables.arrows`:
# which predecessor states attain the maximum of each state.
M_FROM_M, M_FROM_X, M_FROM_Y, M_START = 1, 2, 4, 8        # diagonal move, or local start
X_FROM_M, X_FROM_X, X_FROM_Y = 16, 32, 64                  # vertical move (gap in seq2)
Y_FROM_M, Y_FROM_X, Y_FROM_Y = 128, 256, 512               # horizontal move (gap in seq1)
M_END = 1024                                               # local: M here is the optimum


@dataclass(frozen=True)
class Alignment:
    """One pairwise alignment.

    Attributes
    ----------
    seq1_aligned, seq2_aligned : str
        The aligned rows, gaps as ``-``, upper-case. For global and semiglobal
        alignments they span both whole sequences (end gaps included); for a
        local alignment only the aligned substrings.
    score : int or float
        The alignment's score under the scoring it was computed with.
    seq1_range, seq2_range : tuple of int
        ``[start, end)`` of the aligned part in the original sequences: the
        substrings (local), the letters outside free end gaps (semiglobal), or
        the whole sequences (global).
    """

    seq1_aligned: str
    seq2_aligned: str
    score: int | float
    seq1_range: tuple[int, int]
    seq2_range: tuple[int, int]

    def __str__(self) -> str:
        bars = "".join("|" if x == y and x != "-" else (" " if "-" in (x, y) else ".")
                       for x, y in zip(self.seq1_aligned, self.seq2_aligned))
        return f"{self.seq1_aligned}\n{bars}\n{self.seq2_aligned}"


@dataclass(frozen=True)
class DPTables:
    """The full dynamic-programming tables, for small inputs (worked examples).

    Attributes
    ----------
    H, M, X, Y : ndarray of shape (n + 1, m + 1), float64
        Gotoh's matrices (module docstring) and :math:`H = \\max(M, X, Y)`,
        in local mode also :math:`\\max(0, \\cdot)`, so with linear gaps ``H``
        is the classic single table. ``-inf`` where no alignment ends in that
        state. Exact integers whenever the scoring is integral.
    arrows : ndarray of shape (n + 1, m + 1), uint16
        Bits ``M_FROM_M`` ... ``Y_FROM_Y`` of this module: the predecessor
        states that attain each state's maximum; ``M_START`` where a local
        alignment may start (the 0 is attained); ``M_END`` where ``M`` equals
        the local optimum. In local mode only predecessors scoring strictly
        between 0 and the optimum are arrows (the counting convention).
    score : int or float
        The optimal score.
    mode : str
    free_ends : tuple of bool
    seq1, seq2 : str
        The sequences, upper-case.
    """

    H: np.ndarray
    M: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    arrows: np.ndarray
    score: int | float
    mode: str
    free_ends: tuple[bool, bool, bool, bool]
    seq1: str
    seq2: str


# --------------------------------------------------------------- public API

def score(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
          mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
          gap_open: float = -1, gap_extend: float | None = None,
          free_ends: tuple[bool, bool, bool, bool] | None = None) -> int | float:
    """The optimal alignment score, in :math:`O(n + m)` memory.

    Parameters
    ----------
    seq1, seq2 : str
        The sequences (letters, case-insensitive; may be empty).
    mode : {"global", "local", "semiglobal"}, default "global"
        Needleman-Wunsch, Smith-Waterman, or global with free end gaps.
    match, mismatch : int or float, default 1, -1
        Substitution scores when ``matrix`` is None.
    matrix : str, SubstitutionMatrix or None
        A shipped matrix name (``"BLOSUM62"``), a file path, or a loaded
        matrix (:func:`numerics.seqio.load_matrix`); replaces match/mismatch.
    gap_open : int or float, default -1
        Score of a gap's first position, :math:`\\le 0`.
    gap_extend : int or float or None, default None
        Score of each further position, :math:`\\le 0`; None: linear gaps
        (``gap_extend = gap_open``).
    free_ends : tuple of 4 bool, optional
        Semiglobal only: which end gaps are free, ``(seq1_start, seq1_end,
        seq2_start, seq2_end)``; default all four.

    Returns
    -------
    int or float
        :math:`H_{nm}` (global, semiglobal) or :math:`\\max(0, \\max M_{ij})`
        (local), see the module docstring; int when every score is an int.
    """
    p = _prepare(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)
    if p.linear:
        value = _score_linear(p.a, p.rb, p.S, p.eq, p.go, p.local, p.free, p.neg)
    else:
        value = _score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg)
    return p.result(value)


def align(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
          mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
          gap_open: float = -1, gap_extend: float | None = None,
          free_ends: tuple[bool, bool, bool, bool] | None = None) -> Alignment:
    """One optimal alignment, by a checkpointed traceback in small memory.

    Parameters are those of :func:`score`.

    Returns
    -------
    Alignment
        An optimal alignment; among the co-optimal ones it is one that
        :func:`count_optimal` counts (in local mode it ends at the first cell,
        in row-major order, that reaches the optimum, and starts at the
        latest possible start). A local optimum of 0 gives the empty
        alignment (score 0, ranges ``(0, 0)``).

    Notes
    -----
    The forward sweep (the recurrences of the module docstring, anti-diagonal
    by anti-diagonal) stores two anti-diagonals every :math:`K`; the traceback
    recomputes each block from its checkpoint, but only inside the band of
    cells a path from the current cell can reach, and follows predecessor
    bits (preferring, for ``M``, a local start, then ``M``, ``X``, ``Y``).
    """
    p = _prepare(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)
    n, m = p.n, p.m
    N = n + m
    K = int(min(max(64.0, (12.0 * (N + 1) * (n + 1)) ** (1 / 3)), N + 1))
    ckpt = np.empty((N // K + 1, 2, 3, n + 1), dtype=p.S.dtype)
    best, bi, bj = _forward(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg, K, ckpt)
    if p.local and not best > p.eps:
        return Alignment("", "", p.result(0), (0, 0), (0, 0))
    wlo, whi, wend = p.windows(best)
    ops, i0, j0 = _traceback(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                             K, ckpt, bi, bj, wlo, whi, wend, p.eps)
    ops = ops[::-1]
    r1, r2 = _render(p.seq1, p.seq2, ops, i0, j0)
    s1, s2 = (i0, bi), (j0, bj)
    if p.mode == "semiglobal":
        s1, s2 = _semiglobal_ranges(ops, n, m, p.free)
    return Alignment(r1, r2, p.result(best), s1, s2)


def count_optimal(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
                  mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
                  gap_open: float = -1, gap_extend: float | None = None,
                  free_ends: tuple[bool, bool, bool, bool] | None = None) -> int:
    """The exact number of co-optimal alignments, as a Python int.

    Parameters are those of :func:`score`. What is counted (column sequences;
    untrimmable alignments in local mode, as Biopython) is defined in the
    module docstring.

    Notes
    -----
    Let :math:`N(v)` be the number of optimal paths from a start to state
    :math:`v`. Then :math:`N(v) = [v \\text{ is a start}] + \\sum_u N(u)` over
    the predecessors :math:`u` that attain :math:`v`'s maximum (the arrows of
    :func:`dp_tables`), and the count is the sum of :math:`N` over the end
    states (:math:`H_{nm}`'s maximal states; local: every ``M`` equal to the
    optimum). The sum is only evaluated over states that a backward pass from
    the ends marked as lying on an optimal path; the integers are exact
    (64-bit limbs, the number of limbs doubled and the pass repeated on
    overflow). Memory: 3 bytes per DP cell.
    """
    p = _prepare(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)
    best = 0
    if p.local:
        best = _score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, True, p.free, p.neg)
        if not best > p.eps:
            return 0
    wlo, whi, wend = p.windows(best)
    offsets = _diagonal_offsets(p.n, p.m)
    bits, last = _trace_all(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                            wlo, whi, wend, p.eps, offsets)
    ends = 0
    if not p.local:
        h = max(last)
        ends = sum(1 << k for k in range(3) if last[k] >= h - p.eps)
    marks = _mark(bits, offsets, p.n, p.m, p.local, ends)
    limbs = 2
    while True:
        total, overflow = _count(bits, marks, offsets, p.n, p.m, p.local, limbs)
        if not overflow:
            return int.from_bytes(total.astype("<u8").tobytes(), "little")
        limbs *= 2


def dp_tables(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
              mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
              gap_open: float = -1, gap_extend: float | None = None,
              free_ends: tuple[bool, bool, bool, bool] | None = None) -> DPTables:
    """The full DP matrices and their arrows (for small inputs; :math:`O(nm)`).

    Parameters are those of :func:`score`. Computed by the same kernels as
    :func:`count_optimal`; see :class:`DPTables` for the fields.
    """
    p = _prepare(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)
    best = 0
    if p.local:
        best = _score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, True, p.free, p.neg)
    wlo, whi, wend = p.windows(best)
    offsets = _diagonal_offsets(p.n, p.m)
    tables = np.empty((3, p.n + 1, p.m + 1), dtype=p.S.dtype)
    arrows = np.empty((p.n + 1, p.m + 1), dtype=np.uint16)
    bits, last = _trace_all(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                            wlo, whi, wend, p.eps, offsets, tables)
    _unflatten(bits, offsets, arrows)
    M, X, Y = (np.where(t > p.neg / 2, t, -np.inf).astype(np.float64) for t in tables)
    H = np.maximum(np.maximum(M, X), Y)
    if p.local:
        H = np.maximum(H, 0.0)
    value = best if p.local else max(last)
    arrows.setflags(write=False)
    return DPTables(H=H, M=M, X=X, Y=Y, arrows=arrows, score=p.result(value),
                    mode=p.mode, free_ends=p.free, seq1=p.seq1, seq2=p.seq2)


def alignment_score(seq1_aligned: str, seq2_aligned: str, *, mode: str = "global",
                    match: float = 1, mismatch: float = -1,
                    matrix: str | SubstitutionMatrix | None = None,
                    gap_open: float = -1, gap_extend: float | None = None,
                    free_ends: tuple[bool, bool, bool, bool] | None = None) -> int | float:
    """The score of a given alignment (two equal-length rows, gaps as ``-``).

    Scored column by column with the conventions of the module docstring; in
    semiglobal mode the rows must span the whole sequences and gap columns
    before the other sequence's first letter or after its last are free at
    the selected ends; in global and local mode every column is scored (a
    local alignment is scored as the columns given). A column ``-/-`` is an
    error.
    """
    for name, row in (("seq1_aligned", seq1_aligned), ("seq2_aligned", seq2_aligned)):
        if not isinstance(row, str):
            raise TypeError(f"{name}: expected str, got {type(row).__name__}")
    if len(seq1_aligned) != len(seq2_aligned):
        raise ValueError(f"seq2_aligned: length {len(seq2_aligned)} differs from "
                         f"seq1_aligned's length {len(seq1_aligned)}")
    for k, (x, y) in enumerate(zip(seq1_aligned, seq2_aligned)):
        if x == "-" and y == "-":
            raise ValueError(f"seq1_aligned: column {k + 1} is '-' over '-'; a column "
                             "needs at least one letter")
    s1 = seq1_aligned.replace("-", "")
    s2 = seq2_aligned.replace("-", "")
    p = _prepare(s1, s2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)
    total = 0
    i = j = 0
    previous = ""
    for x, y in zip(seq1_aligned.upper(), seq2_aligned.upper()):
        if x != "-" and y != "-":
            total += p.sub(x, y)
            i, j, previous = i + 1, j + 1, "M"
        elif y == "-":
            free = (j == 0 and p.free[0]) or (j == p.m and p.free[1])
            if not free:
                total += p.ge_py if previous == "X" else p.go_py
            i, previous = i + 1, "X"
        else:
            free = (i == 0 and p.free[2]) or (i == p.n and p.free[3])
            if not free:
                total += p.ge_py if previous == "Y" else p.go_py
            j, previous = j + 1, "Y"
    return p.result(total)


# ------------------------------------------------------- input preparation

class _Problem:
    """Validated, encoded input of one alignment problem."""

    def __init__(self, seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend,
                 free_ends):
        if mode not in MODES:
            raise ValueError(f"mode: unknown mode {mode!r}; expected one of "
                             f"{', '.join(repr(m) for m in MODES)}")
        self.mode, self.local = mode, mode == "local"
        if free_ends is None:
            free = (True,) * 4 if mode == "semiglobal" else (False,) * 4
        else:
            if mode != "semiglobal":
                raise ValueError(f"free_ends: only meaningful with mode='semiglobal', "
                                 f"got mode={mode!r}")
            if (not isinstance(free_ends, (tuple, list)) or len(free_ends) != 4
                    or not all(isinstance(f, (bool, np.bool_)) for f in free_ends)):
                raise ValueError("free_ends: expected 4 booleans (seq1_start, seq1_end, "
                                 f"seq2_start, seq2_end), got {free_ends!r}")
            free = tuple(bool(f) for f in free_ends)
        self.free = free
        go = _number("gap_open", gap_open)
        ge = go if gap_extend is None else _number("gap_extend", gap_extend)
        for name, value in (("gap_open", go), ("gap_extend", ge)):
            if value > 0:
                raise ValueError(
                    f"{name}: {value!r} is positive; gap penalties are negative scores in "
                    "this convention (a gap of length k scores gap_open + (k-1)*gap_extend), "
                    f"e.g. {name}={-value!r}")
        self.linear = gap_extend is None or ge == go
        self.seq1 = _Sequence("seq1", seq1)
        self.seq2 = _Sequence("seq2", seq2)
        if matrix is None:
            ms, mm = _number("match", match), _number("mismatch", mismatch)
            alphabet = "".join(sorted(set(self.seq1.letters) | set(self.seq2.letters))) or "A"
            table = np.full((len(alphabet), len(alphabet)), mm, dtype=object)
            np.fill_diagonal(table, ms)
            self.eq, self.alphabet, self.name = True, alphabet, "match/mismatch"
            inputs = [ms, mm, go, ge]
        else:
            if (match, mismatch) != (1, -1):
                raise ValueError("match, mismatch: give either match/mismatch scores or a "
                                 f"matrix, not both (got match={match!r}, "
                                 f"mismatch={mismatch!r} with matrix)")
            sm = _as_matrix(matrix)
            self.eq, self.alphabet, self.name = False, sm.alphabet, sm.name
            table = sm.scores.astype(object)
            inputs = [go, ge] + ([1] if sm.is_integer else [0.5])
        self.a = self.seq1.encode(self.alphabet, self.name)
        self.rb = self.seq2.encode(self.alphabet, self.name)[::-1].copy()
        self.seq1, self.seq2 = self.seq1.text, self.seq2.text
        self.n, self.m = len(self.seq1), len(self.seq2)
        self.int_result = all(isinstance(v, (int, np.integer)) for v in inputs)
        flat = [float(v) for v in table.ravel()] + [float(go), float(ge)]
        integral = all(v == int(v) for v in flat)
        bound = (self.n + self.m + 2) * max([1.0] + [abs(v) for v in flat])
        if integral and bound < 2 ** 28:
            dtype, self.neg = np.int32, np.int32(-(2 ** 30))
        elif integral and bound < 2 ** 60:
            dtype, self.neg = np.int64, np.int64(-(2 ** 62))
        else:
            dtype, self.neg = np.float64, np.float64(-np.inf)
        self.S = np.array(table.astype(np.float64 if dtype is np.float64 else np.int64),
                          dtype=dtype)
        self.go, self.ge = dtype(go), dtype(ge)
        self.go_py, self.ge_py = go, ge
        self.eps = dtype(0) if integral else dtype(64 * np.finfo(np.float64).eps * bound)
        self._index = {c: k for k, c in enumerate(self.alphabet)}

    def sub(self, x: str, y: str) -> int | float:
        return self.S[self._index[x], self._index[y]].item()

    def windows(self, best) -> tuple:
        """(wlo, whi, wend) of the arrow kernels: a predecessor state u is an
        arrow only if wlo < u < whi; M >= wend marks a local end."""
        T = self.S.dtype.type
        big = -self.neg
        if not self.local:
            return T(self.neg // 2 if self.neg.dtype.kind == "i" else self.neg), T(big), T(big)
        if not best > self.eps:                       # no local alignment at all
            return T(self.eps), T(big), T(big)
        return T(self.eps), T(best - self.eps), T(best - self.eps)

    def result(self, value):
        if self.int_result:
            return int(value)
        return float(value)


def _prepare(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends):
    return _Problem(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)


def _number(name: str, value) -> int | float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return value.item() if isinstance(value, np.generic) else value


class _Sequence:
    """A validated, upper-cased sequence and its code points."""

    def __init__(self, name: str, seq) -> None:
        if not isinstance(seq, str):
            raise TypeError(f"{name}: expected a str of letters, got {type(seq).__name__}")
        self.name, self.text = name, seq.upper()
        self.points = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32)
        self.letters = {chr(c) for c in np.unique(self.points).tolist()}
        bad = [c for c in self.letters if c == "-" or c.isspace() or not c.isprintable()]
        if bad:
            k, c = self._first(bad)
            what = "the gap symbol" if c == "-" else "not a letter"
            raise ValueError(f"{name}: character {c!r} at position {k + 1} is {what}; "
                             "expected the letters of the sequence only")

    def _first(self, chars) -> tuple[int, str]:
        k = int(np.flatnonzero(np.isin(self.points, [ord(c) for c in chars]))[0])
        return k, self.text[k]

    def encode(self, alphabet: str, matrix_name: str) -> np.ndarray:
        """Codes 0..len(alphabet)-1 (uint8); a letter outside the alphabet is an error."""
        missing = [c for c in self.letters if c not in alphabet]
        if missing:
            k, c = self._first(missing)
            raise ValueError(f"{self.name}: letter {c!r} at position {k + 1} is not in "
                             f"matrix {matrix_name}; its letters are {alphabet}")
        if len(alphabet) > 255:
            raise ValueError(f"matrix: {len(alphabet)} letters; at most 255 are supported")
        points = np.array([ord(c) for c in alphabet], dtype=np.uint32)
        order = np.argsort(points)
        where = np.searchsorted(points[order], self.points)
        return order[where].astype(np.uint8)


def _as_matrix(matrix) -> SubstitutionMatrix:
    if isinstance(matrix, SubstitutionMatrix):
        return matrix
    alphabet = getattr(matrix, "alphabet", None)
    if alphabet is not None and not isinstance(matrix, (str, bytes)):
        # a Biopython substitution_matrices.Array or another labelled 2-D array
        return SubstitutionMatrix(name=getattr(matrix, "name", None) or "matrix",
                                  alphabet="".join(alphabet).upper(),
                                  scores=np.asarray(matrix))
    return load_matrix(matrix)


def _render(seq1: str, seq2: str, ops: np.ndarray, i0: int, j0: int) -> tuple[str, str]:
    """Aligned rows from column codes (0 = substitution, 1 = (x, -), 2 = (-, y))."""
    rows = []
    for seq, start, take in ((seq1, i0, ops != 2), (seq2, j0, ops != 1)):
        row = np.full(ops.size, "-", dtype="<U1")
        count = int(take.sum())
        row[take] = np.array(list(seq[start:start + count]), dtype="<U1")
        rows.append("".join(row.tolist()))
    return rows[0], rows[1]


def _semiglobal_ranges(ops: np.ndarray, n: int, m: int,
                       free) -> tuple[tuple[int, int], tuple[int, int]]:
    """Letters outside free end gaps: leading/trailing runs along free borders."""
    lead1 = lead2 = trail1 = trail2 = 0
    k = 0
    # leading columns before the other sequence starts
    while k < ops.size and ops[k] != 0:
        if ops[k] == 1 and lead2 == 0:
            lead1 += 1
        elif ops[k] == 2 and lead1 == 0:
            lead2 += 1
        else:
            break
        k += 1
    k = ops.size - 1
    while k >= 0 and ops[k] != 0:
        if ops[k] == 1 and trail2 == 0:
            trail1 += 1
        elif ops[k] == 2 and trail1 == 0:
            trail2 += 1
        else:
            break
        k -= 1
    lead1 = lead1 if free[0] else 0
    trail1 = trail1 if free[1] else 0
    lead2 = lead2 if free[2] else 0
    trail2 = trail2 if free[3] else 0
    if lead1 + trail1 > n:       # all of seq1 in end gaps (seq2 empty, or all gaps)
        trail1 = n - lead1
    if lead2 + trail2 > m:
        trail2 = m - lead2
    return (lead1, n - trail1), (lead2, m - trail2)


# ------------------------------------------------------------------ kernels
# Anti-diagonal d holds the cells (i, d - i); every per-diagonal array is
# indexed by the row i. V[d % 3] holds diagonal d's (M, X, Y).

@njit(cache=True)
def _fill_scores(s, a, rb, S, eq, m, d, lo, hi):
    """s[i] = score(a_i, b_j) for the cells lo <= i < hi of diagonal d (j = d - i)."""
    A = a[lo - 1:hi - 1]
    B = rb[m - d + lo:m - d + hi]    # rb[m - d + i] = b[d - i - 1] = b_j (0-based j-1)
    out = s[lo:hi]
    if eq:
        ms = S[0, 0]
        mm = S[0, 1] if S.shape[0] > 1 else S[0, 0]
        for k in range(hi - lo):
            out[k] = ms if A[k] == B[k] else mm
    else:
        for k in range(hi - lo):
            out[k] = S[A[k], B[k]]


@njit(cache=True)
def _score_linear(a, rb, S, eq, g, local, free, neg):
    """Linear-gap score: H_ij = max(H_{i-1,j-1} + s, H_{i-1,j} + g, H_{i,j-1} + g [, 0])."""
    n, m = a.size, rb.size
    T = S.dtype.type
    H = np.empty((3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    zero = T(0)
    z = zero if local else neg
    gv = (zero if free[0] or (m == 0 and free[1]) else g)    # vertical moves, column 0
    gh = (zero if free[2] or (n == 0 and free[3]) else g)    # horizontal moves, row 0
    gvm = zero if free[1] else g                               # vertical moves, column m
    ghn = zero if free[3] else g                               # horizontal moves, row n
    best = zero
    H[0, 0] = 0
    for d in range(1, n + m + 1):
        H0, H1, H2 = H[d % 3], H[(d + 2) % 3], H[(d + 1) % 3]
        if d <= m:
            H0[0] = zero if local else T(d * gh)
        if d <= n:
            H0[d] = zero if local else T(d * gv)
        lo, hi = max(1, d - m), min(n, d - 1) + 1
        if hi <= lo:
            continue
        _fill_scores(s, a, rb, S, eq, m, d, lo, hi)
        Hd, Hu, Hl, Ho, So = H2[lo - 1:hi - 1], H1[lo - 1:hi - 1], H1[lo:hi], H0[lo:hi], s[lo:hi]
        top = zero
        for k in range(hi - lo):
            h = max(T(Hd[k] + So[k]), T(max(Hu[k], Hl[k]) + g))
            h = max(h, z)
            Ho[k] = h
            top = max(top, h)
        best = max(best, top)
        if not local:
            # semiglobal: moves along column m / row n may be free
            if free[1] and d - m >= lo:
                i = d - m
                H0[i] = max(max(T(H2[i - 1] + s[i]), T(H1[i - 1] + gvm)),
                            T(H1[i] + (ghn if i == n else g)))
            if free[3] and n < hi:
                j = d - n
                H0[n] = max(max(T(H2[n - 1] + s[n]), T(H1[n] + ghn)),
                            T(H1[n - 1] + (gvm if j == m else g)))
    return best if local else H[(n + m) % 3, n]


@njit(cache=True)
def _score_affine(a, rb, S, eq, go, ge, local, free, neg):
    """Affine-gap (Gotoh) score in O(n) memory; local: max(0, max M)."""
    n = a.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    nobits = np.empty(0, np.uint16)
    best = S.dtype.type(0)
    w = -neg
    for d in range(n + rb.size + 1):
        lo, hi = max(0, d - rb.size), min(n, d)
        top = _diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                        nobits, neg, w, w, S.dtype.type(0))
        best = max(best, top)
    if local:
        return best
    last = V[(n + rb.size) % 3]
    return max(last[0, n], max(last[1, n], last[2, n]))


@njit(cache=True)
def _diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s, bits,
              wlo, whi, wend, eps):
    """Cells lo <= i <= hi of anti-diagonal d into V[d % 3]; returns max M (local).

    If ``bits`` is not empty, bits[k] receives the arrows of cell i = lo + k.
    A predecessor state u is an arrow when it attains the maximum (within eps)
    and wlo < u < whi; M_END marks M >= wend.
    """
    n, m = a.size, rb.size
    T = S.dtype.type
    P0, P1, P2 = V[d % 3], V[(d + 2) % 3], V[(d + 1) % 3]
    z = T(0) if local else neg
    ilo, ihi = max(1, lo), min(hi, d - 1)
    top = T(0)
    if ilo <= ihi:
        _fill_scores(s, a, rb, S, eq, m, d, ilo, ihi + 1)
        if bits.size == 0:
            top = _step(P2, P1, P0, s, ilo, ihi + 1, go, ge, z)
        else:
            top = _step_bits(P2, P1, P0, s, bits[ilo - lo:ihi + 1 - lo], ilo, ihi + 1,
                             go, ge, z, local, wlo, whi, wend, eps)
    # border cells and the cells whose moves have other gap scores (free ends)
    if lo == 0:
        _cell(0, d, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
              bits, lo, wlo, whi, wend, eps)
    if hi == d and d > 0:
        _cell(d, 0, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
              bits, lo, wlo, whi, wend, eps)
    if not local:
        if free[1] and m >= 1 and ilo <= d - m <= ihi:
            _cell(d - m, m, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                  bits, lo, wlo, whi, wend, eps)
        if free[3] and n >= 1 and ilo <= n <= ihi and not (free[1] and d - n == m):
            _cell(n, d - n, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                  bits, lo, wlo, whi, wend, eps)
    return top


@njit(cache=True)
def _step(P2, P1, P0, s, lo, hi, go, ge, z):
    """Vectorised interior cells lo <= i < hi (no arrows); returns max M."""
    T = s.dtype.type
    Md, Xd, Yd = P2[0, lo - 1:hi - 1], P2[1, lo - 1:hi - 1], P2[2, lo - 1:hi - 1]
    Mu, Xu, Yu = P1[0, lo - 1:hi - 1], P1[1, lo - 1:hi - 1], P1[2, lo - 1:hi - 1]
    Ml, Xl, Yl = P1[0, lo:hi], P1[1, lo:hi], P1[2, lo:hi]
    Mo, Xo, Yo, So = P0[0, lo:hi], P0[1, lo:hi], P0[2, lo:hi], s[lo:hi]
    top = T(0)
    for k in range(hi - lo):
        mk = T(max(max(Md[k], max(Xd[k], Yd[k])), z) + So[k])
        Mo[k] = mk
        Xo[k] = max(T(max(Mu[k], Yu[k]) + go), T(Xu[k] + ge))
        Yo[k] = max(T(max(Ml[k], Xl[k]) + go), T(Yl[k] + ge))
        top = max(top, mk)
    return top


@njit(cache=True)
def _step_bits(P2, P1, P0, s, bits, lo, hi, go, ge, z, local, wlo, whi, wend, eps):
    """As :func:`_step`, and the arrows of each cell into bits[0:hi-lo]."""
    T = s.dtype.type
    Md, Xd, Yd = P2[0, lo - 1:hi - 1], P2[1, lo - 1:hi - 1], P2[2, lo - 1:hi - 1]
    Mu, Xu, Yu = P1[0, lo - 1:hi - 1], P1[1, lo - 1:hi - 1], P1[2, lo - 1:hi - 1]
    Ml, Xl, Yl = P1[0, lo:hi], P1[1, lo:hi], P1[2, lo:hi]
    Mo, Xo, Yo, So = P0[0, lo:hi], P0[1, lo:hi], P0[2, lo:hi], s[lo:hi]
    top = T(0)
    for k in range(hi - lo):
        hd = max(Md[k], max(Xd[k], Yd[k]))
        t = max(hd, z)
        mk = T(t + So[k])
        xm, xx, xy = T(Mu[k] + go), T(Xu[k] + ge), T(Yu[k] + go)
        ym, yx, yy = T(Ml[k] + go), T(Xl[k] + go), T(Yl[k] + ge)
        x = max(xm, max(xx, xy))
        y = max(ym, max(yx, yy))
        Mo[k], Xo[k], Yo[k] = mk, x, y
        top = max(top, mk)
        tm, tx, ty = t - eps, x - eps, y - eps
        b = ((Md[k] >= tm) & (Md[k] > wlo) & (Md[k] < whi)) * 1
        b |= ((Xd[k] >= tm) & (Xd[k] > wlo) & (Xd[k] < whi)) * 2
        b |= ((Yd[k] >= tm) & (Yd[k] > wlo) & (Yd[k] < whi)) * 4
        b |= (local & (hd <= eps)) * 8
        b |= ((xm >= tx) & (Mu[k] > wlo) & (Mu[k] < whi)) * 16
        b |= ((xx >= tx) & (Xu[k] > wlo) & (Xu[k] < whi)) * 32
        b |= ((xy >= tx) & (Yu[k] > wlo) & (Yu[k] < whi)) * 64
        b |= ((ym >= ty) & (Ml[k] > wlo) & (Ml[k] < whi)) * 128
        b |= ((yx >= ty) & (Xl[k] > wlo) & (Xl[k] < whi)) * 256
        b |= ((yy >= ty) & (Yl[k] > wlo) & (Yl[k] < whi)) * 512
        b |= (mk >= wend) * 1024
        bits[k] = b
    return top


@njit(cache=True)
def _cell(i, j, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0, bits, lo,
          wlo, whi, wend, eps):
    """One cell by the scalar recurrence, with the gap scores of its own moves."""
    n, m = a.size, rb.size
    T = S.dtype.type
    zero = T(0)
    M = X = Y = neg
    b = 0
    if i == 0 and j == 0:
        M = neg if local else zero
    elif local and (i == 0 or j == 0):
        pass                                   # local borders: no alignment ends here
    else:
        if i >= 1 and j >= 1:
            hd = max(P2[0, i - 1], max(P2[1, i - 1], P2[2, i - 1]))
            t = max(hd, zero if local else neg)
            M = T(t + S[a[i - 1], rb[m - j]])
            for q in range(3):
                u = P2[q, i - 1]
                if u >= t - eps and u > wlo and u < whi:
                    b |= 1 << q
            if local and hd <= eps:
                b |= 8
            if M >= wend:
                b |= 1024
        if i >= 1:                             # vertical move (a_i, -)
            fv = (j == 0 and free[0]) or (j == m and free[1])
            o, e = (zero, zero) if fv else (go, ge)
            c0, c1, c2 = T(P1[0, i - 1] + o), T(P1[1, i - 1] + e), T(P1[2, i - 1] + o)
            X = max(c0, max(c1, c2))
            for q, c in ((0, c0), (1, c1), (2, c2)):
                u = P1[q, i - 1]
                if c >= X - eps and u > wlo and u < whi:
                    b |= 16 << q
        if j >= 1:                             # horizontal move (-, b_j)
            fh = (i == 0 and free[2]) or (i == n and free[3])
            o, e = (zero, zero) if fh else (go, ge)
            c0, c1, c2 = T(P1[0, i] + o), T(P1[1, i] + o), T(P1[2, i] + e)
            Y = max(c0, max(c1, c2))
            for q, c in ((0, c0), (1, c1), (2, c2)):
                u = P1[q, i]
                if c >= Y - eps and u > wlo and u < whi:
                    b |= 128 << q
    P0[0, i], P0[1, i], P0[2, i] = M, X, Y
    if bits.size > 0:
        bits[i - lo] = b


@njit(cache=True)
def _forward(a, rb, S, eq, go, ge, local, free, neg, K, ckpt):
    """Forward sweep keeping diagonals (c*K - 1, c*K - 2) in ckpt[c]; local: the
    optimum and the first cell (row-major) where M reaches it."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    V[:] = neg
    s = np.empty(n + 1, S.dtype)
    nobits = np.empty(0, np.uint16)
    T = S.dtype.type
    best, bi, bj = T(0), 0, 0
    w = -neg
    for d in range(n + m + 1):
        if d % K == 0:
            c = d // K
            ckpt[c, 0] = V[(d + 2) % 3]       # diagonal d - 1
            ckpt[c, 1] = V[(d + 1) % 3]       # diagonal d - 2
        lo, hi = max(0, d - m), min(n, d)
        top = _diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                        nobits, neg, w, w, T(0))
        if local and top >= best and top > 0:
            M0 = V[d % 3, 0]
            for i in range(max(1, lo), min(hi, d - 1) + 1):
                if M0[i] == top:
                    if top > best or i < bi or (i == bi and d - i < bj):
                        best, bi, bj = top, i, d - i
                    break
    if not local:
        P = V[(n + m) % 3]
        best, bi, bj = max(P[0, n], max(P[1, n], P[2, n])), n, m
    return best, bi, bj


@njit(cache=True)
def _traceback(a, rb, S, eq, go, ge, local, free, neg, K, ckpt, ei, ej,
               wlo, whi, wend, eps):
    """Column codes (reversed) of one optimal path ending at cell (ei, ej), and
    its start cell. Each block is recomputed from its checkpoint inside the
    band of cells reachable backwards from the block's entry cell."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    band = np.zeros((K + 1) * (K + 1), np.uint16)
    band_lo = np.zeros(K + 1, np.int64)
    ops = np.empty(n + m, np.int8)
    nops = 0
    i, j = ei, ej
    state = -1                                  # 0 M, 1 X, 2 Y; -1: choose at the end cell
    while i + j > 0:
        dt = i + j                              # block entry diagonal
        c = dt // K
        dc = c * K
        V[(dc + 2) % 3] = ckpt[c, 0]
        V[(dc + 1) % 3] = ckpt[c, 1]
        for d in range(dc, dt + 1):
            lo = max(max(0, d - m), i - (dt - d))
            hi = min(min(n, d), i)
            if lo > hi:
                continue
            row = band[(d - dc) * (K + 1):(d - dc) * (K + 1) + (hi - lo + 1)]
            _diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s, row,
                      wlo, whi, wend, eps)
            band_lo[d - dc] = lo
        if state == -1:
            P = V[dt % 3]
            if local:
                state = 0
            else:
                hmax = max(P[0, i], max(P[1, i], P[2, i]))
                state = 0 if P[0, i] >= hmax - eps else (1 if P[1, i] >= hmax - eps else 2)
        # follow arrows while inside this block
        while i + j >= dc and i + j > 0:
            d = i + j
            b = band[(d - dc) * (K + 1) + (i - band_lo[d - dc])]
            if state == 0:
                if local and (b & 8):
                    ops[nops] = 0
                    nops += 1
                    i -= 1
                    j -= 1
                    return ops[:nops], i, j
                nxt = 0 if b & 1 else (1 if b & 2 else 2)
                ops[nops] = 0
                i -= 1
                j -= 1
            elif state == 1:
                nxt = 0 if b & 16 else (1 if b & 32 else 2)
                ops[nops] = 1
                i -= 1
            else:
                nxt = 0 if b & 128 else (1 if b & 256 else 2)
                ops[nops] = 2
                j -= 1
            nops += 1
            state = nxt
    return ops[:nops], i, j


def _diagonal_offsets(n: int, m: int) -> np.ndarray:
    """Start of each anti-diagonal in the flat (diagonal-major) cell layout."""
    d = np.arange(n + m + 1)
    lengths = np.minimum(n, d) - np.maximum(0, d - m) + 1
    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


@njit(cache=True)
def _trace_all(a, rb, S, eq, go, ge, local, free, neg, wlo, whi, wend, eps, offsets,
               tables=None):
    """Arrows of every cell in the flat layout; (M, X, Y) at (n, m); optionally
    every value into tables[state, i, j]."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    bits = np.empty(offsets[-1], np.uint16)
    for d in range(n + m + 1):
        lo, hi = max(0, d - m), min(n, d)
        _diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                  bits[offsets[d]:offsets[d + 1]], wlo, whi, wend, eps)
        if tables is not None:
            for i in range(lo, hi + 1):
                for q in range(3):
                    tables[q, i, d - i] = V[d % 3, q, i]
    P = V[(n + m) % 3]
    return bits, (P[0, n], P[1, n], P[2, n])


@njit(cache=True)
def _unflatten(bits, offsets, out):
    n, m = out.shape[0] - 1, out.shape[1] - 1
    for d in range(n + m + 1):
        lo = max(0, d - m)
        for i in range(lo, min(n, d) + 1):
            out[i, d - i] = bits[offsets[d] + i - lo]


@njit(cache=True)
def _mark(bits, offsets, n, m, local, ends):
    """Backward pass: bit q of marks[cell] when state q lies on an optimal path."""
    marks = np.zeros(bits.size, np.uint8)
    if not local:
        marks[bits.size - 1] = ends
    for d in range(n + m, 0, -1):
        lo = max(0, d - m)
        base = offsets[d]
        for i in range(lo, min(n, d) + 1):
            k = base + i - lo
            b = bits[k]
            mk = marks[k]
            if local and (b & 1024):
                mk |= 1
                marks[k] = mk
            if mk == 0:
                continue
            if mk & 1 and (b & 7):                       # M <- diagonal (i-1, j-1)
                kk = offsets[d - 2] + (i - 1) - max(0, d - 2 - m)
                marks[kk] |= b & 7
            if mk & 2 and (b & 112):                     # X <- up (i-1, j)
                kk = offsets[d - 1] + (i - 1) - max(0, d - 1 - m)
                marks[kk] |= (b >> 4) & 7
            if mk & 4 and (b & 896):                     # Y <- left (i, j-1)
                kk = offsets[d - 1] + i - max(0, d - 1 - m)
                marks[kk] |= (b >> 7) & 7
    return marks


@njit(cache=True)
def _add_limbs(dst, src, L):
    """dst += src over L uint64 limbs; returns the carry out."""
    carry = np.uint64(0)
    for l in range(L):
        x = dst[l]
        t = x + src[l]
        c1 = t < x
        t2 = t + carry
        c2 = t2 < t
        dst[l] = t2
        carry = np.uint64(c1 | c2)
    return carry


@njit(cache=True)
def _count(bits, marks, offsets, n, m, local, L):
    """Forward pass: exact path counts over the marked states, L limbs each."""
    C = np.zeros((3, 3, n + 1, L), np.uint64)      # [diagonal % 3, state, i, limb]
    total = np.zeros(L, np.uint64)
    overflow = False
    one = np.uint64(1)
    for d in range(n + m + 1):
        lo = max(0, d - m)
        base = offsets[d]
        g0 = d % 3
        for i in range(lo, min(n, d) + 1):
            k = base + i - lo
            mk = marks[k]
            if mk == 0:
                continue
            b = bits[k]
            j = d - i
            for q in range(3):
                if not (mk >> q) & 1:
                    continue
                acc = C[g0, q, i]
                acc[:] = 0
                if q == 0:
                    if d == 0 or (local and (b & 8)):
                        acc[0] = one
                    if d >= 2 and i >= 1 and j >= 1:
                        for r in range(3):
                            if (b >> r) & 1:
                                overflow |= _add_limbs(acc, C[(d + 1) % 3, r, i - 1], L) != 0
                elif q == 1:
                    for r in range(3):
                        if (b >> (4 + r)) & 1:
                            overflow |= _add_limbs(acc, C[(d + 2) % 3, r, i - 1], L) != 0
                else:
                    for r in range(3):
                        if (b >> (7 + r)) & 1:
                            overflow |= _add_limbs(acc, C[(d + 2) % 3, r, i], L) != 0
                if (local and q == 0 and (b & 1024)) or (not local and d == n + m):
                    overflow |= _add_limbs(total, acc, L) != 0
    return total, overflow
