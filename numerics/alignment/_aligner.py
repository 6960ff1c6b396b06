"""The aligner object: a scoring validated once, then score, align, count, tables and alignments.

:class:`PairwiseAligner` (as Biopython's ``PairwiseAligner``) holds a
:class:`~._scoring.Scoring`; each method encodes the two sequences under it
(:class:`~._scoring.EncodedPair`) and runs the kernels of :mod:`._kernels`.
"""
from __future__ import annotations


import numpy as np

from ._alignments import GAP_IN_SEQ1, GAP_IN_SEQ2, Alignment, PairwiseAlignments, semiglobal_ranges
from ._kernels import (diagonal_offsets, forward_checkpoints, score_affine, score_linear, score_striped,
                       trace_all, traceback_path, unflatten)
from ._scoring import EncodedPair, ScoredAligner
from ._tables import DPTables

__all__ = ["PairwiseAligner", "DPTables"]


class PairwiseAligner(ScoredAligner):
    r"""Pairwise alignment under one scoring, validated once (as Biopython's ``PairwiseAligner``).

    Parameters
    ----------
    mode : {"global", "local", "semiglobal"}, default "global"
        Needleman-Wunsch, Smith-Waterman, or global with free end gaps.
    match, mismatch : int or float, default 1, -1
        Substitution scores when ``matrix`` is None.
    matrix : str, SubstitutionMatrix or None
        A shipped matrix name (``"BLOSUM62"``), a file path, a loaded matrix
        (:func:`numerics.seqio.load_matrix`) or a Biopython substitution
        matrix; replaces match/mismatch.
    gap_open : int or float, default -1
        Score of a gap's first position, :math:`\le 0`.
    gap_extend : int or float or None, default None
        Score of each further position, :math:`\le 0`; None: linear gaps
        (``gap_extend = gap_open``).
    free_ends : tuple of 4 bool, optional
        Semiglobal only: which end gaps are free, ``(seq1_start, seq1_end,
        seq2_start, seq2_end)``; default all four.

    Raises
    ------
    ValueError, TypeError
        When the scoring is invalid, naming the parameter (``gap_open: 2 is
        positive; ...``). The scoring is checked here, once; the methods only
        check the sequences they are given. An aligner's scoring cannot be
        changed afterwards: build another aligner.

    Notes
    -----
    The conventions (modes, gap scores, what counts as an alignment, the
    recurrences) are those of :mod:`numerics.alignment`. Letters are
    case-insensitive; scores are ints when every score given is an int.

    Examples
    --------
    >>> aligner = PairwiseAligner(mode="global", match=1, mismatch=-1, gap_open=-1)
    >>> aligner.score("GATTACA", "GCATGCU"), aligner.count("GATTACA", "GCATGCU")
    (0, 3)
    >>> [(a.seq1_aligned, a.seq2_aligned) for a in aligner.alignments("GATTACA", "GCATGCU")][0]
    ('G-ATTACA', 'GCA-TGCU')
    """

    __slots__ = ()

    def _encode(self, seq1: str, seq2: str) -> EncodedPair:
        return EncodedPair(self._scoring, seq1, seq2)

    # --- the methods ----------------------------------------------------------
    def score(self, seq1: str, seq2: str) -> int | float:
        """The optimal alignment score, in :math:`O(n + m)` memory.

        Returns :math:`H_{nm}` (global, semiglobal) or :math:`\\max(0, \\max
        M_{ij})` (local), see :mod:`numerics.alignment`; int when every score
        is an int.
        """
        p = self._encode(seq1, seq2)
        # int16 striped kernel first; None when it does not apply or came near overflow
        value = score_striped(p.a, p.rb, p.S, p.go, p.ge, p.local, p.free, self._scoring.linear)
        if value is None and self._scoring.linear:
            value = score_linear(p.a, p.rb, p.S, p.eq, p.go, p.local, p.free, p.neg)
        elif value is None:
            value = score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg)
        return p.result(value)

    def align(self, seq1: str, seq2: str) -> Alignment:
        """One optimal alignment, by a checkpointed traceback in small memory.

        Among the co-optimal alignments it is one that :meth:`count` counts
        (in local mode it ends at the first cell, in row-major order, that
        reaches the optimum, and starts at the latest possible start). A local
        optimum of 0 gives the empty alignment (score 0, ranges ``(0, 0)``).

        Notes
        -----
        The forward sweep (anti-diagonal by anti-diagonal) stores two
        anti-diagonals every :math:`K`; the traceback recomputes each block
        from its checkpoint, but only inside the band of cells a path from the
        current cell can reach, and follows predecessor bits (preferring, for
        ``M``, a local start, then ``M``, ``X``, ``Y``).
        """
        p = self._encode(seq1, seq2)
        n, m = p.n, p.m
        N = n + m
        K = int(min(max(64.0, (12.0 * (N + 1) * (n + 1)) ** (1 / 3)), N + 1))
        ckpt = np.empty((N // K + 1, 2, 3, n + 1), dtype=p.S.dtype)
        best, bi, bj = forward_checkpoints(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg, K, ckpt)
        if p.local and not best > p.eps:
            return Alignment("", "", p.result(0), (0, 0), (0, 0))
        wlo, whi, wend = p.windows(best)
        ops, i0, j0 = traceback_path(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                                     K, ckpt, bi, bj, wlo, whi, wend, p.eps)
        ops = ops[::-1]
        r1, r2 = _render(p.seq1, p.seq2, ops, i0, j0)
        s1, s2 = (i0, bi), (j0, bj)
        if p.mode == "semiglobal":
            s1, s2 = semiglobal_ranges(ops, p.free)
        return Alignment(r1, r2, p.result(best), s1, s2)

    def count(self, seq1: str, seq2: str) -> int:
        """The exact number of co-optimal alignments, as a Python int.

        What is counted (column sequences; untrimmable alignments in local
        mode, as Biopython) is defined in :mod:`numerics.alignment`.

        Notes
        -----
        Let :math:`N(v)` be the number of optimal paths from a start to state
        :math:`v`. Then :math:`N(v) = [v \\text{ is a start}] + \\sum_u N(u)`
        over the predecessors :math:`u` that attain :math:`v`'s maximum (the
        arrows of :meth:`dp_tables`), and the count is the sum of :math:`N`
        over the end states (:math:`H_{nm}`'s maximal states; local: every
        ``M`` equal to the optimum). The sum is only evaluated over states
        that a backward pass from the ends marked as lying on an optimal path;
        the integers are exact (64-bit limbs, the number of limbs doubled and
        the pass repeated on overflow). Memory: 3 bytes per DP cell.
        """
        return self.alignments(seq1, seq2).n_optimal

    def alignments(self, seq1: str, seq2: str) -> PairwiseAlignments:
        """Every co-optimal alignment, as a lazily generated collection.

        ``len()`` of the collection is the exact count (:meth:`count`;
        ``n_optimal`` when it exceeds ``sys.maxsize``); iterating it traces the
        alignments back one by one, in the order of the arrows (from each end
        in row-major order, the predecessor M first, then X, then Y). Memory:
        4 bytes per DP cell.
        """
        return PairwiseAlignments(self._encode(seq1, seq2))

    def dp_tables(self, seq1: str, seq2: str) -> DPTables:
        """The full DP matrices and their arrows (for small inputs; :math:`O(nm)`).

        Computed by the same kernels as :meth:`count`; see :class:`DPTables`
        for the fields.
        """
        p = self._encode(seq1, seq2)
        best = 0
        if p.local:
            best = score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, True, p.free, p.neg)
        wlo, whi, wend = p.windows(best)
        offsets = diagonal_offsets(p.n, p.m)
        tables = np.empty((3, p.n + 1, p.m + 1), dtype=p.S.dtype)
        arrows = np.empty((p.n + 1, p.m + 1), dtype=np.uint16)
        bits, last = trace_all(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                               wlo, whi, wend, p.eps, offsets, tables)
        unflatten(bits, offsets, arrows)
        M, X, Y = (np.where(t > p.neg / 2, t, -np.inf).astype(np.float64) for t in tables)
        H = np.maximum(np.maximum(M, X), Y)
        if p.local:
            H = np.maximum(H, 0.0)
        value = best if p.local else max(last)
        arrows.setflags(write=False)
        return DPTables(H=H, M=M, X=X, Y=Y, arrows=arrows, score=p.result(value),
                        mode=p.mode, free_ends=p.free, seq1=p.seq1, seq2=p.seq2)



def _render(seq1: str, seq2: str, ops: np.ndarray, i0: int, j0: int) -> tuple[str, str]:
    """Aligned rows from column codes, the first column after cell (i0, j0)."""
    rows = []
    for seq, start, take in ((seq1, i0, ops != GAP_IN_SEQ1), (seq2, j0, ops != GAP_IN_SEQ2)):
        row = np.full(ops.size, "-", dtype="<U1")
        count = int(take.sum())
        row[take] = np.array(list(seq[start:start + count]), dtype="<U1")
        rows.append("".join(row.tolist()))
    return rows[0], rows[1]
