"""How the alignment's numbers, letters and arrows are written: exact values as text and
LaTeX, inline math, aligned rows, and large grids cut into printable blocks."""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ..markup import Tex, escape_latex
from ..result import Grid, InlineMath
from ._problem import NEG

__all__ = ["ARROW_TEXT", "ARROW_TEX", "NO_MOVE", "to_sympy", "as_text", "as_tex", "signed_text", "signed_tex",
           "sum_text", "sum_tex", "inline_math", "letters_tex", "shorten", "grid_blocks", "var", "sub_text",
           "indexed", "prefix_math", "range_math", "letter_is", "column_math"]

ARROW_TEXT = {"diag": "↖", "up": "↑", "left": "←"}
ARROW_TEX = {"diag": r"\nwarrow", "up": r"\uparrow", "left": r"\leftarrow"}


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
    return str(v)


def as_tex(v) -> str:
    """An exact value in LaTeX (fractions as \\tfrac)."""
    if v == NEG:
        return r"-\infty"
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

