"""The input of a worked alignment: the sequences and the scoring, in exact numbers.

:class:`AlignmentProblem` reads the scores exactly (ints and fractions, for the
worked table) and builds, once, the numeric aligner
(:class:`numerics.alignment.PairwiseAligner`) that validates everything else
and checks every step.
"""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from ...numerics import alignment as engine
from ...numerics import limits
from ...numerics.alignment import _reference as reference
from ...numerics.seqio import SubstitutionMatrix, load_matrix
from ..exact import parse_number

__all__ = ["AlignmentProblem", "MAX_TABLE", "MAX_LISTING_CELLS", "MODE_NAMES", "NEG", "STATES",
           "FREE_END_NAMES", "exact_score"]

#: Largest sequence length worked with the full table (the issue's "about 40 x 40").
MAX_TABLE = 40
#: Largest n*m for which every co-optimal alignment is listed without the worked
#: table (from the numerics' arrows); beyond it, one optimal alignment is listed.
MAX_LISTING_CELLS = 250_000
#: The modes and their textbook names.
MODE_NAMES = {"global": "Needleman-Wunsch", "local": "Smith-Waterman", "semiglobal": "end gaps free"}

NEG = float("-inf")          # an unreachable state (no alignment ends in it)
STATES = "MXY"               # Gotoh's states, numbered 0, 1, 2 throughout
FREE_END_NAMES = ("seq1_start", "seq1_end", "seq2_start", "seq2_end")


def exact_score(value, what: str):
    """An exact score: int or Fraction (from a number, a decimal string or p/q)."""
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"{what}: expected a finite number, got {value!r}")
        q = Fraction(Decimal(repr(float(value))))
    elif isinstance(value, Fraction):
        q = value
    else:
        r = parse_number(value if not isinstance(value, np.integer) else int(value), what=what)
        q = Fraction(int(r.p), int(r.q))
    return int(q) if q.denominator == 1 else q


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _require_resolvable(scores, length: int) -> None:
    """Refuse scores of such different sizes that 64-bit floats cannot tell the table's values apart.

    Every worked step is checked against the numeric engine, which scores in
    floats: with --match 1e30 beside --mismatch -1, 10^30 - 1 and 10^30 are the
    same float and the engine's arrows differ from the exact ones. Multiplying
    every score by one positive number changes no alignment, so the user can
    scale them.
    """
    sizes = [abs(Fraction(v)) for v in scores if v is not None and v != 0]
    if not sizes:
        return
    big, small = max(sizes), min(sizes)
    if big * length > Fraction(10) ** 300:  # exact: float(1e400) itself overflows
        size = f"{float(big):g}" if big < Fraction(10) ** 300 else f"about 1e{len(str(int(big))) - 1}"
        raise ValueError(f"match: scores of size {size} over {length - 2} letters overflow 64-bit floats in "
                         "the numeric cross-check; scale every score down by one positive factor (no alignment "
                         "changes)")
    if big / small * length >= 2 ** 40:
        raise ValueError(f"match: the scores range in size from {float(small):g} to {float(big):g}; over "
                         f"{length - 2} letters the numeric cross-check (64-bit floats) cannot tell such scores "
                         "apart; scale them closer together (multiplying every score by one positive number "
                         "changes no alignment)")


def plain_number(q):
    """What the numerics take: int, or float for a fraction."""
    return q if isinstance(q, int) else float(q)


class AlignmentProblem:
    """The validated input: exact scores for the worked side, one numeric aligner for the checks.

    Parameters are those of :func:`~derivations.alignment.align`. Attributes:
    ``seq1``, ``seq2`` (upper-case), ``n``, ``m``, ``mode``, ``local``,
    ``linear``, ``free_ends``, ``names``, ``max_alignments``; the exact
    ``match``, ``mismatch`` (None with a ``matrix``), ``gap_open``,
    ``gap_extend``; ``aligner``, the aligner of this scoring that every check uses (validated once): for
    a hand-sized pair (``reference``: at most 40 letters a side) numerics.alignment's pure-Python
    :class:`~numerics.alignment._reference.ReferenceAligner`, else the engine's
    :class:`numerics.alignment.PairwiseAligner` (``engine`` is always the latter); and
    ``numeric_score``, the optimal score it computes.
    """

    def __init__(self, seq1, seq2, *, mode="global", match=1, mismatch=-1, matrix=None, gap_open=-1,
                 gap_extend=None, free_ends=None, max_alignments=100, names=("seq1", "seq2"), max_table=None):
        if isinstance(max_alignments, bool) or not isinstance(max_alignments, (int, np.integer)) \
                or max_alignments < 0:
            raise ValueError(f"max_alignments: expected an integer >= 0, got {max_alignments!r}")
        self.max_alignments = int(max_alignments)
        for what, seq in (("seq1", seq1), ("seq2", seq2)):
            if not isinstance(seq, str):
                raise TypeError(f"{what}: expected a string of letters, got {type(seq).__name__}")
        limits.require("cells", (len(seq1) + 1) * (len(seq2) + 1),
                       what=f"the DP table of {names[0] if len(names) == 2 else 'seq1'} ({len(seq1)} letters) and "
                            f"{names[1] if len(names) == 2 else 'seq2'} ({len(seq2)} letters), (n+1)(m+1)")
        self.gap_open = exact_score(gap_open, "gap_open")
        self.gap_extend = self.gap_open if gap_extend is None else exact_score(gap_extend, "gap_extend")
        self.linear = self.gap_extend == self.gap_open
        self.matrix = None
        scoring = dict(mode=mode, gap_open=plain_number(self.gap_open),
                       gap_extend=None if gap_extend is None else plain_number(self.gap_extend),
                       free_ends=free_ends)
        if matrix is not None:
            self.matrix = matrix if isinstance(matrix, SubstitutionMatrix) else load_matrix(matrix)
            self.match = self.mismatch = None
            scoring["matrix"] = self.matrix
        else:
            self.match, self.mismatch = exact_score(match, "match"), exact_score(mismatch, "mismatch")
            scoring.update(match=plain_number(self.match), mismatch=plain_number(self.mismatch))
        _require_resolvable([self.match, self.mismatch, self.gap_open, self.gap_extend], len(seq1) + len(seq2) + 2)
        # the numerics validate everything else (mode, the matrix, gap signs, free ends; letters below); a
        # hand-sized pair is checked by the pure-Python reference (no numba to load), a larger one by the engine
        self._scoring = scoring
        self.reference = reference.is_hand_sized(seq1, seq2) and (
            max_table is None or max(len(seq1), len(seq2)) <= max_table)     # the worked table is shown
        self.aligner = (reference.ReferenceAligner if self.reference else engine.PairwiseAligner)(**scoring)
        self.numeric_score = self.aligner.score(seq1, seq2)
        self.mode, self.local = mode, mode == "local"
        self.free_ends = self.aligner.free_ends
        # only ASCII letters are upper-cased: 'α'.upper() is 'Α', a letter the user never typed
        self.seq1, self.seq2 = seq1.translate(_ASCII_UPPER), seq2.translate(_ASCII_UPPER)
        self.n, self.m = len(self.seq1), len(self.seq2)
        if not (isinstance(names, (tuple, list)) and len(names) == 2 and all(isinstance(x, str) for x in names)):
            raise ValueError(f"names: expected two strings, got {names!r}")
        self.names = tuple(names)
        self._substitutions: dict = {}

    @property
    def engine(self):
        """The engine's aligner (:class:`numerics.alignment.PairwiseAligner`) of this scoring, built on first use."""
        if not isinstance(self.aligner, reference.ReferenceAligner):
            return self.aligner
        if getattr(self, "_engine", None) is None:
            self._engine = engine.PairwiseAligner(**self._scoring)
        return self._engine

    def numeric(self, engine_text: str, reference_noun: str) -> str:
        """What a check sentence says it compared with: ``engine_text`` (``numerics.alignment.score``) when
        ``aligner`` is the engine, else "the ``reference_noun`` of numerics.alignment's pure-Python reference"."""
        if self.reference:
            return f"the {reference_noun} of numerics.alignment's pure-Python reference"
        return engine_text

    def require_listing(self, n_optimal: int) -> None:
        """Refuse to write out more co-optimal alignments than the limit ``alignments`` (the count stays exact)."""
        limits.require("alignments", min(int(n_optimal), self.max_alignments),
                       what=f"max_alignments: of the {int(n_optimal):,} co-optimal alignments, this many would be "
                            "written out", engine="lower --max-alignments (the count is exact without listing)")

    def substitution(self, x: str, y: str):
        """s(x, y), exactly."""
        key = (x, y)
        if key not in self._substitutions:
            if self.matrix is None:
                v = self.match if x == y else self.mismatch
            else:
                v = exact_score(self.matrix[x, y], "matrix")
            self._substitutions[key] = v
        return self._substitutions[key]

    def gap_scores(self, vertical: bool, i: int, j: int):
        """(open, extend) of a vertical move into (i, j) or a horizontal one: 0 on a free border."""
        if vertical:
            free = (j == 0 and self.free_ends[0]) or (j == self.m and self.free_ends[1])
        else:
            free = (i == 0 and self.free_ends[2]) or (i == self.n and self.free_ends[3])
        return (0, 0) if free else (self.gap_open, self.gap_extend)
