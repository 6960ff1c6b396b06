r"""Pairwise sequence alignment worked by hand: the DP table cell by cell, every
co-optimal traceback, and the table as a longest path in the edit graph.

The course exercise: given two sequences, a scoring and a gap model, fill the
dynamic-programming table (each cell the largest of its candidates, with an
arrow to every candidate that attains it), read off the optimal score, count
and list the co-optimal alignments by tracing the arrows back, and see the
table as the longest path in a directed acyclic graph (Bellman-Ford on the
negated weights, which on a DAG needs one pass in topological order).

Conventions (those of :mod:`numerics.alignment`, which checks every step)
-------------------------------------------------------------------------
* Scores are added and maximised; gap penalties are negative scores; a gap of
  length :math:`k` scores :math:`o + (k-1)e` (``gap_open``, ``gap_extend``);
  ``gap_extend=None`` means linear gaps, :math:`e = o = g`.
* Modes: ``global`` (Needleman-Wunsch), ``local`` (Smith-Waterman),
  ``semiglobal`` (end gaps free at the ends chosen by ``free_ends``).
* An alignment is a sequence of columns, so ``A-/-C`` and ``-A/C-`` are two.
* Linear gaps are worked in the classic single table :math:`H`; affine gaps
  in Gotoh's three matrices :math:`M` (ends in a substitution), :math:`X` (ends
  in a gap in seq2: a vertical move) and :math:`Y` (a gap in seq1: a
  horizontal move), shown side by side.
* Local mode: the table shows every candidate that attains a cell's maximum
  (a cell holding 0 gets no arrow: an alignment starts after it). The
  alignments counted and listed are Biopython's: each starts after a 0 and
  ends at a cell holding the optimum, and no proper part of it at either end
  scores 0 (its path passes through no cell holding 0 or the optimum on the
  way), so ``CAC``/``CGC`` (match 1, mismatch -1) has four one-column
  ``C/C`` alignments and not ``CAC/CGC``.

Past ``max_table`` (40) letters in either sequence the result gives the score,
the exact count and the alignments, without the table, and says so.

Public API: :func:`align` (returns a :class:`~derivations.result.Result`
whose check reads the topic's answer forms), :data:`MAX_TABLE`, :func:`demo_examples`.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import sympy as sp

from .exact import parse_number
from .markup import Tex, escape_latex
from .result import (Chain, Checker, Display, Given, Grid, GridCell, InlineMath, Result, Section, Step, Table,
                     checked, load_answer, words)
from ..numerics import alignment as engine
from ..numerics.seqio import SubstitutionMatrix, load_matrix

__all__ = ["align", "MAX_TABLE", "MAX_LISTING_CELLS", "MODE_NAMES", "demo_examples"]

#: Largest sequence length worked with the full table (the issue's "about 40 x 40").
MAX_TABLE = 40
#: Largest n*m for which every co-optimal alignment is listed without the worked
#: table (from the numerics' arrows); beyond it, one optimal alignment is listed.
MAX_LISTING_CELLS = 250_000
#: The modes and their textbook names.
MODE_NAMES = {"global": "Needleman-Wunsch", "local": "Smith-Waterman", "semiglobal": "end gaps free"}

NEG = float("-inf")          # an unreachable state (no alignment ends in it)
_STATES = "MXY"
_ROWS_PER_TABLE = 42         # rows of one LaTeX tabular (it does not break across pages)
_FREE_NAMES = ("seq1_start", "seq1_end", "seq2_start", "seq2_end")


# ======================================================================= API
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
    p = _Problem(seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends,
                 max_alignments, names)
    if p.n <= max_table and p.m <= max_table:
        return _worked_result(p, _Worked(p))
    return _large_result(p, max_table)


# ==================================================================== input
def _exact(value, what: str):
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


def _plain(q):
    """What the numerics take: int, or float for a fraction."""
    return q if isinstance(q, int) else float(q)


class _Problem:
    """The validated input: exact scores for the worked side, plain ones for the numerics."""

    def __init__(self, seq1, seq2, mode, match, mismatch, matrix, gap_open, gap_extend, free_ends,
                 max_alignments, names):
        if isinstance(max_alignments, bool) or not isinstance(max_alignments, (int, np.integer)) \
                or max_alignments < 0:
            raise ValueError(f"max_alignments: expected an integer >= 0, got {max_alignments!r}")
        self.max_alignments = int(max_alignments)
        self.go = _exact(gap_open, "gap_open")
        self.ge = self.go if gap_extend is None else _exact(gap_extend, "gap_extend")
        self.linear = self.ge == self.go
        self.matrix = None
        if matrix is not None:
            self.matrix = matrix if isinstance(matrix, SubstitutionMatrix) else load_matrix(matrix)
            self.ms = self.mm = None
        else:
            self.ms, self.mm = _exact(match, "match"), _exact(mismatch, "mismatch")
        self.kw = dict(mode=mode, gap_open=_plain(self.go),
                       gap_extend=None if gap_extend is None else _plain(self.ge), free_ends=free_ends)
        if self.matrix is not None:
            self.kw["matrix"] = self.matrix
        else:
            self.kw.update(match=_plain(self.ms), mismatch=_plain(self.mm))
        # the numerics validate everything else (mode, letters, the matrix, gap signs, free ends)
        self.engine_score = engine.score(seq1, seq2, **self.kw)
        self.mode, self.local = mode, mode == "local"
        self.free = tuple(free_ends) if free_ends is not None else ((True,) * 4 if mode == "semiglobal"
                                                                       else (False,) * 4)
        self.seq1, self.seq2 = seq1.upper(), seq2.upper()
        self.n, self.m = len(self.seq1), len(self.seq2)
        if not (isinstance(names, (tuple, list)) and len(names) == 2 and all(isinstance(x, str) for x in names)):
            raise ValueError(f"names: expected two strings, got {names!r}")
        self.names = tuple(names)
        self._sub_cache: dict = {}

    def sub(self, x: str, y: str):
        """s(x, y), exactly."""
        key = (x, y)
        if key not in self._sub_cache:
            if self.matrix is None:
                v = self.ms if x == y else self.mm
            else:
                v = _exact(self.matrix[x, y], "matrix")
            self._sub_cache[key] = v
        return self._sub_cache[key]

    def gaps(self, vertical: bool, i: int, j: int):
        """(open, extend) of a vertical move into (i, j) or a horizontal one: 0 on a free border."""
        if vertical:
            free = (j == 0 and self.free[0]) or (j == self.m and self.free[1])
        else:
            free = (i == 0 and self.free[2]) or (i == self.n and self.free[3])
        return (0, 0) if free else (self.go, self.ge)


# ============================================================ the worked DP
class _Worked:
    """The table in exact arithmetic: every state, its candidates, its arrows and path counts.

    ``V[q][i][j]``: state q (0 M, 1 X, 2 Y) of cell (i, j) exactly as
    :mod:`numerics.alignment` defines it (``NEG`` where no alignment ends);
    ``arrows[q][i][j]``: the predecessor states attaining the maximum (and
    ``"0"`` for a local start), the classic display; ``bits[i][j]``: the arrows
    an optimal path may take (numerics' bit layout: local paths avoid states
    scoring 0 or the optimum); ``N[q][i][j]``: optimal paths from a start.
    """

    def __init__(self, p: _Problem):
        self.p = p
        n, m, local = p.n, p.m, p.local
        V = [[[NEG] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
        arrows = [[[() for _ in range(m + 1)] for _ in range(n + 1)] for _ in range(3)]
        for i in range(n + 1):
            for j in range(m + 1):
                if i == 0 and j == 0:
                    if not local:
                        V[0][0][0] = 0
                    continue
                if local and (i == 0 or j == 0):
                    continue
                if i and j:
                    preds = [V[q][i - 1][j - 1] for q in range(3)]
                    hd = max(preds)
                    t = max(hd, 0) if local else hd
                    V[0][i][j] = t + p.sub(p.seq1[i - 1], p.seq2[j - 1])
                    arr = [q for q in range(3) if preds[q] != NEG and preds[q] == t]
                    arrows[0][i][j] = tuple(arr) + (("0",) if local and hd <= 0 else ())
                for q, vertical in ((1, True), (2, False)):
                    if (vertical and not i) or (not vertical and not j):
                        continue
                    pi, pj = (i - 1, j) if vertical else (i, j - 1)
                    o, e = p.gaps(vertical, i, j)
                    adds = (o, e, o) if vertical else (o, o, e)
                    cands = [V[r][pi][pj] + adds[r] for r in range(3)]
                    V[q][i][j] = best = max(cands)
                    arrows[q][i][j] = tuple(r for r in range(3) if V[r][pi][pj] != NEG and cands[r] == best)
        self.V, self.arrows = V, arrows
        if local:
            self.score = max([0] + [v for row in V[0] for v in row if v != NEG])
        else:
            self.score = max(V[q][n][m] for q in range(3))
        # H: the classic single table (local: floored at 0)
        self.H = [[max([V[q][i][j] for q in range(3)] + ([0] if local else [])) for j in range(m + 1)]
                  for i in range(n + 1)]
        self._restrict()
        self._count()
        self.listed: list[dict] = []          # the alignments listed (set with the traceback steps)

    def _ok(self, u) -> bool:
        """May an optimal path pass through a state of value u?"""
        return u != NEG and (not self.p.local or 0 < u < self.score)

    def _restrict(self):
        p, V = self.p, self.V
        bits = [[0] * (p.m + 1) for _ in range(p.n + 1)]
        for i in range(p.n + 1):
            for j in range(p.m + 1):
                b = 0
                for q, (pi, pj), shift in ((0, (i - 1, j - 1), 0), (1, (i - 1, j), 4), (2, (i, j - 1), 7)):
                    for r in self.arrows[q][i][j]:
                        if r == "0":
                            b |= engine.M_START
                        elif self._ok(V[r][pi][pj]):
                            b |= 1 << (shift + r)
                if p.local and self.score > 0 and V[0][i][j] == self.score:
                    b |= engine.M_END
                bits[i][j] = b
        self.bits = bits

    def _count(self):
        p = self.p
        self.N = _forward_counts(lambda i, j: self.bits[i][j], p.n, p.m, p.local)
        self.ends = _ends(self, p)
        self.n_optimal = sum(self.N[q][i][j] for q, i, j in self.ends)
        # states on an optimal path: reachable backwards from the ends through counted arrows
        marked = [[[False] * (p.m + 1) for _ in range(p.n + 1)] for _ in range(3)]
        stack = [e for e in self.ends if self.N[e[0]][e[1]][e[2]]]
        while stack:
            q, i, j = stack.pop()
            if marked[q][i][j]:
                continue
            marked[q][i][j] = True
            for r, pi, pj in _predecessors(self.bits[i][j], q, i, j):
                if self.N[r][pi][pj]:
                    stack.append((r, pi, pj))
        self.marked = marked

    def on_path(self, q: int, i: int, j: int, source=None) -> bool:
        """Is a move into state q at (i, j) (from state ``source`` of the neighbour, any if None;
        ``"0"``: a local start) taken by an optimal path?"""
        if not self.marked[q][i][j]:
            return False
        b = self.bits[i][j]
        if source == "0" or (source is None and q == 0 and b & engine.M_START):
            return bool(b & engine.M_START)
        return any(self.marked[r][pi][pj] for r, pi, pj in _predecessors(b, q, i, j)
                   if source is None or r == source)

    # --- explanations (the check report and the per-row tables) ------------
    def candidates(self, q: int, i: int, j: int) -> list[tuple[str, object, object]]:
        """The candidates of state q at (i, j): (label, predecessor value, added score)."""
        p, V = self.p, self.V
        if q == 0:
            if not (i and j):
                return []
            s = p.sub(p.seq1[i - 1], p.seq2[j - 1])
            out = [(_STATES[r], V[r][i - 1][j - 1], s) for r in range(3)]
            return out + ([("0", 0, s)] if p.local else [])
        vertical = q == 1
        if (vertical and not i) or (not vertical and not j):
            return []
        pi, pj = (i - 1, j) if vertical else (i, j - 1)
        o, e = p.gaps(vertical, i, j)
        adds = (o, e, o) if vertical else (o, o, e)
        return [(_STATES[r], V[r][pi][pj], adds[r]) for r in range(3)]

    def classic(self, i: int, j: int) -> list[tuple[str, object, object]]:
        """Linear gaps: the textbook candidates of H(i, j): (direction, H of the neighbour, score)."""
        p, H = self.p, self.H
        out = []
        if p.local and (i == 0 or j == 0):
            return out
        if i and j:
            out.append(("diag", H[i - 1][j - 1], p.sub(p.seq1[i - 1], p.seq2[j - 1])))
        if i:
            out.append(("up", H[i - 1][j], p.gaps(True, i, j)[0]))
        if j:
            out.append(("left", H[i][j - 1], p.gaps(False, i, j)[0]))
        return out

    def classic_arrows(self, i: int, j: int) -> tuple[str, ...]:
        h = self.H[i][j]
        if h == NEG or (self.p.local and h <= 0):
            return ()
        return tuple(d for d, u, s in self.classic(i, j) if u + s == h)

    def explain(self, q: int | None, i: int, j: int) -> str:
        """One line: the candidates with their arithmetic, the maximum and its arrows."""
        if q is None:                       # the single table H
            if i == 0 and j == 0 and not self.p.local:
                return "H(0,0) = 0: the empty alignment (the start)"
            cands = [f"{d} {_txt_sum(u, s)}" for d, u, s in self.classic(i, j)]
            if self.p.local:
                cands.append("start 0")
            arrows = "".join(_ARROW_TEXT[d] for d in self.classic_arrows(i, j))
            h = self.H[i][j]
            return (f"H({i},{j}) = max({', '.join(cands)}) = {_txt(h)}"
                    + (f", arrows {arrows}" if arrows else (" (an alignment starts after this cell)"
                                                            if self.p.local else "")))
        name = _STATES[q]
        v = self.V[q][i][j]
        cands = self.candidates(q, i, j)
        if not cands:
            if q == 0 and i == 0 and j == 0 and not self.p.local:
                return "M(0,0) = 0: the empty alignment (the start)"
            return f"{name}({i},{j}) = -∞: {_undefined_reason(q, i, j, self.p.local)}"
        if q == 0:
            inner = ", ".join(f"{lab} {_txt(u)}" for lab, u, s in cands)
            text = f"M({i},{j}) = max({inner}) {_txt_op(cands[0][2])} = {_txt(v)}"
        else:
            inner = ", ".join(f"{lab} {_txt_sum(u, s)}" for lab, u, s in cands)
            text = f"{name}({i},{j}) = max({inner}) = {_txt(v)}"
        tags = [r if r == "0" else _STATES[r] for r in self.arrows[q][i][j]]
        return text + (f", from {', '.join('start' if t == '0' else t for t in tags)}" if tags else "")


def _undefined_reason(q: int, i: int, j: int, local: bool) -> str:
    if local and (i == 0 or j == 0):
        return "a local alignment cannot end on the border"
    if q == 0:
        return "no substitution column ends in row 0 or column 0"
    return "no vertical move ends in row 0" if q == 1 else "no horizontal move ends in column 0"


def _predecessors(b: int, q: int, i: int, j: int):
    """(state, i, j) of the counted arrows of state q at (i, j), given its bits b."""
    shift, pi, pj = ((0, i - 1, j - 1), (4, i - 1, j), (7, i, j - 1))[q]
    return [(r, pi, pj) for r in range(3) if (b >> (shift + r)) & 1]


def _forward_counts(bits, n: int, m: int, local: bool, *, boolean: bool = False):
    """N[q][i][j]: optimal paths from a start to each state through the counted arrows
    (exact ints; with ``boolean`` only whether there is one)."""
    N = [[[0] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
    for i in range(n + 1):
        for j in range(m + 1):
            b = bits(i, j)
            if not b and (i or j or local):
                continue
            for q in range(3):
                total = 1 if (q == 0 and ((i == 0 and j == 0 and not local) or (local and b & engine.M_START))) else 0
                for r, pi, pj in _predecessors(b, q, i, j):
                    total += N[r][pi][pj]
                N[q][i][j] = (1 if total else 0) if boolean else total
    return N


def _ends(source, p: _Problem) -> list[tuple[int, int, int]]:
    """The end states of optimal paths, in listing order."""
    if p.local:
        if not source.score > 0:
            return []
        return [(0, i, j) for i in range(p.n + 1) for j in range(p.m + 1) if source.bits[i][j] & engine.M_END]
    last = [source.V[q][p.n][p.m] for q in range(3)]
    return [(q, p.n, p.m) for q in range(3) if last[q] != NEG and last[q] == source.score]


# ================================================================ tracebacks
@dataclass
class _Traceback:
    start: tuple[int, int]
    columns: list          # (state, i, j) from the first column to the last


def _tracebacks(bits, viable, ends, local: bool, limit: int) -> list[_Traceback]:
    """Up to ``limit`` optimal paths, depth first from the ends (diagonal, then up, then left)."""
    out: list[_Traceback] = []
    stack = [(q, i, j, None) for q, i, j in reversed(ends) if viable(q, i, j)]
    while stack and len(out) < limit:
        q, i, j, trail = stack.pop()
        if q == 0 and i == 0 and j == 0 and not local:
            out.append(_Traceback((0, 0), _unlink(trail)))
            continue
        b = bits(i, j)
        node = ((q, i, j), trail)
        if q == 0 and local and b & engine.M_START:
            out.append(_Traceback((i - 1, j - 1), _unlink(node)))
            continue
        for r, pi, pj in reversed(_predecessors(b, q, i, j)):
            if viable(r, pi, pj):
                stack.append((r, pi, pj, node))
    return out


def _unlink(trail) -> list:
    cols = []
    while trail is not None:
        cols.append(trail[0])
        trail = trail[1]
    return cols


def _alignment(p: _Problem, tb: _Traceback, score) -> dict:
    r1, r2, ops = [], [], []
    for q, i, j in tb.columns:
        r1.append(p.seq1[i - 1] if q != 2 else "-")
        r2.append(p.seq2[j - 1] if q != 1 else "-")
        ops.append(q)
    end = tb.columns[-1][1:] if tb.columns else tb.start
    if p.mode == "semiglobal":
        range1, range2 = _semiglobal_ranges(ops, p.n, p.m, p.free)
    else:
        range1, range2 = (tb.start[0], end[0]), (tb.start[1], end[1])
    path = [list(tb.start)] + [[i, j] for _, i, j in tb.columns]
    return {"seq1_aligned": "".join(r1), "seq2_aligned": "".join(r2), "seq1_range": list(range1),
            "seq2_range": list(range2), "path": path, "score": score}


def _semiglobal_ranges(ops: list[int], n: int, m: int, free) -> tuple[tuple[int, int], tuple[int, int]]:
    """The letters outside free end gaps: leading and trailing runs of gap columns along a
    free border (the rule of :mod:`numerics.alignment`; ops 0 substitution, 1 (x,-), 2 (-,y))."""
    lead1 = lead2 = trail1 = trail2 = 0
    for op in ops:
        if op == 1 and lead2 == 0:
            lead1 += 1
        elif op == 2 and lead1 == 0:
            lead2 += 1
        else:
            break
    for op in reversed(ops):
        if op == 1 and trail2 == 0:
            trail1 += 1
        elif op == 2 and trail1 == 0:
            trail2 += 1
        else:
            break
    lead1, trail1 = (lead1 if free[0] else 0), (trail1 if free[1] else 0)
    lead2, trail2 = (lead2 if free[2] else 0), (trail2 if free[3] else 0)
    if lead1 + trail1 > n:
        trail1 = n - lead1
    if lead2 + trail2 > m:
        trail2 = m - lead2
    return (lead1, n - trail1), (lead2, m - trail2)


# ================================================================ formatting
_ARROW_TEXT = {"diag": "↖", "up": "↑", "left": "←"}
_ARROW_TEX = {"diag": r"\nwarrow", "up": r"\uparrow", "left": r"\leftarrow"}


def _sym(q):
    """An exact score for the answer: int, SymPy Rational, or -oo."""
    if q == NEG:
        return -sp.oo
    if isinstance(q, Fraction):
        return sp.Rational(q.numerator, q.denominator)
    return int(q)


def _txt(v) -> str:
    if v == NEG:
        return "-∞"
    return str(v)


def _tex(v) -> str:
    if v == NEG:
        return r"-\infty"
    if isinstance(v, Fraction):
        return ("-" if v < 0 else "") + r"\tfrac{%d}{%d}" % (abs(v.numerator), v.denominator)
    return str(v)


def _txt_op(s) -> str:
    return f"{'+' if s >= 0 else '-'} {_txt(abs(s))}"


def _tex_op(s) -> str:
    return f"{'+' if s >= 0 else '-'} {_tex(abs(s))}"


def _txt_sum(u, s) -> str:
    return f"{_txt(u)} {_txt_op(s)} = {_txt(u + s)}"


def _tex_sum(u, s) -> str:
    return f"{_tex(u)} {_tex_op(s)} = {_tex(u + s)}"


def _math(tex: str, text: str) -> InlineMath:
    return InlineMath(Tex(tex), text)


def _letters_tex(row: str) -> str:
    """An aligned row in typewriter letters (user text, escaped)."""
    return r"\texttt{%s}" % "".join(ch if ch.isalnum() or ch in "-*" else escape_latex(ch) for ch in row)


def _short(seq: str, limit: int = 24) -> str:
    return seq if len(seq) <= limit else f"{seq[:10]}…{seq[-10:]}"


_DASH = _math(r"\cdot", "·")


# ============================================================ the result
def _checker(p: _Problem, w: _Worked | None) -> Checker:
    """How a student's alignment answer is read and compared.

    The answer may hold the command's JSON keys (``score``, ``n_optimal``,
    ``table``, ``alignments``), be a bare JSON grid or a CSV file (the table;
    a header row and a first column of letters are skipped), and may also
    give ``traceback`` (one path of cells) or ``seq1_aligned``/``seq2_aligned``
    at top level for a single alignment. Each table cell that differs is
    reported with its candidates; each alignment is matched by its path, in
    any order: an alignment that is not optimal is reported with its score
    and the cell where its path leaves the optimal arrows.
    """
    return Checker(read=_load_student, normalize=_gather_alignments,
                   parts={"alignments": lambda given, comparer: _check_alignments(p, w, given, comparer)},
                   explain=lambda location: _explain_cell(p, w, location))


_CELL = re.compile(r"^table(?:\.([MXY]))?\[(\d+)\]\[(\d+)\]$")


def _explain_cell(p: _Problem, w: _Worked | None, location: str) -> str:
    """The candidates behind the expected value of one table cell (the check report's explanation)."""
    m = _CELL.match(location)
    if w is None or not m:
        return ""
    i, j = int(m.group(2)), int(m.group(3))
    if i > p.n or j > p.m:
        return ""
    if m.group(1):
        return w.explain(_STATES.index(m.group(1)), i, j)
    return w.explain(None, i, j) if p.linear else ""


def _gather_alignments(given: dict) -> dict:
    """One list ``alignments`` from every way a student may give alignments (traceback, rows, a list)."""
    given = dict(given)
    alignments = None
    if "traceback" in given:
        alignments = [{"path": given.pop("traceback")}]
    if "seq1_aligned" in given or "seq2_aligned" in given:
        entry = {k: given.pop(k) for k in ("seq1_aligned", "seq2_aligned", "seq1_range", "seq2_range")
                 if k in given}
        alignments = (alignments or []) + [entry]
    if "alignments" in given:
        listed = given.pop("alignments")
        alignments = listed if alignments is None else (
            alignments + (listed if isinstance(listed, list) else [listed]))
    if alignments is not None:
        given["alignments"] = alignments
    return given


def _load_student(answer) -> dict:
    """The student's answer: a dict of the command's keys, or a grid (a JSON list, a CSV file) as the table."""
    import json
    if isinstance(answer, list):
        return {"table": answer}
    if not isinstance(answer, (str, os.PathLike)):
        return load_answer(answer)
    text = str(answer)
    if isinstance(answer, os.PathLike) or not text.lstrip().startswith(("{", "[")):
        path = Path(answer)
        if path.suffix.lower() == ".csv":
            return {"table": _read_table_csv(path)}
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"--check: cannot read {str(path)!r}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--check: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(data, list):
        return {"table": data}
    return load_answer(data if isinstance(data, dict) else text)


def _read_table_csv(path: Path) -> list:
    """A DP table from a CSV file (the project's CSV reader): numbers, ``-inf`` for minus infinity;
    a header row and a first column of letters, if present, are skipped."""
    from ..numerics.io import is_number, read_csv
    try:
        table = read_csv(path, header=False)
    except (OSError, ValueError) as exc:
        raise ValueError(f"--check: {exc}") from None
    rows = [list(r) for r in table.rows]
    label = lambda cell: not is_number(cell) and cell.strip().lower() not in ("-inf", "-oo", "-∞", "")
    if rows and any(label(c) for c in rows[0]):
        rows = rows[1:]                                  # a header row of letters
    if rows and any(label(r[0]) for r in rows):
        rows = [r[1:] for r in rows]                     # a first column of letters
    return rows


# ------------------------------------------------------------ alignment check
def _check_alignments(p: _Problem, w: _Worked | None, given, comparer) -> None:
    """Match the student's alignments with the optimal ones by path; explain the others."""
    answer = comparer.result.answer
    expected = answer["alignments"]
    index = {tuple(map(tuple, a["path"])): k for k, a in enumerate(expected)}
    seen = set()
    if not isinstance(given, list):
        comparer.counted()
        return comparer.differ("alignments", "a list of alignments", given, "expected a list", "")
    if not given and answer["n_optimal"]:
        comparer.differ("alignments", f"{answer['n_optimal']} optimal alignment(s)", given, "no alignment given", "")
    for k, entry in enumerate(given):
        loc = f"alignments[{k}]"
        comparer.counted()
        path, problem = _student_path(p, entry, expected)
        if path is None:
            comparer.differ(loc, "an alignment of the two sequences", entry, problem, "")
            continue
        key = tuple(path)
        if key in seen:
            comparer.differ(loc, "(once)", entry, "alignment given twice", "")
            continue
        seen.add(key)
        if key in index:
            exp = expected[index[key]]
            for field in ("seq1_aligned", "seq2_aligned", "seq1_range", "seq2_range", "score"):
                if isinstance(entry, dict) and field in entry:
                    g = entry[field]
                    same = (str(g).upper() == exp[field] if field.endswith("aligned") else
                            list(g) == exp[field] if field.endswith("range") and isinstance(g, (list, tuple)) else
                            _same_number(g, exp[field]))
                    if not same:
                        shown = exp[field] if isinstance(exp[field], str) else str(_plain_json(exp[field]))
                        comparer.differ(f"{loc}.{field}", shown, g, "differs", "")
            continue
        reason, explanation = _why_not_optimal(answer, p, w, path)
        if reason:
            comparer.differ(loc, "an optimal alignment", entry, reason, explanation)


def _plain_json(v):
    return int(v) if isinstance(v, sp.Integer) else (str(v) if isinstance(v, sp.Basic) else v)


def _same_number(given, expected) -> bool:
    """Exactly equal, or a decimal that is the exact value to float precision."""
    try:
        value = parse_number(given, what="score")
    except ValueError:
        return False
    if value == sp.sympify(expected):
        return True
    decimal = isinstance(given, float) or (isinstance(given, str) and ("." in given or "e" in given.lower()))
    return decimal and abs(float(value) - float(expected)) <= 1e-12 * (1 + abs(float(expected)))


def _student_path(p: _Problem, entry, expected) -> tuple[list | None, str]:
    """The student's alignment as a path of cells, or (None, what is wrong)."""
    if isinstance(entry, (list, tuple)) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
        entry = {"seq1_aligned": entry[0], "seq2_aligned": entry[1]}
    if not isinstance(entry, dict):
        return None, "expected an object with seq1_aligned and seq2_aligned, or path"
    if "path" in entry and not ("seq1_aligned" in entry and "seq2_aligned" in entry):
        return _path_from_cells(p, entry["path"])
    r1, r2 = entry.get("seq1_aligned"), entry.get("seq2_aligned")
    if not isinstance(r1, str) or not isinstance(r2, str):
        return None, "expected seq1_aligned and seq2_aligned as strings (gaps as -), or a path of cells"
    r1, r2 = r1.upper(), r2.upper()
    if len(r1) != len(r2):
        return None, f"the rows have different lengths ({len(r1)} and {len(r2)})"
    for k, (x, y) in enumerate(zip(r1, r2)):
        if x == "-" and y == "-":
            return None, f"column {k + 1} is - over -"
    l1, l2 = r1.replace("-", ""), r2.replace("-", "")
    if "seq1_range" in entry and "seq2_range" in entry:
        try:
            i0, j0 = int(entry["seq1_range"][0]), int(entry["seq2_range"][0])
        except (TypeError, ValueError, IndexError, KeyError):
            return None, "seq1_range and seq2_range must be [start, end) pairs of integers"
    elif p.local:
        # the expected alignment with these rows, else the first place the letters occur
        match = next((e for e in expected if e["seq1_aligned"] == r1 and e["seq2_aligned"] == r2), None)
        i0, j0 = (match["path"][0] if match else (p.seq1.find(l1), p.seq2.find(l2)))
    else:
        i0 = j0 = 0
    if p.seq1[i0:i0 + len(l1)] != l1 or i0 < 0:
        return None, f"seq1_aligned without its gaps ({_short(l1)}) is not seq1's letters from position {i0}"
    if p.seq2[j0:j0 + len(l2)] != l2 or j0 < 0:
        return None, f"seq2_aligned without its gaps ({_short(l2)}) is not seq2's letters from position {j0}"
    if not p.local and (len(l1) != p.n or len(l2) != p.m):
        return None, f"a {p.mode} alignment spans both whole sequences (gaps included)"
    path, i, j = [(i0, j0)], i0, j0
    for x, y in zip(r1, r2):
        i, j = i + (x != "-"), j + (y != "-")
        path.append((i, j))
    return path, ""


def _path_from_cells(p: _Problem, cells) -> tuple[list | None, str]:
    try:
        path = [(int(c[0]), int(c[1])) for c in cells]
    except (TypeError, ValueError, IndexError, KeyError):
        return None, "path: expected a list of [i, j] cells"
    if len(path) > 1 and path[0] > path[-1]:
        path.reverse()                                  # given in traceback order, end first
    for (i, j), (k, l) in zip(path, path[1:]):
        if (k - i, l - j) not in ((1, 1), (1, 0), (0, 1)):
            return None, f"path: from cell ({i},{j}) to ({k},{l}) is not a diagonal, vertical or horizontal step"
    for i, j in path:
        if not (0 <= i <= p.n and 0 <= j <= p.m):
            return None, f"path: cell ({i},{j}) is outside the table (rows 0..{p.n}, columns 0..{p.m})"
    if not path:
        return None, "path: empty"
    if not p.local and (path[0] != (0, 0) or path[-1] != (p.n, p.m)):
        return None, f"path: a {p.mode} alignment runs from cell (0,0) to ({p.n},{p.m})"
    return path, ""


def _why_not_optimal(answer: dict, p: _Problem, w: _Worked | None, path) -> tuple[str, str]:
    """Why a valid alignment (as a path) is not among the optimal ones; ("", "") when it is one
    that was not listed (more than max_alignments exist)."""
    cols = [(k - i, l - j) for (i, j), (k, l) in zip(path, path[1:])]
    r1 = "".join(p.seq1[k - 1] if di else "-" for (di, dj), (k, l) in zip(cols, path[1:]))
    r2 = "".join(p.seq2[l - 1] if dj else "-" for (di, dj), (k, l) in zip(cols, path[1:]))
    if not cols:
        return ("the empty alignment is not optimal" if answer["n_optimal"] else ""), ""
    its = _sym(_exact(engine.alignment_score(r1, r2, **p.kw), "score"))
    best = answer["score"]
    if its != best:
        return f"not optimal: it scores {its} (rescored column by column); the optimum is {best}", \
            _leaves_arrows(p, w, path, cols)
    states = [0 if c == (1, 1) else (1 if c == (1, 0) else 2) for c in cols]
    if not p.local or (w is not None and _is_counted(w, path, states)) or (
            w is None and answer["n_optimal"] > len(answer["alignments"])):
        return "", ""                                   # optimal, beyond the listed ones
    return ("scores the optimum but has a part scoring 0 at one end (or passes through the optimum on the "
            "way): trim it; local alignments are counted untrimmable, as in Biopython"), ""


def _is_counted(w: _Worked, path, states) -> bool:
    """Local: does the path start at a start, end at an end and follow counted arrows?"""
    (i, j), (k, l) = path[1], path[-1]
    if states[0] != 0 or states[-1] != 0 or not w.bits[i][j] & engine.M_START \
            or not w.bits[k][l] & engine.M_END:
        return False
    for t in range(1, len(states)):
        i, j = path[t + 1]
        if (states[t - 1], path[t][0], path[t][1]) not in _predecessors(w.bits[i][j], states[t], i, j):
            return False
    return True


def _leaves_arrows(p: _Problem, w: _Worked | None, path, cols) -> str:
    """Where the path first leaves the cells of optimal paths (from its start)."""
    if w is None:
        return ""
    for k, ((i, j), c) in enumerate(zip(path[1:], cols)):
        q = 0 if c == (1, 1) else (1 if c == (1, 0) else 2)
        if not w.marked[q][i][j]:
            move = {0: "diagonal", 1: "vertical (gap in seq2)", 2: "horizontal (gap in seq1)"}[q]
            return (f"its {move} step into cell ({i},{j}) leaves the optimal paths; "
                    + w.explain(None if p.linear else q, i, j))
    return ""


# ========================================================= building results
def _mode_title(p: _Problem) -> str:
    kind = {"global": "Global", "local": "Local", "semiglobal": "Semi-global"}[p.mode]
    gaps = "linear gaps" if p.linear else "affine gaps (Gotoh)"
    def name(k, seq):
        if p.names[k] not in (f"seq{k + 1}", ""):
            return p.names[k]
        return (seq or "(empty)") if len(seq) <= 16 else f"seq{k + 1} ({len(seq)} letters)"
    return f"{kind} alignment ({MODE_NAMES[p.mode]}, {gaps}) of {name(0, p.seq1)} and {name(1, p.seq2)}"


def _givens(p: _Problem) -> list[Given]:
    gv = [Given("seq1", _short(p.seq1, 30) or "(empty)",
                f"{p.names[0]}: rows, a_1..a_n, n = {p.n}"),
          Given("seq2", _short(p.seq2, 30) or "(empty)",
                f"{p.names[1]}: columns, b_1..b_m, m = {p.m}")]
    if p.matrix is None:
        gv += [Given("match", _sym(p.ms), "s(x, x)"), Given("mismatch", _sym(p.mm), "s(x, y), x ≠ y")]
    else:
        gv.append(Given("matrix", p.matrix.name, "substitution scores s(x, y)"))
    if p.linear:
        gv.append(Given(sp.Symbol("g"), _sym(p.go), "gap score per position: a gap of length k scores k·g"))
    else:
        gv += [Given(sp.Symbol("o"), _sym(p.go), "gap open: a gap's first position"),
               Given(sp.Symbol("e"), _sym(p.ge), "gap extend: each further position; length k scores o + (k-1)e")]
    gv.append(Given("mode", p.mode, MODE_NAMES[p.mode]))
    if p.mode == "semiglobal":
        gv.append(Given("free ends", ", ".join(n for n, f in zip(_FREE_NAMES, p.free) if f) or "none",
                        "end gaps scoring 0"))
    return gv


def _intro(p: _Problem):
    text = ("Scores are added and maximised; a gap of length k scores o + (k-1)e (gap penalties are "
            "negative scores). An alignment is a sequence of columns (x over y, x over -, - over y), "
            "so A-/-C and -A/C- are two alignments. Row i stands for the prefix a_1..a_i of seq1, "
            "column j for b_1..b_j of seq2.")
    if p.local:
        text += (" Local mode: the table shows every candidate attaining a cell's maximum (a cell holding 0 "
                 "has no arrow: an alignment starts after it); the alignments counted and listed are "
                 "Biopython's: each starts after a 0, ends at a cell holding the optimum, and its path passes "
                 "through no cell scoring 0 or the optimum on the way (no part at either end scores 0).")
    if p.mode == "semiglobal":
        text += (" Semi-global mode: moves along a free border (column 0 and column m for seq1's ends, "
                 "row 0 and row n for seq2's) score 0.")
    return words(text)


def _recurrence(p: _Problem) -> Step:
    z = r",\ 0" if p.local else ""
    zt = ", 0" if p.local else ""
    if p.linear:
        tex = (r"H_{i,j} = \max\begin{cases} H_{i-1,j-1} + s(a_i, b_j) & \nwarrow\ \text{diagonal: } a_i "
               r"\text{ over } b_j\\ H_{i-1,j} + g & \uparrow\ \text{up: } a_i \text{ over a gap}\\ "
               r"H_{i,j-1} + g & \leftarrow\ \text{left: a gap over } b_j" +
               (r"\\ 0 & \text{start (local)}" if p.local else "") + r"\end{cases}")
        text = (f"H(i,j) = max(H(i-1,j-1) + s(a_i,b_j) [↖], H(i-1,j) + g [↑], H(i,j-1) + g [←]{zt})")
        if p.local:
            border = "H(i,0) = H(0,j) = 0"
        elif p.mode == "semiglobal":
            border = "H(0,0) = 0; H(i,0) = 0 if seq1's start is free, else i·g; H(0,j) likewise for seq2's start"
        else:
            border = "H(0,0) = 0, H(i,0) = i·g, H(0,j) = j·g"
        why = words("The recurrence of the single table (linear gaps): each cell is the best of the moves "
                    "into it; an arrow points back at every move that attains the maximum. Borders: ", border,
                    ". The score is ", "max H(i,j)" if p.local else "H(n,m)", ".")
    else:
        tex = (r"\begin{aligned} M_{i,j} &= \max(M_{i-1,j-1},\ X_{i-1,j-1},\ Y_{i-1,j-1}" + z +
               r") + s(a_i, b_j) \\ X_{i,j} &= \max(M_{i-1,j} + o,\ X_{i-1,j} + e,\ Y_{i-1,j} + o) \\ "
               r"Y_{i,j} &= \max(M_{i,j-1} + o,\ Y_{i,j-1} + e,\ X_{i,j-1} + o) \end{aligned}")
        text = (f"M(i,j) = max(M, X, Y at (i-1,j-1){zt}) + s(a_i,b_j); X(i,j) = max(M(i-1,j) + o, "
                f"X(i-1,j) + e, Y(i-1,j) + o); Y(i,j) = max(M(i,j-1) + o, Y(i,j-1) + e, X(i,j-1) + o)")
        why = words("Gotoh's three matrices (affine gaps): M ends in a substitution column (a diagonal move), "
                    "X in a gap in seq2 (a vertical move, a_i over -), Y in a gap in seq1 (a horizontal move, "
                    "- over b_j); opening a gap scores o, extending the one just opened scores e. -∞ marks a state "
                    "no alignment ends in. ",
                    ("Local: an alignment starts with a substitution column after a 0 (the 0 in M), and the "
                     "score is the largest M." if p.local else
                     "Start: M(0,0) = 0; the score is max(M, X, Y) at (n,m)."),
                    (" Moves along a free border score 0." if p.mode == "semiglobal" else ""))
    return Step(Display(_math(tex, text)), why=why, label="recurrence")


def _substitution_steps(p: _Problem) -> list[Step]:
    rows = [[p.sub(x, y) for y in p.seq2] for x in p.seq1]
    ok = all(engine.alignment_score(x, y, **{**p.kw, "mode": "global", "free_ends": None}) == _plain(rows[i][j])
             for i, x in enumerate(p.seq1) for j, y in enumerate(p.seq2))
    src = f"matrix {p.matrix.name}" if p.matrix is not None else "match/mismatch"
    blocks = _grid_blocks(list(p.seq1), list(p.seq2), [("", [[_sym(v) for v in r] for r in rows])], 40, 20)
    steps = []
    for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
        grid.numbered = False
        part = "" if len(blocks) == 1 else f" Block {k + 1} of {len(blocks)}: a_{r0 + 1}..a_{r1}, b_{c0 + 1}..b_{c1}."
        steps.append(Step(grid, why=words(f"The substitution scores s(a_i, b_j) ({src}) of every pair: the score of "
                                          "each diagonal move (and, below, the weight of each diagonal edge of the "
                                          f"edit graph).{part}"),
                          check=checked("each equals numerics.alignment.alignment_score of the one-column alignment",
                                        ok),
                          label="substitution" if k == 0 else f"substitution-{k + 1}"))
    return steps


def _worked_result(p: _Problem, w: _Worked) -> Result:
    dp = engine.dp_tables(p.seq1, p.seq2, **p.kw)
    steps: list = [Section("The recurrence"), _recurrence(p)]
    if p.n and p.m:
        steps += _substitution_steps(p)
    steps.append(Section("The table, cell by cell",
                         words("Row by row (a row only needs the row above it and the cell to its left): each "
                               "candidate with its arithmetic, the maximum, and every arrow that attains it.")))
    sources = {}
    for i in range(p.n + 1):
        for label, table in _row_tables(p, w, i):
            ok = _row_agrees(p, w, dp, i)
            steps.append(Step(table, why=_row_why(p, i, label), label=label,
                              check=checked("every value and arrow of this row equals numerics.alignment.dp_tables",
                                            ok)))
        sources[f"table[{i}]"] = f"row-{i}"
        for s in "MXY":
            sources[f"table.{s}[{i}]"] = f"row-{i}"
    steps += [Section("The table"), *_grid_step(p, w, dp)]
    steps += [Section("The edit graph: a longest path"), *_edit_graph_steps(p, w)]
    steps += [Section("Score, count and tracebacks"), *_traceback_steps(p, w)]
    sources.update({"score": "score", "n_optimal": "count", "alignments": "alignments"})
    answer = {"score": _sym(w.score), "n_optimal": w.n_optimal, "alignments": w.listed,
              "table": _table_answer(p, w)}
    notes = []
    if w.n_optimal > len(w.listed):
        notes.append(f"{w.n_optimal} co-optimal alignments; the first {len(w.listed)} are listed "
                     f"(max_alignments = {p.max_alignments}).")
    return Result(kind="align", title=_mode_title(p), givens=_givens(p), steps=steps, answer=answer,
                  sources=sources, notes=notes, intro=_intro(p), checker=_checker(p, w))


def _table_answer(p: _Problem, w: _Worked):
    if p.linear:
        return [[_sym(v) for v in row] for row in w.H]
    return {s: [[_sym(v) for v in row] for row in w.V[q]] for q, s in enumerate(_STATES)}


def _row_agrees(p: _Problem, w: _Worked, dp, i: int) -> bool:
    def same(a, b) -> bool:
        if a == NEG or b == -math.inf:
            return a == NEG and b == -math.inf
        return abs(float(a) - b) <= 1e-9 * (1 + abs(b))
    for j in range(p.m + 1):
        if not same(w.H[i][j], dp.H[i, j]):
            return False
        if not all(same(w.V[q][i][j], (dp.M, dp.X, dp.Y)[q][i, j]) for q in range(3)):
            return False
        if w.bits[i][j] != int(dp.arrows[i, j]):
            return False
        if p.linear:   # the textbook arrows: each move whose state attains H
            states = [(dp.M, "diag"), (dp.X, "up"), (dp.Y, "left")]
            h = dp.H[i, j]
            tol = 1e-9 * (1 + abs(h)) if math.isfinite(h) else 0.0     # float scores: a few ulps apart
            want = tuple(d for t, d in states if (t[i, j] == h or abs(t[i, j] - h) <= tol)
                         and h > (tol if p.local else -math.inf))
            if i == 0 and j == 0:
                want = ()
            if want != w.classic_arrows(i, j):
                return False
    return True


def _row_why(p: _Problem, i: int, label: str):
    part = "" if label == f"row-{i}" else f" (continued, {label.rsplit('-', 1)[1]})"
    if i == 0:
        return words(f"Row 0 (the empty prefix of seq1){part}: "
                     + ("a local alignment never ends on the border: 0." if p.local else
                        "only moves from the left (gaps in seq1)."))
    return words(f"Row {i} (a_{i} = {p.seq1[i - 1]}){part}: each cell the largest candidate, the arrows every "
                 "candidate that attains it.")


def _row_tables(p: _Problem, w: _Worked, i: int) -> list[tuple[str, Table]]:
    """The candidates of every cell of row i, as one or more tables."""
    rows = []
    for j in range(p.m + 1):
        pair = f"{p.seq1[i - 1] if i else '·'} {p.seq2[j - 1] if j else '·'}"
        if p.linear:
            rows.append(_linear_row(p, w, i, j, pair))
        else:
            rows += _affine_rows(p, w, i, j, pair)
    if p.linear:
        header = ["cell", _math(r"a_i\ b_j", "a_i b_j"), _math(r"H_{i-1,j-1} + s", "diag: H(i-1,j-1) + s"),
                  _math(r"H_{i-1,j} + g", "up: H(i-1,j) + g"), _math(r"H_{i,j-1} + g", "left: H(i,j-1) + g")]
        header += (["start"] if p.local else []) + [_math("H_{i,j}", "H(i,j)"), "arrows"]
        align = "ll" + "r" * (len(header) - 3) + "l"
    else:
        header = ["cell", _math(r"a_i\ b_j", "a_i b_j"), "state", "candidates", "value", "from"]
        align = "llcrrl"
    per = _ROWS_PER_TABLE if p.linear else 30            # affine rows are taller (\underset)
    chunks = [rows[k:k + per] for k in range(0, len(rows), per)] or [[]]
    out = []
    for k, chunk in enumerate(chunks):
        label = f"row-{i}" if k == 0 else f"row-{i}-{k + 1}"
        out.append((label, Table(header, chunk, align=align)))
    return out


def _linear_row(p: _Problem, w: _Worked, i: int, j: int, pair: str) -> list:
    cands = {d: (u, s) for d, u, s in w.classic(i, j)}
    cells = []
    for d in ("diag", "up", "left"):
        if d in cands:
            u, s = cands[d]
            cells.append(_math(_tex_sum(u, s), _txt_sum(u, s)))
        else:
            cells.append(_DASH)
    if p.local:
        cells.append(_math("0", "0"))
    h = w.H[i][j]
    arrows = w.classic_arrows(i, j)
    if i == 0 and j == 0 and not p.local:
        arrow_cell = "start"
    else:
        arrow_cell = _math("".join(_ARROW_TEX[d] for d in arrows), "".join(_ARROW_TEXT[d] for d in arrows)) \
            if arrows else ""
    return [f"({i},{j})", pair, *cells, _math(_tex(h), _txt(h)), arrow_cell]


def _affine_rows(p: _Problem, w: _Worked, i: int, j: int, pair: str) -> list[list]:
    out = []
    for q, name in enumerate(_STATES):
        cands = w.candidates(q, i, j)
        v = w.V[q][i][j]
        if not cands:
            if q == 0 and i == 0 and j == 0 and not p.local:
                out.append([f"({i},{j})", pair, name, "start: the empty alignment", _math("0", "0"), ""])
            continue
        if q == 0:
            inner_tex = r",\ ".join(r"\underset{%s}{%s}" % (lab, _tex(u)) if lab != "0" else "0"
                                    for lab, u, s in cands)
            inner_txt = ", ".join(f"{lab} {_txt(u)}" for lab, u, s in cands)
            s = cands[0][2]
            tex = r"\max(%s) %s = %s" % (inner_tex, _tex_op(s), _tex(v))
            txt = f"max({inner_txt}) {_txt_op(s)} = {_txt(v)}"
        else:
            inner_tex = r",\ ".join(r"\underset{%s}{%s %s}" % (lab, _tex(u), _tex_op(s)) for lab, u, s in cands)
            inner_txt = ", ".join(f"{lab} {_txt(u)} {_txt_op(s)}" for lab, u, s in cands)
            tex = r"\max(%s) = %s" % (inner_tex, _tex(v))
            txt = f"max({inner_txt}) = {_txt(v)}"
        tags = w.arrows[q][i][j]
        frm = _math(r",\ ".join(r"\circ" if t == "0" else _STATES[t] for t in tags),
                    ", ".join("start" if t == "0" else _STATES[t] for t in tags)) if tags else ""
        out.append([f"({i},{j})", pair, name, _math(tex, txt), _math(_tex(v), _txt(v)), frm])
    return out


def _grid_step(p: _Problem, w: _Worked, dp) -> Step:
    rows_lab = [""] + list(p.seq1)
    cols_lab = [""] + list(p.seq2)
    if p.linear:
        moves = {"diag": 0, "up": 1, "left": 2}
        cells = [[GridCell(_sym(w.H[i][j]),
                           tuple((d, "", w.on_path(moves[d], i, j)) for d in w.classic_arrows(i, j)),
                           any(w.marked[q][i][j] for q in range(3)))
                  for j in range(p.m + 1)] for i in range(p.n + 1)]
        panels = [("", cells)]
        what = "H"
    else:
        panels = []
        for q, name in enumerate(_STATES):
            direction = ("diag", "up", "left")[q]
            cells = [[GridCell(_sym(w.V[q][i][j]),
                               tuple(("start", "", w.on_path(q, i, j, "0")) if t == "0" else
                                     (direction, _STATES[t], w.on_path(q, i, j, t)) for t in w.arrows[q][i][j]),
                               w.marked[q][i][j])
                      for j in range(p.m + 1)] for i in range(p.n + 1)]
            panels.append((name, cells))
        what = "M, X and Y"
    caption = ["Boxed (in plain text: in brackets): the cells on an optimal path; bold (double arrows): the "
               "arrows the co-optimal tracebacks follow. Arrows point at the neighbour each maximum came from"]
    if p.linear:
        caption.append(".")
    elif p.local:
        caption += [" (subscript: from which matrix; ", _math(r"\circ", "∘"), ": an alignment starts here)."]
    else:
        caption.append(" (subscript: from which matrix).")
    if p.local:
        caption.append(" Local: a traceback starts at a boxed cell holding the optimum and stops at the cell "
                       "holding 0 its last arrow points to (the alignment starts after it).")
    ok = all(_row_agrees(p, w, dp, i) for i in range(p.n + 1))
    blocks = _grid_blocks(rows_lab, cols_lab, panels, *((21, 13) if p.linear else (14, 10)))
    steps = []
    for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
        grid.caption = words(*caption)
        part = "" if len(blocks) == 1 else f" Block {k + 1} of {len(blocks)}: rows {r0}..{r1 - 1}, columns {c0}..{c1 - 1}."
        steps.append(Step(grid, why=words(f"The whole table ({what}), rows i = 0..{p.n} down, columns j = 0..{p.m} "
                                          f"across.{part}"),
                          check=checked("every value and counted arrow equals numerics.alignment.dp_tables", ok),
                          label="table" if k == 0 else f"table-{k + 1}"))
    return steps


def _grid_blocks(row_labels, col_labels, panels, max_rows: int, max_cols: int):
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


# ---------------------------------------------------------------- edit graph
def _edit_graph(p: _Problem):
    """The edit graph: nodes (state, i, j) numbered in row-major order, edges (u, v, weight)."""
    n, m = p.n, p.m
    k = 1 if p.linear else 3
    node = lambda q, i, j: (i * (m + 1) + j) * k + q
    edges = []
    for i in range(n + 1):
        for j in range(m + 1):
            if p.linear:
                if i and j:
                    edges.append((node(0, i - 1, j - 1), node(0, i, j), p.sub(p.seq1[i - 1], p.seq2[j - 1])))
                if i:
                    edges.append((node(0, i - 1, j), node(0, i, j), p.gaps(True, i, j)[0]))
                if j:
                    edges.append((node(0, i, j - 1), node(0, i, j), p.gaps(False, i, j)[0]))
                continue
            if i and j:
                s = p.sub(p.seq1[i - 1], p.seq2[j - 1])
                edges += [(node(r, i - 1, j - 1), node(0, i, j), s) for r in range(3)]
            if i:
                o, e = p.gaps(True, i, j)
                edges += [(node(r, i - 1, j), node(1, i, j), (o, e, o)[r]) for r in range(3)]
            if j:
                o, e = p.gaps(False, i, j)
                edges += [(node(r, i, j - 1), node(2, i, j), (o, o, e)[r]) for r in range(3)]
    n_nodes = (n + 1) * (m + 1) * k
    source, sink = n_nodes, n_nodes + 1
    if p.local:
        if p.linear:
            edges += [(source, v, 0) for v in range(n_nodes)] + [(v, sink, 0) for v in range(n_nodes)]
        else:
            edges += [(source, node(0, i, j), p.sub(p.seq1[i - 1], p.seq2[j - 1]))
                      for i in range(1, n + 1) for j in range(1, m + 1)]
            edges += [(node(0, i, j), sink, 0) for i in range(1, n + 1) for j in range(1, m + 1)]
        edges.append((source, sink, 0))
    else:
        edges.append((source, node(0, 0, 0), 0))
        edges += [(node(q, n, m), sink, 0) for q in range(k)]
    if not p.linear:   # global: X and Y at the start corner do not exist
        edges = [e for e in edges if e[0] not in (node(1, 0, 0), node(2, 0, 0))]
    return n_nodes + 2, edges, source, sink


def _longest_one_pass(n_nodes: int, edges, source: int, sink: int):
    """Longest path by relaxing each node's in-edges once, in topological (row-major) order."""
    incoming: dict[int, list] = {}
    for u, v, wgt in edges:
        incoming.setdefault(v, []).append((u, wgt))
    order = [source] + [v for v in range(n_nodes) if v not in (source, sink)] + [sink]
    dist = {source: 0}
    for v in order[1:]:
        best = NEG
        for u, wgt in incoming.get(v, ()):
            if dist.get(u, NEG) != NEG:
                best = max(best, dist[u] + wgt)
        dist[v] = best
    return dist[sink]


def _bellman_ford_score(n_nodes: int, edges, source: int, sink: int):
    """Minus the shortest source-sink distance with negated weights (scipy's Bellman-Ford)."""
    import scipy.sparse as sparse
    from scipy.sparse.csgraph import bellman_ford
    rows = np.array([u for u, v, wgt in edges], dtype=np.int64)
    cols = np.array([v for u, v, wgt in edges], dtype=np.int64)
    data = np.array([-float(wgt) for u, v, wgt in edges], dtype=np.float64)
    graph = sparse.csr_matrix((data, (rows, cols)), shape=(n_nodes, n_nodes))
    return -bellman_ford(graph, directed=True, indices=source)[sink]


def _edit_graph_steps(p: _Problem, w: _Worked | None) -> list[Step]:
    n, m = p.n, p.m
    V = (n + 1) * (m + 1)
    free = " (0 along a free border)" if p.mode == "semiglobal" else ""

    def weight(name, v):
        return _math(r"%s = %s" % (name, _tex(v)) + (r"\text{%s}" % free if free else ""), f"{name} = {_txt(v)}{free}")
    M_ = lambda t, x: _math(t, x)
    if p.linear:
        rows = [["nodes", M_(r"(i, j),\ 0 \le i \le %d,\ 0 \le j \le %d" % (n, m), f"(i, j), 0..{n} x 0..{m}"),
                 str(V), ""],
                ["diagonal edges", M_(r"(i-1, j-1) \to (i, j)", "(i-1, j-1) -> (i, j)"), str(n * m),
                 M_(r"s(a_i, b_j)", "s(a_i, b_j)")],
                ["vertical edges", M_(r"(i-1, j) \to (i, j)", "(i-1, j) -> (i, j)"), str(n * (m + 1)),
                 weight("g", p.go)],
                ["horizontal edges", M_(r"(i, j-1) \to (i, j)", "(i, j-1) -> (i, j)"), str((n + 1) * m),
                 weight("g", p.go)]]
        if p.local:
            rows += [["start edges", M_(r"\text{start} \to (i, j)", "start -> (i, j)"), str(V), "0"],
                     ["end edges", M_(r"(i, j) \to \text{end}", "(i, j) -> end"), str(V), "0"]]
        meaning = "node (i, j) means a_1..a_i aligned with b_1..b_j"
    else:
        o, e = weight("o", p.go), weight("e", p.ge)
        rows = [["nodes", M_(r"M_{i,j},\ X_{i,j},\ Y_{i,j}", "M(i,j), X(i,j), Y(i,j)"), str(3 * V), ""],
                ["into M", M_(r"M, X, Y_{i-1,j-1} \to M_{i,j}", "M, X, Y(i-1,j-1) -> M(i,j)"), str(3 * n * m),
                 M_(r"s(a_i, b_j)", "s(a_i, b_j)")],
                ["into X: open", M_(r"M, Y_{i-1,j} \to X_{i,j}", "M, Y(i-1,j) -> X(i,j)"), str(2 * n * (m + 1)), o],
                ["into X: extend", M_(r"X_{i-1,j} \to X_{i,j}", "X(i-1,j) -> X(i,j)"), str(n * (m + 1)), e],
                ["into Y: open", M_(r"M, X_{i,j-1} \to Y_{i,j}", "M, X(i,j-1) -> Y(i,j)"), str(2 * (n + 1) * m), o],
                ["into Y: extend", M_(r"Y_{i,j-1} \to Y_{i,j}", "Y(i,j-1) -> Y(i,j)"), str((n + 1) * m), e]]
        if p.local:
            rows += [["start edges", M_(r"\text{start} \to M_{i,j}", "start -> M(i,j)"), str(n * m),
                      M_(r"s(a_i, b_j)", "s(a_i, b_j)")],
                     ["end edges", M_(r"M_{i,j} \to \text{end}", "M(i,j) -> end"), str(n * m), "0"]]
        meaning = ("the state of node (i, j) says what the alignment of a_1..a_i with b_1..b_j ends in: "
                   "a substitution (M), a gap in seq2 (X), a gap in seq1 (Y)")
    path = "from the start node to the end node" if p.local else f"from (0, 0) to ({n}, {m})"
    s1 = Step(Table(["", "which", "how many", "weight"], rows, align="llrl"),
              why=words(f"The edit graph: {meaning}; an alignment is a path {path}, its score the sum of "
                        "the path's edge weights, so an optimal alignment is a longest (heaviest) path, and the "
                        "co-optimal alignments are all the longest paths."
                        + (" Local: a start node joins every node an alignment may begin at, an end node is "
                           "joined from every node it may end at, and an edge start → end of weight 0 is the "
                           "empty alignment." if p.local else "")), label="edit-graph")
    tex = (r"H(v) = \max_{(u,v) \in E} \bigl(H(u) + w(u,v)\bigr) \iff d(v) = \min_{(u,v)\in E} "
           r"\bigl(d(u) + c(u,v)\bigr),\quad d = -H,\ c = -w")
    txt = "H(v) = max over edges (u,v) of H(u) + w(u,v)  <=>  d(v) = min of d(u) + c(u,v), with d = -H, c = -w"
    check = None
    if w is not None:
        n_nodes, edges, source, sink = _edit_graph(p)
        one_pass = _longest_one_pass(n_nodes, edges, source, sink)
        bf = _bellman_ford_score(n_nodes, edges, source, sink)
        check = checked(f"on the graph built explicitly ({n_nodes - 2} nodes, a source and a sink, {len(edges)} "
                        f"edges): one pass in row-major order gives a longest path of {_txt(one_pass)}, and "
                        f"scipy.sparse.csgraph.bellman_ford on the negated weights a shortest one of {0.0 - bf:g}; "
                        "both equal the table's score",
                        one_pass == w.score and abs(bf - float(w.score)) <= 1e-9 * (1 + abs(bf)))
    s2 = Step(Display(_math(tex, txt)),
              why=words("Each cell of the table is one relaxation: the longest path into a node is the best of "
                        "its in-edges added to the longest paths into their tails. With d = -H and c = -w it is "
                        "exactly the Bellman-Ford relaxation of a shortest path on the negated weights (which may "
                        "be negative, so Dijkstra does not apply; Bellman-Ford does, and the graph has no cycle at "
                        "all, negative or not)."), check=check, label="relaxation")
    s3 = Step(Display(_math(r"(i', j') \to (i, j) \implies i' \le i,\ j' \le j,\ i' + j' < i + j",
                            "(i', j') -> (i, j)  =>  i' <= i, j' <= j, i' + j' < i + j")),
              why=words("Why one pass suffices: every edge moves down, right or both (inside a cell Gotoh's states "
                        "are never joined to each other), so the graph has no cycle (a DAG) and row-major order "
                        "(i, then j) is a topological order. When a node's turn comes all its predecessors are "
                        "final, so relaxing each node's in-edges once, in that order, gives every longest path: "
                        "O(V + E) = O(nm) work, instead of Bellman-Ford's V - 1 rounds over all E edges, O(VE). "
                        "Filling the table row by row is exactly that one pass."), label="dag")
    return [s1, s2, s3]


# ----------------------------------------------------------- score, count, list
def _traceback_steps(p: _Problem, w: _Worked) -> list[Step]:
    steps = []
    score = w.score
    if p.local:
        cells = [(i, j) for q, i, j in w.ends]
        where = ", ".join(f"({i},{j})" for i, j in cells[:8]) + (" ..." if len(cells) > 8 else "")
        lhs = _math(r"\text{score} = \max\bigl(0, \max_{i,j} %s_{i,j}\bigr)" % ("H" if p.linear else "M"),
                    f"score = max(0, max {'H' if p.linear else 'M'}(i,j))")
        why = (f"The local score: the largest cell, {_txt(score)}, at {where}." if score > 0 else
               "The local score: no cell is positive, so the best local alignment is empty: score 0, "
               "no alignment (n_optimal = 0).")
    else:
        if p.linear:
            lhs = _math(r"\text{score} = H_{%d,%d}" % (p.n, p.m), f"score = H({p.n},{p.m})")
        else:
            lhs = _math(r"\text{score} = \max(M, X, Y)_{%d,%d}" % (p.n, p.m), f"score = max(M, X, Y)({p.n},{p.m})")
        why = f"The {p.mode} score: the bottom-right cell."
    steps.append(Step(Chain(lhs, [_math(_tex(score), _txt(score))]), why=words(why), label="score",
                      check=checked("equals numerics.alignment.score (linear memory)",
                                    abs(float(score) - p.engine_score) <= 1e-9 * (1 + abs(p.engine_score)))))
    n_opt = w.n_optimal
    count = engine.count_optimal(p.seq1, p.seq2, **p.kw)
    terms = [w.N[q][i][j] for q, i, j in w.ends]
    why = ("The number of co-optimal alignments: N(v), the number of optimal paths from a start to node v, is "
           "1 at a start plus the sum of N over the nodes v's counted arrows point to; the answer is the sum of N "
           "over the ends" + (f" ({len(terms)} of them)" if len(terms) > 1 else "") + ". Exact integers.")
    statement = Chain(_math(r"n_{\text{optimal}}", "n_optimal"),
                      ([_math(" + ".join(map(str, terms)), " + ".join(map(str, terms)))] if 1 < len(terms) <= 12
                       else []) + [_math(str(n_opt), str(n_opt))])
    steps.append(Step(statement, why=words(why), label="count",
                      check=checked("equals numerics.alignment.count_optimal (exact)", n_opt == count)))
    if p.linear and n_opt and p.n and p.m:
        cells = [[GridCell(sum(w.N[q][i][j] for q in range(3) if w.marked[q][i][j])
                           if any(w.marked[q][i][j] for q in range(3)) else None)
                  for j in range(p.m + 1)] for i in range(p.n + 1)]
        blocks = _grid_blocks([""] + list(p.seq1), [""] + list(p.seq2), [("N", cells)], 41, 21)
        for k, (grid, (r0, r1), (c0, c1)) in enumerate(blocks):
            part = "" if len(blocks) == 1 else f" Rows {r0}..{r1 - 1}, columns {c0}..{c1 - 1}."
            steps.append(Step(grid, why=words("N on the cells of optimal paths (blank: on none); its value at the "
                                              f"end is the count.{part}"),
                              label="count-grid" if k == 0 else f"count-grid-{k + 1}",
                              check=checked("the count at the ends equals numerics.alignment.count_optimal",
                                            n_opt == count)))
    tbs = _tracebacks(lambda i, j: w.bits[i][j], lambda q, i, j: w.N[q][i][j] > 0, w.ends, p.local,
                      p.max_alignments)
    w.listed = [_alignment(p, tb, _sym(score)) for tb in tbs]
    steps += _alignments_steps(p, w.listed, n_opt)
    return steps


def _alignments_steps(p: _Problem, listed: list[dict], n_opt: int, *, how: str = "",
                      expect: int | None = None) -> list[Step]:
    rescored = [engine.alignment_score(a["seq1_aligned"], a["seq2_aligned"], **p.kw) for a in listed]
    best = float(listed[0]["score"]) if listed else 0.0
    distinct = len({(a["seq1_aligned"], a["seq2_aligned"], tuple(a["seq1_range"]), tuple(a["seq2_range"]))
                    for a in listed}) == len(listed)
    ok = distinct and all(abs(float(r) - best) <= 1e-9 * (1 + abs(best)) for r in rescored) \
        and len(listed) == (min(n_opt, p.max_alignments) if expect is None else expect)
    shown = (f"all {n_opt}" if len(listed) == n_opt else f"the first {len(listed)} of {n_opt}")
    how = how or ", by tracing the counted arrows back from each end (diagonal first, then up, then left)"
    why = f"The co-optimal alignments, {shown}{how}; ranges are [start, end) in the original sequences."
    per = 20                                  # alignments per table: a LaTeX tabular does not break across pages
    steps = []
    for start in range(0, max(len(listed), 1), per):
        rows = []
        for k, a in enumerate(listed[start:start + per], start):
            for name, key, rng in (("seq1", "seq1_aligned", "seq1_range"), ("seq2", "seq2_aligned", "seq2_range")):
                rows.append([str(k + 1) if name == "seq1" else "", name, _math(_letters_tex(a[key]), a[key]),
                             f"[{a[rng][0]}, {a[rng][1]})",
                             _math(_tex(a["score"]), str(a["score"])) if name == "seq1" else ""])
        if not listed:
            rows.append(["", "", "(none)", "", ""])
        part = "" if start == 0 else f" (continued: {start + 1} to {min(start + per, len(listed))})"
        steps.append(Step(Table(["#", "", "aligned", "range", "score"], rows, align="llllr"),
                          why=words(why if start == 0 else f"The co-optimal alignments{part}."),
                          label="alignments" if start == 0 else f"alignments-{start // per + 1}",
                          check=checked("each alignment rescored column by column by "
                                        "numerics.alignment.alignment_score equals the score; the listed alignments "
                                        "are distinct", ok)))
    return steps


def _large_result(p: _Problem, max_table: int) -> Result:
    """Past max_table: score, exact count and alignments from the numerics, without the table."""
    score = p.engine_score
    exact_score = _sym(_exact(score, "score"))
    n_opt = engine.count_optimal(p.seq1, p.seq2, **p.kw)
    if p.n * p.m <= MAX_LISTING_CELLS:
        dp = engine.dp_tables(p.seq1, p.seq2, **p.kw)
        arrows = dp.arrows

        src = SimpleNamespace(score=score, bits=arrows, V=[dp.M, dp.X, dp.Y])
        ends = _ends(src, p) if p.local else [(q, p.n, p.m) for q in range(3)
                                                 if abs((dp.M, dp.X, dp.Y)[q][p.n, p.m] - score) <= 1e-9 * (1 + abs(score))]
        bits = lambda i, j: int(arrows[i, j])
        viable_tab = _forward_counts(bits, p.n, p.m, p.local, boolean=True)
        tbs = _tracebacks(bits, lambda q, i, j: viable_tab[q][i][j] > 0, ends, p.local, p.max_alignments)
        listed = [_alignment(p, tb, exact_score) for tb in tbs]
        how = ", traced back through the arrows of numerics.alignment.dp_tables"
        expect = min(n_opt, p.max_alignments)
    else:
        one = engine.align(p.seq1, p.seq2, **p.kw)
        listed = [] if (p.local and n_opt == 0) else [
            {"seq1_aligned": one.seq1_aligned, "seq2_aligned": one.seq2_aligned,
             "seq1_range": list(one.seq1_range), "seq2_range": list(one.seq2_range), "path": None,
             "score": exact_score}][:p.max_alignments]
        expect = min(1, n_opt, p.max_alignments)
        how = (f" (one optimal alignment, from numerics.alignment.align in linear memory: listing every "
               f"co-optimal alignment needs the full table, more than {MAX_LISTING_CELLS} cells)")
    steps = [Section("The recurrence"), _recurrence(p),
             Section("The edit graph: a longest path"), *_edit_graph_steps(p, None),
             Section("Score, count and alignments"),
             Step(Chain(_math(r"\text{score}", "score"), [_math(_tex(_exact(score, "score")), str(exact_score))]),
                  why=words("The optimal score, from numerics.alignment.score (linear memory)."), label="score"),
             Step(Chain(_math(r"n_{\text{optimal}}", "n_optimal"), [_math(str(n_opt), str(n_opt))]),
                  why=words("The exact number of co-optimal alignments, from numerics.alignment.count_optimal."),
                  label="count"),
             *_alignments_steps(p, listed, n_opt, how=how, expect=expect)]
    note = (f"Table omitted: {p.n} x {p.m} is larger than {max_table} x {max_table}, past which a worked table "
            "stops being readable; the score, the count and the alignments come from numerics.alignment.")
    notes = [note]
    if n_opt > len(listed):
        notes.append(f"{n_opt} co-optimal alignments; {len(listed)} listed.")
    answer = {"score": exact_score, "n_optimal": n_opt, "alignments": listed, "table": None}
    return Result(kind="align", title=_mode_title(p), givens=_givens(p), steps=steps, answer=answer,
                  sources={"score": "score", "n_optimal": "count", "alignments": "alignments"},
                  notes=notes, intro=_intro(p), checker=_checker(p, None))


# ====================================================================== demo
#: Classic textbook examples: (name, seq1, seq2, keywords, source).
EXAMPLES = [
    ("align-nw-gattaca", "GATTACA", "GCATGCU", dict(mode="global"),
     "Wikipedia, Needleman-Wunsch algorithm: match 1, mismatch -1, gap -1; score 0"),
    ("align-sw-wikipedia", "TGTTACGG", "GGTTGACTA", dict(mode="local", match=3, mismatch=-3, gap_open=-2),
     "Wikipedia, Smith-Waterman algorithm: s = +3/-3, linear gap W_k = 2k; GTT-AC / GTTGAC, score 13"),
    ("align-durbin-global", "HEAGAWGHEE", "PAWHEAE", dict(mode="global", matrix="BLOSUM50", gap_open=-8),
     "Durbin et al., Biological Sequence Analysis (1998), Fig. 2.5: BLOSUM50, d = 8; HEAGAWGHE-E / --P-AW-HEAE"),
    ("align-durbin-local", "HEAGAWGHEE", "PAWHEAE", dict(mode="local", matrix="BLOSUM50", gap_open=-8),
     "Durbin et al., Biological Sequence Analysis (1998), Fig. 2.6: BLOSUM50, d = 8; AWGHE / AW-HE"),
    ("align-gotoh", "ACGT", "AGT", dict(mode="global", match=2, mismatch=-1, gap_open=-3, gap_extend=-1),
     "affine gaps (Gotoh), small enough to check by hand"),
]


def demo_examples() -> list:
    """The course's alignment examples for ``workedout demo``."""
    from .demo import Example
    return [Example(name, (lambda a=a, b=b, kw=kw: align(a, b, **kw))) for name, a, b, kw, _ in EXAMPLES]
