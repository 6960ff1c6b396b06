"""How the alignment's numbers, letters and arrows are written: exact values as text and
LaTeX, inline math, aligned rows, and large grids cut into printable blocks."""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import sympy as sp

from ..markup import Tex, escape_latex
from ..result import Grid, InlineMath
from ..shown import Shown, decimal_text
from ..shown import terminates as _terminates
from ._problem import NEG

__all__ = ["ARROW_TEXT", "ARROW_TEX", "NO_MOVE", "to_sympy", "as_text", "as_tex", "signed_text", "signed_tex",
           "sum_text", "sum_tex", "inline_math", "letters_tex", "shorten", "grid_blocks", "var", "sub_text",
           "indexed", "prefix_math", "range_math", "letter_is", "column_math", "DecimalScore",
           "typed_decimals", "shown", "shown_score"]

ARROW_TEXT = {"diag": "↖", "up": "↑", "left": "←"}
ARROW_TEX = {"diag": r"\nwarrow", "up": r"\uparrow", "left": r"\leftarrow"}


class DecimalScore(Fraction):
    """An exact score typed as a decimal (``-1.5``), or a sum of such: printed as a decimal, exactly.

    A :class:`~fractions.Fraction` (the arithmetic and the answers stay exact)
    that keeps the text typed (``-1.50``) and stays a DecimalScore through
    ``+``, ``-`` and ``abs`` while its value terminates, so a cell's value
    ``-1.5 - 0.5`` prints as ``-2`` and ``-1.5 + 1`` as ``-0.5``, never as
    ``-1/2``. A value that does not terminate (a typed ``1/3`` added) becomes
    a plain Fraction and prints as one.
    """

    __slots__ = ("_text",)

    def __new__(cls, value, denominator=None, *, text: str | None = None):
        self = super().__new__(cls, value, denominator)
        self._text = text
        return self

    def _wrap(self, value):
        return DecimalScore(value) if isinstance(value, Fraction) and _terminates(value) else value

    def __add__(self, other):
        return self._wrap(Fraction.__add__(self, other))

    def __radd__(self, other):
        return self._wrap(Fraction.__radd__(self, other))

    def __sub__(self, other):
        return self._wrap(Fraction.__sub__(self, other))

    def __rsub__(self, other):
        return self._wrap(Fraction.__rsub__(self, other))

    def __mul__(self, other):
        return self._wrap(Fraction.__mul__(self, other))

    def __rmul__(self, other):
        return self._wrap(Fraction.__rmul__(self, other))

    def __neg__(self):
        return DecimalScore(-Fraction(self), text=_flip(self._text))

    def __pos__(self):
        return self

    def __abs__(self):
        return self if self >= 0 else -self


def _flip(text: str | None) -> str | None:
    if text is None:
        return None
    return text[1:] if text.startswith("-") else "-" + text


_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+)\Z")
_ANY_DECIMAL = re.compile(r"\s*[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)\s*\Z")


def _typed(raw, exact):
    """``exact`` as a DecimalScore when ``raw`` was typed as a decimal (``"-1.5"``, ``-1.5``); else ``exact``."""
    if isinstance(raw, bool) or exact is None:
        return exact
    if isinstance(raw, (float, np.floating)):
        if float(raw).is_integer():
            return exact
        raw = repr(float(raw))
    if not isinstance(raw, str) or not _ANY_DECIMAL.match(raw):
        return exact
    text = raw.strip().lstrip("+")
    value = Fraction(exact)
    return DecimalScore(value, text=text if _PLAIN_DECIMAL.match(text) else None)


def typed_decimals(p, *, match=None, mismatch=None, gap_open=None, gap_extend=None) -> bool:
    """Mark the scores of problem ``p`` that were typed as decimals (the raw arguments given), so they
    and the sums made of them are shown as decimals; the matrix's decimal entries likewise. Sets and
    returns ``p.decimals``: whether any score was typed as a decimal."""
    p.match, p.mismatch = _typed(match, p.match), _typed(mismatch, p.mismatch)
    p.gap_open = _typed(gap_open, p.gap_open)
    p.gap_extend = p.gap_open if gap_extend is None else _typed(gap_extend, p.gap_extend)
    scores = [p.match, p.mismatch, p.gap_open, p.gap_extend]
    p.decimals = any(isinstance(v, DecimalScore) for v in scores)
    if p.matrix is not None and not p.matrix.is_integer:
        base = p.substitution
        cache: dict = {}

        def substitution(x: str, y: str):
            if (x, y) not in cache:
                v = base(x, y)
                cache[x, y] = v if isinstance(v, int) else DecimalScore(v, text=repr(float(p.matrix[x, y])))
            return cache[x, y]
        p.substitution = substitution
        p.decimals = True
    return p.decimals


def shown(q):
    """A score or cell value as the steps show it: a DecimalScore as a SymPy number printing its decimal
    (a grid cell, a given), anything else as :func:`to_sympy`."""
    if isinstance(q, DecimalScore):
        return Shown(as_text(q), exact=True)
    return to_sympy(q)


def shown_score(p, value):
    """An exact score (SymPy, Fraction or int) as the problem shows its values: a decimal when any score
    was typed as one and the value terminates."""
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        value = Fraction(int(value.p), int(value.q))
    elif isinstance(value, sp.Integer):
        value = int(value)
    if getattr(p, "decimals", False) and isinstance(value, (int, Fraction)) and not isinstance(value, bool) \
            and _terminates(Fraction(value)):
        return DecimalScore(value)
    return value


def to_sympy(q):
    """An exact score for the answer: int, SymPy Rational, or -oo."""
    if q == NEG:
        return -sp.oo
    if isinstance(q, Fraction):
        return sp.Rational(q.numerator, q.denominator)
    return int(q)


def as_text(v) -> str:
    """An exact value as plain text (-∞ for an unreachable state)."""
    if v == NEG:
        return "-∞"
    if isinstance(v, DecimalScore):
        return v._text or decimal_text(v)
    return str(v)


def as_tex(v) -> str:
    """An exact value in LaTeX (fractions as \\tfrac)."""
    if v == NEG:
        return r"-\infty"
    if isinstance(v, DecimalScore):
        return as_text(v)
    if isinstance(v, Fraction):
        return ("-" if v < 0 else "") + r"\tfrac{%d}{%d}" % (abs(v.numerator), v.denominator)
    return str(v)


def signed_text(s) -> str:
    """``+ s`` or ``- |s|``, to add a score to a value."""
    return f"{'+' if s >= 0 else '-'} {as_text(abs(s))}"


def signed_tex(s) -> str:
    return f"{'+' if s >= 0 else '-'} {as_tex(abs(s))}"


def sum_text(u, s) -> str:
    """``u + s = total``: one candidate with its arithmetic."""
    return f"{as_text(u)} {signed_text(s)} = {as_text(u + s)}"


def sum_tex(u, s) -> str:
    return f"{as_tex(u)} {signed_tex(s)} = {as_tex(u + s)}"


def inline_math(tex: str, text: str) -> InlineMath:
    return InlineMath(Tex(tex), text)


_SUBSCRIPT = str.maketrans("0123456789+-=()aeijmnox", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₘₙₒₓ")


def sub_text(index) -> str:
    """An index as Unicode subscripts (``i`` -> ``ᵢ``, ``12`` -> ``₁₂``), for the plain-text twins."""
    return str(index).translate(_SUBSCRIPT)


def var(name: str, text: str | None = None) -> InlineMath:
    """A variable or a short formula set as mathematics (``k``, ``o + (k-1)e``), with its Unicode twin."""
    return inline_math(name, name if text is None else text)


def indexed(letter: str, index) -> InlineMath:
    """``a_i``: a letter of a sequence, set as mathematics (``aᵢ`` in text)."""
    return inline_math(f"{letter}_{{{index}}}", f"{letter}{sub_text(index)}")


def prefix_math(letter: str, start, end) -> InlineMath:
    """``a_1 … a_i``: a run of a sequence's letters (``a₁…aᵢ`` in text)."""
    return inline_math(rf"{letter}_{{{start}}} \dots {letter}_{{{end}}}",
                       f"{letter}{sub_text(start)}…{letter}{sub_text(end)}")


def range_math(name: str, first, last) -> InlineMath:
    """``i = 0, …, n``: the range an index runs over."""
    return inline_math(rf"{name} = {first}, \dots, {last}", f"{name} = {first}, …, {last}")


def letter_is(index: int, letter: str) -> InlineMath:
    """``a_7 = A``: row 7's letter of seq1, the letter in typewriter type (user text, escaped)."""
    return inline_math(f"a_{{{index}}} = {letters_tex(letter)}", f"a{sub_text(index)} = {letter}")


def column_math(top: str, bottom: str) -> InlineMath:
    """One alignment written as its two rows stacked (``A-`` over ``-C``); ``A-/-C`` in neither form."""
    return inline_math(rf"\begin{{array}}{{@{{}}c@{{}}}}{letters_tex(top)}\\ {letters_tex(bottom)}\end{{array}}",
                       f"{top} over {bottom}")


def letters_tex(row: str) -> str:
    """An aligned row in typewriter letters (user text, escaped)."""
    return r"\texttt{%s}" % "".join(ch if ch.isalnum() or ch in "-*" else escape_latex(ch) for ch in row)


def shorten(seq: str, limit: int = 24) -> str:
    return seq if len(seq) <= limit else f"{seq[:10]}…{seq[-10:]}"


#: The cell of a move that does not exist (a border cell has no diagonal, say).
NO_MOVE = inline_math(r"\cdot", "·")


def grid_blocks(row_labels, col_labels, panels, max_rows: int, max_cols: int):
    """A large grid as blocks of at most max_rows x max_cols cells (a printed page holds one),
    numbered by their place in the whole grid: [(Grid, (r0, r1), (c0, c1))]."""
    def cuts(total, most):
        k = -(-total // most)
        return [(total * t // k, total * (t + 1) // k) for t in range(k)]
    out = []
    for r0, r1 in cuts(len(row_labels), max_rows):
        for c0, c1 in cuts(len(col_labels), max_cols):
            out.append((Grid(row_labels[r0:r1], col_labels[c0:c1],
                             [(title, [row[c0:c1] for row in cells[r0:r1]]) for title, cells in panels],
                             row_start=r0, col_start=c0), (r0, r1), (c0, c1)))
    return out

