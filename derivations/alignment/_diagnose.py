"""The teaching assistant's reading of a student's alignment answer: root causes, what follows
from them (errors carried forward) and the catalogued misconceptions.

Every DP cell the student got wrong is recomputed FROM THE STUDENT'S OWN NEIGHBOURING CELLS,
in the order the worked solution fills the table (row by row; M, X, Y within a cell):

* equal to the right rule's value from the student's neighbours: the cell follows from the
  wrong neighbour it was computed from (the root of that neighbour, as the core resolves chains);
* equal to a catalogued wrong rule's value from the student's neighbours: the misconception
  is named on it. One wrong idea costs its marks once: the first cell (in reading order) where a
  misconception shows is the root, every later cell the same wrong rule reproduces follows from
  it (so a table whose first column was left at 0 has one root, cell (1, 0), named
  ``boundary-zero``; the rest of the column and the interior follow);
* anything else: a root of its own (a slip), citing the row's step.

Then the score is recomputed from the student's table (the bottom-right cell, or the largest cell
for a local alignment), and the number of optimal alignments and each listed alignment from the
tracebacks of the student's table (the arrows are the candidates that equal the student's cell;
along the first row and column a traceback runs straight to the corner, as a student traces it).
Without a table, the score, the count and the alignments are compared with what each wrong rule
gives from the givens, and a count or an alignment that the wrong rule reproduces together with
the score follows from the score.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..check import Misconception, scalar_reason
from ..exact import parse_number
from ._format import as_text, to_sympy
from ._problem import NEG, STATES, AlignmentProblem
from ._traceback import OptimalPaths, predecessors

__all__ = ["CATALOGUE", "diagnose", "Rule", "RIGHT", "wrong_rules", "fill", "table_paths"]

CATALOGUE = (
    Misconception("gap-sign", "Gap penalties were added as positive scores: a gap position adds its (negative) "
                  "gap score, so every gap lowers the score.", "recurrence"),
    Misconception("local-no-floor", "The local table was filled without the 0 candidate: a Smith-Waterman cell "
                  "is never below 0, because a local alignment may start afresh after any cell.", "recurrence"),
    Misconception("boundary-zero", "The first row and column of the table were left at 0: they are the gaps "
                  "before the first letters, H(i,0) = i·g and H(0,j) = j·g (o + (k−1)e with affine gaps); only "
                  "a local alignment (or a free end) starts them at 0.", "recurrence"),
    Misconception("linear-for-affine", "Affine gaps were scored as linear, every gap position with the open "
                  "penalty: a gap of length k scores o + (k−1)e, the open penalty o only once.", "recurrence"),
    Misconception("match-mismatch-swapped", "The match and mismatch scores were swapped: two equal letters "
                  "score the match score, two different letters the mismatch score.", "substitution"),
    Misconception("max-vs-min", "The candidates were minimised: alignment scores are maximised, each cell is "
                  "the largest of its candidates.", "recurrence"),
)


# ------------------------------------------------------------------ the rules
@dataclass(frozen=True)
class Rule:
    """The recurrence, right (``id`` None) or with one classic mistake."""

    id: str | None = None
    swap: bool = False           # match and mismatch swapped
    gap_sign: bool = False       # gap scores added with the wrong sign
    open_only: bool = False      # every gap position scored with the open penalty
    no_floor: bool = False       # local without the 0 candidate
    minimise: bool = False       # min instead of max
    border_zero: bool = False    # first row and column at 0

    def substitution(self, p: AlignmentProblem, i: int, j: int):
        x, y = p.seq1[i - 1], p.seq2[j - 1]
        if self.swap:
            return p.mismatch if x == y else p.match
        return p.substitution(x, y)

    def gaps(self, p: AlignmentProblem, vertical: bool, i: int, j: int):
        o, e = p.gap_scores(vertical, i, j)
        if self.open_only:
            e = o
        return (-o, -e) if self.gap_sign else (o, e)

    def agg(self, values):
        vals = [v for v in values if v != NEG]
        if not vals:
            return NEG
        return min(vals) if self.minimise else max(vals)


RIGHT = Rule()
_WRONG = {
    "gap-sign": Rule("gap-sign", gap_sign=True),
    "local-no-floor": Rule("local-no-floor", no_floor=True),
    "boundary-zero": Rule("boundary-zero", border_zero=True),
    "linear-for-affine": Rule("linear-for-affine", open_only=True),
    "match-mismatch-swapped": Rule("match-mismatch-swapped", swap=True),
    "max-vs-min": Rule("max-vs-min", minimise=True),
}


def wrong_rules(p: AlignmentProblem) -> list[Rule]:
    """The catalogued wrong rules that differ from the right one on this problem."""
    out = []
    gaps = p.gap_open != 0 or p.gap_extend != 0
    for rid, rule in _WRONG.items():
        if rid == "gap-sign" and not gaps:
            continue
        if rid == "local-no-floor" and not p.local:
            continue
        if rid == "boundary-zero" and (p.local or not gaps):
            continue
        if rid == "linear-for-affine" and p.linear:
            continue
        if rid == "match-mismatch-swapped" and (p.matrix is not None or p.match == p.mismatch):
            continue
        out.append(rule)
    return out


# ------------------------------------------------------------- one cell, a table
# A table is H (rows of values, linear gaps; a cell's key (None, i, j)) or [M, X, Y] (affine: (q, i, j)).
def cell_keys(p: AlignmentProblem, single: bool):
    """Every cell in the order the worked solution fills them."""
    for i in range(p.n + 1):
        for j in range(p.m + 1):
            if single:
                yield (None, i, j)
            else:
                for q in range(3):
                    yield (q, i, j)


def location(key) -> str:
    q, i, j = key
    return f"table[{i}][{j}]" if q is None else f"table.{STATES[q]}[{i}][{j}]"


def get(T, key):
    q, i, j = key
    return T[i][j] if q is None else T[q][i][j]


def compute(p: AlignmentProblem, rule: Rule, T, key):
    """The value of one cell by ``rule``, from the values of its neighbours in ``T``."""
    q, i, j = key
    if q is None:
        return _h_cell(p, rule, T, i, j)
    return _v_cell(p, rule, T, q, i, j)


def _h_cell(p, rule, H, i, j):
    if i == 0 and j == 0:
        return 0
    if p.local and (i == 0 or j == 0):
        return 0
    if rule.border_zero and (i == 0 or j == 0):
        return 0
    cands = []
    if i and j:
        cands.append(H[i - 1][j - 1] + rule.substitution(p, i, j))
    if i:
        cands.append(H[i - 1][j] + rule.gaps(p, True, i, j)[0])
    if j:
        cands.append(H[i][j - 1] + rule.gaps(p, False, i, j)[0])
    if p.local and not rule.no_floor:
        cands.append(0)
    return rule.agg(cands)


def _v_cell(p, rule, V, q, i, j):
    local = p.local
    if i == 0 and j == 0:
        return 0 if q == 0 and not local else NEG
    if rule.border_zero and not local and ((q == 1 and j == 0) or (q == 2 and i == 0)):
        return 0
    if local and (i == 0 or j == 0):
        return NEG
    if q == 0:
        if not (i and j):
            return NEG
        preds = [V[r][i - 1][j - 1] for r in range(3)]
        if local:
            t = rule.agg(preds) if rule.no_floor else rule.agg(preds + [0])
            if t == NEG:
                t = 0                                   # no floor: an alignment still starts at the border
        else:
            t = rule.agg(preds)
        return NEG if t == NEG else t + rule.substitution(p, i, j)
    vertical = q == 1
    if (vertical and not i) or (not vertical and not j):
        return NEG
    pi, pj = (i - 1, j) if vertical else (i, j - 1)
    o, e = rule.gaps(p, vertical, i, j)
    adds = (o, e, o) if vertical else (o, o, e)
    return rule.agg([V[r][pi][pj] + adds[r] for r in range(3) if V[r][pi][pj] != NEG])


def neighbours(p: AlignmentProblem, key) -> list:
    """The cells a cell is computed from."""
    q, i, j = key
    if q is None:
        out = []
        if i and j:
            out.append((None, i - 1, j - 1))
        if i:
            out.append((None, i - 1, j))
        if j:
            out.append((None, i, j - 1))
        return out
    if q == 0:
        return [(r, i - 1, j - 1) for r in range(3)] if i and j else []
    if q == 1:
        return [(r, i - 1, j) for r in range(3)] if i else []
    return [(r, i, j - 1) for r in range(3)] if j else []


def fill(p: AlignmentProblem, rule: Rule, single: bool):
    """The whole table by ``rule`` from the givens."""
    if single:
        T = [[NEG] * (p.m + 1) for _ in range(p.n + 1)]
    else:
        T = [[[NEG] * (p.m + 1) for _ in range(p.n + 1)] for _ in range(3)]
    for key in cell_keys(p, single):
        q, i, j = key
        v = compute(p, rule, T, key)
        if q is None:
            T[i][j] = v
        else:
            T[q][i][j] = v
    return T


def table_score(p: AlignmentProblem, rule: Rule, T, single: bool):
    """The score read off a table: the end cell (the best of its states), or the largest cell (local)."""
    if p.local:
        cells = [v for row in T for v in row] if single else [v for row in T[0] for v in row]
        return max([0] + [v for v in cells if v != NEG])
    if single:
        return T[p.n][p.m]
    return rule.agg([T[q][p.n][p.m] for q in range(3)])


class _Table:
    """Stands in for a :class:`~._table.WorkedTable` (values, arrows, score) for :class:`OptimalPaths`."""

    def __init__(self, p, V, arrows, score):
        self.problem, self.V, self.arrows, self.score = p, V, arrows, score


def table_paths(p: AlignmentProblem, rule: Rule, T, single: bool, score) -> OptimalPaths:
    """The optimal paths of a (student's or wrong) table: the arrows are the moves whose candidate,
    from the table's own neighbouring values, equals the cell's value."""
    n, m, local = p.n, p.m, p.local
    if single:          # H: a state attains the cell when its move's candidate equals the cell
        V = [[[NEG] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
        for i in range(n + 1):
            for j in range(m + 1):
                h = T[i][j]
                if i == 0 and j == 0:
                    V[0][0][0] = 0 if (h == 0 and not local) else NEG
                    continue
                if local and (i == 0 or j == 0):
                    continue
                if i and j:
                    u = T[i - 1][j - 1]
                    base = u if (not local or rule.no_floor) else max(u, 0)
                    if base != NEG and base + rule.substitution(p, i, j) == h:
                        V[0][i][j] = h
                for q, vertical in ((1, True), (2, False)):
                    pi, pj = (i - 1, j) if vertical else (i, j - 1)
                    if pi < 0 or pj < 0 or (local and (pi == 0 or pj == 0)):
                        continue
                    u = T[pi][pj]
                    border = not local and (j == 0 if vertical else i == 0)     # a traceback there is forced
                    if u != NEG and h != NEG and (border or u + rule.gaps(p, vertical, i, j)[0] == h):
                        V[q][i][j] = h
    else:
        V = T
    arrows = [[[() for _ in range(m + 1)] for _ in range(n + 1)] for _ in range(3)]
    for i in range(n + 1):
        for j in range(m + 1):
            for q in range(3):
                v = V[q][i][j]
                if v == NEG or (i == 0 and j == 0):
                    continue
                if q == 0:
                    if not (i and j):
                        continue
                    s = rule.substitution(p, i, j)
                    preds = [V[r][i - 1][j - 1] for r in range(3)]
                    arr = tuple(r for r in range(3) if preds[r] != NEG and preds[r] + s == v)
                    finite = [u for u in preds if u != NEG]
                    start = local and v == s and (
                        (not finite) if rule.no_floor else (not finite or max(finite) <= 0))
                    arrows[0][i][j] = arr + (("0",) if start else ())
                else:
                    vertical = q == 1
                    pi, pj = (i - 1, j) if vertical else (i, j - 1)
                    if pi < 0 or pj < 0:
                        continue
                    o, e = rule.gaps(p, vertical, i, j)
                    adds = (o, e, o) if vertical else (o, o, e)
                    if single:
                        adds = (o, o, o)
                    border = not local and (j == 0 if vertical else i == 0)     # a traceback there is forced
                    arrows[q][i][j] = tuple(r for r in range(3) if V[r][pi][pj] != NEG
                                            and (border or V[r][pi][pj] + adds[r] == v))
    return OptimalPaths(_Table(p, V, arrows, score))


def path_states(path) -> list[int]:
    """The state each move of a path of cells enters: 0 diagonal, 1 vertical, 2 horizontal."""
    return [0 if (b[0] - a[0], b[1] - a[1]) == (1, 1) else (1 if b[0] > a[0] else 2)
            for a, b in zip(path, path[1:])]


def on_optimal_path(paths: OptimalPaths, path) -> bool:
    """Is a path of cells one of the optimal tracebacks of ``paths``?"""
    p = paths.problem
    states = path_states(path)
    if not states:
        return False
    if p.local:
        return paths.is_counted(path, states)
    if tuple(path[0]) != (0, 0):
        return False
    prev = (0, 0, 0)
    for t, q in enumerate(states):
        i, j = path[t + 1]
        if prev not in predecessors(paths.bits[i][j], q, i, j):
            return False
        prev = (q, i, j)
    return prev in paths.ends and paths.N[prev[0]][prev[1]][prev[2]] > 0


# ------------------------------------------------------------- the student's values
_MINUS_INFINITY = {"-inf", "-oo", "-∞", "-infinity"}


def value(raw):
    """A student's number as an exact value (int, Fraction, or NEG); None when unreadable."""
    if raw is None:
        return NEG
    if isinstance(raw, str) and raw.strip().lower() in _MINUS_INFINITY:
        return NEG
    if isinstance(raw, float) and raw == float("-inf"):
        return NEG
    try:
        r = parse_number(raw, what="value")
    except ValueError:
        return None
    return int(r.p) if r.q == 1 else Fraction(int(r.p), int(r.q))


def same(exact, raw) -> bool:
    """Does the student's value equal an exact one (to the digits they gave)?"""
    if exact == NEG:
        return value(raw) == NEG
    return value(raw) not in (None, NEG) and scalar_reason(to_sympy(exact), raw) is None


def student_table(p: AlignmentProblem, expected, given):
    """The student's table in the expected shape, exact, with their raw values; the expected value
    where a cell is missing or unreadable. (T, raw, single) or None."""
    single = isinstance(given, list)
    if not single and (p.linear or not isinstance(given, dict)):
        return None
    T = [[list(row) for row in expected]] if single else [[list(row) for row in expected[q]] for q in range(3)]
    raw = {}
    grids = [given] if single else [given.get(s) for s in STATES]
    for q, grid in enumerate(grids):
        if not isinstance(grid, list):
            continue
        for i, row in enumerate(grid[:p.n + 1]):
            if not isinstance(row, list):
                continue
            for j, cell in enumerate(row[:p.m + 1]):
                v = value(cell)
                if v is not None:
                    T[q][i][j] = v
                    raw[(None if single else q, i, j)] = cell
    return (T[0] if single else T), raw, single


# ------------------------------------------------------------------- diagnosis
def diagnose(p: AlignmentProblem, paths: OptimalPaths | None, findings, result, student_path) -> None:
    """Mark each discrepancy's cause, what it follows from and the misconception it shows;
    ``student_path(p, entry, expected)`` reads one of the student's alignments as a path of cells."""
    given = findings.given
    rules = wrong_rules(p)
    first_of: dict[str, str] = {}            # misconception id -> the location of its root
    table_roots: list[str] = []
    st = None
    if paths is not None and "table" in given:
        if p.linear or isinstance(given["table"], list):    # H (or an affine problem given as one grid)
            expected = [list(r) for r in paths.table.H]
        else:
            expected = paths.table.V
        st = student_table(p, expected, given["table"])
    if st is not None:
        T, raw, single = st
        # one grid for affine gaps: only the linear reading (every position the open penalty) applies
        grid_for_affine = single and not p.linear
        cell_rules = [r for r in rules if r.id == "linear-for-affine"] if grid_for_affine else rules
        for key in cell_keys(p, single):
            loc = location(key)
            d = findings.at(loc)
            if d is None or key not in raw:
                continue
            given_value = raw[key]
            if not grid_for_affine:
                right = compute(p, RIGHT, T, key)
                if same(right, given_value):
                    root = _wrong_neighbour(p, findings, key)
                    if root is not None:
                        findings.follows(loc, root)
                        d.reason = f"differs, but follows from your {findings.at(root).subject}: {_recomputed(right)}"
                        continue
            ids = [r.id for r in cell_rules if same(_wrong_cell(p, r, T, key, single, grid_for_affine), given_value)
                   or (r.border_zero and key[1] * key[2] == 0 and value(given_value) == 0)]
            if ids:
                for rid in ids:
                    findings.name(rid, [loc])
                earlier = next((first_of[rid] for rid in ids if rid in first_of), None)
                if earlier is not None:
                    findings.follows(loc, earlier)
                    d.reason = f"differs: the same wrong rule as your {findings.at(earlier).subject}"
                    continue
                for rid in ids:
                    first_of[rid] = loc
            if not grid_for_affine and _wrong_neighbour(p, findings, key) is not None:
                own = compute(p, RIGHT, T, key)        # what the right rule gives from the student's cells
                d.explanation = (d.explanation + "; " if d.explanation else "") + \
                    f"from your own neighbouring cells the right rule gives {as_text(own)}"
            table_roots.append(loc)
        # the score and the tracebacks read off the student's table: by the right rule, else by the
        # wrong rule the table shows (a student traces back with the rule they filled the table with)
        readings = [] if grid_for_affine else [RIGHT]
        readings += [_WRONG[rid] for rid in first_of if _WRONG[rid] not in readings]
        table_root = _first_root(findings, table_roots)
        for rule in readings:
            score_s = table_score(p, rule, T, single)
            student_paths = table_paths(p, rule, T, single, score_s)
            _score_from_table(p, findings, T, single, score_s, table_root)
            _count_from_table(p, findings, student_paths, T, single, table_root)
            _alignments_from_table(p, findings, student_paths, table_root, student_path)
    _from_givens(p, findings, rules, student_path)


def _wrong_cell(p, rule, T, key, single, grid_for_affine):
    if grid_for_affine:                 # the linear recurrence with g = o on the student's one grid
        return _h_cell(p, rule, T, key[1], key[2])
    return compute(p, rule, T, key)


def _recomputed(v) -> str:
    return f"recomputed from your neighbouring cells it is {as_text(v)}, as you wrote"


def _wrong_neighbour(p, findings, key) -> str | None:
    """The first wrong neighbouring cell a cell is computed from."""
    wrong = [k for k in neighbours(p, key) if findings.at(location(k)) is not None]
    if not wrong:
        return None
    return location(wrong[0])


def _first_root(findings, table_roots) -> str | None:
    for loc in table_roots:
        d = findings.at(loc)
        if d is not None and d.cause == "root":
            return loc
    return next((d.location for d in findings.found if d.location.startswith("table") and d.cause == "root"), None)


def _root_of(findings, loc):
    d = findings.at(loc)
    return None if d is None else (d.follows_from or d.location)


def _score_from_table(p, findings, T, single, score_s, table_root) -> None:
    d = findings.at("score")
    if d is None or d.cause != "root" or not same(score_s, findings.given.get("score")):
        return
    if p.local:
        ends = [location((None, i, j) if single else (0, i, j)) for i in range(p.n + 1) for j in range(p.m + 1)
                if (T[i][j] if single else T[0][i][j]) == score_s]
        src = next((e for e in ends if findings.at(e) is not None), table_root)
    else:
        ends = [location((None, p.n, p.m))] if single else [location((q, p.n, p.m)) for q in range(3)]
        src = next((e for e in ends if findings.at(e) is not None), table_root)
    if src is not None:
        findings.follows("score", src)
        d.reason = f"differs, but follows from your table: the score read off it is {as_text(score_s)}"


def _count_from_table(p, findings, student_paths, T, single, table_root) -> None:
    d = findings.at("n_optimal")
    if d is None or d.cause != "root":
        return
    n = student_paths.n_optimal
    if not same(n, findings.given.get("n_optimal")):
        return
    src = _root_on_paths(p, findings, student_paths, single) or (
        "score" if findings.at("score") is not None else table_root)
    if src is not None:
        findings.follows("n_optimal", src)
        d.reason = f"differs, but follows from your table: its tracebacks give {n} optimal alignment(s)"


def _root_on_paths(p, findings, student_paths, single) -> str | None:
    """The first wrong cell (in reading order) on an optimal path of the student's table."""
    for i in range(p.n + 1):
        for j in range(p.m + 1):
            for q in range(3):
                if student_paths.marked[q][i][j]:
                    loc = location((None, i, j) if single else (q, i, j))
                    if findings.at(loc) is not None:
                        return loc
    return None


def _alignments_from_table(p, findings, student_paths, table_root, student_path) -> None:
    listed = findings.given.get("alignments")
    if not isinstance(listed, list):
        return
    expected = findings.result.answer["alignments"]
    for k, entry in enumerate(listed):
        loc = f"alignments[{k}]"
        d = findings.at(loc)
        if d is None or d.cause != "root" or not d.reason.startswith("not optimal"):
            continue
        path, _ = student_path(p, entry, expected)
        if path is None or not on_optimal_path(student_paths, path):
            continue
        src = next((location((None, i, j) if p.linear else (q, i, j)) for (i, j) in path for q in range(3)
                    if findings.at(location((None, i, j) if p.linear else (q, i, j))) is not None), None) \
            or table_root
        if src is None:
            src = "score" if findings.at("score") is not None else None
        if src is not None:
            findings.follows(loc, src)
            d.reason = "not optimal, but it follows from your table: it is one of its tracebacks"


def _from_givens(p, findings, rules, student_path) -> None:
    """The score, the count and the alignments still roots compared with each wrong rule's, from the
    givens; what a rule reproduces is named, and follows from the score when the score is a root."""
    given = findings.given
    roots = [d.location for d in findings.found if d.cause == "root"
             and (d.location in ("score", "n_optimal") or (d.location.startswith("alignments[")
                                                           and d.reason.startswith("not optimal")))]
    if not roots or p.n > 60 or p.m > 60:
        return
    single = p.linear
    expected = findings.result.answer["alignments"]
    listed = given.get("alignments") if isinstance(given.get("alignments"), list) else []
    score_root = "score" in roots
    for rule in rules:
        W = fill(p, rule, single)
        score_w = table_score(p, rule, W, single)
        if "score" in given and not same(score_w, given["score"]):
            continue                                    # the rule does not give the student's score
        named = ["score"] if score_root else []
        wrong_paths = table_paths(p, rule, W, single, score_w) if len(roots) > score_root else None
        if "n_optimal" in roots and same(wrong_paths.n_optimal, given.get("n_optimal")):
            named.append("n_optimal")
        for loc in roots:
            if loc.startswith("alignments["):
                k = int(loc[len("alignments["):-1])
                path, _ = student_path(p, listed[k], expected) if k < len(listed) else (None, "")
                if path is not None and on_optimal_path(wrong_paths, path):
                    named.append(loc)
        if not named:
            continue
        findings.name(rule.id, named)
        if score_root:
            for loc in named:
                if loc != "score":
                    findings.follows(loc, "score")
