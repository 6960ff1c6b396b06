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
from ..shown import decimal, exact_decimal, has_typed_decimal, validate_digits

__all__ = ["LINE_EM", "python_ints", "matrix", "nested_text", "named_matrices", "fits_on_line", "factor_tex",
           "factor_text", "sum_of_products", "plain_sum", "plain_products", "boxed_grid_tex", "boxed_grid_text",
           "symbol_matrix", "Numbers", "matrix_steps", "GRID_ROWS", "GRID_COLUMNS"]

LINE_EM = 38           # widest product displayed, in ems of an A4 page (the JSON holds every matrix in full)
GRID_ROWS = 24         # a matrix too wide for one line is shown as a grid in blocks of at most
GRID_COLUMNS = 16      # GRID_ROWS x GRID_COLUMNS numbers, each block fits a page


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
    """Several named matrices side by side: [(tex name, text name, matrix), ...]; in LaTeX as many
    lines (a ``gathered`` block) as it takes for each line to fit the page."""
    lines: list[list] = []
    for item in items:
        if lines and fits_on_line(*(m.tolist() for _, _, m in lines[-1] + [item]), named=True):
            lines[-1].append(item)
        else:
            lines.append([item])
    tex = [r",\quad ".join(f"{t} = {sp.latex(m)}" for t, _, m in line) for line in lines]
    tex = tex[0] if len(tex) == 1 else r"\begin{gathered}" + r" \\[4pt] ".join(tex) + r"\end{gathered}"
    text = ";  ".join(f"{x} = {nested_text(m)}" for _, x, m in items)
    return Display(InlineMath(Tex(tex), text))


NAMED_EM = 5.5  # what a name adds around a matrix: "W^{(1,2)} = [", "]", ",\quad"


def fits_on_line(*matrices, named: bool = False) -> bool:
    r"""Whether the matrices, side by side, fit on one line of the PDF (estimated width in ems);
    ``named``: each is written ``W^{(1,2)} = [...]`` and separated by ``,\quad``."""
    width = 0.0
    for m in matrices:
        width += NAMED_EM if named else 1.5
        for col in zip(*m):
            width += 0.9 + max(0.5 * len(sp.sstr(v).lstrip("-")) + (0.8 if v < 0 else 0)
                               if v.is_integer else 0.5 * len(sp.sstr(v)) for v in col)
            if width > LINE_EM:  # a wide matrix is not measured to its end (T can have 10^5 columns)
                return False
    return width <= LINE_EM


def matrix_steps(items, *, why, label: str, check=None) -> list:
    """Named matrices as steps: one display ``X = [...], W = [...]`` when each fits on a line (several
    to a line as they fit), else as
    grids with numbered rows and columns, cut into blocks of at most :data:`GRID_ROWS` x
    :data:`GRID_COLUMNS` that fit a page (alignment's :func:`grid_blocks`); matrices of one shape
    stand side by side as panels of one grid. ``items`` is ``[(tex name, text name, matrix), ...]``;
    the first step has ``label``, the others ``label-2``, ``label-3``, ...
    """
    from ..result import Step
    if all(fits_on_line(m.tolist(), named=True) for _, _, m in items):  # in lines of bracketed matrices
        return [Step(named_matrices(items), why=why, check=check, label=label)]
    from ..alignment._format import grid_blocks  # the project's one splitter of large grids
    groups: list[list] = []
    for item in items:
        if groups and groups[-1][0][2].shape == item[2].shape:
            groups[-1].append(item)
        else:
            groups.append([item])
    steps = []
    for group in groups:
        rows, cols = group[0][2].shape
        panels = [(InlineMath(Tex(tex), text), m.tolist()) for tex, text, m in group]
        blocks = grid_blocks([str(i + 1) for i in range(rows)], [str(j + 1) for j in range(cols)], panels,
                             GRID_ROWS, GRID_COLUMNS)
        for grid, (r0, r1), (c0, c1) in blocks:
            grid.numbered = False
            names = (", ".join(text for _, text, _ in group) if len(group) <= 4
                     else f"{group[0][1]} to {group[-1][1]}")
            part = (f" ({names}: rows {r0 + 1}-{r1}, columns {c0 + 1}-{c1} of {rows} x {cols})"
                    if len(blocks) > 1 else (f" ({names})" if len(groups) > 1 else ""))
            steps.append(Step(grid, why=tuple(why) + (part,) if part else why, check=check,
                              label=label if not steps else f"{label}-{len(steps) + 1}"))
    return steps


def factor_tex(v) -> str:
    """A factor of a product in LaTeX, parenthesised when negative."""
    t = sp.latex(v)
    return f"({t})" if v < 0 else t


def factor_text(v) -> str:
    """A factor of a product in plain text, parenthesised when negative or a fraction."""
    t = sp.sstr(v)
    return f"({t})" if (v < 0 or (v.is_Rational and not v.is_integer)) else t


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


class Numbers:
    """How a worked convolution shows its numbers (the arithmetic and the answers stay exact).

    With ``decimals`` (a decimal was typed in the input, the kernel, the bias
    or the gradient), every value whose decimal expansion ends is shown as
    that exact decimal (``1/4`` as ``0.25``; products and sums of decimals
    always end); otherwise fractions are shown as fractions. Values that are
    rounded for display (a loss, a weight after an Adam step) are shown to
    ``digits`` significant digits.
    """

    def __init__(self, decimals: bool = False, digits: int = 4):
        self.decimals = bool(decimals)
        self.digits = validate_digits(digits)

    @classmethod
    def of(cls, *inputs, digits: int = 4) -> "Numbers":
        """The numbers of a convolution given ``inputs`` as typed (strings, files, nested lists)."""
        return cls(any(has_typed_decimal(v, read=_read_text) for v in inputs), digits)

    def __call__(self, value):
        """``value`` (a number, a matrix, an array or nested lists) as shown."""
        if not self.decimals:
            return value
        if isinstance(value, sp.MatrixBase):
            return value.applyfunc(exact_decimal)
        if isinstance(value, np.ndarray):
            out = np.empty(value.shape, dtype=object)
            for index in np.ndindex(value.shape):
                out[index] = exact_decimal(value[index])
            return out
        if isinstance(value, (list, tuple)):
            return type(value)(self(v) for v in value)
        return exact_decimal(value)

    def rounded(self, value):
        """``value`` to ``digits`` significant digits (a decimal that prints those digits)."""
        return decimal(value, self.digits)


def _read_text(path) -> str:
    from ...numerics.inputs import read_text
    return read_text(path, what="--input")
