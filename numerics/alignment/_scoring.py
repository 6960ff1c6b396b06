"""The scoring of an alignment, validated once, and a pair of sequences encoded for the kernels.

:class:`Scoring` checks the mode, the free ends, the gap scores and the
substitution scores (match/mismatch or a matrix) when an aligner is built;
:class:`EncodedPair` is what every call then prepares from it: the two
sequences checked and encoded as small integers, and the substitution table,
gap scores and tolerance in the number type the kernels run in (which depends
on how long the sequences are).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..seqio import SubstitutionMatrix, load_matrix

__all__ = ["MODES", "Scoring", "ScoredAligner", "EncodedPair", "ValidatedSequence"]

#: The alignment modes.
MODES: tuple[str, ...] = ("global", "local", "semiglobal")


class Scoring:
    """A validated scoring: mode, free end gaps, substitution and gap scores.

    The parameters are those of :class:`~numerics.alignment.PairwiseAligner`;
    every error names the parameter it is about.
    """

    def __init__(self, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends) -> None:
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
        self.free_ends: tuple[bool, bool, bool, bool] = free
        go = _number("gap_open", gap_open)
        ge = go if gap_extend is None else _number("gap_extend", gap_extend)
        for name, value in (("gap_open", go), ("gap_extend", ge)):
            if value > 0:
                raise ValueError(
                    f"{name}: {value!r} is positive; gap penalties are negative scores in "
                    "this convention (a gap of length k scores gap_open + (k-1)*gap_extend): "
                    f"give {-value!r}")
        self.gap_open, self.gap_extend = go, ge
        self.linear = gap_extend is None or ge == go
        if matrix is None:
            self.match, self.mismatch = _number("match", match), _number("mismatch", mismatch)
            self.matrix = None
            self.int_result = all(isinstance(v, (int, np.integer)) for v in (self.match, self.mismatch, go, ge))
        else:
            if (match, mismatch) != (1, -1):
                raise ValueError("match, mismatch: give either match/mismatch scores or a "
                                 f"matrix, not both (got match={match!r}, "
                                 f"mismatch={mismatch!r} with matrix)")
            self.match = self.mismatch = None
            self.matrix = _as_matrix(matrix)
            self.int_result = all(isinstance(v, (int, np.integer)) for v in (go, ge)) and self.matrix.is_integer
            self._matrix_table = self.matrix.scores.astype(object)
            self._matrix_values = _value_summary(self._matrix_table.ravel())
            self._matrix_kernel_tables: dict = {}

    def substitution(self, x: str, y: str) -> int | float:
        """s(x, y) for two upper-case letters (in the matrix's alphabet)."""
        if self.matrix is None:
            return self.match if x == y else self.mismatch
        return self.matrix[x, y]

    def result(self, value) -> int | float:
        """A score as returned to the user: int when every score given is an int."""
        return int(value) if self.int_result else float(value)

    def check_letters(self, seq: "ValidatedSequence") -> None:
        """Every letter of ``seq`` has a substitution score (ValueError naming it otherwise)."""
        if self.matrix is not None:
            seq.check_alphabet(self.matrix.alphabet, self.matrix.name)

    def _table(self, alphabet_size: int, dtype):
        """The substitution table of the kernels in ``dtype`` (match/mismatch: over the sequences' letters)."""
        if self.matrix is not None:
            if dtype not in self._matrix_kernel_tables:
                self._matrix_kernel_tables[dtype] = _kernel_table(self._matrix_table, dtype)
            return self._matrix_kernel_tables[dtype]
        table = np.full((alphabet_size, alphabet_size), self.mismatch, dtype=object)
        np.fill_diagonal(table, self.match)
        return _kernel_table(table, dtype)

    def _values(self, alphabet_size: int) -> tuple[bool, float]:
        """(all integral, largest magnitude) of the substitution scores in use and the gap scores."""
        if self.matrix is not None:
            integral, largest = self._matrix_values
        else:
            integral, largest = _value_summary([self.match] + ([self.mismatch] if alphabet_size > 1 else []))
        gaps_integral, gaps_largest = _value_summary([self.gap_open, self.gap_extend])
        return integral and gaps_integral, max(largest, gaps_largest)


class ScoredAligner:
    """What every aligner of this package shares: one :class:`Scoring`, validated once, read-only.

    :class:`~._aligner.PairwiseAligner` (the numba engine) and
    :class:`~._reference.ReferenceAligner` (pure Python, hand sizes) add their
    methods to it; ``repr`` names the subclass.
    """

    __slots__ = ("_scoring",)

    def __init__(self, *, mode: str = "global", match: float = 1, mismatch: float = -1,
                 matrix=None, gap_open: float = -1,
                 gap_extend: float | None = None,
                 free_ends: tuple[bool, bool, bool, bool] | None = None) -> None:
        self._scoring = Scoring(mode, match, mismatch, matrix, gap_open, gap_extend, free_ends)

    # --- the scoring, read-only ---------------------------------------------
    @property
    def mode(self) -> str:
        return self._scoring.mode

    @property
    def match(self) -> int | float | None:
        """The score of two equal letters (None with a matrix)."""
        return self._scoring.match

    @property
    def mismatch(self) -> int | float | None:
        """The score of two different letters (None with a matrix)."""
        return self._scoring.mismatch

    @property
    def matrix(self) -> "SubstitutionMatrix | None":
        return self._scoring.matrix

    @property
    def gap_open(self) -> int | float:
        return self._scoring.gap_open

    @property
    def gap_extend(self) -> int | float:
        """The score of each further gap position (``gap_open`` for linear gaps)."""
        return self._scoring.gap_extend

    @property
    def linear(self) -> bool:
        """True for linear gaps (``gap_extend == gap_open``)."""
        return self._scoring.linear

    @property
    def free_ends(self) -> tuple[bool, bool, bool, bool]:
        """Which end gaps are free: ``(seq1_start, seq1_end, seq2_start, seq2_end)``."""
        return self._scoring.free_ends

    def alignment_score(self, seq1_aligned: str, seq2_aligned: str) -> int | float:
        """The score of a given alignment (two equal-length rows, gaps as ``-``); one method for both aligners.

        Scored column by column; in semiglobal mode the rows must span the
        whole sequences and gap columns before the other sequence's first
        letter or after its last are free at the selected ends; in global and
        local mode every column is scored (a local alignment is scored as the
        columns given). A column ``-/-`` is an error.
        """
        self._check_rows(seq1_aligned, seq2_aligned)
        s = self._scoring
        first = ValidatedSequence("seq1", seq1_aligned.replace("-", ""))
        second = ValidatedSequence("seq2", seq2_aligned.replace("-", ""))
        s.check_letters(first)
        s.check_letters(second)
        n, m, free = len(first.text), len(second.text), s.free_ends
        total = 0
        i = j = 0
        previous = ""
        for x, y in zip(seq1_aligned.upper(), seq2_aligned.upper()):
            if x != "-" and y != "-":
                total += s.substitution(x, y)
                i, j, previous = i + 1, j + 1, "M"
            elif y == "-":
                if not ((j == 0 and free[0]) or (j == m and free[1])):
                    total += s.gap_extend if previous == "X" else s.gap_open
                i, previous = i + 1, "X"
            else:
                if not ((i == 0 and free[2]) or (i == n and free[3])):
                    total += s.gap_extend if previous == "Y" else s.gap_open
                j, previous = j + 1, "Y"
        return s.result(total)

    @staticmethod
    def _check_rows(seq1_aligned: str, seq2_aligned: str) -> None:
        """The two rows of an alignment to rescore: strings of one length, no column ``-`` over ``-``."""
        for name, row in (("seq1_aligned", seq1_aligned), ("seq2_aligned", seq2_aligned)):
            if not isinstance(row, str):
                raise TypeError(f"{name}: expected str, got {type(row).__name__}")
        if len(seq1_aligned) != len(seq2_aligned):
            raise ValueError(f"seq2_aligned: length {len(seq2_aligned)} differs from "
                             f"seq1_aligned's length {len(seq1_aligned)}")
        for k, (x, y) in enumerate(zip(seq1_aligned, seq2_aligned)):
            if x == "-" and y == "-":
                raise ValueError(f"seq1_aligned: column {k + 1} is '-' over '-'; a column needs at least one letter")

    def __repr__(self) -> str:
        s = self._scoring
        subst = f"matrix={s.matrix.name!r}" if s.matrix is not None else f"match={s.match!r}, mismatch={s.mismatch!r}"
        gaps = f"gap_open={s.gap_open!r}" + ("" if s.linear else f", gap_extend={s.gap_extend!r}")
        ends = f", free_ends={s.free_ends!r}" if s.mode == "semiglobal" else ""
        return f"{type(self).__name__}(mode={s.mode!r}, {subst}, {gaps}{ends})"



class EncodedPair:
    """Two sequences checked and encoded under one :class:`Scoring`, ready for the kernels.

    Attributes
    ----------
    seq1, seq2 : str
        The sequences, upper-case; ``n``, ``m`` their lengths.
    a, rb : ndarray of uint8
        seq1's letter codes, and seq2's reversed (the kernels read a diagonal
        of seq2 backwards as a contiguous slice).
    S : ndarray
        The substitution table over the codes, in the kernels' dtype: int32
        when every score is an integer and no score can reach ``2**28``,
        int64 below ``2**60``, float64 otherwise; ``eq``: match/mismatch
        (only equality of codes matters).
    go, ge, neg, eps
        Gap open and extend in that dtype, the value of an unreachable state,
        and the tolerance within which two scores are equal (0 for integers).
    """

    def __init__(self, scoring: Scoring, seq1, seq2) -> None:
        self.scoring = scoring
        self.local, self.free, self.mode = scoring.local, scoring.free_ends, scoring.mode
        first, second = ValidatedSequence("seq1", seq1), ValidatedSequence("seq2", seq2)
        if scoring.matrix is None:
            alphabet = "".join(sorted(first.letters | second.letters)) or "A"
            self.eq, name = True, "match/mismatch"
        else:
            alphabet, name = scoring.matrix.alphabet, scoring.matrix.name
            self.eq = False
        self.a = first.encode(alphabet, name)
        self.rb = second.encode(alphabet, name)[::-1].copy()
        self.seq1, self.seq2 = first.text, second.text
        self.n, self.m = len(self.seq1), len(self.seq2)
        integral, largest = scoring._values(len(alphabet))
        bound = (self.n + self.m + 2) * max(1.0, largest)
        if integral and bound < 2 ** 28:
            dtype, self.neg = np.int32, np.int32(-(2 ** 30))
        elif integral and bound < 2 ** 60:
            dtype, self.neg = np.int64, np.int64(-(2 ** 62))
        else:
            dtype, self.neg = np.float64, np.float64(-np.inf)
        self.S = scoring._table(len(alphabet), dtype)
        self.go, self.ge = dtype(scoring.gap_open), dtype(scoring.gap_extend)
        self.eps = dtype(0) if integral else dtype(64 * np.finfo(np.float64).eps * bound)

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

    def result(self, value) -> int | float:
        return self.scoring.result(value)


class ValidatedSequence:
    """A sequence checked to hold letters only, upper-cased, with its code points."""

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

    def check_alphabet(self, alphabet: str, matrix_name: str) -> None:
        """ValueError naming the first letter outside ``alphabet`` and its position."""
        missing = [c for c in self.letters if c not in alphabet]
        if missing:
            k, c = self._first(missing)
            raise ValueError(f"{self.name}: letter {c!r} at position {k + 1} is not in "
                             f"matrix {matrix_name}; its letters are {alphabet}")

    def encode(self, alphabet: str, matrix_name: str) -> np.ndarray:
        """Codes 0..len(alphabet)-1 (uint8); a letter outside the alphabet is an error."""
        self.check_alphabet(alphabet, matrix_name)
        if len(alphabet) > 255:
            raise ValueError(f"matrix: {len(alphabet)} letters; at most 255 are supported")
        points = np.array([ord(c) for c in alphabet], dtype=np.uint32)
        order = np.argsort(points)
        where = np.searchsorted(points[order], self.points)
        return order[where].astype(np.uint8)


def _number(name: str, value) -> int | float:
    """A finite real score (TypeError or ValueError naming ``name`` otherwise)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return value.item() if isinstance(value, np.generic) else value


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


def _value_summary(values) -> tuple[bool, float]:
    """(every value an integer, the largest magnitude) of some scores."""
    flat = [float(v) for v in values]
    return all(v == int(v) for v in flat), max([0.0] + [abs(v) for v in flat])


def _kernel_table(table: np.ndarray, dtype) -> np.ndarray:
    """An object array of scores as the kernels' array of ``dtype``."""
    return np.array(table.astype(np.float64 if dtype is np.float64 else np.int64), dtype=dtype)
