"""The DP table in the result: the substitution scores, the table row by row with every
cell's candidates, the whole table as a grid with the optimal paths, and the table as
the answer gives it. Every row is checked against the numerics' tables."""
from __future__ import annotations

import math

from ..result import GridCell, Step, Table, checked, words
from ._format import (ARROW_TEX, ARROW_TEXT, NO_MOVE, as_tex, as_text, grid_blocks, inline_math, letter_is,
                      prefix_math, range_math, shown, signed_tex, signed_text, sum_tex, sum_text, to_sympy, var)
from ._problem import NEG, STATES, AlignmentProblem
from ._table import WorkedTable
from ._traceback import OptimalPaths

__all__ = ["substitution_steps", "row_steps", "grid_steps", "table_answer"]



def substitution_steps(p: AlignmentProblem) -> list[Step]:
    """The substitution score of every pair of letters, as a grid (or blocks of one)."""
    rows = [[p.substitution(x, y) for y in p.seq2] for x in p.seq1]
    # a one-column alignment x/y scores s(x, y) in every mode
    # to 1e-9 relative: the engine scores in floats, and a large exact score (10^30) is not a float exactly
    ok = all(abs(p.aligner.alignment_score(x, y) - float(rows[i][j])) <= 1e-9 * (1 + abs(float(rows[i][j])))
             for i, x in enumerate(p.seq1) for j, y in enumerate(p.seq2))
    src = f"matrix {p.matrix.name}" if p.matrix is not None else "match/mismatch"
    blocks = grid_blocks(list(p.seq1), list(p.seq2), [("", [[shown(v) for v in r] for r in rows])], 40, 20)
    steps = []
    for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
        grid.numbered = False
        part = (() if len(blocks) == 1 else
                (f" Block {k + 1} of {len(blocks)}: ", prefix_math("a", r0 + 1, r1), ", ",
                 prefix_math("b", c0 + 1, c1), "."))
        steps.append(Step(grid, why=words("The substitution scores ", var("s(a_i, b_j)", "s(aᵢ, bⱼ)"),
                                          f" ({src}) of every pair: the score of each diagonal move (and, below, "
                                          "the weight of each diagonal edge of the edit graph).", *part),
                          check=checked("each equals the one-column alignment rescored by "
                                        + p.numeric("numerics.alignment.alignment_score", "alignment_score"),
                                        ok),
                          label="substitution" if k == 0 else f"substitution-{k + 1}"))
    return steps


def row_steps(p: AlignmentProblem, paths: OptimalPaths, dp) -> tuple[list[Step], dict]:
    """The table row by row, every cell's candidates, each row checked against ``dp``
    (:func:`numerics.alignment.dp_tables`); and the step of each row's answer entries."""
    steps = []
    sources = {}
    for i in range(p.n + 1):
        ok = _row_agrees(p, paths, dp, i)
        steps.append(Step(_row_table(p, paths.table, i), why=_row_why(p, i), label=f"row-{i}",
                          check=checked("every value and arrow of this row equals "
                                        + p.numeric("numerics.alignment.dp_tables", "dp_tables"),
                                        ok)))
        sources[f"table[{i}]"] = f"row-{i}"
        for s in "MXY":
            sources[f"table.{s}[{i}]"] = f"row-{i}"
    return steps, sources


def table_answer(p: AlignmentProblem, table: WorkedTable):
    """The table as the answer gives it: H (linear gaps) or {"M", "X", "Y"} (affine), exact, -oo unreachable."""
    if p.linear:
        return [[to_sympy(v) for v in row] for row in table.H]
    return {s: [[to_sympy(v) for v in row] for row in table.V[q]] for q, s in enumerate(STATES)}


def _row_agrees(p: AlignmentProblem, paths: OptimalPaths, dp, i: int) -> bool:
    """Do the values, the counted arrows and (linear gaps) the textbook arrows of row i equal ``dp``'s?"""
    table = paths.table
    def same(a, b) -> bool:
        if a == NEG or b == -math.inf:
            return a == NEG and b == -math.inf
        return abs(float(a) - b) <= 1e-9 * (1 + abs(b))
    for j in range(p.m + 1):
        if not same(table.H[i][j], dp.H[i, j]):
            return False
        if not all(same(table.V[q][i][j], (dp.M, dp.X, dp.Y)[q][i, j]) for q in range(3)):
            return False
        if paths.bits[i][j] != int(dp.arrows[i, j]):
            return False
        if p.linear:   # the textbook arrows: each move whose state attains H
            states = [(dp.M, "diag"), (dp.X, "up"), (dp.Y, "left")]
            h = dp.H[i, j]
            tol = 1e-9 * (1 + abs(h)) if math.isfinite(h) else 0.0     # float scores: a few ulps apart
            want = tuple(d for t, d in states if (t[i, j] == h or abs(t[i, j] - h) <= tol)
                         and h > (tol if p.local else -math.inf))
            if i == 0 and j == 0:
                want = ()
            if want != table.classic_arrows(i, j):
                return False
    return True


def _row_why(p: AlignmentProblem, i: int):
    """The words of row i's table."""
    if i == 0:
        return words("Row 0 (the empty prefix of seq1): "
                     + ("a local alignment never ends on the border: 0." if p.local else
                        "only moves from the left (gaps in seq1)."))
    return words(f"Row {i} (", letter_is(i, p.seq1[i - 1]), "): each cell the largest candidate, the arrows "
                 "every candidate that attains it.")


def _row_table(p: AlignmentProblem, table: WorkedTable, i: int) -> Table:
    """The candidates of every cell of row i (the LaTeX printer splits a long row across pages)."""
    rows = []
    for j in range(p.m + 1):
        pair = f"{p.seq1[i - 1] if i else '·'} {p.seq2[j - 1] if j else '·'}"
        if p.linear:
            rows.append(_linear_row(p, table, i, j, pair))
        else:
            rows += _affine_rows(p, table, i, j, pair)
    if p.linear:
        header = ["cell", inline_math(r"a_i\ b_j", "a_i b_j"),
                  inline_math(r"H_{i-1,j-1} + s", "diag: H(i-1,j-1) + s"),
                  inline_math(r"H_{i-1,j} + g", "up: H(i-1,j) + g"),
                  inline_math(r"H_{i,j-1} + g", "left: H(i,j-1) + g")]
        header += (["start"] if p.local else []) + [inline_math("H_{i,j}", "H(i,j)"), "arrows"]
        align = "ll" + "r" * (len(header) - 3) + "l"
    else:
        header = ["cell", inline_math(r"a_i\ b_j", "a_i b_j"), "state", "candidates", "value", "from"]
        align = "llcrrl"
    # the LaTeX printer splits a long row across pages; affine rows are taller (\underset)
    return Table(header, rows, align=align, row_height=1.0 if p.linear else 1.4)


def _linear_row(p: AlignmentProblem, table: WorkedTable, i: int, j: int, pair: str) -> list:
    """One cell of a linear-gap row: the three moves' candidates, H and the textbook arrows."""
    cands = {d: (u, s) for d, u, s in table.classic(i, j)}
    cells = []
    for d in ("diag", "up", "left"):
        if d in cands:
            u, s = cands[d]
            cells.append(inline_math(sum_tex(u, s), sum_text(u, s)))
        else:
            cells.append(NO_MOVE)
    if p.local:
        cells.append(inline_math("0", "0"))
    h = table.H[i][j]
    arrows = table.classic_arrows(i, j)
    if i == 0 and j == 0 and not p.local:
        arrow_cell = "start"
    else:
        arrow_cell = inline_math("".join(ARROW_TEX[d] for d in arrows), "".join(ARROW_TEXT[d] for d in arrows)) \
            if arrows else ""
    return [f"({i},{j})", pair, *cells, inline_math(as_tex(h), as_text(h)), arrow_cell]


def _affine_rows(p: AlignmentProblem, table: WorkedTable, i: int, j: int, pair: str) -> list[list]:
    """The rows of one cell in Gotoh's matrices: each state's candidates, value and arrows."""
    out = []
    for q, name in enumerate(STATES):
        cands = table.candidates(q, i, j)
        v = table.V[q][i][j]
        if not cands:
            if q == 0 and i == 0 and j == 0 and not p.local:
                out.append([f"({i},{j})", pair, name, "start: the empty alignment", inline_math("0", "0"), ""])
            continue
        if q == 0:
            inner_tex = r",\ ".join(r"\underset{%s}{%s}" % (lab, as_tex(u)) if lab != "0" else "0"
                                    for lab, u, s in cands)
            inner_txt = ", ".join(f"{lab} {as_text(u)}" for lab, u, s in cands)
            s = cands[0][2]
            tex = r"\max(%s) %s = %s" % (inner_tex, signed_tex(s), as_tex(v))
            txt = f"max({inner_txt}) {signed_text(s)} = {as_text(v)}"
        else:
            inner_tex = r",\ ".join(r"\underset{%s}{%s %s}" % (lab, as_tex(u), signed_tex(s)) for lab, u, s in cands)
            inner_txt = ", ".join(f"{lab} {as_text(u)} {signed_text(s)}" for lab, u, s in cands)
            tex = r"\max(%s) = %s" % (inner_tex, as_tex(v))
            txt = f"max({inner_txt}) = {as_text(v)}"
        tags = table.arrows[q][i][j]
        frm = inline_math(r",\ ".join(r"\circ" if t == "0" else STATES[t] for t in tags),
                          ", ".join("start" if t == "0" else STATES[t] for t in tags)) if tags else ""
        out.append([f"({i},{j})", pair, name, inline_math(tex, txt), inline_math(as_tex(v), as_text(v)), frm])
    return out


def grid_steps(p: AlignmentProblem, paths: OptimalPaths, dp) -> list[Step]:
    """The whole table as a grid (or blocks of one): values, arrows, the cells of optimal paths."""
    table = paths.table
    rows_lab = [""] + list(p.seq1)
    cols_lab = [""] + list(p.seq2)
    if p.linear:
        moves = {"diag": 0, "up": 1, "left": 2}
        cells = [[GridCell(shown(table.H[i][j]),
                           tuple((d, "", paths.on_path(moves[d], i, j)) for d in table.classic_arrows(i, j)),
                           any(paths.marked[q][i][j] for q in range(3)))
                  for j in range(p.m + 1)] for i in range(p.n + 1)]
        panels = [("", cells)]
        what = "H"
    else:
        panels = []
        for q, name in enumerate(STATES):
            direction = ("diag", "up", "left")[q]
            cells = [[GridCell(shown(table.V[q][i][j]),
                               tuple(("start", "", paths.on_path(q, i, j, "0")) if t == "0" else
                                     (direction, STATES[t], paths.on_path(q, i, j, t))
                                     for t in table.arrows[q][i][j]),
                               paths.marked[q][i][j])
                      for j in range(p.m + 1)] for i in range(p.n + 1)]
            panels.append((name, cells))
        what = "M, X and Y"
    caption = ["Boxed (in plain text: in brackets): the cells on an optimal path; bold (double arrows): the "
               "arrows the co-optimal tracebacks follow. Arrows point at the neighbour each maximum came from"]
    if p.linear:
        caption.append(".")
    elif p.local:
        caption += [" (subscript: from which matrix; ", inline_math(r"\circ", "∘"), ": an alignment starts here)."]
    else:
        caption.append(" (subscript: from which matrix).")
    if p.local:
        caption.append(" Local: a traceback starts at a boxed cell holding the optimum and stops at the cell "
                       "holding 0 its last arrow points to (the alignment starts after it).")
    ok = all(_row_agrees(p, paths, dp, i) for i in range(p.n + 1))
    blocks = grid_blocks(rows_lab, cols_lab, panels, *((21, 13) if p.linear else (14, 10)))
    steps = []
    for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
        grid.caption = words(*caption)
        part = ("" if len(blocks) == 1 else
                f" Block {k + 1} of {len(blocks)}: rows {r0} to {r1 - 1}, columns {c0} to {c1 - 1}.")
        steps.append(Step(grid, why=words(f"The whole table ({what}), rows ", range_math("i", 0, p.n),
                                          " down, columns ", range_math("j", 0, p.m), f" across.{part}"),
                          check=checked("every value and counted arrow equals "
                                        + p.numeric("numerics.alignment.dp_tables", "dp_tables"), ok),
                          label="table" if k == 0 else f"table-{k + 1}"))
    return steps
