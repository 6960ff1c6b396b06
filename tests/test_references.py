"""The pure-Python (and plain-numpy) references that check hand-sized worked results, against the engines.

Issue 17: a hand-sized worked command (``gmm mstep`` on a few points, ``apriori`` on a textbook table,
``prefixspan`` on the paper's database) checks its steps against a small reference in ``numerics/``
instead of the numba engine, so that it loads and compiles no kernel. Nothing loses its independent
check: each reference equals the engine it replaced there, property by property, here.
"""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from workedout.numerics import apriori as apriori_engine
from workedout.numerics import apriori_reference
from workedout.numerics import prefixspan as prefixspan_engine
from workedout.numerics import prefixspan_reference
from workedout.numerics.gmm import m_step
from workedout.numerics.gmm._reference import MAX_REFERENCE_POINTS, m_step_reference
from workedout.numerics.seqdb import from_sequences
from workedout.numerics.transactions import from_transactions

ALLELECTRONICS = [["I1", "I2", "I5"], ["I2", "I4"], ["I2", "I3"], ["I1", "I2", "I4"], ["I1", "I3"], ["I2", "I3"],
                  ["I1", "I3"], ["I1", "I2", "I3", "I5"], ["I1", "I2", "I3"]]
PAPER = [[["a"], ["a", "b", "c"], ["a", "c"], ["d"], ["c", "f"]], [["a", "d"], ["c"], ["b", "c"], ["a", "e"]],
         [["e", "f"], ["a", "b"], ["d", "f"], ["c"], ["b"]], [["e"], ["g"], ["a", "f"], ["c"], ["b"], ["c"]]]


# ------------------------------------------------------------------ gmm mstep
@st.composite
def responsibilities(draw):
    n, d, K = draw(st.integers(1, 8)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    X = np.array([[draw(st.floats(-50, 50, allow_nan=False)) for _ in range(d)] for _ in range(n)])
    raw = np.array([[draw(st.floats(0, 1)) for _ in range(K)] for _ in range(n)]) + 1e-3
    return X, raw / raw.sum(axis=1, keepdims=True)


@settings(max_examples=80, deadline=None)
@given(responsibilities(), st.sampled_from(["full", "tied", "diag", "spherical"]))
def test_m_step_reference_equals_the_engine(case, covariance_type):
    X, R = case
    for mine, engine in zip(m_step_reference(X, R, covariance_type), m_step(X, R, covariance_type)):
        assert mine.shape == engine.shape
        np.testing.assert_allclose(mine, engine, rtol=1e-9, atol=1e-9)


def test_m_step_reference_refuses_bad_input():
    with pytest.raises(ValueError, match="covariance_type: 'round' is not a covariance type"):
        m_step_reference([[0.0]], [[1.0]], "round")
    with pytest.raises(ValueError, match="resp: expected shape"):
        m_step_reference([[0.0], [1.0]], [[1.0]], "full")


def test_the_worked_mstep_names_its_reference():
    from workedout.derivations.gmm import mstep
    r = mstep([[0, 0], [1, 0], [4, 4]], [[1, 0], ["4/5", "1/5"], [0, 1]], covariance="full")
    hows = [s.check.how for _, s in r.numbered_steps() if s.check]
    assert any("numerics.gmm.m_step_reference" in h for h in hows)
    assert not any("numerics.gmm.m_step'" in h for h in hows)
    assert MAX_REFERENCE_POINTS >= 12  # every worked table (MAX_TABLE_ROWS) is checked by the reference


# ------------------------------------------------------------------ apriori
databases = st.lists(st.lists(st.sampled_from("abcdef"), max_size=5), min_size=1, max_size=12)


@settings(max_examples=80, deadline=None)
@given(databases, st.integers(1, 4), st.sampled_from([None, 1, 2, 3]))
def test_apriori_reference_equals_the_engine(transactions, s, max_len):
    db = from_transactions(transactions)
    assert apriori_reference.is_hand_sized(db)
    mine, engine = (apriori_reference.apriori_levels(db, s, max_len=max_len),
                    apriori_engine.apriori_levels(db, s, max_len=max_len))
    assert [(lv.k, lv.joined, lv.candidates, lv.pruned, lv.frequent) for lv in mine] == \
        [(lv.k, lv.joined, lv.candidates, lv.pruned, lv.frequent) for lv in engine]
    fp = apriori_engine.frequent_itemsets(db, s, max_len=max_len, algorithm="fpgrowth")
    assert apriori_reference.frequent_itemsets(db, s, max_len=max_len, algorithm="apriori") == fp
    assert apriori_reference.frequent_itemsets(db, s, max_len=max_len, algorithm="eclat") == fp
    e, m = apriori_engine.count_candidates(db, s, max_len=max_len), apriori_reference.count_candidates(
        db, s, max_len=max_len)
    assert (m.candidates, m.frequent, m.rules, m.complete) == (e.candidates, e.frequent, e.rules, e.complete)
    for c in (0, "1/2", "0.7", 1):
        assert [tuple(vars(r).values()) for r in apriori_reference.association_rules(fp, db.n_transactions, c)] == \
            [tuple(vars(r).values()) for r in apriori_engine.association_rules(fp, db.n_transactions, c)]
    for itemset in (("a",), ("a", "b"), ("c", "d", "e")):
        assert apriori_reference.support_count(db, itemset) == apriori_engine.support_count(db, itemset)


def test_apriori_reference_on_allelectronics():
    db = from_transactions(ALLELECTRONICS)
    levels = apriori_reference.apriori_levels(db, 2)
    assert levels[2].frequent == {("I1", "I2", "I3"): 2, ("I1", "I2", "I5"): 2}
    assert set(levels[2].pruned) == {("I1", "I3", "I5"), ("I2", "I3", "I4"), ("I2", "I3", "I5"),
                                     ("I2", "I4", "I5")}


def test_hand_sized_databases_only():
    assert apriori_reference.is_hand_sized(from_transactions(ALLELECTRONICS))
    assert not apriori_reference.is_hand_sized(from_transactions([[f"i{k}"] for k in range(13)]))
    assert not apriori_reference.is_hand_sized(from_transactions([["a"]] * 41))
    assert prefixspan_reference.is_hand_sized(from_sequences(PAPER))
    assert not prefixspan_reference.is_hand_sized(from_sequences([[["a"]]] * 31))


# ------------------------------------------------------------------ prefixspan
sequences = st.lists(st.lists(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3), min_size=1, max_size=5),
                     min_size=1, max_size=6)
patterns = st.lists(st.lists(st.sampled_from("abcd"), min_size=1, max_size=2), min_size=1, max_size=3)


@settings(max_examples=80, deadline=None)
@given(sequences, st.integers(1, 3), st.sampled_from([None, 1, 2, 3]), patterns)
def test_prefixspan_reference_equals_the_engine(db, s, max_length, prefix):
    data = from_sequences(db)
    assert prefixspan_reference.is_hand_sized(data)
    for closed in (False, True):
        assert prefixspan_reference.prefixspan(data, s, max_length=max_length, closed=closed) == \
            prefixspan_engine.prefixspan(data, s, max_length=max_length, closed=closed)
    assert prefixspan_reference.count_patterns(data, s, max_length=max_length) == \
        prefixspan_engine.count_patterns(data, s, max_length=max_length)
    assert prefixspan_reference.count_patterns(data, s, max_length=max_length, stop_after=2) == \
        prefixspan_engine.count_patterns(data, s, max_length=max_length, stop_after=2)
    prefix = tuple(tuple(sorted(set(a))) for a in prefix)
    mine, engine = prefixspan_reference.Projector(data), prefixspan_engine.Projector(data)
    assert [(p.index, p.suffix, p.partial) for p in mine.projected_database(prefix)] == \
        [(p.index, p.suffix, p.partial) for p in engine.projected_database(prefix)]
    assert mine.extension_supports(prefix) == engine.extension_supports(prefix)
    assert prefixspan_reference.support(data, prefix) == prefixspan_engine.support(data, prefix)


def test_prefixspan_reference_on_the_paper():
    found = dict(prefixspan_reference.prefixspan(from_sequences(PAPER), 2, max_length=2))
    assert found[(("a",), ("b",))] == 4 and found[(("a", "b"),)] == 2 and (("a",), ("g",)) not in found
    projected = prefixspan_reference.Projector(PAPER).projected_database(((("a",)),))
    assert [(p.index, p.suffix[0], p.partial) for p in projected] == [
        (0, ("a", "b", "c"), False), (1, ("d",), True), (2, ("b",), True), (3, ("f",), True)]  # <(_f)cbc>


# ------------------------------------------------------------------ the commands load no numba
FILES = {"ae.txt": "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n",
         "paper.txt": "<a(abc)(ac)d(cf)>\n<(ad)c(bc)(ae)>\n<(ef)(ab)(df)cb>\n<eg(af)cbc>\n",
         "X.csv": "0,0\n1,0\n4,4\n", "R.csv": "1,0\n4/5,1/5\n0,1\n"}
HAND_SIZED = {
    "apriori": ["apriori", "ae.txt", "--min-support", "2", "--min-confidence", "0.7"],
    "apriori-sweep": ["apriori", "ae.txt", "--min-support", "2", "--closed", "--sweep", "2,3", "--format", "json"],
    "prefixspan": ["prefixspan", "paper.txt", "--min-support", "2", "--prefix", "<a>"],
    "prefixspan-all": ["prefixspan", "paper.txt", "--min-support", "2", "--all", "--closed", "--format", "md"],
    "gmm-mstep": ["gmm", "mstep", "--data", "X.csv", "--resp", "R.csv", "--covariance", "full"],
    "gmm-mstep-tied": ["gmm", "mstep", "--data", "X.csv", "--resp", "R.csv", "--covariance", "tied",
                       "--format", "tex"],
}


@pytest.mark.parametrize("argv", list(HAND_SIZED.values()), ids=list(HAND_SIZED))
def test_hand_sized_commands_import_no_numba(argv, tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    code = textwrap.dedent("""
        import contextlib, io, json, sys
        from workedout.derivations.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(json.loads(sys.argv[1]))
        print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
    """)
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(argv)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    assert run["status"] in (0, None)
    modules = set(run["modules"])
    assert "numba" not in modules and "workedout.numerics._jit" not in modules, sorted(
        m for m in modules if m.startswith("workedout.numerics"))


# ------------------------------------------------------------------ align (issue 17: the worked table without numba)
from fractions import Fraction  # noqa: E402
import itertools  # noqa: E402
import math  # noqa: E402

from workedout.numerics import alignment as alignment_engine  # noqa: E402
from workedout.numerics.alignment import _reference as alignment_reference  # noqa: E402

DNA, PROTEIN = "ACGT", "ARNDCQEGHILKMFPSTWYV"
_DECIMALS = [0.5, -0.5, 1.5, -0.7, 2.25, -1.1, 0.1]


@st.composite
def alignment_problems(draw, mode, affine, free_ends=None):
    """A random pair (up to 12 letters, DNA or protein) and a scoring: integer or decimal scores, or BLOSUM62."""
    protein = draw(st.booleans())
    alphabet = PROTEIN if protein else DNA
    x = draw(st.text(st.sampled_from(alphabet), max_size=12))
    y = draw(st.text(st.sampled_from(alphabet), max_size=12))
    kw = {"mode": mode}
    if protein and draw(st.booleans()):
        kw["matrix"] = "BLOSUM62"
    else:
        kw["match"] = draw(st.one_of(st.integers(0, 4), st.sampled_from([d for d in _DECIMALS if d > 0])))
        kw["mismatch"] = draw(st.one_of(st.integers(-4, 1), st.sampled_from(_DECIMALS)))
    gaps = st.one_of(st.integers(-4, 0), st.sampled_from([-0.5, -0.7, -1.5, -0.1]))
    kw["gap_open"] = draw(gaps)
    kw["gap_extend"] = draw(gaps) if affine else None
    if mode == "semiglobal":
        kw["free_ends"] = free_ends if free_ends is not None else draw(
            st.one_of(st.none(), st.tuples(*[st.booleans()] * 4)))
    return x.lower() if draw(st.booleans()) else x, y, kw


def _assert_reference_equals_the_engine(x, y, kw):
    mine, engine = alignment_reference.ReferenceAligner(**kw), alignment_engine.PairwiseAligner(**kw)
    t, e = mine.dp_tables(x, y), engine.dp_tables(x, y)
    for field in ("H", "M", "X", "Y", "arrows"):          # the same numbers and bits, exactly
        assert getattr(t, field).shape == getattr(e, field).shape
        assert np.array_equal(getattr(t, field), getattr(e, field)), field
    assert (t.score, type(t.score), t.mode, t.free_ends, t.seq1, t.seq2) == \
        (e.score, type(e.score), e.mode, e.free_ends, e.seq1, e.seq2)
    assert mine.count(x, y) == engine.count(x, y)
    s, es = mine.score(x, y), engine.score(x, y)
    assert type(s) is type(es)
    # the engine's own score routines sum a border as d*g where the tables add g d times: a few ulps apart
    assert s == es if isinstance(s, int) else math.isclose(s, es, rel_tol=1e-12, abs_tol=1e-12)
    for found in itertools.islice(engine.alignments(x, y), 6):
        assert mine.alignment_score(found.seq1_aligned, found.seq2_aligned) == \
            engine.alignment_score(found.seq1_aligned, found.seq2_aligned)
    for r1, r2 in (("-" + x, y + "-"), (x + "-", "-" + y), (x, y)):
        if len(r1) == len(r2) and not any(a == b == "-" for a, b in zip(r1, r2)):
            assert mine.alignment_score(r1, r2) == engine.alignment_score(r1, r2)


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", ["global", "local", "semiglobal"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_alignment_reference_equals_the_engine(mode, affine, data):
    _assert_reference_equals_the_engine(*data.draw(alignment_problems(mode, affine)))


@pytest.mark.parametrize("free_ends", list(itertools.product([False, True], repeat=4)), ids=lambda f: "".join(
    "TF"[not v] for v in f))
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_alignment_reference_equals_the_engine_for_every_free_end(free_ends, data):
    affine = data.draw(st.booleans())
    _assert_reference_equals_the_engine(*data.draw(alignment_problems("semiglobal", affine, free_ends)))


@pytest.mark.parametrize("x,y,kw,score,count", [
    ("GATTACA", "GCATGCU", {}, 0, 3),
    ("CAC", "CGC", {"mode": "local"}, 1, 4),                       # untrimmable local alignments, as Biopython
    ("", "", {}, 0, 1),
    ("ACG", "", {"gap_open": -2, "gap_extend": -1}, -4, 1),
    ("ACG", "", {"mode": "local"}, 0, 0),
    ("ACGT", "AGT", {"match": 2, "gap_open": -3, "gap_extend": -1}, 3, 1),
])
def test_alignment_reference_by_hand(x, y, kw, score, count):
    mine = alignment_reference.ReferenceAligner(**kw)
    assert (mine.score(x, y), mine.count(x, y)) == (score, count)
    assert type(mine.score(x, y)) is int


def test_alignment_reference_keeps_the_kernels_arrow_bits():
    from workedout.numerics.alignment import _kernels
    names = ["M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START", "X_FROM_M", "X_FROM_X", "X_FROM_Y",
             "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END"]
    assert {n: getattr(alignment_reference, n) for n in names} == {n: getattr(_kernels, n) for n in names}
    assert len({getattr(alignment_reference, n) for n in names}) == len(names)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2]), max_size=10), st.tuples(*[st.booleans()] * 4))
def test_semiglobal_ranges_reference_equals_the_engine(ops, free_ends):
    assert alignment_reference.semiglobal_ranges(ops, free_ends) == alignment_engine.semiglobal_ranges(ops, free_ends)
    assert alignment_reference.semiglobal_ranges(np.array(ops, dtype=np.int8), free_ends) == \
        alignment_engine.semiglobal_ranges(ops, free_ends)


@pytest.mark.parametrize("kw", [dict(mode="fuzzy"), dict(gap_open=2), dict(gap_open=-1, gap_extend=1),
                                dict(match="1"), dict(match=float("nan")), dict(mode="global", free_ends=(True,) * 4),
                                dict(mode="semiglobal", free_ends=(True, False)), dict(matrix="BLOSUM62", match=2),
                                dict(matrix="NOSUCH")])
def test_alignment_reference_refuses_what_the_engine_refuses(kw):
    with pytest.raises((ValueError, TypeError)) as engine_error:
        alignment_engine.PairwiseAligner(**kw)
    with pytest.raises(type(engine_error.value)) as mine:
        alignment_reference.ReferenceAligner(**kw)
    assert str(mine.value) == str(engine_error.value)


@pytest.mark.parametrize("call,message", [
    (lambda a: a.score("A" * 41, "AC"), "seq1: 41 letters; the pure-Python reference takes at most 40"),
    (lambda a: a.dp_tables("AC", "C" * 50), "seq2: 50 letters; the pure-Python reference takes at most 40"),
    (lambda a: a.count("A-C", "AC"), "seq1: character '-' at position 2 is the gap symbol"),
    (lambda a: a.alignment_score("A-", "-C-"), "seq2_aligned: length 3 differs from seq1_aligned's length 2"),
    (lambda a: a.alignment_score("A-", "C-"), "seq1_aligned: column 2 is '-' over '-'"),
    (lambda a: a.alignment_score(["A"], "C"), "seq1_aligned: expected str, got list"),
])
def test_alignment_reference_refuses_bad_sequences(call, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(")):
        call(alignment_reference.ReferenceAligner())
    assert alignment_reference.is_hand_sized("A" * 40, "") and not alignment_reference.is_hand_sized("A" * 41, "")


def test_alignment_reference_names_a_letter_outside_the_matrix():
    with pytest.raises(ValueError, match="seq2: letter 'J' at position 3 is not in matrix BLOSUM62"):
        alignment_reference.ReferenceAligner(matrix="BLOSUM62").score("ACD", "ACJD")


# ------------------------------------------------------------------ the edit graph's Bellman-Ford, against scipy
def _scipy_distances(n_nodes, edges, source):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import bellman_ford
    rows = np.array([u for u, _, _ in edges], dtype=np.int64)
    cols = np.array([v for _, v, _ in edges], dtype=np.int64)
    data = np.array([float(w) for _, _, w in edges], dtype=np.float64)
    return bellman_ford(csr_matrix((data, (rows, cols)), shape=(n_nodes, n_nodes)), directed=True, indices=source)


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", ["global", "local", "semiglobal"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_bellman_ford_reference_equals_scipy_on_the_edit_graph(mode, affine, data):
    from workedout.derivations.alignment._edit_graph import build_edit_graph
    from workedout.derivations.alignment._problem import AlignmentProblem
    x, y, kw = data.draw(alignment_problems(mode, affine))
    p = AlignmentProblem(x[:7], y[:7], **kw)
    n_nodes, edges, source, sink = build_edit_graph(p)
    negated = [(u, v, -w) for u, v, w in edges]
    mine = alignment_reference.bellman_ford(n_nodes, negated, source)
    theirs = _scipy_distances(n_nodes, negated, source)
    for a, b in zip(mine, theirs):
        assert (a == math.inf and b == np.inf) or math.isclose(float(a), b, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(-float(mine[sink]), float(alignment_engine.score(x[:7], y[:7], **kw)), abs_tol=1e-9)


def test_bellman_ford_reference_is_exact_and_finds_negative_cycles():
    edges = [(0, 1, Fraction(1, 3)), (1, 2, Fraction(-1, 2)), (0, 2, Fraction(0)), (3, 2, 5)]
    assert alignment_reference.bellman_ford(4, edges, 0) == [0, Fraction(1, 3), Fraction(-1, 6), math.inf]
    with pytest.raises(ValueError, match="edges: the graph has a negative cycle"):
        alignment_reference.bellman_ford(3, [(0, 1, 1), (1, 2, -2), (2, 1, 1)], 0)


# ------------------------------------------------------------------ the worked alignment says which it compared with
def _hows(result):
    return [s.check.how for _, s in result.numbered_steps() if s.check]


def test_the_worked_alignment_names_its_reference():
    from workedout.derivations.alignment import align
    hows = _hows(align("GATTACA", "GCATGCU"))
    assert sum("the dp_tables of numerics.alignment's pure-Python reference" in h for h in hows) == 9
    assert any("equals the score of numerics.alignment's pure-Python reference" in h for h in hows)
    assert any("equals the exact count of numerics.alignment's pure-Python reference" in h for h in hows)
    assert any("rescored column by column by the alignment_score of numerics.alignment's pure-Python reference"
               in h for h in hows)
    assert any("Bellman-Ford (numerics.alignment's pure-Python reference, exact)" in h for h in hows)
    assert not any("numerics.alignment." in h or "scipy" in h for h in hows)


def test_a_worked_table_past_the_reference_names_the_engine():
    from workedout.derivations.alignment import align
    hows = _hows(align("AC" * 21, "CA" * 20 + "G", max_table=45))           # 42 letters: the engine checks it
    assert any("equals numerics.alignment.dp_tables" in h for h in hows)
    assert any("equals numerics.alignment.count_optimal (exact)" in h for h in hows)
    assert not any("pure-Python reference" in h for h in hows if "Bellman-Ford" not in h)


def test_a_short_pair_without_its_table_lists_through_the_engine():
    from workedout.derivations.alignment import align
    r = align("GATTACA", "GCATGCU", max_table=3)
    assert r.answer["table"] is None and (r.answer["score"], r.answer["n_optimal"]) == (0, 3)
    assert len(r.answer["alignments"]) == 3
