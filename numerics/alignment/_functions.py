"""The module-level functions of :mod:`numerics.alignment`: each builds a
:class:`~._aligner.PairwiseAligner` from its scoring keywords and calls one of its methods.

To align many pairs under one scoring, build the aligner once instead: these
functions check the scoring on every call.
"""
from __future__ import annotations

from ..seqio import SubstitutionMatrix
from ._aligner import DPTables, PairwiseAligner
from ._alignments import Alignment

__all__ = ["score", "align", "count_optimal", "dp_tables", "alignment_score"]


def score(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
          mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
          gap_open: float = -1, gap_extend: float | None = None,
          free_ends: tuple[bool, bool, bool, bool] | None = None) -> int | float:
    """The optimal alignment score, in :math:`O(n + m)` memory.

    Parameters
    ----------
    seq1, seq2 : str
        The sequences (letters, case-insensitive; may be empty).
    mode, match, mismatch, matrix, gap_open, gap_extend, free_ends
        The scoring, as for :class:`~numerics.alignment.PairwiseAligner`.

    Returns
    -------
    int or float
        :math:`H_{nm}` (global, semiglobal) or :math:`\\max(0, \\max M_{ij})`
        (local), see the module docstring; int when every score is an int.
    """
    return PairwiseAligner(mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                           gap_extend=gap_extend, free_ends=free_ends).score(seq1, seq2)


def align(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
          mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
          gap_open: float = -1, gap_extend: float | None = None,
          free_ends: tuple[bool, bool, bool, bool] | None = None) -> Alignment:
    """One optimal alignment, by a checkpointed traceback in small memory
    (:meth:`PairwiseAligner.align <numerics.alignment.PairwiseAligner.align>`).

    Parameters are those of :func:`score`.
    """
    return PairwiseAligner(mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                           gap_extend=gap_extend, free_ends=free_ends).align(seq1, seq2)


def count_optimal(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
                  mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
                  gap_open: float = -1, gap_extend: float | None = None,
                  free_ends: tuple[bool, bool, bool, bool] | None = None) -> int:
    """The exact number of co-optimal alignments, as a Python int
    (:meth:`PairwiseAligner.count <numerics.alignment.PairwiseAligner.count>`).

    Parameters are those of :func:`score`. What is counted (column sequences;
    untrimmable alignments in local mode, as Biopython) is defined in the
    module docstring.
    """
    return PairwiseAligner(mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                           gap_extend=gap_extend, free_ends=free_ends).count(seq1, seq2)


def dp_tables(seq1: str, seq2: str, *, mode: str = "global", match: float = 1,
              mismatch: float = -1, matrix: str | SubstitutionMatrix | None = None,
              gap_open: float = -1, gap_extend: float | None = None,
              free_ends: tuple[bool, bool, bool, bool] | None = None) -> DPTables:
    """The full DP matrices and their arrows (for small inputs; :math:`O(nm)`)
    (:meth:`PairwiseAligner.dp_tables <numerics.alignment.PairwiseAligner.dp_tables>`).

    Parameters are those of :func:`score`; see :class:`DPTables` for the fields.
    """
    return PairwiseAligner(mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                           gap_extend=gap_extend, free_ends=free_ends).dp_tables(seq1, seq2)


def alignment_score(seq1_aligned: str, seq2_aligned: str, *, mode: str = "global",
                    match: float = 1, mismatch: float = -1,
                    matrix: str | SubstitutionMatrix | None = None,
                    gap_open: float = -1, gap_extend: float | None = None,
                    free_ends: tuple[bool, bool, bool, bool] | None = None) -> int | float:
    """The score of a given alignment (two equal-length rows, gaps as ``-``)
    (:meth:`PairwiseAligner.alignment_score <numerics.alignment.PairwiseAligner.alignment_score>`).

    Scored column by column with the conventions of the module docstring; in
    semiglobal mode the rows must span the whole sequences and gap columns
    before the other sequence's first letter or after its last are free at
    the selected ends; in global and local mode every column is scored (a
    local alignment is scored as the columns given). A column ``-/-`` is an
    error. Parameters are those of :func:`score`.
    """
    return PairwiseAligner(mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                           gap_extend=gap_extend, free_ends=free_ends).alignment_score(seq1_aligned, seq2_aligned)
