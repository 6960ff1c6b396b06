"""The diagnosis of a student's alignment answer (issue 13): every catalogued misconception is
recognised by recomputing with the wrong rule; the root cause is the first wrong cell in the
order the worked solution fills the table; what follows from it is marked so (errors carried
forward); published forms pass.

The students' answers are produced here by wrong-rule implementations of Needleman-Wunsch,
Smith-Waterman and Gotoh written for the tests, independently of the diagnosis."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from workedout.derivations.alignment import align
from workedout.derivations.alignment._check import CATALOGUE, WEIGHTS

NEG = float("-inf")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

seqs = st.text("ACG", min_size=1, max_size=6)
matches = st.integers(1, 3)
mismatches = st.integers(-3, 0)
gaps = st.integers(-3, -1)


# ------------------------------------------------------------ the students' tables
def linear_table(a, b, *, g, match, mismatch, local=False, floor=True, op=max, swap=False,
                 border=None):
    """H of Needleman-Wunsch (local: Smith-Waterman), with the wrong rules switchable."""
    n, m = len(a), len(b)
    H = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        H[i][0] = 0 if local else (border(i, 0) if border else H[i - 1][0] + g)
    for j in range(1, m + 1):
        H[0][j] = 0 if local else (border(0, j) if border else H[0][j - 1] + g)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = a[i - 1] == b[j - 1]
            s = (mismatch if same else match) if swap else (match if same else mismatch)
            c = [H[i - 1][j - 1] + s, H[i - 1][j] + g, H[i][j - 1] + g] + ([0] if local and floor else [])
            H[i][j] = op(c)
    return H


def gotoh_tables(a, b, *, o, e, match, mismatch, local=False, op=max, floor=True):
    """Gotoh's M, X, Y as the project lays them out (-inf where no alignment ends); local without
    the floor: an alignment still starts at the border."""
    n, m = len(a), len(b)
    M, X, Y = ([[NEG] * (m + 1) for _ in range(n + 1)] for _ in range(3))

    def best(values):
        values = [v for v in values if v != NEG]
        return op(values) if values else NEG
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                M[0][0] = NEG if local else 0
                continue
            if local and (i == 0 or j == 0):
                continue
            if i and j:
                t = best([M[i - 1][j - 1], X[i - 1][j - 1], Y[i - 1][j - 1]] + ([0] if local and floor else []))
                if local and t == NEG:
                    t = 0
                M[i][j] = NEG if t == NEG else t + (match if a[i - 1] == b[j - 1] else mismatch)
            if i:
                X[i][j] = best([M[i - 1][j] + o, X[i - 1][j] + e, Y[i - 1][j] + o])
            if j:
                Y[i][j] = best([M[i][j - 1] + o, Y[i][j - 1] + e, X[i][j - 1] + o])
    return [M, X, Y]


def as_json(tables):
    return {k: [["-inf" if v == NEG else v for v in row] for row in t] for k, t in zip("MXY", tables)}


def first_difference(student, right, affine=False):
    """The location of the first differing cell, in the order the table is filled."""
    if not affine:
        for i, row in enumerate(student):
            for j, v in enumerate(row):
                if v != right[i][j]:
                    return f"table[{i}][{j}]"
        return None
    for i in range(len(student[0])):
        for j in range(len(student[0][0])):
            for q in range(3):
                if student[q][i][j] != right[q][i][j]:
                    return f"table.{'MXY'[q]}[{i}][{j}]"
    return None


def right_tables(r, affine):
    t = r.answer["table"]
    if not affine:
        return [[int(v) for v in row] for row in t]
    return [[[NEG if v == -float("inf") or str(v) == "-oo" else int(v) for v in row] for row in t[s]] for s in "MXY"]


def assert_one_root_named(report, root, mid):
    a = report.answer
    roots = [d for d in a["discrepancies"] if d["cause"] == "root"]
    assert len(roots) == 1, [(d["location"], d["reason"]) for d in roots]
    assert roots[0]["location"] == root
    assert mid in roots[0]["misconception"]["id"].split(" + ")
    assert a["discrepancies"][0]["location"] == root                   # roots first
    named = roots[0]["misconception"]["id"].split(" + ")           # two ids reproducing it: both named
    assert roots[0]["step"] in {report_step(report, c.step) for c in CATALOGUE if c.id in named}
    for d in a["discrepancies"][1:]:
        assert d["cause"] == "follows" and d["follows_from"] == root
    assert a["marks"]["awarded"] == a["marks"]["possible"] - WEIGHTS["cell"]


_RESULTS = {}


def report_step(report, label):
    return _RESULTS["result"].step_number(label)


def check(r, answer, **kw):
    _RESULTS["result"] = r
    return r.check(answer, **kw)


# ------------------------------------------------------------ one property per id
@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps)
def test_gap_sign(a, b, match, mismatch, g):
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)
    H = linear_table(a, b, g=-g, match=match, mismatch=mismatch)
    root = first_difference(H, right_tables(r, False))
    assume(root)
    assert_one_root_named(check(r, {"table": H, "score": H[-1][-1]}), root, "gap-sign")


@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps)
def test_local_no_floor(a, b, match, mismatch, g):
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g, mode="local")
    H = linear_table(a, b, g=g, match=match, mismatch=mismatch, local=True, floor=False)
    root = first_difference(H, right_tables(r, False))
    assume(root)
    report = check(r, {"table": H, "score": max(0, max(map(max, H)))})
    assert_one_root_named(report, root, "local-no-floor")


@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps, st.sampled_from(["column", "row", "both"]))
def test_boundary_zero(a, b, match, mismatch, g, which):
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)

    def border(i, j):
        zero = (which in ("column", "both") and j == 0) or (which in ("row", "both") and i == 0)
        return 0 if zero else (i + j) * g
    H = linear_table(a, b, g=g, match=match, mismatch=mismatch, border=border)
    root = first_difference(H, right_tables(r, False))
    assert root == ("table[1][0]" if which == "column" else "table[0][1]")
    assert_one_root_named(check(r, {"table": H, "score": H[-1][-1]}), root, "boundary-zero")


@SETTINGS
@given(seqs, seqs, matches, mismatches, st.integers(-5, -2), st.integers(1, 3), st.booleans())
def test_linear_for_affine(a, b, match, mismatch, o, de, local):
    e = min(o + de, -1)
    assume(e != o)
    mode = "local" if local else "global"
    r = align(a, b, match=match, mismatch=mismatch, gap_open=o, gap_extend=e, mode=mode)
    T = gotoh_tables(a, b, o=o, e=o, match=match, mismatch=mismatch, local=local)
    root = first_difference(T, right_tables(r, True), affine=True)
    assume(root)
    assert_one_root_named(check(r, {"table": as_json(T)}), root, "linear-for-affine")


@SETTINGS
@given(seqs, seqs, matches, mismatches, st.integers(-5, -2), st.integers(1, 3))
def test_linear_for_affine_as_one_grid(a, b, match, mismatch, o, de):
    """A student who thinks linear fills one table with g = o."""
    e = min(o + de, -1)
    assume(e != o)
    r = align(a, b, match=match, mismatch=mismatch, gap_open=o, gap_extend=e)
    H = linear_table(a, b, g=o, match=match, mismatch=mismatch)
    best = [[max(r.answer["table"][s][i][j] for s in "MXY") for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    root = first_difference(H, best)
    assume(root)
    assert_one_root_named(check(r, {"table": H, "score": H[-1][-1]}), root, "linear-for-affine")


@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps)
def test_match_mismatch_swapped(a, b, match, mismatch, g):
    assume(match != mismatch)
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)
    H = linear_table(a, b, g=g, match=match, mismatch=mismatch, swap=True)
    root = first_difference(H, right_tables(r, False))
    assume(root)
    assert_one_root_named(check(r, {"table": H, "score": H[-1][-1]}), root, "match-mismatch-swapped")


@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps)
def test_max_vs_min(a, b, match, mismatch, g):
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)
    H = linear_table(a, b, g=g, match=match, mismatch=mismatch, op=min)
    root = first_difference(H, right_tables(r, False))
    assume(root)
    assert_one_root_named(check(r, {"table": H, "score": H[-1][-1]}), root, "max-vs-min")


@SETTINGS
@given(seqs, seqs, matches, mismatches, st.integers(-5, -2), st.integers(1, 3),
       st.sampled_from(["gap-sign", "max-vs-min", "match-mismatch-swapped", "local-no-floor"]), st.booleans())
def test_affine_tables_name_the_rule(a, b, match, mismatch, o, de, mid, local):
    e = min(o + de, -1)
    local = local or mid == "local-no-floor"
    assume(e != o and (mid != "match-mismatch-swapped" or match != mismatch))
    r = align(a, b, match=match, mismatch=mismatch, gap_open=o, gap_extend=e, mode="local" if local else "global")
    kw = {"o": o, "e": e, "match": match, "mismatch": mismatch, "local": local}
    if mid == "gap-sign":
        kw.update(o=-o, e=-e)
    elif mid == "max-vs-min":
        kw.update(op=min)
    elif mid == "local-no-floor":
        kw.update(floor=False)
    else:
        kw.update(match=mismatch, mismatch=match)
    T = gotoh_tables(a, b, **kw)
    root = first_difference(T, right_tables(r, True), affine=True)
    assume(root)
    assert_one_root_named(check(r, {"table": as_json(T)}), root, mid)


@SETTINGS
@given(seqs, seqs, matches, mismatches, gaps)
def test_score_alone_is_named_from_the_givens(a, b, match, mismatch, g):
    """Without a table, the score is compared with the score each wrong rule gives."""
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)
    H = linear_table(a, b, g=-g, match=match, mismatch=mismatch)
    assume(H[-1][-1] != r.answer["score"])
    (d,) = check(r, {"score": H[-1][-1]}).answer["discrepancies"]
    assert d["cause"] == "root" and "gap-sign" in d["misconception"]["id"]


# ------------------------------------------------------------ errors carried forward
def traceback(a, b, H, g, match, mismatch):
    """One traceback of a (student's) linear global table: diagonal first, then up, then left; along
    the first row or column straight to the corner."""
    i, j, r1, r2 = len(a), len(b), "", ""
    while i or j:
        if j == 0:
            i, r1, r2 = i - 1, a[i - 1] + r1, "-" + r2
        elif i == 0:
            j, r1, r2 = j - 1, "-" + r1, b[j - 1] + r2
        elif i and j and H[i - 1][j - 1] + (match if a[i - 1] == b[j - 1] else mismatch) == H[i][j]:
            i, j, r1, r2 = i - 1, j - 1, a[i - 1] + r1, b[j - 1] + r2
        elif i and H[i - 1][j] + g == H[i][j]:
            i, r1, r2 = i - 1, a[i - 1] + r1, "-" + r2
        elif j and H[i][j - 1] + g == H[i][j]:
            j, r1, r2 = j - 1, "-" + r1, b[j - 1] + r2
        else:
            return None
    return [r1, r2]


def count(a, b, H, g, match, mismatch):
    """The number of tracebacks of a (student's) linear global table (the first row and column forced)."""
    n, m = len(a), len(b)
    N = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                N[i][j] = 1
                continue
            s = match if a[i - 1] == b[j - 1] else mismatch
            N[i][j] = ((H[i - 1][j - 1] + s == H[i][j]) * N[i - 1][j - 1] + (H[i - 1][j] + g == H[i][j]) * N[i - 1][j]
                       + (H[i][j - 1] + g == H[i][j]) * N[i][j - 1])
    return N[n][m]


@SETTINGS
@given(st.text("ACG", min_size=2, max_size=6), st.text("ACG", min_size=2, max_size=6), matches, mismatches,
       gaps, st.data())
def test_one_slip_and_everything_after_it_recomputed(a, b, match, mismatch, g, data):
    r = align(a, b, match=match, mismatch=mismatch, gap_open=g)
    n, m = len(a), len(b)
    i0 = data.draw(st.integers(1, n))
    j0 = data.draw(st.integers(1, m))
    delta = data.draw(st.sampled_from([-3, -1, 1, 2, 5]))
    H = right_tables(r, False)
    H[i0][j0] += delta
    for i in range(1, n + 1):           # everything after the slip recomputed from it
        for j in range(1, m + 1):
            if (i, j) > (i0, j0):
                s = match if a[i - 1] == b[j - 1] else mismatch
                H[i][j] = max(H[i - 1][j - 1] + s, H[i - 1][j] + g, H[i][j - 1] + g)
    answer = {"table": H, "score": H[n][m], "n_optimal": count(a, b, H, g, match, mismatch)}
    tb = traceback(a, b, H, g, match, mismatch)
    if tb:
        answer["alignments"] = [tb]
    report = r.check(answer)
    a_ = report.answer
    roots = [d for d in a_["discrepancies"] if d["cause"] == "root"]
    assert [d["location"] for d in roots] == [f"table[{i0}][{j0}]"]
    assert all(d["follows_from"] == roots[0]["location"] for d in a_["discrepancies"] if d["cause"] == "follows")
    assert a_["marks"]["awarded"] == a_["marks"]["possible"] - WEIGHTS["cell"]
    strict = r.check(answer, ecf=False).answer
    lost = sum(p["possible"] for p in strict["marks"]["parts"] if p["awarded"] == 0)
    assert strict["marks"]["awarded"] == strict["marks"]["possible"] - lost
    if len(a_["discrepancies"]) > 1:
        assert strict["marks"]["awarded"] < a_["marks"]["awarded"]


def test_the_issue_example_column_zero_one_root_the_rest_follows():
    """CCGATTACA/GATTACA with g = -2, column 0 left at 0: one root, cell (1, 0), named; the rest follows."""
    a, b = "CCGATTACA", "GATTACA"
    r = align(a, b, gap_open=-2)
    H = linear_table(a, b, g=-2, match=1, mismatch=-1, border=lambda i, j: 0 if j == 0 else j * -2)
    tb = traceback(a, b, H, -2, 1, -1)
    report = r.check({"table": H, "score": H[-1][-1], "alignments": [tb]})
    a_ = report.answer
    assert a_["roots"] == 1 and a_["discrepancies"][0]["subject"] == "cell (1, 0): row C, first column"
    assert a_["discrepancies"][0]["misconception"]["id"] == "boundary-zero"
    assert a_["n_discrepancies"] > 20
    score = next(d for d in a_["discrepancies"] if d["location"] == "score")
    assert score["cause"] == "follows" and score["follows_from"] == "table[1][0]" and score["subject"] == "the score"
    assert a_["marks"]["possible"] - a_["marks"]["awarded"] == 1
    text = report.to_text()
    assert "follow correctly from the wrong cell (1, 0): row C, first column" in text
    assert "boundary-zero" in text


def test_count_and_alignment_follow_from_the_table():
    a, b = "GATTACA", "GCATGCU"
    r = align(a, b)
    H = linear_table(a, b, g=1, match=1, mismatch=-1)          # gap-sign: traced back with +1 per gap
    tb = traceback(a, b, H, 1, 1, -1)
    report = r.check({"table": H, "score": H[-1][-1], "n_optimal": count(a, b, H, 1, 1, -1), "alignments": [tb]})
    d = {x["location"]: x for x in report.answer["discrepancies"]}
    assert report.answer["roots"] == 1, [(x["location"], x["reason"]) for x in report.answer["discrepancies"]
                                         if x["cause"] == "root"]
    assert d["n_optimal"]["cause"] == "follows"
    assert d["alignments[0]"]["cause"] == "follows" and d["alignments[0]"]["subject"] == "alignment 1"


def test_count_without_a_table_follows_the_named_score():
    a, b = "GATTACA", "GCATGCU"
    r = align(a, b)
    H = linear_table(a, b, g=-1, match=1, mismatch=-1, op=min)
    report = r.check({"score": H[-1][-1], "alignments": [traceback(a, b, H, -1, 1, -1)]})
    d = {x["location"]: x for x in report.answer["discrepancies"]}
    assert d["score"]["cause"] == "root" and "max-vs-min" in d["score"]["misconception"]["id"]
    assert d["alignments[0]"]["cause"] == "follows" and d["alignments[0]"]["follows_from"] == "score"


# ------------------------------------------------------------ subjects, weights, published forms
def test_subjects_and_weights():
    r = align("GATTACA", "GCATGCU", match=2, gap_open=-3, gap_extend=-1)
    answer = json.loads(r.to_json())
    answer["table"]["M"][2][3] = 7
    answer["score"] = 9
    answer["n_optimal"] = 9
    report = r.check(answer)
    subjects = {d["location"]: d["subject"] for d in report.answer["discrepancies"]}
    assert subjects["table.M[2][3]"] == "cell M(2, 3): row A, column A"
    assert subjects["score"] == "the score" and subjects["n_optimal"] == "the number of optimal alignments"
    parts = {p["subject"]: p["possible"] for p in report.answer["marks"]["parts"]}
    assert parts["the score"] == WEIGHTS["score"] and parts["alignment 1"] == WEIGHTS["alignment"]
    assert parts["cell M(2, 3): row A, column A"] == 1


def test_fitting_alignment_as_its_trimmed_rows_passes():
    """The issue's example: TAGGCTTA over TAGA--TA, a fitting alignment of TAGATA into seq1."""
    r = align("GTAGGCTTAAGGTTA", "TAGATA", mode="semiglobal", free_ends=(True, True, False, False))
    assert r.check({"seq1_aligned": "TAGGCTTA", "seq2_aligned": "TAGA--TA", "score": 2}).ok
    assert r.check({"alignments": [["taggctta", "tag-a-ta"]], "n_optimal": 16}).ok
    bad = r.check({"alignments": [["TAGGCTTA", "TAGAT--A"]]})
    (d,) = bad.discrepancies
    assert d.reason.startswith("not optimal") and d.subject == "alignment 1"


def test_overlap_and_local_trimmed_rows_pass():
    r = align("ACGTTGCA", "TGCAACG", mode="semiglobal")
    for al in r.answer["alignments"]:
        r1, r2 = al["seq1_aligned"], al["seq2_aligned"]
        cols = [(x, y) for x, y in zip(r1, r2)]
        while cols and "-" in cols[0]:
            cols.pop(0)
        while cols and "-" in cols[-1]:
            cols.pop()
        trimmed = ["".join(x for x, _ in cols), "".join(y for _, y in cols)]
        assert r.check({"alignments": [trimmed]}).ok, trimmed
    loc = align("TGTTACGG", "GGTTGACTA", mode="local", match=3, mismatch=-3, gap_open=-2)
    rows = [[x["seq1_aligned"], x["seq2_aligned"]] for x in loc.answer["alignments"]]
    assert loc.check({"alignments": rows, "score": loc.answer["score"]}).ok


def test_correct_answers_typed_as_students_type_them(tmp_path):
    r = align("GATTACA", "GCATGCU")
    csv = tmp_path / "t.csv"
    lines = [",".join(["", ""] + list("GCATGCU"))]
    lines += [",".join([" GATTACA"[i].strip()] + [str(int(v)) for v in row])
              for i, row in enumerate(r.answer["table"])]
    csv.write_text("\n".join(lines) + "\n")
    assert r.check(str(csv)).ok
    aff = align("ACGT", "AGT", match=2, gap_open=-3, gap_extend=-1)
    table = {s: [["-inf" if str(v) == "-oo" else str(v) for v in row] for row in aff.answer["table"][s]]
             for s in "MXY"}
    assert aff.check({"table": table, "score": str(aff.answer["score"])}).ok
    best = [[max(aff.answer["table"][s][i][j] for s in "MXY") for j in range(4)] for i in range(5)]
    assert aff.check({"table": [[str(v) for v in row] for row in best]}).ok       # one grid: the best state
    frac = align("GATTACA", "GCATGCU", match="1/2", gap_open="-1/3", gap_extend="-1/10")
    assert frac.check({"score": str(frac.answer["score"]), "n_optimal": frac.answer["n_optimal"]}).ok


# ------------------------------------------------------------ the command line
def test_cli_check_reveal_and_no_ecf(run_cli, tmp_path):
    a, b = "GATTACA", "GCATGCU"
    H = linear_table(a, b, g=-1, match=1, mismatch=-1, border=lambda i, j: 0 if j == 0 else -j)
    ans = tmp_path / "ans.json"
    ans.write_text(json.dumps({"table": H, "score": H[-1][-1]}))
    status, text, _ = run_cli("align", a, b, "--check", ans)
    assert status == 1 and "boundary-zero" in text and "cell (1, 0): row G, first column" in text
    status, where, _ = run_cli("align", a, b, "--check", ans, "--reveal", "where")
    assert "cell (1, 0)" in where and "boundary-zero" not in where and "expected" not in where
    status, why, err = run_cli("align", a, b, "--check", ans, "--reveal", "why", "--format", "json")
    assert status == 1, err
    d = json.loads(why)
    first = d["discrepancies"][0]
    assert first["misconception"]["id"] == "boundary-zero" and first["expected"] is None
    status, out, _ = run_cli("align", a, b, "--check", ans, "--format", "json", "--reveal", "why")
    with_ecf = json.loads(out)["marks"]
    status, out, _ = run_cli("align", a, b, "--check", ans, "--format", "json", "--reveal", "why", "--no-ecf")
    without = json.loads(out)["marks"]
    status, out, _ = run_cli("align", a, b, "--check", ans, "--format", "json")     # explanations carry arrows
    assert status == 1 and json.loads(out)["marks"] == with_ecf
    assert with_ecf["possible"] - with_ecf["awarded"] == 1
    assert without["awarded"] < with_ecf["awarded"]
