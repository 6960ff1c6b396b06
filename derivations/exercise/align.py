"""Exercises of pairwise alignment by hand: fill the DP table, give the score, count and list the co-optimal alignments.

Every variant of a level has the same sequence lengths (seq1 down the rows is
two letters longer than seq2 across the columns, so a global alignment needs
gaps, and a gap of two is where affine and linear gaps part), hence the same
table and the same number of worked steps for one mode and gap model. The
second sequence is drawn as a mutated copy of part of the first (a subsequence
for global, a window for semi-global, a window between random flanks for
local; with affine gaps, a window with a run of two letters deleted or
inserted), so the alignments have something to find; the draw
is kept only when every property the exercise states holds, each verified
here with numerics.alignment's pure-Python reference (no numba):

* ``tie``: some cell has two or more arrows (candidates attaining its maximum);
* ``co-optimal-one`` / ``co-optimal-several``: exactly one, or two or more,
  co-optimal alignments (at most a level's cap, so all of them can be listed);
* ``local-not-whole`` (local mode): no optimal local alignment spans both
  whole sequences;
* ``affine-differs`` (affine gaps): the set of optimal alignments differs from
  the set under linear gaps with g = the gap-open score;
* ``end-gaps-matter`` (semi-global mode): free end gaps raise the score above
  the global one.
"""
from __future__ import annotations

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "AlignGenerator"]

MODES = ("global", "local", "semiglobal")
GAPS = ("linear", "affine")
CO_OPTIMAL = ("one", "several")
ALPHABETS = {"dna": "ACGT", "protein": "ACDEFGHIKLMNPQRSTVWY"}
_FREE_ALL = [True, True, True, True]
_FREE_NAMES = "seq1_start,seq1_end,seq2_start,seq2_end"

# level -> (len(seq1), len(seq2), most co-optimal alignments asked to list)
_SIZES = {"easy": (7, 5, 4), "exam": (8, 6, 6), "hard": (11, 9, 8)}
# (alphabet, level) -> the scores drawn from: match (linear gaps, affine gaps), mismatch, linear gap,
# affine open, affine extend. On the easy level's short sequences a gap of two is worth opening with
# affine gaps (and not with linear ones) only when a match scores 2.
_SCORES = {
    ("dna", "easy"): ((("1", "2"), ("2",)), ("-1",), ("-1", "-2"), ("-2",), ("-1",)),
    ("dna", "exam"): ((("1", "2"), ("1", "2")), ("-1",), ("-1", "-2"), ("-2", "-3"), ("-1",)),
    ("dna", "hard"): ((("1", "2"), ("1", "2")), ("-1",), ("-1", "-2"), ("-2", "-3"), ("-1",)),
}
for _level in _SIZES:   # proteins: BLOSUM62 and gap scores of its size
    _SCORES[("protein", _level)] = (None, None, ("-4", "-6"), ("-6", "-8"), ("-1", "-2"))

# the arrow bits of numerics.alignment (state q from state r: _FIRST[q] << r; states 0 M, 1 X, 2 Y)
_FIRST = (1, 16, 128)
_M_START, _M_END = 8, 1024
_MOVES = ((1, 1), (1, 0), (0, 1))


class AlignGenerator(Generator):
    name = "align"
    answer_keys = ("table", "score", "n_optimal", "alignments")
    title = "a pairwise alignment by hand"
    properties = {
        "tie": "some cell of the table has two or more arrows: two or more of its candidates (diagonal, up, left; "
               "with affine gaps, the predecessor states of M, X or Y) attain its maximum (local: a maximum above 0 "
               "reached from cells above 0)",
        "co-optimal-one": "exactly one optimal alignment",
        "co-optimal-several": "two or more co-optimal alignments (few enough to list them all)",
        "local-not-whole": "local mode: no optimal local alignment spans both whole sequences",
        "affine-differs": "affine gaps: the set of optimal alignments differs from the set under linear gaps "
                          "with g = the gap-open score",
        "end-gaps-matter": "semi-global mode: the free end gaps raise the optimal score above the global one",
    }
    level_sizes = {level: {"seq1": f"{n} letters", "seq2": f"{m} letters",
                           "co-optimal alignments": f"at most {cap}"} for level, (n, m, cap) in _SIZES.items()}

    # --- options ----------------------------------------------------------------------
    def add_options(self, parser) -> None:
        parser.add_argument("--mode", choices=MODES, default="global",
                            help="global (Needleman-Wunsch, default), local (Smith-Waterman), semiglobal "
                                 "(end gaps free)")
        parser.add_argument("--gaps", choices=GAPS, default="linear",
                            help="linear (one table H, default) or affine (Gotoh's M, X, Y)")
        parser.add_argument("--co-optimal", dest="co_optimal", choices=CO_OPTIMAL, default=None,
                            help="exactly one, or several, co-optimal alignments (default: either, stated)")
        parser.add_argument("--alphabet", choices=tuple(ALPHABETS), default="dna",
                            help="dna (ACGT, match/mismatch scores; default) or protein (BLOSUM62)")

    def options(self, args) -> dict:
        return {"mode": args.mode, "gaps": args.gaps, "co_optimal": args.co_optimal, "alphabet": args.alphabet}

    def generate(self, seed: int, level: str = "exam", **options):
        """As :meth:`Generator.generate` (which fills in the defaults), with each option's value checked first:
        a ValueError names the option and what it takes."""
        for name, allowed in (("mode", MODES), ("gaps", GAPS), ("alphabet", tuple(ALPHABETS)),
                              ("co_optimal", (None,) + CO_OPTIMAL)):
            if name in options and options[name] not in allowed:
                shown = ", ".join(str(v) for v in allowed if v is not None)
                raise ValueError(f"{name}: {options[name]!r}; expected one of {shown}"
                                 + (" (or None: either)" if name == "co_optimal" else ""))
        return super().generate(seed, level, **options)

    # --- one draw -----------------------------------------------------------------------
    def draw(self, rng: Rng, level: str, mode: str = "global", gaps: str = "linear", co_optimal=None,
             alphabet: str = "dna") -> Draft | None:
        n, m, cap = _SIZES[level]
        letters = ALPHABETS[alphabet]
        match, mismatch, gap, opens, extends = _SCORES[(alphabet, level)]
        seq1 = "".join(rng.choice(letters) for _ in range(n))
        seq2 = _relative(rng, seq1, m, mode, letters, gaps == "affine")
        if not (_varied(seq1) and _varied(seq2)):
            return None          # GGGGGG teaches nothing
        givens = {"seq1": seq1, "seq2": seq2, "mode": mode,
                  "match": rng.choice(match[gaps == "affine"]) if match else None,
                  "mismatch": rng.choice(mismatch) if mismatch else None,
                  "gap_open": rng.choice(gap if gaps == "linear" else opens),
                  "gap_extend": None if gaps == "linear" else rng.choice(extends),
                  "free_ends": list(_FREE_ALL) if mode == "semiglobal" else None,
                  "matrix": "BLOSUM62" if alphabet == "protein" else None}
        required = {"tie", {"local": "local-not-whole", "semiglobal": "end-gaps-matter"}.get(mode, "tie")}
        if gaps == "affine":
            required.add("affine-differs")
        if co_optimal is not None:
            required.add(f"co-optimal-{co_optimal}")
        found = exercise_properties(givens, cap, required)
        if found is None:
            return None
        sizes = {"seq1": n, "seq2": m, "table": [n + 1, m + 1], "matrices": 1 if gaps == "linear" else 3}
        return Draft(givens, tuple(sorted(found)), sizes)

    # --- the worked solution ----------------------------------------------------------------
    def solve(self, givens: dict):
        from ..alignment import align
        return align(givens["seq1"], givens["seq2"], **_scoring(givens))

    def command(self, givens: dict, paths: dict) -> list[str]:
        g = givens
        cmd = ["workedout", "align", g["seq1"], g["seq2"], "--mode", g["mode"]]
        if g["matrix"] is not None:
            cmd += ["--matrix", g["matrix"]]
        else:
            cmd += ["--match", g["match"], "--mismatch", g["mismatch"]]
        if g["gap_extend"] is None:
            cmd += ["--gap", g["gap_open"]]
        else:
            cmd += ["--gap-open", g["gap_open"], "--gap-extend", g["gap_extend"]]
        if g["free_ends"] is not None:
            chosen = [name for name, free in zip(_FREE_NAMES.split(","), g["free_ends"]) if free]
            cmd += ["--free-ends", ",".join(chosen) or "none"]
        return cmd

    def question(self, draft: Draft) -> tuple[str, list]:
        from ..model import Grid, Step, Table
        g = draft.givens
        mode = {"global": "globally (Needleman-Wunsch)", "local": "locally (Smith-Waterman)",
                "semiglobal": "semi-globally (end gaps free: gaps before or after either sequence score 0)"}[g["mode"]]
        if g["matrix"] is not None:
            scoring = f"substitution scores from {g['matrix']}"
        else:
            scoring = f"match {_signed(g['match'])}, mismatch {_signed(g['mismatch'])}"
        if g["gap_extend"] is None:
            gap = f"linear gaps scoring g = {g['gap_open']} per gap position"
            table = "the DP table H (every cell's candidates, its value and its arrows)"
        else:
            gap = (f"affine gaps (a gap of length k scores o + (k-1)e) with gap open o = {g['gap_open']} and gap "
                   f"extend e = {g['gap_extend']}")
            table = "Gotoh's three matrices M, X and Y (every state's candidates, its value and its arrows)"
        text = (f"Align seq1 = {g['seq1']} (down the rows) with seq2 = {g['seq2']} (across the columns) {mode}, "
                f"with {scoring} and {gap}. Scores are added and maximised. Fill {table}; give the optimal "
                f"score, the number of co-optimal alignments, and list every co-optimal alignment.")
        rows = [["seq1 (rows)", g["seq1"]], ["seq2 (columns)", g["seq2"]], ["mode", g["mode"]]]
        if g["matrix"] is not None:
            rows.append(["substitution matrix", g["matrix"]])
        else:
            rows += [["match", g["match"]], ["mismatch", g["mismatch"]]]
        if g["gap_extend"] is None:
            rows.append(["gap (each position)", g["gap_open"]])
        else:
            rows += [["gap open", g["gap_open"]], ["gap extend", g["gap_extend"]]]
        if g["free_ends"] is not None:
            rows.append(["free end gaps", "both ends of both sequences"])
        # the table to fill in: the letters on its borders, every cell empty (one panel per Gotoh matrix)
        labels = (["-", *g["seq1"]], ["-", *g["seq2"]])
        empty = [["\u00a0" * 6] * len(labels[1]) for _ in labels[0]]  # no-break spaces: room to write in
        panels = [("H", empty)] if g["gap_extend"] is None else [(name, empty) for name in ("M", "X", "Y")]
        return text, [Step(Table(["", "given"], rows, align="ll"), why="The givens."),
                      Step(Grid(*labels, panels), why="The table to fill in.")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        parts = [QuizPart("optimal score", key["score"], "score"),
                 QuizPart("number of co-optimal alignments", key["n_optimal"], "n_optimal")]
        table = key.get("table")
        if isinstance(table, list) and table:     # linear gaps: the last row of H
            last = len(table) - 1
            parts += [QuizPart(f"H({last},{j})", v, f"table[{last}][{j}]") for j, v in enumerate(table[last])
                      if v is not None]
        return parts


GENERATOR = AlignGenerator()


# --- drawing ----------------------------------------------------------------------------------
def _relative(rng: Rng, seq1: str, m: int, mode: str, letters: str, affine: bool) -> str:
    """seq2: m letters drawn as a mutated copy of part of seq1, about one letter in four substituted.

    Linear gaps: global, a subsequence; semiglobal, a window; local, a shorter window between random
    flanks. Affine gaps: a window with a run of two letters deleted, or a shorter one with two letters
    inserted, so that a gap of length two (cheaper with affine gaps) is worth opening."""
    n = len(seq1)
    if affine and mode != "global":
        if rng.chance(1, 2):     # two letters of seq1 deleted: a gap of two in seq2
            start = rng.integer(0, n - (m + 2))
            core = list(seq1[start:start + m + 2])
            cut = rng.integer(1, m - 1)
            core = core[:cut] + core[cut + 2:]
        else:                    # two letters inserted: a gap of two in seq1
            start = rng.integer(0, n - (m - 2))
            core = list(seq1[start:start + m - 2])
            cut = rng.integer(1, m - 3)
            core = core[:cut] + [rng.choice(letters), rng.choice(letters)] + core[cut:]
    elif mode == "global":
        if affine and rng.chance(1, 2):   # one run of deleted letters
            cut = rng.integer(1, m - 1)
            core = list(seq1[:cut] + seq1[cut + n - m:])
        else:
            keep = sorted(rng.sample(range(n), m))
            core = [seq1[k] for k in keep]
    elif mode == "semiglobal":
        start = rng.integer(0, n - m)
        core = list(seq1[start:start + m])
    else:
        width = m - 2
        start = rng.integer(0, n - width)
        core = list(seq1[start:start + width])
        left = rng.integer(0, 2)
        core = [rng.choice(letters) for _ in range(left)] + core + [rng.choice(letters) for _ in range(2 - left)]
    for k in range(m):
        if rng.chance(1, 4):
            core[k] = rng.choice(letters)
    return "".join(core)


def _varied(seq: str) -> bool:
    """At least three different letters, none in more than half the positions (rounded up)."""
    most = max(seq.count(x) for x in set(seq))
    return len(set(seq)) >= 3 and most <= (len(seq) + 1) // 2


def _scoring(givens: dict) -> dict:
    """The keyword arguments of :func:`workedout.derivations.alignment.align` (and of the reference aligner)."""
    g = givens
    kw = {"mode": g["mode"], "gap_open": g["gap_open"], "gap_extend": g["gap_extend"]}
    if g["matrix"] is not None:
        kw["matrix"] = g["matrix"]
    else:
        kw["match"], kw["mismatch"] = g["match"], g["mismatch"]
    if g["free_ends"] is not None:
        kw["free_ends"] = tuple(bool(f) for f in g["free_ends"])
    return kw


def _signed(text: str) -> str:
    return text if text.startswith("-") else "+" + text


# --- the properties, verified with numerics.alignment's pure-Python reference ----------------------
def exercise_properties(givens: dict, cap: int, required=frozenset()) -> list[str] | None:
    """The properties of the vocabulary that hold for ``givens``; None when the exercise is not worth
    setting (no optimal alignment, or more than ``cap`` to list) or a ``required`` property fails (the
    checks stop at the first that does)."""
    from ...numerics.alignment._reference import ReferenceAligner
    kw = _scoring(givens)
    exact = {k: (int(v) if isinstance(v, str) and k != "mode" and k != "matrix" else v) for k, v in kw.items()}
    a, b = givens["seq1"], givens["seq2"]
    aligner = ReferenceAligner(**exact)
    count = aligner.count(a, b)
    if not 1 <= count <= cap:
        return None
    dp = aligner.dp_tables(a, b)
    paths = optimal_paths(dp)
    if len(paths) != count:      # the enumeration and the reference's forward count must agree
        raise AssertionError(f"align exercise: {len(paths)} paths enumerated, the reference counts {count}")
    found = []

    def holds(name: str, value: bool) -> bool:
        """Record ``name`` when it holds; False when it is required and fails (stop)."""
        if value:
            found.append(name)
        return value or name not in required

    n, m = len(a), len(b)
    if not (holds("co-optimal-one", count == 1) and holds("co-optimal-several", count >= 2)
            and holds("tie", has_tie(dp, aligner))):
        return None
    if givens["mode"] == "local" and not holds(
            "local-not-whole", dp.score > 0 and all(not (p[0][1:] == (1, 1) and p[-1][1:] == (n, m)) for p in paths)):
        return None
    if givens["mode"] == "semiglobal":
        glob = ReferenceAligner(**dict(exact, mode="global", free_ends=None))
        if not holds("end-gaps-matter", aligner.score(a, b) > glob.score(a, b)):
            return None
    if givens["gap_extend"] is not None:
        # linear gaps with g = o: a different number of optimal alignments (past 4 cap, uncounted) or other ones
        linear = ReferenceAligner(**dict(exact, gap_extend=None))
        if not holds("affine-differs", linear.count(a, b) > 4 * cap
                     or set(optimal_paths(linear.dp_tables(a, b))) != set(paths)):
            return None
    return found


def optimal_paths(dp) -> list[tuple]:
    """Every optimal path through the arrows of ``dp`` (numerics.alignment.DPTables), as a tuple of
    (state, i, j) from the first column to the last: the state sequence is the column sequence, so two
    paths are two alignments."""
    n, m = dp.H.shape[0] - 1, dp.H.shape[1] - 1
    bits = dp.arrows.tolist()
    local = dp.mode == "local"
    V = (dp.M.tolist(), dp.X.tolist(), dp.Y.tolist())
    out: list[tuple] = []

    def back(q, i, j, tail):
        node = (q, i, j)
        if not local and (i, j) == (0, 0):
            if q == 0:
                out.append(tail)
            return
        b = bits[i][j]
        if local and q == 0 and b & _M_START:
            out.append((node,) + tail)
        di, dj = _MOVES[q]
        for r in range(3):
            if b & (_FIRST[q] << r):
                back(r, i - di, j - dj, (node,) + tail)

    if local:
        if dp.score > 0:
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    if bits[i][j] & _M_END:
                        back(0, i, j, ())
    else:
        best = max(V[q][n][m] for q in range(3))
        for q in range(3):
            if V[q][n][m] == best:
                back(q, n, m, ())
    return out


def has_tie(dp, aligner) -> bool:
    """Whether some cell of ``dp`` (with affine gaps: some state of some cell) has two or more candidates
    attaining its maximum; local: only a maximum above 0, from predecessors above 0. ``aligner`` gives the
    scoring (the reference aligner that filled ``dp``)."""
    n, m = dp.H.shape[0] - 1, dp.H.shape[1] - 1
    linear = aligner.gap_open == aligner.gap_extend
    matrix = aligner.matrix

    def substitution(x, y):
        if matrix is not None:
            return matrix[x, y]
        return aligner.match if x == y else aligner.mismatch

    local = dp.mode == "local"
    free = dp.free_ends
    a, b = dp.seq1, dp.seq2
    V = (dp.M.tolist(), dp.X.tolist(), dp.Y.tolist())
    H = dp.H.tolist()
    ninf = float("-inf")

    def gap(vertical, i, j, extend):
        if vertical and ((j == 0 and free[0]) or (j == m and free[1])):
            return 0
        if not vertical and ((i == 0 and free[2]) or (i == n and free[3])):
            return 0
        return aligner.gap_extend if extend else aligner.gap_open

    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0) or (local and (i == 0 or j == 0)):
                continue
            if linear:
                cands = []
                if i and j:
                    cands.append((H[i - 1][j - 1], substitution(a[i - 1], b[j - 1])))
                if i:
                    cands.append((H[i - 1][j], gap(True, i, j, False)))
                if j:
                    cands.append((H[i][j - 1], gap(False, i, j, False)))
                if _tied(cands, H[i][j], local):
                    return True
                continue
            for q in range(3):
                di, dj = _MOVES[q]
                if i < di or j < dj:
                    continue
                pi, pj = i - di, j - dj
                if q == 0:
                    s = substitution(a[i - 1], b[j - 1])
                    cands = [(V[r][pi][pj], s) for r in range(3)]
                else:
                    o, e = gap(q == 1, i, j, False), gap(q == 1, i, j, True)
                    cands = [(V[r][pi][pj], e if r == q else o) for r in range(3)]
                if V[q][i][j] != ninf and _tied(cands, V[q][i][j], local):
                    return True
    return False


def _tied(cands, value, local) -> bool:
    if local and not value > 0:
        return False
    hits = [1 for u, w in cands if u != float("-inf") and (not local or u > 0) and u + w == value]
    return len(hits) >= 2
