"""The steps every alignment result shows: its title, givens and introduction, the
recurrence, and the score, the count and the co-optimal alignments."""
from __future__ import annotations

import sympy as sp

from ..result import Chain, Display, Given, GridCell, Step, Table, checked, words
from ._format import (as_tex, as_text, column_math, grid_blocks, indexed, inline_math, letters_tex, prefix_math,
                      shorten, shown, shown_score, var)
from ._problem import FREE_END_NAMES, MODE_NAMES, AlignmentProblem
from ._traceback import OptimalPaths

__all__ = ["mode_title", "problem_givens", "problem_intro", "recurrence_step", "traceback_steps", "alignments_steps"]


def mode_title(p: AlignmentProblem) -> str:
    """The result's title: mode, gap model and the two sequences (or their names)."""
    kind = {"global": "Global", "local": "Local", "semiglobal": "Semi-global"}[p.mode]
    gaps = "linear gaps" if p.linear else "affine gaps (Gotoh)"

    def name(k, seq):
        if p.names[k] not in (f"seq{k + 1}", ""):
            return p.names[k]
        return (seq or "(empty)") if len(seq) <= 16 else f"seq{k + 1} ({len(seq)} letters)"
    return f"{kind} alignment ({MODE_NAMES[p.mode]}, {gaps}) of {name(0, p.seq1)} and {name(1, p.seq2)}"


def problem_givens(p: AlignmentProblem) -> list[Given]:
    """The givens: the sequences, the scoring and the mode."""
    # descriptions are plain text (escaped): words only, the notation is in the introduction
    gv = [Given("seq1", shorten(p.seq1, 30) or "(empty)",
                f"{p.names[0]}: the rows, {_letters(p.n)}"),
          Given("seq2", shorten(p.seq2, 30) or "(empty)",
                f"{p.names[1]}: the columns, {_letters(p.m)}")]
    if p.matrix is None:
        gv += [Given("match", shown(p.match), "the score of two equal letters"),
               Given("mismatch", shown(p.mismatch), "the score of two different letters")]
    else:
        gv.append(Given("matrix", p.matrix.name, "the substitution scores"))
    if p.linear:
        gv.append(Given(sp.Symbol("g"), shown(p.gap_open), "the gap score of each gap position"))
    else:
        gv += [Given(sp.Symbol("o"), shown(p.gap_open), "gap open: a gap's first position"),
               Given(sp.Symbol("e"), shown(p.gap_extend), "gap extend: each further position")]
    gv.append(Given("mode", p.mode, MODE_NAMES[p.mode]))
    if p.mode == "semiglobal":
        gv.append(Given("free ends", ", ".join(n for n, f in zip(FREE_END_NAMES, p.free_ends) if f) or "none",
                        "end gaps scoring 0"))
    return gv


def _letters(n: int) -> str:
    return f"{n} letter{'' if n == 1 else 's'}"


def problem_intro(p: AlignmentProblem):
    """The conventions, in words (the notation set as mathematics), ahead of the steps."""
    k = var("k")
    gap = (var(r"k\,g", "k·g") if p.linear else var(r"o + (k-1)\,e", "o + (k−1)e"))
    parts = ["Scores are added and maximised; a gap of length ", k, " scores ", gap,
             (" (gap penalties are negative scores). An alignment is a sequence of columns (a letter over a "
              "letter, a letter over a gap, a gap over a letter), so "), column_math("A-", "-C"), " and ",
             column_math("-A", "C-"), " are two alignments. Row ", var("i"), " stands for the prefix ",
             prefix_math("a", 1, "i"), " of seq1 (", var(f"n = {p.n}"), "), column ", var("j"),
             " for ", prefix_math("b", 1, "j"), " of seq2 (", var(f"m = {p.m}"), ")."]
    text = ""
    if p.local:
        text += (" Local mode: the table shows every candidate attaining a cell's maximum (a cell holding 0 "
                 "has no arrow: an alignment starts after it); the alignments counted and listed are "
                 "Biopython's: each starts after a 0, ends at a cell holding the optimum, and its path passes "
                 "through no cell scoring 0 or the optimum on the way (no part at either end scores 0).")
    parts.append(text)
    if p.mode == "semiglobal":
        parts += [" Semi-global mode: moves along a free border (column 0 and column ", var("m"),
                  " for seq1's ends, row 0 and row ", var("n"), " for seq2's) score 0."]
    return words(*parts)


def recurrence_step(p: AlignmentProblem) -> Step:
    """The recurrence: the single table H (linear gaps) or Gotoh's M, X, Y (affine gaps)."""
    z = r",\ 0" if p.local else ""
    zt = ", 0" if p.local else ""
    if p.linear:
        tex = (r"H_{i,j} = \max\begin{cases} H_{i-1,j-1} + s(a_i, b_j) & \nwarrow\ \text{diagonal: } a_i "
               r"\text{ over } b_j\\ H_{i-1,j} + g & \uparrow\ \text{up: } a_i \text{ over a gap}\\ "
               r"H_{i,j-1} + g & \leftarrow\ \text{left: a gap over } b_j" +
               (r"\\ 0 & \text{start (local)}" if p.local else "") + r"\end{cases}")
        text = (f"H(i,j) = max(H(i−1,j−1) + s(aᵢ,bⱼ) [↖], H(i−1,j) + g [↑], H(i,j−1) + g [←]{zt})")
        if p.local:
            border = [var(r"H_{i,0} = H_{0,j} = 0", "H(i,0) = H(0,j) = 0")]
        elif p.mode == "semiglobal":
            border = [var(r"H_{0,0} = 0", "H(0,0) = 0"), "; ", var(r"H_{i,0} = 0", "H(i,0) = 0"),
                      " if seq1's start is free, else ", var(r"i\,g", "i·g"), "; ", var(r"H_{0,j}", "H(0,j)"),
                      " likewise for seq2's start"]
        else:
            border = [var(r"H_{0,0} = 0", "H(0,0) = 0"), ", ", var(r"H_{i,0} = i\,g", "H(i,0) = i·g"), ", ",
                      var(r"H_{0,j} = j\,g", "H(0,j) = j·g")]
        why = words("The recurrence of the single table (linear gaps): each cell is the best of the moves "
                    "into it; an arrow points back at every move that attains the maximum. Borders: ", *border,
                    ". The score is ", var(r"\max_{i,j} H_{i,j}", "max H(i,j)") if p.local
                    else var(r"H_{n,m}", "H(n,m)"), ".")
    else:
        tex = (r"\begin{aligned} M_{i,j} &= \max(M_{i-1,j-1},\ X_{i-1,j-1},\ Y_{i-1,j-1}" + z +
               r") + s(a_i, b_j) \\ X_{i,j} &= \max(M_{i-1,j} + o,\ X_{i-1,j} + e,\ Y_{i-1,j} + o) \\ "
               r"Y_{i,j} &= \max(M_{i,j-1} + o,\ Y_{i,j-1} + e,\ X_{i,j-1} + o) \end{aligned}")
        text = (f"M(i,j) = max(M, X, Y at (i−1,j−1){zt}) + s(aᵢ,bⱼ); X(i,j) = max(M(i−1,j) + o, "
                f"X(i−1,j) + e, Y(i−1,j) + o); Y(i,j) = max(M(i,j−1) + o, Y(i,j−1) + e, X(i,j−1) + o)")
        M, X, Y = var("M"), var("X"), var("Y")
        why = words("Gotoh's three matrices (affine gaps): ", M, " ends in a substitution column (a diagonal "
                    "move), ", X, " in a gap in seq2 (a vertical move, ", indexed("a", "i"), " over a gap), ", Y,
                    " in a gap in seq1 (a horizontal move, a gap over ", indexed("b", "j"), "); opening a gap "
                    "scores ", var("o"), ", extending the one just opened scores ", var("e"), ". ",
                    var(r"-\infty", "−∞"), " marks a state no alignment ends in. ",
                    *(("Local: an alignment starts with a substitution column after a 0 (the 0 in ", M,
                       "), and the score is the largest ", M, ".") if p.local else
                      ("Start: ", var(r"M_{0,0} = 0", "M(0,0) = 0"), "; the score is ",
                       var(r"\max(M, X, Y)_{n,m}", "max(M, X, Y)(n,m)"), ".")),
                    (" Moves along a free border score 0." if p.mode == "semiglobal" else ""))
    return Step(Display(inline_math(tex, text)), why=why, label="recurrence")


def traceback_steps(p: AlignmentProblem, paths: OptimalPaths, listed: list[dict]) -> list[Step]:
    """The score, the count of co-optimal alignments (with N on the grid) and the ``listed`` ones."""
    steps = []
    score = paths.table.score
    if p.local:
        cells = [(i, j) for q, i, j in paths.ends]
        where = ", ".join(f"({i},{j})" for i, j in cells[:8]) + (" ..." if len(cells) > 8 else "")
        lhs = inline_math(r"\text{score} = \max\bigl(0, \max_{i,j} %s_{i,j}\bigr)" % ("H" if p.linear else "M"),
                          f"score = max(0, max {'H' if p.linear else 'M'}(i,j))")
        why = (f"The local score: the largest cell, {as_text(score)}, at {where}." if score > 0 else
               "The local score: no cell is positive, so the best local alignment is empty: score 0, "
               "no alignment (none counted).")
    else:
        if p.linear:
            lhs = inline_math(r"\text{score} = H_{%d,%d}" % (p.n, p.m), f"score = H({p.n},{p.m})")
        else:
            lhs = inline_math(r"\text{score} = \max(M, X, Y)_{%d,%d}" % (p.n, p.m),
                              f"score = max(M, X, Y)({p.n},{p.m})")
        why = f"The {p.mode} score: the bottom-right cell."
    steps.append(Step(Chain(lhs, [inline_math(as_tex(score), as_text(score))]), why=words(why), label="score",
                      check=checked("equals " + p.numeric("numerics.alignment.score (linear memory)", "score"),
                                    abs(float(score) - p.numeric_score) <= 1e-9 * (1 + abs(p.numeric_score)))))
    n_opt = paths.n_optimal
    count = p.aligner.count(p.seq1, p.seq2)
    terms = [paths.N[q][i][j] for q, i, j in paths.ends]
    N, v = var("N"), var("v")
    why = ("The number of co-optimal alignments: ", var("N(v)"), ", the number of optimal paths from a start to node ",
           v, ", is 1 at a start plus the sum of ", N, " over the nodes ", v,
           "'s counted arrows point to; the answer is the sum of ", N, " over the ends" + (f" ({len(terms)} of them)" if len(terms) > 1 else "")
           + ". Exact integers.")
    sum_of_terms = " + ".join(map(str, terms))
    statement = Chain(inline_math(r"n_{\text{optimal}}", "n_optimal"),
                      ([inline_math(sum_of_terms, sum_of_terms)] if 1 < len(terms) <= 12 else [])
                      + [inline_math(str(n_opt), str(n_opt))])
    steps.append(Step(statement, why=words(*why), label="count",
                      check=checked("equals " + p.numeric("numerics.alignment.count_optimal (exact)", "exact count"),
                                    n_opt == count)))
    if p.linear and n_opt and p.n and p.m:
        cells = [[GridCell(sum(paths.N[q][i][j] for q in range(3) if paths.marked[q][i][j])
                           if any(paths.marked[q][i][j] for q in range(3)) else None)
                  for j in range(p.m + 1)] for i in range(p.n + 1)]
        blocks = grid_blocks([""] + list(p.seq1), [""] + list(p.seq2), [("N", cells)], 41, 21)
        for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
            part = "" if len(blocks) == 1 else f" Rows {r0} to {r1 - 1}, columns {c0} to {c1 - 1}."
            steps.append(Step(grid, why=words(var("N"), " on the cells of optimal paths (blank: on none); its value "
                                              f"at the end is the count.{part}"),
                              label="count-grid" if k == 0 else f"count-grid-{k + 1}",
                              check=checked("the count at the ends equals "
                                            + p.numeric("numerics.alignment.count_optimal", "exact count"),
                                            n_opt == count)))
    steps += alignments_steps(p, listed, n_opt)
    return steps


def alignments_steps(p: AlignmentProblem, listed: list[dict], n_opt: int, *, how: str = "",
                     expect: int | None = None) -> list[Step]:
    """The listed alignments as tables of 20, each rescored by the numerics."""
    rescored = [p.aligner.alignment_score(a["seq1_aligned"], a["seq2_aligned"]) for a in listed]
    best = float(listed[0]["score"]) if listed else 0.0
    distinct = len({(a["seq1_aligned"], a["seq2_aligned"], tuple(a["seq1_range"]), tuple(a["seq2_range"]))
                    for a in listed}) == len(listed)
    ok = distinct and all(abs(float(r) - best) <= 1e-9 * (1 + abs(best)) for r in rescored) \
        and len(listed) == (min(n_opt, p.max_alignments) if expect is None else expect)
    shown = (f"all {n_opt}" if len(listed) == n_opt else f"the first {len(listed)} of {n_opt}")
    how = how or ", by tracing the counted arrows back from each end (diagonal first, then up, then left)"
    why = (f"The co-optimal alignments, {shown}{how}; ranges are ", var(r"[\text{start}, \text{end})",
                                                                        "[start, end)"),
           " in the original sequences (the start included, the end not).")
    rows = []
    for k, a in enumerate(listed):
        for name, key, rng in (("seq1", "seq1_aligned", "seq1_range"), ("seq2", "seq2_aligned", "seq2_range")):
            rows.append([str(k + 1) if name == "seq1" else "", name, inline_math(letters_tex(a[key]), a[key]),
                         f"[{a[rng][0]}, {a[rng][1]})",
                         inline_math(as_tex(shown_score(p, a["score"])), as_text(shown_score(p, a["score"])))
                         if name == "seq1" else ""])
    if not listed:
        rows.append(["", "", "(none)", "", ""])
    # the LaTeX printer splits a long list across pages, an alignment's two rows together
    steps = [Step(Table(["#", "", "aligned", "range", "score"], rows, align="llllr", group=2), why=words(*why),
                  label="alignments",
                  check=checked("each alignment rescored column by column by "
                                + p.numeric("numerics.alignment.alignment_score", "alignment_score")
                                + " equals the score; the listed alignments are distinct", ok))]
    return steps
