"""How the worked convolution writes its numbers, sums and matrices.

Shared by the forward pass, the matrix forms and the backpropagation: exact
matrices and their one-line text, sums of products (long ones wrapped over
several lines), an input grid with the current window boxed, whether a
product of matrices fits on one line of the PDF, and the answer's integers
as JSON integers.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..markup import Tex
from ..result import Display, InlineMath

__all__ = ["LINE_EM", "python_ints", "matrix", "nested_text", "named_matrices", "fits_on_line", "factor_tex",
           "factor_text", "sum_of_products", "plain_sum", "plain_products", "boxed_grid_tex", "boxed_grid_text",
           "symbol_matrix"]

LINE_EM = 38           # widest product displayed, in ems of an A4 page (the JSON holds every matrix in full)


def python_ints(value):
    """Integers of an answer as Python ints (exact, JSON integers); other values unchanged."""
    if isinstance(value, dict):
        return {k: python_ints(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [python_ints(v) for v in value]
    if isinstance(value, sp.Integer):
        return int(value)
    return value


def matrix(a) -> sp.Matrix:
    """A nested list or object array as an immutable SymPy matrix."""
    return sp.ImmutableMatrix(np.asarray(a, dtype=object).tolist())


def nested_text(m) -> str:
    """A matrix in the plain-text notation ``[[1, 2], [3, 4]]``."""
    return "[" + ", ".join("[" + ", ".join(sp.sstr(v) for v in row) + "]" for row in m.tolist()) + "]"


def named_matrices(items) -> Display:
    """Several named matrices side by side: [(tex name, text name, matrix), ...]."""
    tex = r",\quad ".join(f"{t} = {sp.latex(m)}" for t, _, m in items)
    text = ";  ".join(f"{x} = {nested_text(m)}" for _, x, m in items)
    return Display(InlineMath(Tex(tex), text))


def fits_on_line(*matrices) -> bool:
    """Whether the matrices, side by side, fit on one line of the PDF (estimated width in ems)."""
    width = 0.0
    for m in matrices:
        width += 1.5
        for col in zip(*m):
            width += 0.9 + max(0.5 * len(sp.sstr(v).lstrip("-")) + (0.8 if v < 0 else 0)
                               if v.is_integer else 0.5 * len(sp.sstr(v)) for v in col)
    return width <= LINE_EM


def factor_tex(v) -> str:
    """A factor of a product in LaTeX, parenthesised when negative."""
    t = sp.latex(v)
    return f"({t})" if v < 0 else t


def factor_text(v) -> str:
    """A factor of a product in plain text, parenthesised when negative or a fraction."""
    t = sp.sstr(v)
    return f"({t})" if (v < 0 or not v.is_integer) else t


def sum_of_products(groups: list[list[tuple]], bias, kw: int) -> InlineMath:
    """``b + (x·w + ...) + (...)``: one group per channel, unevaluated.

    Long sums are set on several lines (an ``aligned`` block), at most about
    nine products a line, breaking only between kernel rows.
    """
    per_line = max(kw, (9 // kw) * kw)
    wrap = len(groups) > 1 or bias is not None
    lines_tex: list[str] = []
    text_parts: list[str] = []
    if bias is not None:
        lines_tex.append(sp.latex(bias))
        text_parts.append(sp.sstr(bias))
    for terms in groups:
        chunks = [terms[s:s + per_line] for s in range(0, len(terms), per_line)]
        for n, chunk in enumerate(chunks):
            t = " + ".join(r"%s \cdot %s" % (factor_tex(x), factor_tex(w)) for x, w in chunk)
            if wrap and n == 0:
                t = r"\bigl(" + t
            if wrap and n == len(chunks) - 1:
                t += r"\bigr)"
            lines_tex.append(t)
        text = " + ".join(f"{factor_text(x)}·{factor_text(w)}" for x, w in terms)
        text_parts.append(f"({text})" if wrap else text)
    text = " + ".join(text_parts)
    n_products = sum(len(g) for g in groups)
    if n_products <= 9 or len(lines_tex) == 1:
        return InlineMath(Tex(" + ".join(lines_tex)), text)
    body = r" \\ &+ ".join(lines_tex)
    return InlineMath(Tex(r"\begin{aligned} &%s \end{aligned}" % body), text)


def plain_sum(values) -> InlineMath:
    """``a + b + (-c)``, unevaluated."""
    tex = " + ".join([sp.latex(values[0])] + [factor_tex(v) for v in values[1:]])
    text = " + ".join([sp.sstr(values[0])] + [factor_text(v) for v in values[1:]])
    return InlineMath(Tex(tex), text)


def plain_products(terms) -> InlineMath:
    """``x1·w1 + x2·w2 + ...`` from [(x, w), ...], unevaluated."""
    return InlineMath(Tex(" + ".join(r"%s \cdot %s" % (factor_tex(x), factor_tex(w)) for x, w in terms)),
                      " + ".join(f"{factor_text(x)}·{factor_text(w)}" for x, w in terms))


def boxed_grid_tex(M, window) -> str:
    """Matrix M in LaTeX with the entries of ``window`` (first row, last row, first column, last column) boxed."""
    r0, r1, c0, c1 = window
    rows = []
    for r in range(M.shape[0]):
        cells = []
        for c in range(M.shape[1]):
            t = sp.latex(M[r, c])
            cells.append(r"\boxed{%s}" % t if r0 <= r <= r1 and c0 <= c <= c1 else t)
        rows.append(" & ".join(cells))
    return r"\left[\begin{array}{%s}%s\end{array}\right]" % ("c" * M.shape[1], r" \\ ".join(rows))


def boxed_grid_text(M, window) -> str:
    """Matrix M in plain text, ``[1 [2]; 3 [4]]``, with the entries of ``window`` in brackets."""
    r0, r1, c0, c1 = window
    rows = []
    for r in range(M.shape[0]):
        rows.append(" ".join(f"[{sp.sstr(M[r, c])}]" if r0 <= r <= r1 and c0 <= c <= c1 else sp.sstr(M[r, c])
                             for c in range(M.shape[1])))
    return "[" + "; ".join(rows) + "]"


def symbol_matrix(name, rows, cols) -> sp.Matrix:
    """A matrix of symbols ``name_11, name_12, ...`` (1-based)."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}"))
