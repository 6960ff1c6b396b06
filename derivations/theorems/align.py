"""Alignment's theorems: dynamic programming is optimal, the Delannoy count, Smith-Waterman's 0 floor.

An alignment of a = a_1..a_n and b = b_1..b_m is a sequence of columns, each
``(a_i, b_j)`` (a substitution, D), ``(a_i, -)`` (a gap in b, U) or
``(-, b_j)`` (a gap in a, L), that uses every letter of each sequence once and
in order (the project's convention: ``A-/-C`` and ``-A/C-`` are two
alignments). The checks enumerate alignments independently of any
recurrence: an alignment of lengths (n, m) with k substitution columns has
n + m - k columns, and every placement of its k substitution columns and then
of its n - k gap columns ``(a_i, -)`` among them is listed
(``itertools.combinations``), the remaining columns ``(-, b_j)``. The recurrences checked are the project's own:
:class:`numerics.alignment._reference.ReferenceAligner` (the pure-Python DP
the worked alignment is checked against), global and local, linear gaps.

The finite family of pairs: every pair of sequences of length 0 to 4 over
{A, C} (31 sequences, 961 pairs), under two scorings (match/mismatch/gap
1/-1/-1 and 2/-1/-2); every prefix and every substring of a sequence of the
family is in the family, so its enumerated optima are memoised and shared.
``tests/test_theorems_align.py`` checks the same claims by hypothesis on
longer sequences over {A, C, G, T}.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations, product

from .base import FalseVariant, Theorem, math, search

__all__ = ["THEOREMS"]

_ALPHABET = "AC"
_MAX_LEN = 4
_SCORINGS = ((1, -1, -1), (2, -1, -2))  # (match, mismatch, gap): linear gaps, gap scores negative
_AFFINE = (1, -1, -3, -1)              # (match, mismatch, gap_open, gap_extend) of the false variant
_FAMILY = ("every pair of sequences of length 0-4 over {A, C} (961 pairs) under the scorings match/mismatch/gap "
           "1/-1/-1 and 2/-1/-2")
_ENUM = "the alignments enumerated by placing their substitution and gap columns in every way, no recurrence"
D_, U_, L_ = 0, 1, 2  # a column: (a_i, b_j), (a_i, -), (-, b_j)


# ----------------------------------------------------------------------- enumeration
@lru_cache(maxsize=None)
def _alignments(n: int, m: int) -> tuple:
    """Every alignment of lengths n and m, as column words: for each number k of substitution columns, every
    placement of the k D's, then of the n - k U's, among the n + m - k columns (the rest are L's)."""
    out = []
    for k in range(min(n, m) + 1):
        width = n + m - k
        for d in combinations(range(width), k):
            rest = [p for p in range(width) if p not in d]
            for u in combinations(rest, n - k):
                word = [L_] * width
                for p in d:
                    word[p] = D_
                for p in u:
                    word[p] = U_
                out.append(tuple(word))
    return tuple(out)


def _sequences(max_len: int = _MAX_LEN) -> list:
    return ["".join(p) for k in range(max_len + 1) for p in product(_ALPHABET, repeat=k)]


def _score(a: str, b: str, word, scoring) -> int:
    """An alignment's score, the sum of its columns' scores (linear gaps)."""
    match, mismatch, gap = scoring
    total, i, j = 0, 0, 0
    for c in word:
        if c == D_:
            total += match if a[i] == b[j] else mismatch
            i, j = i + 1, j + 1
        elif c == U_:
            total, i = total + gap, i + 1
        else:
            total, j = total + gap, j + 1
    return total


def _score_affine(a: str, b: str, word, scoring) -> int:
    """An alignment's score with affine gaps: a gap's first column scores o, each further column e."""
    match, mismatch, o, e = scoring
    total, i, j, previous = 0, 0, 0, None
    for c in word:
        if c == D_:
            total += match if a[i] == b[j] else mismatch
            i, j = i + 1, j + 1
        else:
            total += e if previous == c else o
            i, j = i + (c == U_), j + (c == L_)
        previous = c
    return total


@lru_cache(maxsize=None)
def _optimum(a: str, b: str, scoring, affine: bool = False):
    """(the enumerated optimum, the optimal column words) of a and b."""
    rate = _score_affine if affine else _score
    scored = [(rate(a, b, w, scoring), w) for w in _alignments(len(a), len(b))]
    best = max(s for s, _ in scored)
    return best, tuple(w for s, w in scored if s == best)


def _rows(a: str, b: str, word) -> str:
    """The alignment's two rows, ``A-C/ACC``."""
    top, bottom, i, j = [], [], 0, 0
    for c in word:
        top.append(a[i] if c != L_ else "-")
        bottom.append(b[j] if c != U_ else "-")
        i, j = i + (c != L_), j + (c != U_)
    return "".join(top) + "/" + "".join(bottom)


def _shown(s: str) -> str:
    return s if s else "ε"


def _cases():
    seqs = _sequences()
    return ((a, b, s) for s in _SCORINGS for a in seqs for b in seqs)


# ------------------------------------------------------------------- the recurrences
@lru_cache(maxsize=None)
def _aligner(scoring, mode: str):
    from ...numerics.alignment._reference import ReferenceAligner
    match, mismatch, gap = scoring
    return ReferenceAligner(mode=mode, match=match, mismatch=mismatch, gap_open=gap)


@lru_cache(maxsize=None)
def _nw_table(a: str, b: str, scoring) -> list:
    """The project's global (Needleman-Wunsch) table H, as exact ints."""
    H = _aligner(scoring, "global").dp_tables(a, b).H
    return [[int(v) for v in row] for row in H]


@lru_cache(maxsize=None)
def _sw_table(a: str, b: str, scoring) -> list:
    """The project's local (Smith-Waterman) table H = max(0, ...), as exact ints."""
    H = _aligner(scoring, "local").dp_tables(a, b).H
    return [[int(v) for v in row] for row in H]


def _one_table_affine(a: str, b: str, scoring) -> int:
    """The false recurrence: one table H for affine gaps, a gap step scoring e when the neighbour's kept arrow
    is a gap step the same way, o otherwise (ties kept in the order diag, up, left)."""
    match, mismatch, o, e = scoring
    n, m = len(a), len(b)
    H = [[0] * (m + 1) for _ in range(n + 1)]
    T = [[None] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            candidates = []
            if i and j:
                candidates.append((H[i - 1][j - 1] + (match if a[i - 1] == b[j - 1] else mismatch), D_))
            if i:
                candidates.append((H[i - 1][j] + (e if T[i - 1][j] == U_ else o), U_))
            if j:
                candidates.append((H[i][j - 1] + (e if T[i][j - 1] == L_ else o), L_))
            best = max(v for v, _ in candidates)
            H[i][j], T[i][j] = best, next(t for v, t in candidates if v == best)
    return H[n][m]


# ----------------------------------------------------------------------- dp-optimal
def _dp_claim(recurrence, affine: bool = False):
    """The claim "the recurrence's value is the enumerated optimum", for one pair and scoring."""
    def claim(case) -> bool:
        a, b, scoring = case
        return recurrence(a, b, scoring) == _optimum(a, b, scoring, affine)[0]
    return claim


def _nw_score(a, b, scoring) -> int:
    """The project's global score, H_nm."""
    return _aligner(scoring, "global").score(a, b)


def _decomposition(case) -> bool:
    """The alignments of (n, m) are the alignments of (n-1, m-1), (n-1, m), (n, m-1), each with one more column."""
    n, m = case
    words = lambda i, j: _alignments(i, j) if i >= 0 and j >= 0 else ()  # noqa: E731
    extended = ([w + (D_,) for w in words(n - 1, m - 1)] + [w + (U_,) for w in words(n - 1, m)]
                + [w + (L_,) for w in words(n, m - 1)])
    return len(extended) == len(set(extended)) and set(extended) == set(_alignments(n, m))


def _substructure_cases():
    for a, b, scoring in _cases():
        for word in _optimum(a, b, scoring)[1]:
            for k in range(len(word) + 1):
                yield a, b, scoring, word, k


def _prefix_optimal(case) -> bool:
    """The first k columns of an optimal alignment are an optimal alignment of the prefixes they use."""
    a, b, scoring, word, k = case
    head = word[:k]
    i = sum(1 for c in head if c != L_)
    j = sum(1 for c in head if c != U_)
    return _score(a, b, head, scoring) == _optimum(a[:i], b[:j], scoring)[0]


def _count_claim(case) -> bool:
    a, b, scoring = case
    return _aligner(scoring, "global").count(a, b) == len(_optimum(a, b, scoring)[1])


def _dp_optimal():
    from ..model import Prose, Step, checked
    from ..result import Result
    lengths = [(n, m) for n in range(_MAX_LEN + 1) for m in range(_MAX_LEN + 1) if n + m > 0]
    bad_dec, n_dec = search(lengths, _decomposition)
    n_words = sum(len(_alignments(n, m)) for n, m in lengths)
    bad_sub, n_sub = search(_substructure_cases(), _prefix_optimal)
    bad_rec, n_rec = search(_cases(), _dp_claim(_nw_score))
    bad_cnt, n_cnt = search(_cases(), _count_claim)
    H, s, g = math("H", "H"), math(r"s(a_i, b_j)", "s(a_i, b_j)"), math("g", "g")
    steps = [
        Step(Prose(("An alignment of ", math(r"a_1 \dots a_n", "a_1..a_n"), " and ", math(r"b_1 \dots b_m", "b_1..b_m"),
                    " is a sequence of columns ", math(r"(a_i, b_j)", "(a_i, b_j)"), ", ",
                    math(r"(a_i, -)", "(a_i, -)"), " or ", math(r"(-, b_j)", "(-, b_j)"),
                    " that uses every letter of each sequence once, in order. ",
                    math(r"\mathrm{OPT}(i, j)", "OPT(i, j)"), " is the best score of an alignment of the prefixes ",
                    math(r"a_1 \dots a_i", "a_1..a_i"), " and ", math(r"b_1 \dots b_j", "b_1..b_j"), ".")),
             why="Alignments and the optimum.", role="definition"),
        Step(Prose(("The score is additive: an alignment's score is the sum of its columns' scores, ", s,
                    " for a substitution column and ", g, " for a gap column, each depending on that column "
                    "alone (linear gaps).")),
             why="Bellman's argument needs it.", role="premise"),
        Step(Prose(("For ", math("i + j > 0", "i + j > 0"), ", every alignment of ",
                    math(r"a_1 \dots a_i", "a_1..a_i"), " and ", math(r"b_1 \dots b_j", "b_1..b_j"),
                    " ends in exactly one of the three columns ", math(r"(a_i, b_j)", "(a_i, b_j)"), ", ",
                    math(r"(a_i, -)", "(a_i, -)"), ", ", math(r"(-, b_j)", "(-, b_j)"),
                    "; removing it leaves an alignment of the prefixes ", math("(i-1, j-1)", "(i-1, j-1)"), ", ",
                    math("(i-1, j)", "(i-1, j)"), " or ", math("(i, j-1)", "(i, j-1)"),
                    ", and every such alignment extends back. So the alignments of ", math("(i, j)", "(i, j)"),
                    " correspond one to one with the disjoint union of the three smaller sets.")),
             why="Split off the last column.",
             check=checked(f"exhaustively for every pair of lengths 0 ≤ i, j ≤ 4 ({n_dec} pairs, {n_words:,} "
                           f"alignments; {_ENUM}): the three extended sets are disjoint and their union is the "
                           "set of alignments of (i, j)", bad_dec is None)),
        Step(Prose(("Optimal substructure. Let A be an optimal alignment of (i, j) ending in column c, and A' "
                    "the rest, an alignment of the prefixes it uses. If some B' aligned those prefixes with a "
                    "higher score, B' followed by c would beat A, since by additivity ",
                    math(r"\mathrm{score}(B'c) = \mathrm{score}(B') + \mathrm{score}(c)",
                         "score(B'c) = score(B') + score(c)"),
                    ". So every prefix of an optimal alignment is optimal for its prefixes.")),
             why="Cut and paste.",
             check=checked(f"exhaustively over {_FAMILY}: for every optimal alignment ({_ENUM}) and every cut "
                           f"after k columns, the first k columns score the enumerated optimum of the prefixes "
                           f"they use ({n_sub:,} cases)", bad_sub is None)),
        Step(Prose(("Hence, taking the best of the three last columns, ",
                    math(r"\mathrm{OPT}(i, j) = \max\{\mathrm{OPT}(i-1, j-1) + s(a_i, b_j),\ "
                         r"\mathrm{OPT}(i-1, j) + g,\ \mathrm{OPT}(i, j-1) + g\}",
                         "OPT(i, j) = max{OPT(i-1, j-1) + s(a_i, b_j), OPT(i-1, j) + g, OPT(i, j-1) + g}"),
                    " with ", math(r"\mathrm{OPT}(0, 0) = 0", "OPT(0, 0) = 0"),
                    " (a missing term left out): the Needleman-Wunsch recurrence for ", H,
                    ". By induction on i + j, ", math(r"H_{ij} = \mathrm{OPT}(i, j)", "H_ij = OPT(i, j)"),
                    " in every cell, and ", math(r"H_{nm}", "H_nm"), " is the optimal score.")),
             why="The recurrence's maximum is the optimum.",
             check=checked(f"the project's recurrence (numerics.alignment ReferenceAligner, global, linear gaps): "
                           f"its H_nm equals the enumerated optimum for {_FAMILY} ({n_rec:,} cases); every prefix "
                           "pair of a pair of the family is in the family, so every cell H_ij of every table is "
                           "checked", bad_rec is None)),
        Step(Prose(("Every optimal alignment is found by the traceback: a path of arrows from ",
                    math("(n, m)", "(n, m)"), " to ", math("(0, 0)", "(0, 0)"),
                    " through cells whose value each predecessor attains, since each column of an optimal "
                    "alignment attains the maximum in its cell (previous step).")),
             why="The traceback finds the optimal alignments, all of them.",
             check=checked(f"the project's count of co-optimal alignments (the paths of arrows, ReferenceAligner."
                           f"count) equals the number of enumerated optimal alignments for {_FAMILY} "
                           f"({n_cnt:,} cases)", bad_cnt is None)),
    ]
    return Result(kind="theorem.dp_optimal", title="Alignment by dynamic programming is optimal",
                  theorem=("With an additive score, the Needleman-Wunsch recurrence ",
                           math(r"H_{ij} = \max\{H_{i-1,j-1} + s(a_i, b_j),\ H_{i-1,j} + g,\ H_{i,j-1} + g\}",
                                "H_ij = max{H_(i-1,j-1) + s(a_i, b_j), H_(i-1,j) + g, H_(i,j-1) + g}"),
                           ", ", math("H_{00} = 0", "H_00 = 0"), ", gives the optimal score ",
                           math(r"H_{nm} = \max_A \mathrm{score}(A)", "H_nm = max over alignments A of score(A)"),
                           " of a global alignment of a and b, and its traceback the optimal alignments."),
                  steps=steps)


def _dp_optimal_false() -> FalseVariant:
    seqs = _sequences()
    cases = ((a, b, _AFFINE) for a in seqs for b in seqs)
    case, n = search(cases, _dp_claim(_one_table_affine, affine=True))
    text, detail = None, {}
    if case is not None:
        a, b, scoring = case
        best, words = _optimum(a, b, scoring, True)
        got = _one_table_affine(a, b, scoring)
        text = (f"a = {_shown(a)}, b = {_shown(b)} (match 1, mismatch -1, gap open -3, gap extend -1): the one-table "
                f"recurrence gives {got}, but the alignment {_rows(a, b, words[0])} scores {best}")
        detail = {"seq1": a, "seq2": b, "match": 1, "mismatch": -1, "gap_open": -3, "gap_extend": -1,
                  "recurrence": got, "optimum": best, "optimal_alignment": _rows(a, b, words[0]).split("/")}
    return FalseVariant(
        "dp-optimal", "The one-table recurrence is optimal for affine gaps too (a score that is not additive over "
        "columns: a gap column scores o or e according to the column before it), a gap step scoring e after the "
        "neighbour's kept gap arrow and o otherwise.",
        "The proof's comparison of the recurrence's H_nm with the optimum of every enumerated alignment, over every "
        "pair of sequences of length 0-4 over {A, C}, scored with affine gaps.", text, detail, n)


# --------------------------------------------------------------------- delannoy-count
def _delannoy(n: int, m: int) -> int:
    """D(n, m) by its recurrence."""
    @lru_cache(maxsize=None)
    def D(i, j):
        return 1 if i == 0 or j == 0 else D(i - 1, j) + D(i, j - 1) + D(i - 1, j - 1)
    return D(n, m)


def _closed(n, m):
    """Σ_k C(n, k) C(m, k) 2^k, k = 0..m, in SymPy (n may be a symbol; m a number)."""
    import sympy as sp
    return sp.Add(*[sp.binomial(n, k) * sp.binomial(m, k) * sp.Integer(2) ** k for k in range(m + 1)])


def _counted_claim(formula):
    """The claim "the number of enumerated alignments of lengths (n, m) is formula(n, m)"."""
    return lambda case: len(_alignments(*case)) == formula(*case)


def _recurrence_holds(case) -> bool:
    n, m = case
    A = lambda i, j: len(_alignments(i, j))  # noqa: E731
    if n == 0 or m == 0:
        return A(n, m) == 1
    return A(n, m) == A(n - 1, m) + A(n, m - 1) + A(n - 1, m - 1)


def _delannoy_count():
    import sympy as sp
    from ..model import Display, Prose, Step, Table, checked
    from ..result import Result
    small = [(n, m) for n in range(6) for m in range(6)]
    bad_rec, n_rec = search(small, _recurrence_holds)
    bad_cnt, n_cnt = search(small, _counted_claim(_delannoy))
    n_sym, k = sp.Symbol("n", integer=True, nonnegative=True), sp.Symbol("k", integer=True, nonnegative=True)

    def symbolic(mm) -> bool:
        S = lambda nn, j: _closed(nn, j)  # noqa: E731
        diff = S(n_sym, mm) - S(n_sym - 1, mm) - S(n_sym, mm - 1) - S(n_sym - 1, mm - 1)
        return sp.expand(sp.expand_func(diff)) == 0 and sp.expand(sp.expand_func(S(0, mm))) == 1

    bad_sym, n_symb = search(range(1, 7), symbolic)
    bad_bd, n_bd = search(range(13), lambda nn: _closed(nn, 0) == 1 and _closed(0, nn) == 1)
    grid = [(n, m) for n in range(1, 13) for m in range(1, 13)]
    bad_num, n_num = search(grid, lambda c: _closed(c[0], c[1]) - _closed(c[0] - 1, c[1]) - _closed(c[0], c[1] - 1)
                            - _closed(c[0] - 1, c[1] - 1) == 0)
    full = [(n, m) for n in range(13) for m in range(13)]
    bad_eq, n_eq = search(full, lambda c: _closed(*c) == _delannoy(*c))
    n, m = sp.symbols("n m", integer=True, nonnegative=True)
    Dnm = sp.Function("D")
    table = Table([""] + [f"m = {j}" for j in range(6)],
                  [[f"n = {i}"] + [str(len(_alignments(i, j))) for j in range(6)] for i in range(6)],
                  caption=("The number of enumerated alignments of lengths n and m.",))
    steps = [
        Step(Prose(("The Delannoy numbers: ", math(r"D(n, 0) = D(0, m) = 1", "D(n, 0) = D(0, m) = 1"), " and ",
                    math(r"D(n, m) = D(n-1, m) + D(n, m-1) + D(n-1, m-1)",
                         "D(n, m) = D(n-1, m) + D(n, m-1) + D(n-1, m-1)"),
                    " for n, m ≥ 1. Let ", math(r"A(n, m)", "A(n, m)"),
                    " be the number of global alignments (column sequences) of sequences of lengths n and m.")),
             why="The Delannoy numbers and the count.", role="definition"),
        Step(Prose(("An alignment of a sequence with the empty one is all gap columns: ",
                    math(r"A(n, 0) = A(0, m) = 1", "A(n, 0) = A(0, m) = 1"),
                    ". For n, m ≥ 1 the last column is ", math(r"(a_n, b_m)", "(a_n, b_m)"), ", ",
                    math(r"(a_n, -)", "(a_n, -)"), " or ", math(r"(-, b_m)", "(-, b_m)"),
                    ", and what precedes it is any alignment of the remaining prefixes, so ",
                    math(r"A(n, m) = A(n-1, m-1) + A(n-1, m) + A(n, m-1)",
                         "A(n, m) = A(n-1, m-1) + A(n-1, m) + A(n, m-1)"), ".")),
             why="Split off the last column.",
             check=checked(f"exhaustively for 0 ≤ n, m ≤ 5 ({n_rec} cases), the counts taken from {_ENUM}",
                           bad_rec is None)),
        Step(table, why="A and D satisfy the same recurrence with the same boundary, so by induction on n + m "
                        "A(n, m) = D(n, m).",
             check=checked(f"the enumerated counts equal D(n, m) computed by its recurrence for 0 ≤ n, m ≤ 5 "
                           f"({n_cnt} cases)", bad_cnt is None)),
        Step(Display(sp.Eq(sp.Function("S")(n, m), sp.Sum(sp.binomial(n, k) * sp.binomial(m, k) * 2 ** k,
                                                           (k, 0, sp.Min(n, m))))),
             why=("The closed form. Its boundary: for m = 0 only k = 0 contributes, ",
                  math("S(n, 0) = 1", "S(n, 0) = 1"), ", and likewise ", math("S(0, m) = 1", "S(0, m) = 1"), "."),
             check=checked(f"S(n, 0) = S(0, n) = 1 evaluated exactly (SymPy binomials) for 0 ≤ n ≤ 12 ({n_bd} cases)",
                           bad_bd is None)),
        Step(Prose(("S satisfies the Delannoy recurrence. By Pascal's rule ",
                    math(r"\binom{n}{k} - \binom{n-1}{k} = \binom{n-1}{k-1}", "C(n,k) - C(n-1,k) = C(n-1,k-1)"),
                    ", ", math(r"S(n, m) - S(n-1, m) = \sum_k \binom{n-1}{k-1}\binom{m}{k} 2^k",
                               "S(n, m) - S(n-1, m) = Σ_k C(n-1,k-1) C(m,k) 2^k"),
                    "; splitting ", math(r"\binom{m}{k} = \binom{m-1}{k} + \binom{m-1}{k-1}",
                                         "C(m,k) = C(m-1,k) + C(m-1,k-1)"),
                    " and shifting k in the second part gives ",
                    math(r"\sum_k \left[\binom{n-1}{k-1} + 2\binom{n-1}{k}\right] \binom{m-1}{k} 2^k",
                         "Σ_k [C(n-1,k-1) + 2 C(n-1,k)] C(m-1,k) 2^k"),
                    ", which is ", math(r"S(n, m-1) + S(n-1, m-1)", "S(n, m-1) + S(n-1, m-1)"),
                    " (Pascal's rule again on ", math(r"\binom{n}{k}", "C(n,k)"), ").")),
             why="Pascal's rule, twice.",
             check=checked(f"symbolically in SymPy: with n a symbol, S(n, m) - S(n-1, m) - S(n, m-1) - "
                           f"S(n-1, m-1) expands (expand_func of the binomials) to 0 for each m = 1..6 "
                           f"({n_symb} identities in n), and S(0, m) = 1 likewise; exactly, as SymPy integer "
                           f"sums, for all 1 ≤ n, m ≤ 12 ({n_num} cases)", bad_sym is None and bad_num is None)),
        Step(Display(sp.Eq(Dnm(n, m), sp.Sum(sp.binomial(n, k) * sp.binomial(m, k) * 2 ** k, (k, 0, sp.Min(n, m))))),
             why=("S and D satisfy one recurrence with one boundary, so S = D by induction on n + m; with the "
                  "count, the number of global alignments is ", math("D(n, m)", "D(n, m)"), "."),
             check=checked(f"the closed form (SymPy binomials, exact) equals D(n, m) by its recurrence for all 0 ≤ n, m ≤ 12 "
                           f"({n_eq} cases), and the enumerated counts for n, m ≤ 5 (step 3)", bad_eq is None)),
    ]
    return Result(kind="theorem.delannoy_count", title="The number of global alignments is a Delannoy number",
                  theorem=("The number of global alignments of sequences of lengths n and m is the Delannoy number ",
                           math(r"D(n, m) = \sum_{k} \binom{n}{k}\binom{m}{k} 2^k",
                                "D(n, m) = Σ_k C(n, k) C(m, k) 2^k"), ", where ",
                           math(r"D(n, m) = D(n-1, m) + D(n, m-1) + D(n-1, m-1)",
                                "D(n, m) = D(n-1, m) + D(n, m-1) + D(n-1, m-1)"), " and ",
                           math(r"D(n, 0) = D(0, m) = 1", "D(n, 0) = D(0, m) = 1"), "."),
                  steps=steps)


def _delannoy_false() -> FalseVariant:
    from math import comb
    small = [(n, m) for n in range(6) for m in range(6)]
    case, k = search(small, _counted_claim(lambda n, m: comb(n + m, n)))
    text, detail = None, {}
    if case is not None:
        n, m = case
        words = _alignments(n, m)
        a, b = "ACGTAC"[:n], "CATGCA"[:m]
        text = (f"n = {n}, m = {m}: there are {len(words)} alignments ("
                + ", ".join(_rows(a, b, w) for w in words[:6]) + (", ..." if len(words) > 6 else "")
                + f"), not C({n + m}, {n}) = {comb(n + m, n)}: the substitution column is a diagonal step")
        detail = {"n": n, "m": m, "alignments": len(words), "claimed": comb(n + m, n),
                  "examples": [_rows(a, b, w) for w in words[:6]]}
    return FalseVariant("delannoy-count", "The number of global alignments of lengths n and m is C(n + m, n) "
                        "(lattice paths with right and down steps only, no diagonal).",
                        f"The proof's count of {_ENUM}, for 0 ≤ n, m ≤ 5.", text, detail, k)


# -------------------------------------------------------------------------- sw-floor
@lru_cache(maxsize=None)
def _best_local(a: str, b: str, scoring) -> int:
    """The best global score of any pair of substrings (the empty pair scoring 0), by enumeration."""
    subs = lambda s: {s[i:j] for i in range(len(s) + 1) for j in range(i, len(s) + 1)}  # noqa: E731
    return max(_optimum(x, y, scoring)[0] for x in subs(a) for y in subs(b))


def _best_suffixes(a: str, b: str, scoring) -> int:
    """The best global score of a suffix of a with a suffix of b (the empty pair scoring 0), by enumeration."""
    return max(_optimum(a[i:], b[j:], scoring)[0] for i in range(len(a) + 1) for j in range(len(b) + 1))


def _sw_cells(case) -> bool:
    """Every cell of the floored table is the best alignment of a suffix of a_1..a_i with one of b_1..b_j."""
    a, b, scoring = case
    H = _sw_table(a, b, scoring)
    return all(H[i][j] == _best_suffixes(a[:i], b[:j], scoring)
               for i in range(len(a) + 1) for j in range(len(b) + 1))


def _table_max_claim(table):
    """The claim "the maximum over the cells of the table is the best local alignment"."""
    def claim(case) -> bool:
        a, b, scoring = case
        return max(v for row in table(a, b, scoring) for v in row) == _best_local(a, b, scoring)
    return claim


def _sw_score_claim(case) -> bool:
    a, b, scoring = case
    return _aligner(scoring, "local").score(a, b) == _best_local(a, b, scoring)


def _sw_floor():
    from ..model import Prose, Step, checked
    from ..result import Result
    bad_cells, n_cells = search(_cases(), _sw_cells)
    bad_max, n_max = search(_cases(), _table_max_claim(_sw_table))
    bad_score, n_score = search(_cases(), _sw_score_claim)
    steps = [
        Step(Prose(("A local alignment of a and b is a global alignment of a substring ",
                    math(r"a_{i'+1} \dots a_i", "a_(i'+1)..a_i"), " of a with a substring ",
                    math(r"b_{j'+1} \dots b_j", "b_(j'+1)..b_j"), " of b; the empty pair is allowed and scores 0. "
                    "The best local score is ", math(r"\max_{i' \le i,\ j' \le j} \mathrm{OPT}(a_{i'+1..i}, "
                                                     r"b_{j'+1..j})", "max over i' ≤ i, j' ≤ j of "
                                                     "OPT(a_(i'+1..i), b_(j'+1..j))"), ".")),
             why="The best local alignment.", role="definition"),
        Step(Prose(("Scores are additive (linear gaps g < 0), and the Smith-Waterman recurrence floors every "
                    "cell at 0: ", math(r"H_{ij} = \max\{0,\ H_{i-1,j-1} + s(a_i, b_j),\ H_{i-1,j} + g,\ "
                                        r"H_{i,j-1} + g\}", "H_ij = max{0, H_(i-1,j-1) + s(a_i, b_j), "
                                        "H_(i-1,j) + g, H_(i,j-1) + g}"), ", ",
                    math("H_{i0} = H_{0j} = 0", "H_i0 = H_0j = 0"), ".")),
             why="The premises and the recurrence.", role="premise"),
        Step(Prose(("By induction on i + j, ", math("H_{ij}", "H_ij"),
                    " is the best score of an alignment of a suffix of ", math(r"a_1 \dots a_i", "a_1..a_i"),
                    " with a suffix of ", math(r"b_1 \dots b_j", "b_1..b_j"), " (0 for the empty pair): the "
                    "0 term is the empty pair, where a new alignment may start; the other terms are the "
                    "non-empty pairs split at their last column, as in the global case (additivity).")),
             why="What a cell holds.",
             check=checked(f"every cell of the project's local table (numerics.alignment ReferenceAligner, "
                           f"mode local) equals the best enumerated global score over the suffix pairs of its "
                           f"prefixes, exhaustively over {_FAMILY} ({n_cells:,} tables; {_ENUM})",
                           bad_cells is None)),
        Step(Prose(("Every pair of substrings is a pair of suffixes of some pair of prefixes, so ",
                    math(r"\max_{i,j} H_{ij}", "max over i, j of H_ij"),
                    " is the best local score; without the floor a cell holds only alignments of whole prefixes, "
                    "which must start at ", math("(0, 0)", "(0, 0)"), ".")),
             why="Maximise over the cells.",
             check=checked(f"the maximum over the cells of the project's local table, and its local score, equal "
                           f"the best enumerated global score over all pairs of substrings for {_FAMILY} "
                           f"({n_max:,} and {n_score:,} cases)", bad_max is None and bad_score is None)),
    ]
    return Result(kind="theorem.sw_floor", title="The 0 floor makes Smith-Waterman return the best local alignment",
                  theorem=("With additive scores, the maximum over the cells of the Smith-Waterman table (the "
                           "recurrence floored at 0) is the best global score over all pairs of substrings of a "
                           "and b, the empty pair scoring 0: ",
                           math(r"\max_{i,j} H_{ij} = \max_{x \sqsubseteq a,\ y \sqsubseteq b} \mathrm{OPT}(x, y)",
                                "max over i, j of H_ij = max over substrings x of a, y of b of OPT(x, y)"), "."),
                  steps=steps)


def _sw_floor_false() -> FalseVariant:
    case, n = search(_cases(), _table_max_claim(_nw_table))
    text, detail = None, {}
    if case is not None:
        a, b, scoring = case
        got = max(v for row in _nw_table(a, b, scoring) for v in row)
        best = _best_local(a, b, scoring)
        text = (f"a = {_shown(a)}, b = {_shown(b)} (match/mismatch/gap {'/'.join(map(str, scoring))}): the "
                f"maximum over the cells of the Needleman-Wunsch table is {got}, but the best local alignment "
                f"scores {best}")
        detail = {"seq1": a, "seq2": b, "scoring": dict(zip(("match", "mismatch", "gap"), scoring)),
                  "table_max": got, "best_local": best}
    return FalseVariant("sw-floor", "Without the floor, the maximum over the cells of the recurrence (the "
                        "Needleman-Wunsch table) is the best local alignment.",
                        f"The proof's comparison of the maximum over a table's cells with the best enumerated "
                        f"global score over all pairs of substrings, over {_FAMILY}.", text, detail, n)


THEOREMS = [
    Theorem("dp-optimal", "align", "With additive scores, the Needleman-Wunsch recurrence gives the optimal "
            "alignment score (optimal substructure).", _dp_optimal, _dp_optimal_false),
    Theorem("delannoy-count", "align", "The number of global alignments of lengths n and m is the Delannoy "
            "number D(n, m) = Σ_k C(n, k) C(m, k) 2^k.", _delannoy_count, _delannoy_false),
    Theorem("sw-floor", "align", "The 0 floor makes Smith-Waterman return the best local alignment: max over "
            "cells = best score over all pairs of substrings.", _sw_floor, _sw_floor_false),
]
