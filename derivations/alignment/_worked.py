"""Building the alignment result: :func:`align`, the worked result (up to
:data:`MAX_TABLE` letters) and the result without the table past it."""
from __future__ import annotations

from itertools import islice

from ...numerics.seqio import SubstitutionMatrix
from ..result import Chain, Result, Section, Step, words
from ._check import alignment_checker
from ._edit_graph import edit_graph_steps
from ._format import as_tex, as_text, inline_math, shown_score, to_sympy, typed_decimals
from ._problem import MAX_LISTING_CELLS, MAX_TABLE, AlignmentProblem, exact_score
from ._steps import alignments_steps, mode_title, problem_givens, problem_intro, recurrence_step, traceback_steps
from ._table import WorkedTable
from ._table_steps import grid_steps, row_steps, substitution_steps, table_answer
from ._traceback import OptimalPaths, numeric_alignment

__all__ = ["align", "worked_result", "large_result"]


def align(seq1: str, seq2: str, *, mode: str = "global", match=1, mismatch=-1,
          matrix: str | SubstitutionMatrix | None = None, gap_open=-1, gap_extend=None,
          free_ends: tuple[bool, bool, bool, bool] | None = None, max_alignments: int = 100,
          names: tuple[str, str] = ("seq1", "seq2"), max_table: int = MAX_TABLE) -> Result:
    r"""Align two sequences and work the dynamic programme by hand.

    Parameters
    ----------
    seq1, seq2 : str
        The sequences (letters, case-insensitive; may be empty). seq1 runs
        down the rows (:math:`a_1..a_n`), seq2 across the columns
        (:math:`b_1..b_m`).
    mode : {"global", "local", "semiglobal"}
    match, mismatch : number or str, default 1, -1
        Substitution scores when ``matrix`` is None; read exactly (``"1/2"``,
        ``"0.5"``).
    matrix : str, SubstitutionMatrix or None
        A shipped matrix name (``"BLOSUM62"``), an NCBI-format file, or a loaded matrix.
    gap_open, gap_extend : number or str
        :math:`o \le 0` and :math:`e \le 0`; ``gap_extend=None``: linear gaps, :math:`e = o`.
    free_ends : tuple of 4 bool, optional
        Semiglobal only: ``(seq1_start, seq1_end, seq2_start, seq2_end)``; default all four.
    max_alignments : int, default 100
        How many co-optimal alignments to list; their number is always exact.
    names : tuple of 2 str
        What to call the sequences (FASTA record ids): user text, escaped.
    max_table : int, default :data:`MAX_TABLE`
        Longest sequence worked with the full table.

    Returns
    -------
    Result
        ``answer``: ``score``, ``n_optimal`` (exact int), ``alignments``
        (dicts with ``seq1_aligned``, ``seq2_aligned``, ``seq1_range``,
        ``seq2_range`` as ``[start, end)``, ``path``: the cells from the start
        corner to the end, ``score``), ``table`` (``H`` as rows of numbers for
        linear gaps; ``{"M": ..., "X": ..., "Y": ...}`` for affine gaps;
        ``None`` past ``max_table``); ``-oo`` marks a state no alignment ends in.
    """
    p = AlignmentProblem(seq1, seq2, mode=mode, match=match, mismatch=mismatch, matrix=matrix, gap_open=gap_open,
                         gap_extend=gap_extend, free_ends=free_ends, max_alignments=max_alignments, names=names,
                         max_table=max_table)
    typed_decimals(p, match=match if matrix is None else None, mismatch=mismatch if matrix is None else None,
                   gap_open=gap_open, gap_extend=gap_extend)
    if p.n <= max_table and p.m <= max_table:
        return worked_result(p, OptimalPaths(WorkedTable(p)))
    return large_result(p, max_table)


def worked_result(p: AlignmentProblem, paths: OptimalPaths) -> Result:
    """The worked result: recurrence, substitution scores, the table row by row and whole, the
    edit graph, then score, count and tracebacks; every step checked against the numerics."""
    table = paths.table
    dp = p.aligner.dp_tables(p.seq1, p.seq2)
    p.require_listing(paths.n_optimal)
    listed = paths.alignments(p.max_alignments)
    steps: list = [Section("The recurrence"), recurrence_step(p)]
    if p.n and p.m:
        steps += substitution_steps(p)
    steps.append(Section("The table, cell by cell",
                         words("Row by row (a row only needs the row above it and the cell to its left): each "
                               "candidate with its arithmetic, the maximum, and every arrow that attains it.")))
    rows, sources = row_steps(p, paths, dp)
    steps += rows
    steps += [Section("The table"), *grid_steps(p, paths, dp)]
    steps += [Section("The edit graph: a longest path"), *edit_graph_steps(p, table)]
    steps += [Section("Score, count and tracebacks"), *traceback_steps(p, paths, listed)]
    sources.update({"score": "score", "n_optimal": "count", "alignments": "alignments"})
    # in the order the worked solution computes them (a check report lists root causes in this order)
    answer = {"table": table_answer(p, table), "score": to_sympy(table.score), "n_optimal": paths.n_optimal,
              "alignments": listed}
    notes = []
    if paths.n_optimal > len(listed):
        notes.append(f"{paths.n_optimal} co-optimal alignments; the first {len(listed)} are listed "
                     f"(max_alignments = {p.max_alignments}).")
    return Result(kind="align", title=mode_title(p), givens=problem_givens(p), steps=steps, answer=answer,
                  sources=sources, notes=notes, intro=problem_intro(p), checker=alignment_checker(p, paths))


def large_result(p: AlignmentProblem, max_table: int) -> Result:
    """Past max_table: score, exact count and alignments from the numerics, without the table."""
    score = p.numeric_score if p.aligner is p.engine else p.engine.score(p.seq1, p.seq2)
    exact = to_sympy(exact_score(score, "score"))
    if p.n * p.m <= MAX_LISTING_CELLS:
        optimal = p.engine.alignments(p.seq1, p.seq2)
        n_opt = optimal.n_optimal
        p.require_listing(n_opt)
        listed = [numeric_alignment(p, a, exact) for a in islice(optimal, p.max_alignments)]
        how = ", traced back through the arrows of numerics.alignment.dp_tables"
        expect = min(n_opt, p.max_alignments)
    else:
        n_opt = p.engine.count(p.seq1, p.seq2)
        one = p.engine.align(p.seq1, p.seq2)
        listed = [] if (p.local and n_opt == 0) else [
            {"seq1_aligned": one.seq1_aligned, "seq2_aligned": one.seq2_aligned,
             "seq1_range": list(one.seq1_range), "seq2_range": list(one.seq2_range), "path": None,
             "score": exact}][:p.max_alignments]
        expect = min(1, n_opt, p.max_alignments)
        how = (f" (one optimal alignment, from numerics.alignment.align in linear memory: listing every "
               f"co-optimal alignment needs the full table, more than {MAX_LISTING_CELLS} cells)")
    steps = [Section("The recurrence"), recurrence_step(p),
             Section("The edit graph: a longest path"), *edit_graph_steps(p, None),
             Section("Score, count and alignments"),
             Step(Chain(inline_math(r"\text{score}", "score"),
                        [inline_math(as_tex(shown_score(p, exact)), as_text(shown_score(p, exact)))]),
                  why=words("The optimal score, from numerics.alignment.score (linear memory)."), label="score"),
             Step(Chain(inline_math(r"n_{\text{optimal}}", "n_optimal"), [inline_math(str(n_opt), str(n_opt))]),
                  why=words("The exact number of co-optimal alignments, from numerics.alignment.count_optimal."),
                  label="count"),
             *alignments_steps(p, listed, n_opt, how=how, expect=expect)]
    note = (f"Table omitted: {p.n} × {p.m} is larger than {max_table} × {max_table}, past which a worked table "
            "stops being readable; the score, the count and the alignments come from numerics.alignment.")
    notes = [note]
    if n_opt > len(listed):
        notes.append(f"{n_opt} co-optimal alignments; {len(listed)} listed.")
    answer = {"score": exact, "n_optimal": n_opt, "alignments": listed, "table": None}
    return Result(kind="align", title=mode_title(p), givens=problem_givens(p), steps=steps, answer=answer,
                  sources={"score": "score", "n_optimal": "count", "alignments": "alignments"},
                  notes=notes, intro=problem_intro(p), checker=alignment_checker(p, None))
