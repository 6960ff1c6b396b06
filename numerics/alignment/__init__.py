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

* :meth:`PairwiseAligner.alignments`: the arrows and marks of
  :func:`count_optimal`, and a forward pass marking the states a traceback
  through the arrows may visit (4 bytes per cell); the alignments are then
  traced back one at a time, as they are asked for.

The aligner
-----------
:class:`PairwiseAligner` (as Biopython's) takes the scoring once, checks it
once, and offers :meth:`~PairwiseAligner.score`, :meth:`~PairwiseAligner.align`,
:meth:`~PairwiseAligner.count`, :meth:`~PairwiseAligner.dp_tables`,
:meth:`~PairwiseAligner.alignment_score` and :meth:`~PairwiseAligner.alignments`
(a lazily generated :class:`PairwiseAlignments` whose ``len()`` is the exact
count). The functions :func:`score`, :func:`align`, :func:`count_optimal`,
:func:`dp_tables` and :func:`alignment_score` take the same keywords and build
an aligner for one call. Where each part lives: ``_scoring`` (the validated
scoring, the sequences encoded for the kernels), ``_kernels`` (the compiled
sweeps and the arrow bits), ``_aligner`` (the aligner), ``_alignments`` (the
alignments it returns), ``_functions`` (the functions), ``_reference`` (the same tables, score, exact count and
rescoring in pure Python for hand-sized pairs: what the worked alignment checks against, with no
numba to load). The package imports each name on its first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:  # what type checkers and linters see; at run time each name is imported on first use
    from ._aligner import PairwiseAligner
    from ._tables import DPTables
    from ._alignments import Alignment, PairwiseAlignments, semiglobal_ranges
    from ._functions import align, alignment_score, count_optimal, dp_tables, score
    from ._kernels import (M_END, M_FROM_M, M_FROM_X, M_FROM_Y, M_START, X_FROM_M, X_FROM_X, X_FROM_Y, Y_FROM_M,
                           Y_FROM_X, Y_FROM_Y)
    from ._scoring import MODES

__all__ = [
    "MODES",
    "PairwiseAligner",
    "PairwiseAlignments",
    "Alignment",
    "DPTables",
    "score",
    "align",
    "count_optimal",
    "dp_tables",
    "alignment_score",
    "semiglobal_ranges",
    "M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START",
    "X_FROM_M", "X_FROM_X", "X_FROM_Y",
    "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END",
]

#: Where each public name lives: importing the package loads nothing (no numpy, no numba); a name's
#: module is imported on its first use, so that the worked alignment, which checks hand-sized tables
#: against :mod:`._reference` (pure Python), never loads the compiled kernels.
_MODULES = {
    "MODES": "._scoring",
    "PairwiseAligner": "._aligner", "DPTables": "._tables",
    "Alignment": "._alignments", "PairwiseAlignments": "._alignments", "semiglobal_ranges": "._alignments",
    **{name: "._functions" for name in ("score", "align", "count_optimal", "dp_tables", "alignment_score")},
    **{name: "._kernels" for name in ("M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START", "X_FROM_M", "X_FROM_X",
                                      "X_FROM_Y", "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END")},
}

__getattr__, __dir__ = lazy_names(__name__, _MODULES, globals())
