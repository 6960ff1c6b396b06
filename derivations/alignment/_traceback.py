"""The optimal paths through the worked table: the arrows they may take, how many there
are (exact), the states they pass through, and the tracebacks that list them."""
from __future__ import annotations

from dataclasses import dataclass

from ...numerics import alignment as engine
from ...numerics.alignment import _reference as reference
from ._format import to_sympy
from ._problem import NEG, AlignmentProblem
from ._table import WorkedTable

__all__ = ["OptimalPaths", "Traceback", "predecessors", "traceback_alignment", "numeric_alignment"]

# The first arrow bit of each state (0 M, 1 X, 2 Y) in the numerics' layout (the pure-Python reference's
# copy of the kernels' constants, equal to them by a test, so that no kernel is loaded to read them):
# "state q from state r" is FIRST_ARROW[q] << r.
FIRST_ARROW = (reference.M_FROM_M, reference.X_FROM_M, reference.Y_FROM_M)
# Where a move into state q comes from, back from (i, j): diagonal, up, left.
_STEP_BACK = ((1, 1), (1, 0), (0, 1))


def predecessors(b: int, q: int, i: int, j: int) -> list[tuple[int, int, int]]:
    """(state, i, j) of the counted arrows of state q at (i, j), given the cell's bits b."""
    di, dj = _STEP_BACK[q]
    return [(r, i - di, j - dj) for r in range(3) if b & (FIRST_ARROW[q] << r)]


@dataclass
class Traceback:
    """One optimal path: the cell before its first column, and its columns
    (state, i, j) from the first to the last."""

    start: tuple[int, int]
    columns: list


class OptimalPaths:
    """The optimal paths through a :class:`~._table.WorkedTable`, counted exactly.

    ``bits[i][j]``: the arrows an optimal path may take, in the numerics' bit
    layout (local paths avoid states scoring 0 or the optimum: the alignments
    counted are untrimmable, as Biopython's); ``N[q][i][j]``: the number of
    optimal paths from a start to state q of cell (i, j); ``ends``: the end
    states (state, i, j) in listing order; ``n_optimal``: the number of
    co-optimal alignments, the sum of N over the ends; ``marked[q][i][j]``:
    state q of (i, j) lies on an optimal path.
    """

    def __init__(self, table: WorkedTable):
        self.table = table
        self.problem = p = table.problem
        self.bits = self._counted_arrows()
        self.N = self._path_counts()
        self.ends = self._ends()
        self.n_optimal = sum(self.N[q][i][j] for q, i, j in self.ends)
        # states on an optimal path: reachable backwards from the ends through counted arrows
        marked = [[[False] * (p.m + 1) for _ in range(p.n + 1)] for _ in range(3)]
        stack = [e for e in self.ends if self.N[e[0]][e[1]][e[2]]]
        while stack:
            q, i, j = stack.pop()
            if marked[q][i][j]:
                continue
            marked[q][i][j] = True
            for r, pi, pj in predecessors(self.bits[i][j], q, i, j):
                if self.N[r][pi][pj]:
                    stack.append((r, pi, pj))
        self.marked = marked

    def _may_pass(self, u) -> bool:
        """May an optimal path pass through a state of value u?"""
        return u != NEG and (not self.problem.local or 0 < u < self.table.score)

    def _counted_arrows(self) -> list[list[int]]:
        p, t = self.problem, self.table
        bits = [[0] * (p.m + 1) for _ in range(p.n + 1)]
        for i in range(p.n + 1):
            for j in range(p.m + 1):
                b = 0
                for q, (di, dj) in enumerate(_STEP_BACK):
                    for r in t.arrows[q][i][j]:
                        if r == "0":
                            b |= reference.M_START
                        elif self._may_pass(t.V[r][i - di][j - dj]):
                            b |= FIRST_ARROW[q] << r
                if p.local and t.score > 0 and t.V[0][i][j] == t.score:
                    b |= reference.M_END
                bits[i][j] = b
        return bits

    def _path_counts(self) -> list:
        """N[q][i][j]: optimal paths from a start to each state through the counted arrows (exact ints)."""
        p = self.problem
        n, m, local = p.n, p.m, p.local
        N = [[[0] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
        for i in range(n + 1):
            for j in range(m + 1):
                b = self.bits[i][j]
                if not b and (i or j or local):
                    continue
                for q in range(3):
                    start = q == 0 and ((i == 0 and j == 0 and not local) or (local and b & reference.M_START))
                    total = 1 if start else 0
                    for r, pi, pj in predecessors(b, q, i, j):
                        total += N[r][pi][pj]
                    N[q][i][j] = total
        return N

    def _ends(self) -> list[tuple[int, int, int]]:
        """The end states of optimal paths, in listing order."""
        p, t = self.problem, self.table
        if p.local:
            if not t.score > 0:
                return []
            return [(0, i, j) for i in range(p.n + 1) for j in range(p.m + 1) if self.bits[i][j] & reference.M_END]
        last = [t.V[q][p.n][p.m] for q in range(3)]
        return [(q, p.n, p.m) for q in range(3) if last[q] != NEG and last[q] == t.score]

    def on_path(self, q: int, i: int, j: int, source=None) -> bool:
        """Is a move into state q at (i, j) (from state ``source`` of the neighbour, any if None;
        ``"0"``: a local start) taken by an optimal path?"""
        if not self.marked[q][i][j]:
            return False
        b = self.bits[i][j]
        if source == "0" or (source is None and q == 0 and b & reference.M_START):
            return bool(b & reference.M_START)
        return any(self.marked[r][pi][pj] for r, pi, pj in predecessors(b, q, i, j)
                   if source is None or r == source)

    def is_counted(self, path, states) -> bool:
        """Local: does a path of cells, entering them in ``states``, start at a start, end at an
        end and follow counted arrows?"""
        (i, j), (i_end, j_end) = path[1], path[-1]
        if states[0] != 0 or states[-1] != 0 or not self.bits[i][j] & reference.M_START \
                or not self.bits[i_end][j_end] & reference.M_END:
            return False
        for t in range(1, len(states)):
            i, j = path[t + 1]
            if (states[t - 1], path[t][0], path[t][1]) not in predecessors(self.bits[i][j], states[t], i, j):
                return False
        return True

    def tracebacks(self, limit: int) -> list[Traceback]:
        """Up to ``limit`` optimal paths, depth first from the ends (diagonal, then up, then left)."""
        local = self.problem.local
        out: list[Traceback] = []
        stack = [(q, i, j, None) for q, i, j in reversed(self.ends) if self.N[q][i][j] > 0]
        while stack and len(out) < limit:
            q, i, j, trail = stack.pop()
            if q == 0 and i == 0 and j == 0 and not local:
                out.append(Traceback((0, 0), _unlink(trail)))
                continue
            b = self.bits[i][j]
            node = ((q, i, j), trail)
            if q == 0 and local and b & reference.M_START:
                out.append(Traceback((i - 1, j - 1), _unlink(node)))
                continue
            for r, pi, pj in reversed(predecessors(b, q, i, j)):
                if self.N[r][pi][pj] > 0:
                    stack.append((r, pi, pj, node))
        return out

    def alignments(self, limit: int) -> list[dict]:
        """The first ``limit`` co-optimal alignments, as the answer lists them."""
        score = to_sympy(self.table.score)
        return [traceback_alignment(self.problem, tb, score) for tb in self.tracebacks(limit)]


def _unlink(trail) -> list:
    """The columns of a traceback's linked trail ((column, next), from the first column)."""
    cols = []
    while trail is not None:
        cols.append(trail[0])
        trail = trail[1]
    return cols


def traceback_alignment(p: AlignmentProblem, tb: Traceback, score) -> dict:
    """A traceback as the answer lists an alignment: rows, ranges, path of cells, score."""
    r1, r2, ops = [], [], []
    for q, i, j in tb.columns:
        r1.append(p.seq1[i - 1] if q != 2 else "-")
        r2.append(p.seq2[j - 1] if q != 1 else "-")
        ops.append(q)
    end = tb.columns[-1][1:] if tb.columns else tb.start
    if p.mode == "semiglobal":
        range1, range2 = reference.semiglobal_ranges(ops, p.free_ends)
    else:
        range1, range2 = (tb.start[0], end[0]), (tb.start[1], end[1])
    path = [list(tb.start)] + [[i, j] for _, i, j in tb.columns]
    return {"seq1_aligned": "".join(r1), "seq2_aligned": "".join(r2), "seq1_range": list(range1),
            "seq2_range": list(range2), "path": path, "score": score}


def numeric_alignment(p: AlignmentProblem, alignment: engine.Alignment, score) -> dict:
    """An alignment of the numerics as the answer lists it (its path from its rows)."""
    i, j = (alignment.seq1_range[0], alignment.seq2_range[0]) if p.local else (0, 0)
    path = [[i, j]]
    for x, y in zip(alignment.seq1_aligned, alignment.seq2_aligned):
        i, j = i + (x != "-"), j + (y != "-")
        path.append([i, j])
    return {"seq1_aligned": alignment.seq1_aligned, "seq2_aligned": alignment.seq2_aligned,
            "seq1_range": list(alignment.seq1_range), "seq2_range": list(alignment.seq2_range),
            "path": path, "score": score}
