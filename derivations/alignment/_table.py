"""The DP table worked cell by cell in exact arithmetic: every state's candidates,
its maximum and its arrows, and the one-line explanation of a cell."""
from __future__ import annotations

from ._format import ARROW_TEXT, as_text, signed_text, sum_text
from ._problem import NEG, STATES, AlignmentProblem

__all__ = ["WorkedTable"]


class WorkedTable:
    """The table in exact arithmetic: every state, its candidates and its arrows.

    ``V[q][i][j]``: state q (0 M, 1 X, 2 Y) of cell (i, j) exactly as
    :mod:`numerics.alignment` defines it (``NEG`` where no alignment ends);
    ``arrows[q][i][j]``: the predecessor states attaining the maximum (and
    ``"0"`` for a local start), the classic display; ``H[i][j]``: the classic
    single table, the best state (local: floored at 0); ``score``: the
    optimal score. The arrows an optimal path may take, the path counts and
    the tracebacks are :class:`~._traceback.OptimalPaths`'.
    """

    def __init__(self, p: AlignmentProblem):
        self.problem = p
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
                    V[0][i][j] = t + p.substitution(p.seq1[i - 1], p.seq2[j - 1])
                    arr = [q for q in range(3) if preds[q] != NEG and preds[q] == t]
                    arrows[0][i][j] = tuple(arr) + (("0",) if local and hd <= 0 else ())
                for q, vertical in ((1, True), (2, False)):
                    if (vertical and not i) or (not vertical and not j):
                        continue
                    pi, pj = (i - 1, j) if vertical else (i, j - 1)
                    o, e = p.gap_scores(vertical, i, j)
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

    # --- explanations (the check report and the per-row tables) ------------
    def candidates(self, q: int, i: int, j: int) -> list[tuple[str, object, object]]:
        """The candidates of state q at (i, j): (label, predecessor value, added score)."""
        p, V = self.problem, self.V
        if q == 0:
            if not (i and j):
                return []
            s = p.substitution(p.seq1[i - 1], p.seq2[j - 1])
            out = [(STATES[r], V[r][i - 1][j - 1], s) for r in range(3)]
            return out + ([("0", 0, s)] if p.local else [])
        vertical = q == 1
        if (vertical and not i) or (not vertical and not j):
            return []
        pi, pj = (i - 1, j) if vertical else (i, j - 1)
        o, e = p.gap_scores(vertical, i, j)
        adds = (o, e, o) if vertical else (o, o, e)
        return [(STATES[r], V[r][pi][pj], adds[r]) for r in range(3)]

    def classic(self, i: int, j: int) -> list[tuple[str, object, object]]:
        """Linear gaps: the textbook candidates of H(i, j): (direction, H of the neighbour, score)."""
        p, H = self.problem, self.H
        out = []
        if p.local and (i == 0 or j == 0):
            return out
        if i and j:
            out.append(("diag", H[i - 1][j - 1], p.substitution(p.seq1[i - 1], p.seq2[j - 1])))
        if i:
            out.append(("up", H[i - 1][j], p.gap_scores(True, i, j)[0]))
        if j:
            out.append(("left", H[i][j - 1], p.gap_scores(False, i, j)[0]))
        return out

    def classic_arrows(self, i: int, j: int) -> tuple[str, ...]:
        """Linear gaps: the textbook arrows of H(i, j), the moves whose candidate attains it."""
        h = self.H[i][j]
        if h == NEG or (self.problem.local and h <= 0):
            return ()
        return tuple(d for d, u, s in self.classic(i, j) if u + s == h)

    def explain(self, q: int | None, i: int, j: int) -> str:
        """One line: the candidates with their arithmetic, the maximum and its arrows."""
        local = self.problem.local
        if q is None:                       # the single table H
            if i == 0 and j == 0 and not local:
                return "H(0,0) = 0: the empty alignment (the start)"
            cands = [f"{d} {sum_text(u, s)}" for d, u, s in self.classic(i, j)]
            if local:
                cands.append("start 0")
            arrows = "".join(ARROW_TEXT[d] for d in self.classic_arrows(i, j))
            h = self.H[i][j]
            return (f"H({i},{j}) = max({', '.join(cands)}) = {as_text(h)}"
                    + (f", arrows {arrows}" if arrows else (" (an alignment starts after this cell)"
                                                            if local else "")))
        name = STATES[q]
        v = self.V[q][i][j]
        cands = self.candidates(q, i, j)
        if not cands:
            if q == 0 and i == 0 and j == 0 and not local:
                return "M(0,0) = 0: the empty alignment (the start)"
            return f"{name}({i},{j}) = -∞: {_undefined_reason(q, i, j, local)}"
        if q == 0:
            inner = ", ".join(f"{lab} {as_text(u)}" for lab, u, s in cands)
            text = f"M({i},{j}) = max({inner}) {signed_text(cands[0][2])} = {as_text(v)}"
        else:
            inner = ", ".join(f"{lab} {sum_text(u, s)}" for lab, u, s in cands)
            text = f"{name}({i},{j}) = max({inner}) = {as_text(v)}"
        tags = [r if r == "0" else STATES[r] for r in self.arrows[q][i][j]]
        return text + (f", from {', '.join('start' if t == '0' else t for t in tags)}" if tags else "")


def _undefined_reason(q: int, i: int, j: int, local: bool) -> str:
    """Why state q of cell (i, j) holds -∞."""
    if local and (i == 0 or j == 0):
        return "a local alignment cannot end on the border"
    if q == 0:
        return "no substitution column ends in row 0 or column 0"
    return "no vertical move ends in row 0" if q == 1 else "no horizontal move ends in column 0"
