"""Checking a student's answer to an alignment: the topic's answer forms (a DP table as
CSV or a bare grid, one traceback, aligned rows) read into the command's JSON keys, and
the alignments matched by their path, through the :class:`~derivations.check.Checker`
protocol (``read``, ``normalize``, ``parts``, ``explain``)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import sympy as sp

from ...numerics.inputs import load_json, read_text
from ..exact import parse_number
from ..result import Checker, load_answer
from ._diagnose import CATALOGUE, diagnose
from ._format import shorten, to_sympy
from ._problem import STATES, AlignmentProblem, exact_score
from ._traceback import OptimalPaths

__all__ = ["alignment_checker", "student_path", "CATALOGUE", "WEIGHTS"]

#: The marks of a part: each table cell 1, the score 2, the number of optimal alignments 1, each
#: alignment 2 (its score and ranges, when given, 1 each).
WEIGHTS = {"cell": 1, "score": 2, "n_optimal": 1, "alignment": 2, "alignment field": 1}


def alignment_checker(p: AlignmentProblem, paths: OptimalPaths | None) -> Checker:
    """How a student's alignment answer is read and compared.

    The answer may hold the command's JSON keys (``score``, ``n_optimal``,
    ``table``, ``alignments``), be a bare JSON grid or a CSV file (the table;
    a header row and a first column of letters are skipped), and may also
    give ``traceback`` (one path of cells) or ``seq1_aligned``/``seq2_aligned``
    at top level for a single alignment. Each table cell that differs is
    reported with its candidates; each alignment is matched by its path, in
    any order: an alignment that is not optimal is reported with its score
    and the cell where its path leaves the optimal arrows. A semi-global
    (fitting, overlap) or local alignment may be given as its trimmed rows,
    without the end gaps. With affine gaps the table may also be given as one
    grid, compared with the best state of each cell.

    The diagnosis (:mod:`._diagnose`) recomputes each wrong cell from the
    student's own neighbouring cells, the score and the tracebacks from the
    student's table, and names the catalogued misconceptions
    (:data:`CATALOGUE`); the marks are :data:`WEIGHTS`.
    """
    parts = {"alignments": lambda given, comparer: _check_alignments(p, paths, given, comparer)}
    if not p.linear and paths is not None:
        parts["table"] = lambda given, comparer: _check_affine_table(paths, given, comparer)
    return Checker(read=_load_student, normalize=_gather_alignments, parts=parts,
                   explain=lambda location: _explain_cell(p, paths, location),
                   subject=lambda location: _subject(p, location), weight=_weight,
                   diagnose=lambda findings, result: diagnose(p, paths, findings, result, student_path), catalogue=CATALOGUE)


def _check_affine_table(paths: OptimalPaths, given, comparer) -> None:
    """Gotoh's three matrices as {"M", "X", "Y"}; or one grid, compared with each cell's best state."""
    table = paths.table
    if isinstance(given, list):
        return _compare_grid("table", [[to_sympy(v) for v in row] for row in table.H], given, comparer)
    if not isinstance(given, dict):
        comparer.counted(1, "table")
        return comparer.differ("table", "the matrices M, X and Y (or one grid)", given,
                               "expected an object with the keys M, X, Y, or one grid", "")
    for key, grid in given.items():
        if key not in STATES:
            comparer.counted(1, f"table.{key}")
            comparer.differ(f"table.{key}", "(no such key)", grid, "unknown key; known: M, X, Y", "")
            continue
        q = STATES.index(key)
        _compare_grid(f"table.{key}", [[to_sympy(v) for v in row] for row in table.V[q]], grid, comparer)


def _compare_grid(location: str, expected: list, given, comparer) -> None:
    """A grid compared cell by cell; a grid or row of the wrong shape reported in words."""
    n, m = len(expected), len(expected[0]) if expected else 0
    if not isinstance(given, list):
        comparer.counted(1, location)
        return comparer.differ(location, f"{n} rows of {m} values", given, "expected a grid (a list of rows)", "")
    if len(given) != n:
        comparer.counted(1, location)
        comparer.differ(location, f"{n} rows", f"{len(given)} rows", "wrong number of rows", "")
    for i, (row_e, row_g) in enumerate(zip(expected, given)):
        loc = f"{location}[{i}]"
        if not isinstance(row_g, list):
            comparer.counted(1, loc)
            comparer.differ(loc, f"a row of {m} values", row_g, "expected a row (a list of values)", "")
            continue
        if len(row_g) != m:
            comparer.counted(1, loc)
            comparer.differ(loc, f"{m} values", f"{len(row_g)} values", "wrong number of values in the row", "")
        for j, (e, g) in enumerate(zip(row_e, row_g)):
            comparer.compare(f"{loc}[{j}]", e, g)


_ALIGNMENT_FIELD = re.compile(r"^alignments\[(\d+)\](?:\.(\w+))?$")


def _subject(p: AlignmentProblem, location: str) -> str:
    """A location in the student's terms: ``cell (2, 3): row G, column A``, ``the score``, ``alignment 2``."""
    m = _CELL.match(location)
    if m:
        i, j = int(m.group(2)), int(m.group(3))
        row = f"row {p.seq1[i - 1]}" if 0 < i <= p.n else ("first row" if i == 0 else f"row {i}")
        col = f"column {p.seq2[j - 1]}" if 0 < j <= p.m else ("first column" if j == 0 else f"column {j}")
        name = f"{m.group(1)}({i}, {j})" if m.group(1) else f"({i}, {j})"
        return f"cell {name}: {row}, {col}"
    if location == "score":
        return "the score"
    if location == "n_optimal":
        return "the number of optimal alignments"
    if location == "table":
        return "the table"
    if location == "alignments":
        return "the alignments"
    m = _ALIGNMENT_FIELD.match(location)
    if m:
        k = int(m.group(1)) + 1
        field = {"score": "the score of", "seq1_range": "the seq1 range of", "seq2_range": "the seq2 range of",
                 "seq1_aligned": "the seq1 row of", "seq2_aligned": "the seq2 row of"}.get(m.group(2) or "", "")
        return f"{field} alignment {k}".strip()
    m = re.match(r"^alignments\[given (\d+)\]$", location)
    if m:
        return f"alignment {m.group(1)}"
    return ""


def _weight(location: str) -> int:
    """The marks of a part (:data:`WEIGHTS`)."""
    if location == "score":
        return WEIGHTS["score"]
    if location == "n_optimal":
        return WEIGHTS["n_optimal"]
    m = _ALIGNMENT_FIELD.match(location)
    if m:
        return WEIGHTS["alignment field"] if m.group(2) else WEIGHTS["alignment"]
    return WEIGHTS["cell"]


_CELL = re.compile(r"^table(?:\.([MXY]))?\[(\d+)\]\[(\d+)\]$")


def _explain_cell(p: AlignmentProblem, paths: OptimalPaths | None, location: str) -> str:
    """The candidates behind the expected value of one table cell (the check report's explanation)."""
    m = _CELL.match(location)
    if paths is None or not m:
        return ""
    i, j = int(m.group(2)), int(m.group(3))
    if i > p.n or j > p.m:
        return ""
    if m.group(1):
        return paths.table.explain(STATES.index(m.group(1)), i, j)
    return paths.table.explain(None, i, j) if p.linear else ""


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
    if isinstance(answer, list):
        return {"table": answer}
    if not isinstance(answer, (str, os.PathLike)):
        return load_answer(answer)
    text = str(answer)
    if isinstance(answer, os.PathLike) or not text.lstrip().startswith(("{", "[")):
        path = Path(answer)
        if path.suffix.lower() == ".csv":
            return {"table": _read_table_csv(path)}
        # regular files only, within answer-size; gzip, any BOM
        text = read_text(path, what="--check", limit="answer-size")
    data = load_json(text, what="--check")  # nesting limit, no NaN; errors give the line and column
    if isinstance(data, list):
        return {"table": data}
    return load_answer(data if isinstance(data, dict) else text)


def _read_table_csv(path: Path) -> list:
    """A DP table from a CSV file (the project's CSV reader): numbers, ``-inf`` for minus infinity;
    a header row and a first column of letters, if present, are skipped."""
    from ...numerics.io import is_number, read_csv
    try:
        table = read_csv(path, header=False)
    except (OSError, ValueError) as exc:
        raise ValueError(f"--check: {exc}") from None
    rows = [list(r) for r in table.rows]

    def label(cell) -> bool:
        return not is_number(cell) and cell.strip().lower() not in ("-inf", "-oo", "-∞", "")
    if rows and any(label(c) for c in rows[0]):
        rows = rows[1:]                                  # a header row of letters
    if rows and any(label(r[0]) for r in rows):
        rows = [r[1:] for r in rows]                     # a first column of letters
    return rows


# ------------------------------------------------------------ alignment check
def _check_alignments(p: AlignmentProblem, paths: OptimalPaths | None, given, comparer) -> None:
    """Match the student's alignments with the optimal ones by path; explain the others."""
    answer = comparer.result.answer
    expected = answer["alignments"]
    index = {tuple(map(tuple, a["path"])): k for k, a in enumerate(expected) if a.get("path") is not None}
    seen = set()
    if not isinstance(given, list):
        comparer.counted(1, "alignments")
        return comparer.differ("alignments", "a list of alignments", given, "expected a list", "")
    if not given and answer["n_optimal"]:
        comparer.counted(1, "alignments")
        comparer.differ("alignments", f"{answer['n_optimal']} optimal alignment(s)", given, "no alignment given", "")
    for k, entry in enumerate(given):
        loc = f"alignments[{k}]"
        comparer.counted(1, loc)
        path, problem = student_path(p, entry, expected)
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
            # the rows define the path, so they agree; the score and the ranges are parts of their own
            for field in ("seq1_range", "seq2_range", "score"):
                if isinstance(entry, dict) and field in entry:
                    comparer.counted(1, f"{loc}.{field}")
                    g = entry[field]
                    same = (list(g) == exp[field] if field.endswith("range") and isinstance(g, (list, tuple)) else
                            field == "score" and _same_number(g, exp[field]))
                    if not same:
                        shown = str(_plain_json(exp[field])) if field == "score" else str(exp[field])
                        comparer.differ(f"{loc}.{field}", shown, g, "differs", "")
            continue
        reason, explanation = _why_not_optimal(answer, p, paths, path)
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


def student_path(p: AlignmentProblem, entry, expected) -> tuple[list | None, str]:
    """The student's alignment as a path of cells, or (None, what is wrong).

    Global rows span both sequences. Local rows are placed by their ranges, or where the expected
    alignment with these rows lies, else where their letters first occur. Semi-global rows may
    be given whole or trimmed (the end gaps left out, as a fitting or overlap alignment is printed):
    trimmed rows are placed where their letters occur, preferring a placement that is optimal.
    """
    if isinstance(entry, (list, tuple)) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
        entry = {"seq1_aligned": entry[0], "seq2_aligned": entry[1]}
    if not isinstance(entry, dict):
        return None, "expected an object with seq1_aligned and seq2_aligned, or path"
    if "path" in entry and not ("seq1_aligned" in entry and "seq2_aligned" in entry):
        return _path_from_cells(p, entry["path"])
    r1, r2 = entry.get("seq1_aligned"), entry.get("seq2_aligned")
    if not isinstance(r1, str) or not isinstance(r2, str):
        return None, "expected seq1_aligned and seq2_aligned as strings (gaps as -), or a path of cells"
    r1, r2 = r1.strip().upper(), r2.strip().upper()
    if len(r1) != len(r2):
        return None, f"the rows have different lengths ({len(r1)} and {len(r2)})"
    for k, (x, y) in enumerate(zip(r1, r2)):
        if x == "-" and y == "-":
            return None, f"column {k + 1} is - over -"
    l1, l2 = r1.replace("-", ""), r2.replace("-", "")
    optimal = {tuple(map(tuple, e["path"])) for e in expected if e.get("path") is not None}
    if p.local and "seq1_range" in entry and "seq2_range" in entry:
        try:
            starts = [(int(entry["seq1_range"][0]), int(entry["seq2_range"][0]))]
        except (TypeError, ValueError, IndexError, KeyError):
            return None, "seq1_range and seq2_range must be [start, end) pairs of integers"
    elif p.local:
        # the expected alignment with these rows, else the first place the letters occur
        match = next((e for e in expected if e["seq1_aligned"] == r1 and e["seq2_aligned"] == r2
                      and e.get("path") is not None), None)
        starts = [tuple(match["path"][0])] if match else [(p.seq1.find(l1), p.seq2.find(l2))]
    elif p.mode == "semiglobal" and (len(l1) != p.n or len(l2) != p.m):
        starts = [(i0, j0) for i0 in _occurrences(p.seq1, l1) for j0 in _occurrences(p.seq2, l2)]
        if not starts:
            which = "seq1" if not _occurrences(p.seq1, l1) else "seq2"
            letters = l1 if which == "seq1" else l2
            return None, f"{which}_aligned without its gaps ({shorten(letters)}) does not occur in {which}"
    else:
        starts = [(0, 0)]
    paths = []
    for i0, j0 in starts:
        if i0 < 0 or p.seq1[i0:i0 + len(l1)] != l1:
            return None, f"seq1_aligned without its gaps ({shorten(l1)}) is not seq1's letters from position {i0}"
        if j0 < 0 or p.seq2[j0:j0 + len(l2)] != l2:
            return None, f"seq2_aligned without its gaps ({shorten(l2)}) is not seq2's letters from position {j0}"
        if p.mode == "global" and (len(l1) != p.n or len(l2) != p.m):
            return None, "a global alignment spans both whole sequences (gaps included)"
        core, i, j = [(i0, j0)], i0, j0
        for x, y in zip(r1, r2):
            i, j = i + (x != "-"), j + (y != "-")
            core.append((i, j))
        if p.local:
            paths.append(core)
            continue
        # semi-global: the end gaps left out, put back (both orders when both sequences have one)
        for lead in _end_gaps((0, 0), (i0, j0)):
            for trail in _end_gaps((i, j), (p.n, p.m)):
                paths.append(lead[:-1] + core + trail[1:])
    return next((path for path in paths if tuple(path) in optimal), paths[0]), ""


def _occurrences(seq: str, letters: str) -> list[int]:
    return [k for k in range(len(seq) - len(letters) + 1) if seq[k:k + len(letters)] == letters]


def _end_gaps(start, end) -> list[list]:
    """The paths of end gaps from ``start`` to ``end`` (one gap run per sequence, in either order)."""
    (i0, j0), (i1, j1) = start, end
    down = [(i, j0) for i in range(i0, i1 + 1)]
    across = [(i0, j) for j in range(j0, j1 + 1)]
    first = down + [(i1, j) for j in range(j0 + 1, j1 + 1)]
    second = across + [(i, j1) for i in range(i0 + 1, i1 + 1)]
    return [first] if first == second else [first, second]


def _path_from_cells(p: AlignmentProblem, cells) -> tuple[list | None, str]:
    try:
        path = [(int(c[0]), int(c[1])) for c in cells]
    except (TypeError, ValueError, IndexError, KeyError):
        return None, "path: expected a list of [i, j] cells"
    if len(path) > 1 and path[0] > path[-1]:
        path.reverse()                                  # given in traceback order, end first
    for (i, j), (i_next, j_next) in zip(path, path[1:]):
        if (i_next - i, j_next - j) not in ((1, 1), (1, 0), (0, 1)):
            return None, (f"path: from cell ({i},{j}) to ({i_next},{j_next}) is not a diagonal, vertical or "
                          "horizontal step")
    for i, j in path:
        if not (0 <= i <= p.n and 0 <= j <= p.m):
            return None, f"path: cell ({i},{j}) is outside the table (rows 0..{p.n}, columns 0..{p.m})"
    if not path:
        return None, "path: empty"
    if not p.local and (path[0] != (0, 0) or path[-1] != (p.n, p.m)):
        return None, f"path: a {p.mode} alignment runs from cell (0,0) to ({p.n},{p.m})"
    return path, ""


def _why_not_optimal(answer: dict, p: AlignmentProblem, paths: OptimalPaths | None, path) -> tuple[str, str]:
    """Why a valid alignment (as a path) is not among the optimal ones; ("", "") when it is one
    that was not listed (more than max_alignments exist)."""
    cols = [(i_next - i, j_next - j) for (i, j), (i_next, j_next) in zip(path, path[1:])]
    r1 = "".join(p.seq1[i - 1] if di else "-" for (di, dj), (i, j) in zip(cols, path[1:]))
    r2 = "".join(p.seq2[j - 1] if dj else "-" for (di, dj), (i, j) in zip(cols, path[1:]))
    if not cols:
        return ("the empty alignment is not optimal" if answer["n_optimal"] else ""), ""
    its = to_sympy(exact_score(p.aligner.alignment_score(r1, r2), "score"))
    best = answer["score"]
    if its != best:
        return f"not optimal: it scores {its} (rescored column by column); the optimum is {best}", \
            _leaves_arrows(p, paths, path, cols)
    states = [0 if c == (1, 1) else (1 if c == (1, 0) else 2) for c in cols]
    if not p.local or (paths is not None and paths.is_counted(path, states)) or (
            paths is None and answer["n_optimal"] > len(answer["alignments"])):
        return "", ""                                   # optimal, beyond the listed ones
    return ("scores the optimum but has a part scoring 0 at one end (or passes through the optimum on the "
            "way): trim it; local alignments are counted untrimmable, as in Biopython"), ""


def _leaves_arrows(p: AlignmentProblem, paths: OptimalPaths | None, path, cols) -> str:
    """Where the path first leaves the cells of optimal paths (from its start)."""
    if paths is None:
        return ""
    for k, ((i, j), c) in enumerate(zip(path[1:], cols)):
        q = 0 if c == (1, 1) else (1 if c == (1, 0) else 2)
        if not paths.marked[q][i][j]:
            move = {0: "diagonal", 1: "vertical (gap in seq2)", 2: "horizontal (gap in seq1)"}[q]
            return (f"its {move} step into cell ({i},{j}) leaves the optimal paths; "
                    + paths.table.explain(None if p.linear else q, i, j))
    return ""
