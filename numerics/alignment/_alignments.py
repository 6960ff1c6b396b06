"""What an aligner returns for alignments: one :class:`Alignment`, the lazily generated
:class:`PairwiseAlignments` of every co-optimal one, and :func:`semiglobal_ranges`."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

import numpy as np

from ._kernels import (M_END, M_FROM_M, M_START, MARK_M, X_FROM_M, Y_FROM_M, count_paths, diagonal_offsets,
                       mark_alive, mark_optimal, score_affine, trace_all)
from ._scoring import EncodedPair

__all__ = ["Alignment", "PairwiseAlignments", "semiglobal_ranges", "SUBSTITUTION", "GAP_IN_SEQ2", "GAP_IN_SEQ1"]

#: Column codes of an alignment (the kernels' traceback): a substitution (x, y), (x, -), (-, y).
SUBSTITUTION, GAP_IN_SEQ2, GAP_IN_SEQ1 = 0, 1, 2
# The first arrow bit of each state (0 M, 1 X, 2 Y): "state q from state r" is _FIRST_ARROW[q] << r.
_FIRST_ARROW = (M_FROM_M, X_FROM_M, Y_FROM_M)


class _Traced(NamedTuple):
    """Every cell's arrows and the states on optimal paths, in the flat diagonal-major layout."""

    best: object                  # the optimal score, in the kernels' dtype
    offsets: np.ndarray | None    # start of each anti-diagonal (None: no alignment at all)
    bits: np.ndarray | None       # arrow bits of every cell
    marks: np.ndarray | None      # bit q: state q lies on an optimal path
    ends: list                    # the end states (state, i, j), in listing order


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


class PairwiseAlignments:
    """The co-optimal alignments of two sequences, generated lazily (as Biopython's).

    Returned by :meth:`PairwiseAligner.alignments`. ``len()`` is the exact
    number of co-optimal alignments (past ``sys.maxsize`` it raises
    OverflowError, as ``len`` must return an index-sized int: read
    :attr:`n_optimal` instead); iterating yields each :class:`Alignment` once;
    ``alignments[k]`` is the k-th. Nothing is computed before it is asked for:
    the arrows of every cell and the marks of the states on optimal paths
    (3 bytes per cell) on the first ``len``, ``score`` or iteration, the
    states a traceback may visit (1 more byte per cell) on the first
    iteration.
    """

    def __init__(self, pair: EncodedPair) -> None:
        self._pair = pair
        self._traced: _Traced | None = None
        self._n_optimal: int | None = None

    def _trace(self) -> _Traced:
        if self._traced is None:
            p = self._pair
            best = 0
            if p.local:
                best = score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, True, p.free, p.neg)
                if not best > p.eps:                    # no local alignment at all
                    self._traced = _Traced(best, None, None, None, [])
                    return self._traced
            wlo, whi, wend = p.windows(best)
            offsets = diagonal_offsets(p.n, p.m)
            bits, last = trace_all(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg,
                                   wlo, whi, wend, p.eps, offsets)
            if p.local:
                ends = [(0, i, j) for i, j in _row_major(np.flatnonzero(bits & M_END), offsets, p.m)]
                end_states = 0
            else:
                best = max(last)
                ends = [(q, p.n, p.m) for q in range(3) if last[q] >= best - p.eps]
                end_states = sum(MARK_M << q for q, _, _ in ends)
            marks = mark_optimal(bits, offsets, p.n, p.m, p.local, end_states)
            self._traced = _Traced(best, offsets, bits, marks, ends)
        return self._traced

    @property
    def score(self) -> int | float:
        """The optimal score."""
        return self._pair.result(self._trace().best)

    @property
    def n_optimal(self) -> int:
        """The exact number of co-optimal alignments (a Python int of any size)."""
        if self._n_optimal is None:
            p, traced = self._pair, self._trace()
            if traced.bits is None:
                self._n_optimal = 0
            else:
                limbs = 2
                while True:
                    total, overflow = count_paths(traced.bits, traced.marks, traced.offsets, p.n, p.m, p.local,
                                                  limbs)
                    if not overflow:
                        break
                    limbs *= 2
                self._n_optimal = int.from_bytes(total.astype("<u8").tobytes(), "little")
        return self._n_optimal

    def __len__(self) -> int:
        n = self.n_optimal
        if n > sys.maxsize:
            raise OverflowError(f"{n} co-optimal alignments: more than len() can return; "
                                "read .n_optimal instead")
        return n

    def __bool__(self) -> bool:
        return self.n_optimal > 0

    def __repr__(self) -> str:
        return f"<PairwiseAlignments: {self.n_optimal} co-optimal alignment(s) of score {self.score}>"

    def __getitem__(self, index: int) -> Alignment:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"index: expected an integer, got {type(index).__name__}")
        if index < 0:
            index += len(self)
        found = next(islice(iter(self), index, None), None) if index >= 0 else None
        if found is None:
            raise IndexError(f"index: out of range; there are {self.n_optimal} co-optimal alignment(s)")
        return found

    def __iter__(self):
        traced = self._trace()
        if traced.bits is None:
            return iter(())
        return self._generate(traced)

    def _generate(self, traced: _Traced):
        """Depth first from each end, predecessors in the order M, X, Y (the stack pops M first)."""
        p = self._pair
        n, m, local = p.n, p.m, p.local
        best, bits, ends = traced.best, traced.bits, traced.ends
        alive = mark_alive(bits, traced.marks, traced.offsets, n, m, local)
        starts = traced.offsets.tolist()

        def cell(i: int, j: int) -> int:
            d = i + j
            return starts[d] + i - max(0, d - m)

        stack = [(q, i, j, None) for q, i, j in reversed(ends) if alive[cell(i, j)] >> q & 1]
        while stack:
            q, i, j, trail = stack.pop()
            if q == 0 and i == 0 and j == 0 and not local:
                yield self._alignment((0, 0), trail, best)
                continue
            b = int(bits[cell(i, j)])
            node = ((q, i, j), trail)
            if local and q == 0 and b & M_START:
                yield self._alignment((i - 1, j - 1), node, best)
                continue
            pi, pj = (i - 1, j - 1) if q == 0 else ((i - 1, j) if q == 1 else (i, j - 1))
            for r in (2, 1, 0):
                if b & (_FIRST_ARROW[q] << r) and alive[cell(pi, pj)] >> r & 1:
                    stack.append((r, pi, pj, node))

    def _alignment(self, start: tuple[int, int], trail, best) -> Alignment:
        """The alignment of a traceback: ``trail`` links its columns (state, i, j) from the first."""
        p = self._pair
        columns = []
        while trail is not None:
            columns.append(trail[0])
            trail = trail[1]
        ops = [q for q, _, _ in columns]
        row1 = "".join(p.seq1[i - 1] if q != GAP_IN_SEQ1 else "-" for q, i, j in columns)
        row2 = "".join(p.seq2[j - 1] if q != GAP_IN_SEQ2 else "-" for q, i, j in columns)
        if p.mode == "semiglobal":
            range1, range2 = semiglobal_ranges(ops, p.free)
        else:
            end = columns[-1][1:] if columns else start
            range1, range2 = (start[0], end[0]), (start[1], end[1])
        return Alignment(row1, row2, p.result(best), range1, range2)


def semiglobal_ranges(ops, free_ends=(True, True, True, True)) -> tuple[tuple[int, int], tuple[int, int]]:
    """The letters of a semiglobal alignment outside its free end gaps.

    Parameters
    ----------
    ops : sequence of int
        The alignment's columns from the first to the last: 0 a substitution
        ``(x, y)``, 1 a gap in seq2 ``(x, -)``, 2 a gap in seq1 ``(-, y)``.
    free_ends : tuple of 4 bool, default all True
        ``(seq1_start, seq1_end, seq2_start, seq2_end)``, as in
        :class:`PairwiseAligner`.

    Returns
    -------
    ((start1, end1), (start2, end2))
        ``[start, end)`` in each sequence: the leading run of gap columns
        before the other sequence's first letter, and the trailing run after
        its last, are left out at the free ends (all of a sequence is in end
        gaps when the other is empty: its range is then empty).
    """
    codes = ops.tolist() if isinstance(ops, np.ndarray) else list(ops)
    if any(op not in (SUBSTITUTION, GAP_IN_SEQ2, GAP_IN_SEQ1) for op in codes):
        raise ValueError(f"ops: expected column codes 0, 1 and 2, got {sorted(set(codes))!r}")
    if len(free_ends) != 4:
        raise ValueError("free_ends: expected 4 booleans (seq1_start, seq1_end, seq2_start, "
                         f"seq2_end), got {free_ends!r}")
    n = sum(op != GAP_IN_SEQ1 for op in codes)
    m = sum(op != GAP_IN_SEQ2 for op in codes)
    lead1 = lead2 = trail1 = trail2 = 0
    for op in codes:                          # leading columns before the other sequence starts
        if op == GAP_IN_SEQ2 and lead2 == 0:
            lead1 += 1
        elif op == GAP_IN_SEQ1 and lead1 == 0:
            lead2 += 1
        else:
            break
    for op in reversed(codes):                # trailing columns after the other sequence ends
        if op == GAP_IN_SEQ2 and trail2 == 0:
            trail1 += 1
        elif op == GAP_IN_SEQ1 and trail1 == 0:
            trail2 += 1
        else:
            break
    lead1, trail1 = (lead1 if free_ends[0] else 0), (trail1 if free_ends[1] else 0)
    lead2, trail2 = (lead2 if free_ends[2] else 0), (trail2 if free_ends[3] else 0)
    if lead1 + trail1 > n:       # all of seq1 in end gaps (seq2 empty, or all gaps)
        trail1 = n - lead1
    if lead2 + trail2 > m:
        trail2 = m - lead2
    return (lead1, n - trail1), (lead2, m - trail2)


def _row_major(flat_cells: np.ndarray, offsets: np.ndarray, m: int) -> list[tuple[int, int]]:
    """(i, j) of cells given by their index in the flat diagonal-major layout, in row-major order."""
    d = np.searchsorted(offsets, flat_cells, side="right") - 1
    i = flat_cells - offsets[d] + np.maximum(0, d - m)
    j = d - i
    order = np.lexsort((j, i))
    return list(zip(i[order].tolist(), j[order].tolist()))
