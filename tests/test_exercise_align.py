"""Generated alignment exercises (workedout exercise align): every stated property, the sizes and the
number of steps, determinism, and the answer key against Biopython's PairwiseAligner.

The independent side is written here: Biopython gives the score, the co-optimal alignments (as their
coordinates) and their number; the ties are recomputed from the key's own table, cell by cell, with
the scoring read from the givens. Nothing here calls the generator's own checks.
"""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.exercise import LEVELS, GenerationError, exercise

Bio = pytest.importorskip("Bio")
from Bio.Align import PairwiseAligner, substitution_matrices  # noqa: E402

SEEDS = range(30)
SHAPES = [("global", "linear"), ("global", "affine"), ("local", "linear"), ("local", "affine"),
          ("semiglobal", "linear"), ("semiglobal", "affine")]
SIZES = {"easy": (7, 5), "exam": (8, 6), "hard": (11, 9)}
# numbered steps of the worked solution: linear gaps / affine gaps (one step fewer: no count grid)
STEPS = {"easy": 18, "exam": 19, "hard": 22}
_BLOSUM62 = None


# ------------------------------------------------------------------------------ the independent side
def _blosum62():
    global _BLOSUM62
    if _BLOSUM62 is None:
        _BLOSUM62 = substitution_matrices.load("BLOSUM62")
    return _BLOSUM62


def substitution(givens):
    """s(x, y) from the givens: match/mismatch, or BLOSUM62 as Biopython ships it."""
    if givens["matrix"] is not None:
        assert givens["matrix"] == "BLOSUM62"
        matrix = _blosum62()
        return lambda x, y: int(matrix[x][y])
    match, mismatch = int(givens["match"]), int(givens["mismatch"])
    return lambda x, y: match if x == y else mismatch


def biopython(givens, *, mode=None, gap_extend="given"):
    """Biopython's aligner of the givens (``mode`` and ``gap_extend`` overridable)."""
    mode = mode or givens["mode"]
    al = PairwiseAligner(mode="local" if mode == "local" else "global")
    if givens["matrix"] is not None:
        al.substitution_matrix = _blosum62()
    else:
        al.match_score, al.mismatch_score = int(givens["match"]), int(givens["mismatch"])
    opening = int(givens["gap_open"])
    extend = givens["gap_extend"] if gap_extend == "given" else gap_extend
    al.open_gap_score = opening
    al.extend_gap_score = opening if extend is None else int(extend)
    if mode == "semiglobal":
        # seq1 is Biopython's target: leading/trailing (x, -) columns are deletions, (-, y) insertions
        for flag, name in zip(givens["free_ends"], ("left_deletion", "right_deletion", "left_insertion",
                                                     "right_insertion")):
            if flag:
                setattr(al, f"open_{name}_score", 0)
                setattr(al, f"extend_{name}_score", 0)
    return al


def coordinates(alignment) -> tuple:
    """Biopython's alignment as its path corners: ((i0, j0), (i1, j1), ...)."""
    c = alignment.coordinates
    return tuple((int(c[0][k]), int(c[1][k])) for k in range(c.shape[1]))


def corners(path) -> tuple:
    """A key alignment's path (every cell) as Biopython's corners: the cells where the move changes."""
    cells = [tuple(p) for p in path]
    steps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(cells, cells[1:])]
    keep = [cells[0]] + [cells[k] for k in range(1, len(steps)) if steps[k] != steps[k - 1]] + [cells[-1]]
    return tuple(keep)


def optimal_set(al, a, b) -> set:
    return {coordinates(x) for x in al.align(a, b)}


def _value(v):
    return -math.inf if v is None else v


def ties_in_table(givens, table) -> bool:
    """Recompute every cell of the key's table from its neighbours (asserting each value) and say whether
    some cell (affine: some state) has two or more candidates attaining its maximum; local mode counts a
    maximum above 0 reached from predecessors above 0."""
    a, b, mode = givens["seq1"], givens["seq2"], givens["mode"]
    n, m = len(a), len(b)
    s = substitution(givens)
    local = mode == "local"
    free = givens["free_ends"] or [False] * 4
    o = int(givens["gap_open"])
    e = o if givens["gap_extend"] is None else int(givens["gap_extend"])

    def vertical_free(j):
        return (j == 0 and free[0]) or (j == m and free[1])

    def horizontal_free(i):
        return (i == 0 and free[2]) or (i == n and free[3])

    def attained(cands, value):
        if local and not value > 0:
            return 0
        return sum(1 for u, w in cands if u != -math.inf and (not local or u > 0) and u + w == value)

    tie = False
    if givens["gap_extend"] is None:
        H = [[_value(v) for v in row] for row in table]
        assert H[0][0] == 0
        for i in range(n + 1):
            for j in range(m + 1):
                if (i, j) == (0, 0) or (local and (i == 0 or j == 0)):
                    if local:
                        assert H[i][j] == 0
                    continue
                cands = []
                if i and j:
                    cands.append((H[i - 1][j - 1], s(a[i - 1], b[j - 1])))
                if i:
                    cands.append((H[i - 1][j], 0 if vertical_free(j) else o))
                if j:
                    cands.append((H[i][j - 1], 0 if horizontal_free(i) else o))
                best = max([u + w for u, w in cands] + ([0] if local else []))
                assert H[i][j] == best, (i, j)
                tie = tie or attained(cands, best) >= 2
        return tie
    V = [[[_value(v) for v in row] for row in table[k]] for k in "MXY"]
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) == (0, 0) or (local and (i == 0 or j == 0)):
                continue
            if i and j:
                w = s(a[i - 1], b[j - 1])
                preds = [V[r][i - 1][j - 1] for r in range(3)]
                value = max(preds + ([0] if local else [])) + w
                assert V[0][i][j] == value, ("M", i, j)
                tie = tie or attained([(u, w) for u in preds], value) >= 2
            if i:
                oo, ee = (0, 0) if vertical_free(j) else (o, e)
                cands = [(V[0][i - 1][j], oo), (V[1][i - 1][j], ee), (V[2][i - 1][j], oo)]
                value = max(u + w for u, w in cands)
                assert V[1][i][j] == value, ("X", i, j)
                tie = tie or (value != -math.inf and attained(cands, value) >= 2)
            if j:
                oo, ee = (0, 0) if horizontal_free(i) else (o, e)
                cands = [(V[0][i][j - 1], oo), (V[1][i][j - 1], oo), (V[2][i][j - 1], ee)]
                value = max(u + w for u, w in cands)
                assert V[2][i][j] == value, ("Y", i, j)
                tie = tie or (value != -math.inf and attained(cands, value) >= 2)
    return tie


def independent_properties(givens, key) -> set:
    """The vocabulary's properties that hold, by Biopython and by the key's table recomputed."""
    a, b = givens["seq1"], givens["seq2"]
    al = biopython(givens)
    count = len(al.align(a, b))
    found = {"co-optimal-one" if count == 1 else "co-optimal-several"}
    if ties_in_table(givens, key["table"]):
        found.add("tie")
    if givens["mode"] == "local":
        n, m = len(a), len(b)
        if al.score(a, b) > 0 and all(c[0] != (0, 0) or c[-1] != (n, m) for c in optimal_set(al, a, b)):
            found.add("local-not-whole")
    if givens["mode"] == "semiglobal" and al.score(a, b) > biopython(givens, mode="global").score(a, b):
        found.add("end-gaps-matter")
    if givens["gap_extend"] is not None:
        if optimal_set(al, a, b) != optimal_set(biopython(givens, gap_extend=None), a, b):
            found.add("affine-differs")
    return found


def check_key(e) -> None:
    """The key against Biopython: the score, the number of co-optimal alignments, the alignments themselves."""
    g, key = e.givens, e.key
    al = biopython(g)
    a, b = g["seq1"], g["seq2"]
    assert key["score"] == al.score(a, b)
    found = optimal_set(al, a, b)
    assert key["n_optimal"] == len(al.align(a, b)) == len(found) == len(key["alignments"])
    assert {corners(x["path"]) for x in key["alignments"]} == found
    assert all(x["score"] == key["score"] for x in key["alignments"])


def check_exercise(e, mode="global", gaps="linear", co_optimal=None, alphabet="dna") -> None:
    """Everything one exercise guarantees, checked independently."""
    g = e.givens
    n, m = SIZES[e.level]
    assert list(g) == ["seq1", "seq2", "mode", "match", "mismatch", "gap_open", "gap_extend", "free_ends", "matrix"]
    assert (len(g["seq1"]), len(g["seq2"])) == (n, m)
    assert e.sizes == {"seq1": n, "seq2": m, "table": [n + 1, m + 1], "matrices": 1 if gaps == "linear" else 3}
    assert g["mode"] == mode and (g["gap_extend"] is None) == (gaps == "linear")
    assert set(g["seq1"] + g["seq2"]) <= set("ACGT" if alphabet == "dna" else "ACDEFGHIKLMNPQRSTVWY")
    assert (g["matrix"] == "BLOSUM62") == (alphabet == "protein") and (g["match"] is None) == (alphabet == "protein")
    assert (g["free_ends"] is not None) == (mode == "semiglobal")
    for name in ("match", "mismatch", "gap_open", "gap_extend"):
        assert g[name] is None or (isinstance(g[name], str) and int(g[name]) == int(g[name]))
    assert int(g["gap_open"]) < 0 and (g["gap_extend"] is None or int(g["gap_open"]) < int(g["gap_extend"]) < 0)
    stated = set(e.properties)
    assert stated == independent_properties(g, e.key), (e.seed, stated)
    assert "tie" in stated
    assert {"local": "local-not-whole", "semiglobal": "end-gaps-matter"}.get(mode, "tie") in stated
    assert gaps == "linear" or "affine-differs" in stated
    if co_optimal is not None:
        assert f"co-optimal-{co_optimal}" in stated
    check_key(e)
    steps = STEPS[e.level] - (gaps == "affine")
    assert len(e.solution.numbered_steps()) == steps


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def made():
    """Exercises, made once: made(seed, level, **options)."""
    cache = {}

    def get(seed, level="exam", **options):
        k = (seed, level, tuple(sorted(options.items())))
        if k not in cache:
            cache[k] = exercise("align", seed=seed, level=level, **options)
        return cache[k]
    return get


# ------------------------------------------------------------------------------ the tests
def test_the_independent_side_tells_cases_apart():
    # CAC/CGC local: four one-column C/C alignments, none whole; AC/AC global: one, no tie
    g = {"seq1": "CAC", "seq2": "CGC", "mode": "local", "match": "1", "mismatch": "-1", "gap_open": "-1",
         "gap_extend": None, "free_ends": None, "matrix": None}
    al = biopython(g)
    assert len(al.align("CAC", "CGC")) == 4
    table = [[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]
    assert independent_properties(g, {"table": table}) == {"co-optimal-several", "local-not-whole"}
    g2 = dict(g, seq1="AC", seq2="AC", mode="global")
    assert independent_properties(g2, {"table": [[0, -1, -2], [-1, 1, 0], [-2, 0, 2]]}) == {"co-optimal-one"}
    # A/AA global, gap -1: H(1,2) = max(diag 0 + 1 - ... ) has the tie diag (0 - 1) vs left (1 - 1)
    g3 = dict(g2, seq1="A", seq2="AA")
    assert independent_properties(g3, {"table": [[0, -1, -2], [-1, 1, 0]]}) == {"co-optimal-several", "tie"}
    with pytest.raises(AssertionError):     # a wrong cell in the key's table is caught
        ties_in_table(g2, [[0, -1, -2], [-1, 1, 0], [-2, 0, 3]])
    assert corners([[0, 0], [1, 1], [2, 2], [2, 3], [3, 4]]) == ((0, 0), (2, 2), (2, 3), (3, 4))


@pytest.mark.parametrize("level", LEVELS)
def test_default_exercises_hold_their_properties_and_agree_with_biopython(made, level):
    seeds = SEEDS if level == "exam" else range(10)
    for seed in seeds:
        check_exercise(made(seed, level))


@pytest.mark.parametrize("mode,gaps", SHAPES[1:])
def test_every_mode_and_gap_model(made, mode, gaps):
    for seed in range(4):
        check_exercise(made(seed, "exam", mode=mode, gaps=gaps), mode, gaps)
    check_exercise(made(0, "easy", mode=mode, gaps=gaps), mode, gaps)
    check_exercise(made(0, "hard", mode=mode, gaps=gaps), mode, gaps)


@pytest.mark.parametrize("co_optimal", ["one", "several"])
def test_the_co_optimal_option_makes_its_property_required(made, co_optimal):
    for seed, (mode, gaps) in enumerate(SHAPES):
        check_exercise(made(seed, "exam", mode=mode, gaps=gaps, co_optimal=co_optimal), mode, gaps, co_optimal)


def test_protein_exercises_use_blosum62(made):
    for seed, (mode, gaps) in enumerate(SHAPES[:4]):
        e = made(seed, "exam", mode=mode, gaps=gaps, alphabet="protein")
        check_exercise(e, mode, gaps, alphabet="protein")
        assert "BLOSUM62" in e.question and "--matrix" in e.command


@pytest.mark.parametrize("level", LEVELS)
def test_sizes_and_steps_are_equal_and_variants_distinct(made, level):
    exercises = [made(seed, level) for seed in SEEDS]
    assert len({json.dumps(e.sizes, sort_keys=True) for e in exercises}) == 1
    assert len({len(e.solution.numbered_steps()) for e in exercises}) == 1
    assert len({json.dumps(e.givens, sort_keys=True) for e in exercises}) == len(exercises)
    assert len({(e.givens["seq1"], e.givens["seq2"]) for e in exercises}) == len(exercises)


def test_the_stream_is_pinned(made):
    assert made(0).givens == GOLDEN_0
    assert made(1, "hard", mode="local", gaps="affine").givens == GOLDEN_1
    # the Python API with no options and with the defaults spelled out is one exercise (and the CLI's)
    assert made(0, mode="global", gaps="linear", co_optimal=None, alphabet="dna").givens == GOLDEN_0


GOLDEN_0 = {"seq1": "AATGTCAA", "seq2": "AATCTA", "mode": "global", "match": "1", "mismatch": "-1",
            "gap_open": "-2", "gap_extend": None, "free_ends": None, "matrix": None}
GOLDEN_1 = {"seq1": "CTTATGGCGGC", "seq2": "TATGAGGCG", "mode": "local", "match": "2", "mismatch": "-1",
            "gap_open": "-3", "gap_extend": "-1", "free_ends": None, "matrix": None}


@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(LEVELS), st.sampled_from(SHAPES))
@settings(max_examples=12, deadline=None)
def test_any_seed_gives_an_exercise_with_its_properties(seed, level, shape):
    mode, gaps = shape
    check_exercise(exercise("align", seed=seed, level=level, mode=mode, gaps=gaps), mode, gaps)


def test_bad_python_inputs_name_the_parameter():
    for kw, name in (({"mode": "fitting"}, "mode"), ({"gaps": "convex"}, "gaps"), ({"co_optimal": "two"}, "co_optimal"),
                     ({"alphabet": "rna"}, "alphabet"), ({"stride": 2}, "stride")):
        with pytest.raises(ValueError, match=f"^{name}: "):
            exercise("align", seed=1, **kw)
    with pytest.raises(ValueError, match="level"):
        exercise("align", seed=1, level="medium")
    assert not issubclass(ValueError, GenerationError)


def test_the_question_and_the_quiz_parts(made):
    e = made(3)
    g = e.givens
    for text in (g["seq1"], g["seq2"], f"match +{g['match']}", f"mismatch {g['mismatch']}",
                 f"g = {g['gap_open']}", "co-optimal"):
        assert text in e.question, text
    a = made(3, mode="local", gaps="affine")
    assert "locally" in a.question and f"o = {a.givens['gap_open']}" in a.question and "M, X and Y" in a.question
    parts = e.quiz_parts()
    assert [p.location for p in parts[:2]] == ["score", "n_optimal"]
    n = len(g["seq1"])
    assert [p.location for p in parts[2:]] == [f"table[{n}][{j}]" for j in range(len(g["seq2"]) + 1)]
    for p in parts:
        value = e.key
        for part in p.location.replace("]", "").replace("[", " ").split():
            value = value[int(part)] if part.isdigit() else value[part]
        assert p.value == value
    assert [p.location for p in a.quiz_parts()] == ["score", "n_optimal"]
    assert e.check(e.key).ok and a.check(a.key).ok


def test_the_json_validates_against_the_shipped_schema(made):
    pytest.importorskip("jsonschema")
    from workedout.derivations import schema
    for e in (made(3), made(3, mode="local", gaps="affine"), made(0, "exam", mode="local", gaps="affine",
                                                                  alphabet="protein")):
        schema.validate(e.to_dict())


# ------------------------------------------------------------------------------ the command line


def test_cli_json_solution_check_and_bad_options(run_cli, tmp_path, made):
    status, out, _ = run_cli("exercise", "align", "--seed", "5", "--format", "json")
    assert status == 0
    d = json.loads(out)
    assert list(d) == ["schema", "topic", "seed", "level", "options", "question", "command", "givens", "key",
                       "properties", "sizes", "files"]
    e = made(5)
    assert d["topic"] == "align" and d["seed"] == 5 and d["level"] == "exam" and d["files"] == []
    assert d["givens"] == e.givens and d["properties"] == list(e.properties) and d["key"] == e.key
    assert d["options"] == {"mode": "global", "gaps": "linear", "co_optimal": None, "alphabet": "dna"}
    status, out, _ = run_cli("exercise", "align", "--seed", "5", "--solution")
    assert status == 0 and "The table, cell by cell" in out and "Score, count and tracebacks" in out
    status, out, _ = run_cli("exercise", "align", "--seed", "5")
    assert status == 0 and e.question.split(",")[0] in " ".join(out.split()) and "cell by cell" not in out

    right, wrong = tmp_path / "right.json", tmp_path / "wrong.json"
    right.write_text(json.dumps({k: d["key"][k] for k in ("score", "n_optimal", "table")}))
    wrong.write_text(json.dumps({"score": d["key"]["score"] + 1, "n_optimal": d["key"]["n_optimal"]}))
    status, out, _ = run_cli("exercise", "align", "--seed", "5", "--check", str(right))
    assert status == 0
    status, out, _ = run_cli("exercise", "align", "--seed", "5", "--check", str(wrong))
    assert status == 1 and "score" in out and str(d["key"]["score"]) in out

    status, out, _ = run_cli("exercise", "align", "--seed", "7", "--mode", "local", "--gaps", "affine",
                         "--co-optimal", "several", "--format", "json")
    assert status == 0
    d = json.loads(out)
    assert {"local-not-whole", "affine-differs", "co-optimal-several", "tie"} <= set(d["properties"])
    assert d["givens"] == made(7, mode="local", gaps="affine", co_optimal="several").givens

    for bad, flag in ((["--mode", "fitting"], "--mode"), (["--gaps", "convex"], "--gaps"),
                      (["--co-optimal", "2"], "--co-optimal"), (["--alphabet", "rna"], "--alphabet"),
                      (["--level", "medium"], "--level"), (["--seed", "-1"], "--seed")):
        status, out, err = run_cli("exercise", "align", *bad)
        assert status == 2 and not out and len(err.strip().splitlines()) == 1 and "Traceback" not in err, bad
        assert flag in err, (bad, err)


@pytest.mark.parametrize("seed,options", [(2, ()), (3, ("--mode", "semiglobal", "--gaps", "affine")),
                                          (4, ("--mode", "local", "--alphabet", "protein"))])
def test_the_commands_output_is_the_key(run_cli, tmp_path, monkeypatch, seed, options):
    status, _, _ = run_cli("exercise", "align", "--seed", str(seed), "--level", "hard", *options, "--format", "json",
                       "-o", str(tmp_path / "ex.json"))
    assert status == 0
    d = json.loads((tmp_path / "ex.json").read_text())
    monkeypatch.chdir(tmp_path)
    assert d["command"][:2] == ["workedout", "align"]
    status, out, _ = run_cli(*d["command"][1:], "--format", "json")
    assert status == 0
    worked = json.loads(out)
    from workedout.derivations.model import METADATA_KEYS
    assert {k: v for k, v in worked.items() if k not in METADATA_KEYS} == d["key"]
