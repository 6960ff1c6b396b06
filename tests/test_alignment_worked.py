"""derivations.alignment (the worked DP table, tracebacks, edit graph) and ``workedout align``:
against numerics.alignment, brute force and textbook examples; the check of a student's answer;
bad input on the command line."""
from __future__ import annotations

import functools
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.alignment import MAX_TABLE, align, demo_examples
from workedout.derivations.alignment._problem import AlignmentProblem
from workedout.derivations.alignment._table import WorkedTable
from workedout.derivations.alignment._traceback import OptimalPaths
from workedout.derivations.result import Grid
from workedout.numerics import alignment as engine

MODES = ["global", "local", "semiglobal"]
GAPS = [dict(gap_open=-1), dict(gap_open=-2), dict(gap_open=-3, gap_extend=-1), dict(gap_open=-2, gap_extend=0)]
dna = st.text(alphabet="ACG", max_size=5)


def _kw(mode, gaps, match=1, mismatch=-1):
    return dict(mode=mode, match=match, mismatch=mismatch, **gaps)


@functools.lru_cache(maxsize=None)
def all_alignments(x: str, y: str) -> tuple:
    """Every column sequence aligning x with y, as (row1, row2)."""
    if not x and not y:
        return (("", ""),)
    out = []
    if x and y:
        out += [(x[0] + a, y[0] + b) for a, b in all_alignments(x[1:], y[1:])]
    if x:
        out += [(x[0] + a, "-" + b) for a, b in all_alignments(x[1:], y)]
    if y:
        out += [("-" + a, y[0] + b) for a, b in all_alignments(x, y[1:])]
    return tuple(out)


# ------------------------------------------------------------ properties
@settings(max_examples=60)
@given(a=dna, b=dna, mode=st.sampled_from(MODES), gaps=st.sampled_from(GAPS),
       match=st.sampled_from([1, 2]), limit=st.sampled_from([1, 3, 100]))
def test_worked_equals_numerics(a, b, mode, gaps, match, limit):
    kw = _kw(mode, gaps, match)
    r = align(a, b, max_alignments=limit, **kw)
    dp = engine.dp_tables(a, b, **kw)
    table = r.answer["table"]
    if "gap_extend" in gaps and gaps["gap_extend"] != gaps["gap_open"]:
        for name, ref in (("M", dp.M), ("X", dp.X), ("Y", dp.Y)):
            assert [[float(v) for v in row] for row in table[name]] == ref.tolist()
    else:
        assert [[float(v) for v in row] for row in table] == dp.H.tolist()
    if len(a) <= MAX_TABLE and len(b) <= MAX_TABLE:           # the counted arrows, bit for bit
        problem = AlignmentProblem(a, b, mode=mode, match=match, mismatch=-1, gap_open=gaps["gap_open"],
                                   gap_extend=gaps.get("gap_extend"), max_alignments=limit)
        assert OptimalPaths(WorkedTable(problem)).bits == dp.arrows.tolist()
    assert r.answer["score"] == engine.score(a, b, **kw)
    n = r.answer["n_optimal"]
    assert n == engine.count_optimal(a, b, **kw) and isinstance(n, int)
    listed = r.answer["alignments"]
    assert len(listed) == min(n, limit)
    keys = {(x["seq1_aligned"], x["seq2_aligned"], tuple(x["seq1_range"]), tuple(x["seq2_range"])) for x in listed}
    assert len(keys) == len(listed)
    for x in listed:
        assert engine.alignment_score(x["seq1_aligned"], x["seq2_aligned"], **kw) == r.answer["score"]
        s1, e1 = x["seq1_range"]
        assert x["seq1_aligned"].replace("-", "") == (a.upper()[s1:e1] if mode == "local" else a.upper())
    # every step that claims a check ran one (checked() raises otherwise); the edit graph is checked
    assert r.steps[[getattr(s, "label", None) for s in r.steps].index("relaxation")].check is not None


@settings(max_examples=40)
@given(a=st.text(alphabet="AC", max_size=4), b=st.text(alphabet="AC", max_size=4),
       mode=st.sampled_from(["global", "semiglobal"]), gaps=st.sampled_from(GAPS))
def test_listed_alignments_are_all_optimal_ones_by_brute_force(a, b, mode, gaps):
    kw = _kw(mode, gaps)
    r = align(a, b, max_alignments=10_000, **kw)
    scored = {al: engine.alignment_score(*al, **kw) for al in all_alignments(a, b)}
    best = max(scored.values())
    assert r.answer["score"] == best
    assert {(x["seq1_aligned"], x["seq2_aligned"]) for x in r.answer["alignments"]} == \
        {al for al, s in scored.items() if s == best}


@settings(max_examples=25)
@given(a=dna, b=dna, mode=st.sampled_from(MODES), free=st.tuples(*[st.booleans()] * 4),
       scores=st.sampled_from([("1/2", "-0.25", "-1/3", None), ("0.5", "-0.3", "-0.7", "-0.1"),
                               ("3", "-2", "-5/2", "-1/2")]))
def test_exact_fractions_and_free_ends_agree_with_the_float_engine(a, b, mode, free, scores):
    match, mismatch, go, ge = scores
    kw = dict(mode=mode, match=match, mismatch=mismatch, gap_open=go, gap_extend=ge,
              free_ends=free if mode == "semiglobal" else None)
    r = align(a, b, **kw)                      # every row is checked against dp_tables (floats, within ulps)
    plain = {k: (float(Fraction(v)) if k != "mode" and isinstance(v, str) else v) for k, v in kw.items()}
    assert float(r.answer["score"]) == pytest.approx(engine.score(a, b, **plain), abs=1e-9)
    assert r.answer["n_optimal"] == engine.count_optimal(a, b, **plain)


def test_without_the_table_the_same_answer():
    a, b = "ACGTTGCAAC", "AGTTCAGC"
    for kw in (dict(), dict(mode="local", gap_open=-3, gap_extend=-1), dict(mode="semiglobal")):
        small, large = align(a, b, **kw), align(a, b, max_table=5, **kw)
        assert large.answer["table"] is None and any("Table omitted" in n for n in large.notes)
        for key in ("score", "n_optimal", "alignments"):
            assert small.answer[key] == large.answer[key]
    assert MAX_TABLE == 40


# ------------------------------------------------------------ golden examples
def test_needleman_wunsch_wikipedia():
    # Wikipedia, "Needleman-Wunsch algorithm": GATTACA / GCATGCU, match 1, mismatch -1, gap -1: score 0,
    # and the three optimal alignments drawn there (seq1 and seq2 swapped here).
    r = align("GATTACA", "GCATGCU")
    assert r.answer["score"] == 0 and r.answer["n_optimal"] == 3
    assert {(x["seq1_aligned"], x["seq2_aligned"]) for x in r.answer["alignments"]} == {
        ("G-ATTACA", "GCA-TGCU"), ("G-ATTACA", "GCAT-GCU"), ("G-ATTACA", "GCATG-CU")}
    assert r.answer["table"][0] == [0, -1, -2, -3, -4, -5, -6, -7]
    assert [row[0] for row in r.answer["table"]] == [0, -1, -2, -3, -4, -5, -6, -7]
    assert r.answer["table"][3][4] == 2
    assert all(x["seq1_range"] == [0, 7] and x["seq2_range"] == [0, 7] for x in r.answer["alignments"])


def test_smith_waterman_wikipedia():
    # Wikipedia, "Smith-Waterman algorithm": TGTTACGG / GGTTGACTA, s = +3 / -3, linear gap W_k = 2k:
    # the best local alignment GTT-AC / GTTGAC, score 13.
    r = align("TGTTACGG", "GGTTGACTA", mode="local", match=3, mismatch=-3, gap_open=-2)
    assert r.answer["score"] == 13 and r.answer["n_optimal"] == 1
    (x,) = r.answer["alignments"]
    assert (x["seq1_aligned"], x["seq2_aligned"], x["seq1_range"], x["seq2_range"]) == \
        ("GTT-AC", "GTTGAC", [1, 6], [1, 7])
    assert max(max(row) for row in r.answer["table"]) == 13 and r.answer["table"][6][7] == 13


def test_durbin_blosum50_examples():
    # Durbin, Eddy, Krogh, Mitchison, Biological Sequence Analysis (1998), Figs. 2.5 and 2.6:
    # HEAGAWGHEE / PAWHEAE, BLOSUM50, linear gap d = 8. Global: HEAGAWGHE-E / --P-AW-HEAE
    # (score 1); local: AWGHE / AW-HE (5 + 15 - 8 + 10 + 6 = 28).
    g = align("HEAGAWGHEE", "PAWHEAE", matrix="BLOSUM50", gap_open=-8)
    assert g.answer["score"] == 1
    assert ("HEAGAWGHE-E", "--P-AW-HEAE") in {(x["seq1_aligned"], x["seq2_aligned"]) for x in g.answer["alignments"]}
    loc = align("HEAGAWGHEE", "PAWHEAE", mode="local", matrix="BLOSUM50", gap_open=-8)
    assert loc.answer["score"] == 28 and loc.answer["n_optimal"] == 1
    assert (loc.answer["alignments"][0]["seq1_aligned"], loc.answer["alignments"][0]["seq2_aligned"]) == \
        ("AWGHE", "AW-HE")


def test_local_conventions_and_empty_sequences():
    r = align("CAC", "CGC", mode="local")   # four one-column C/C, not CAC/CGC (Biopython's convention)
    assert r.answer["n_optimal"] == 4
    assert sorted((tuple(x["seq1_range"]), tuple(x["seq2_range"])) for x in r.answer["alignments"]) == \
        [((0, 1), (0, 1)), ((0, 1), (2, 3)), ((2, 3), (0, 1)), ((2, 3), (2, 3))]
    zero = align("AAA", "TTT", mode="local")
    assert (zero.answer["score"], zero.answer["n_optimal"], zero.answer["alignments"]) == (0, 0, [])
    e = align("", "ACG")
    assert (e.answer["score"], e.answer["n_optimal"]) == (-3, 1)
    assert e.answer["alignments"][0]["seq1_aligned"] == "---" and e.answer["table"] == [[0, -1, -2, -3]]
    both = align("", "", gap_open=-3, gap_extend=-1)
    assert (both.answer["score"], both.answer["n_optimal"]) == (0, 1)
    assert align("", "ACG", mode="local").answer["n_optimal"] == 0


def test_affine_table_is_three_matrices_with_minus_infinity_as_null():
    r = align("ACGT", "AGT", match=2, gap_open=-3, gap_extend=-1)
    d = json.loads(r.to_json())
    assert set(d["table"]) == {"M", "X", "Y"} and d["table"]["M"][1][0] is None
    assert d["exact"]["table"]["M"][1][0] == "-oo"
    assert d["score"] == engine.score("ACGT", "AGT", match=2, gap_open=-3, gap_extend=-1)
    grids = [s for s in r.steps if getattr(s, "label", "") == "table"]
    assert [t for t, _ in grids[0].statement.panels] == ["M", "X", "Y"]


def test_every_format_shows_arrows_and_the_path():
    r = align("GATTACA", "GCATGCU")
    grid = next(s for s in r.steps if getattr(s, "label", "") == "table").statement
    assert isinstance(grid, Grid)
    text, tex, md = r.to_text(), r.to_latex(), r.to_markdown()
    assert "⇖[1]" in text and "[0]" in text
    assert r"\boxed{2}" in tex and r"\nwarrow" in tex and r"\uparrow" in tex and r"\leftarrow" in tex
    assert r"\boxed{" in md and "| 3 T |" in md
    from workedout.derivations.printers import MarkdownPrinter
    assert r"\begin{array}" in MarkdownPrinter(grid="array").doprint(r)
    d = r.to_dict()
    assert set(d) >= {"score", "n_optimal", "alignments", "table"}
    assert set(d["alignments"][0]) >= {"seq1_aligned", "seq2_aligned", "seq1_range", "seq2_range"}
    assert any("array" in s["statement"] for s in d["steps"])


def test_demo_examples_build():
    for example in demo_examples():
        assert example.build().answer["n_optimal"] >= 1


# ------------------------------------------------------------ checking a student's answer
def test_check_reports_cells_with_their_candidates(tmp_path):
    r = align("GATTACA", "GCATGCU")
    assert r.check(json.loads(r.to_json())).ok
    table = [list(map(int, row)) for row in r.answer["table"]]
    table[3][4] = 3
    csv = tmp_path / "table.csv"
    lines = [",".join(["", ""] + list("GCATGCU"))]
    lines += [",".join([" GATTACA"[i].strip()] + [str(v) for v in row]) for i, row in enumerate(table)]
    csv.write_text("\n".join(lines) + "\n")
    report = r.check(str(csv))
    assert [d.location for d in report.discrepancies] == ["table[3][4]"]
    d = report.discrepancies[0]
    assert (d.expected, d.given) == ("2", "3") and "max(diag 1 + 1 = 2" in d.explanation
    assert "H(3,4)" in report.to_text()
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps(table))
    assert [d.location for d in r.check(str(grid)).discrepancies] == ["table[3][4]"]


def test_check_alignments_in_any_order_tracebacks_and_wrong_ones():
    r = align("GATTACA", "GCATGCU")
    ok = r.check({"alignments": [{"seq1_aligned": "g-attaca", "seq2_aligned": "gcatg-cu"},
                                 {"seq1_aligned": "G-ATTACA", "seq2_aligned": "GCA-TGCU"}],
                  "traceback": [[7, 7], [6, 6], [5, 5], [4, 4], [3, 4], [2, 3], [1, 2], [1, 1], [0, 0]],
                  "score": 0, "n_optimal": 3})
    assert ok.ok, ok.to_text()
    bad = r.check({"seq1_aligned": "GATTACA", "seq2_aligned": "GCATGCU"})
    (d,) = bad.discrepancies
    assert "not optimal: it scores -1" in d.reason and "cell (2,2)" in d.explanation
    twice = r.check({"alignments": [["G-ATTACA", "GCATG-CU"], ["G-ATTACA", "GCATG-CU"]]})
    assert [x.reason for x in twice.discrepancies] == ["alignment given twice"]
    trimmable = align("CAC", "CGC", mode="local").check(
        {"alignments": [{"seq1_aligned": "CAC", "seq2_aligned": "CGC", "seq1_range": [0, 3], "seq2_range": [0, 3]}]})
    assert "trim" in trimmable.discrepancies[0].reason


def test_affine_check_locations_name_the_matrix():
    r = align("ACGT", "AGT", match=2, gap_open=-3, gap_extend=-1)
    answer = json.loads(r.to_json())
    answer["table"]["X"][2][1] = 5
    del answer["exact"]
    report = r.check(answer)
    assert [d.location for d in report.discrepancies] == ["table.X[2][1]"]
    assert report.discrepancies[0].explanation.startswith("X(2,1) = max(M ")


# ------------------------------------------------------------ the command line
def test_cli_json_and_own_check(run_cli, tmp_path):
    out = tmp_path / "nw.json"
    assert run_cli("align", "GATTACA", "GCATGCU", "--format", "json", "-o", out)[0] == 0
    d = json.loads(out.read_text())
    assert (d["score"], d["n_optimal"], len(d["table"])) == (0, 3, 8)
    status, text, _ = run_cli("align", "GATTACA", "GCATGCU", "--check", out)
    assert status == 0 and "agree" in text
    d["score"] = 1
    out.write_text(json.dumps(d))
    assert run_cli("align", "GATTACA", "GCATGCU", "--check", out)[0] == 1


def test_cli_fasta_records_matrix_and_affine(run_cli, tmp_path):
    fa = tmp_path / "s.fa"
    fa.write_text(">first one\nHEAGA\nWGHEE\n>second\nPAWHEAE\n")
    status, out, _ = run_cli("align", fa, fa, "--record", "0,1", "--matrix", "blosum50", "--gap", "-8",
                             "--format", "json")
    d = json.loads(out)
    assert status == 0 and d["score"] == 1 and "first and second" in d["title"]
    status, out, _ = run_cli("align", "ACGT", "AGT", "--gap-open", "-3", "--gap-extend", "-1", "--match", "2",
                             "--mode", "semiglobal", "--free-ends", "seq1_start,seq1_end", "--format", "json")
    assert status == 0 and set(json.loads(out)["table"]) == {"M", "X", "Y"}
    assert run_cli("align", "", "ACG")[0] == 0


@pytest.mark.parametrize("argv,needle", [
    (["GATTACAU", "GCAT", "--matrix", "BLOSUM62"], "letter 'U' at position 8 is not in matrix BLOSUM62"),
    (["GATTACA", "GCAT", "--matrix", "BLOSUM63"], "known names are BLOSUM45"),
    (["GATTACA", "GCAT", "--gap", "1"], "--gap: 1 is positive"),
    (["GATTACA", "GCAT", "--gap-open", "-3", "--gap-extend", "2"], "--gap-extend: 2 is positive"),
    (["GATTACA", "GCAT", "--match", "abc"], "--match: 'abc' is not a number"),
    (["GATTACA", "GCAT", "--gap-open", "-3"], "need both --gap-open and --gap-extend"),
    (["GATTACA", "GCAT", "--matrix", "BLOSUM62", "--match", "2"], "not both"),
    (["GATTACA", "GCAT", "--max-alignments", "-1"], "--max-alignments"),
    (["GATTACA", "GCAT", "--free-ends", "seq1_start"], "only with --mode semiglobal"),
])
def test_cli_bad_input_one_line_exit_2_no_file(run_cli, tmp_path, argv, needle):
    target = tmp_path / "out.json"
    status, out, err = run_cli("align", *argv, "--format", "json", "-o", target)
    assert status == 2 and out == "" and err.count("\n") == 1 and needle in err, err
    assert "Traceback" not in err and not target.exists() and list(tmp_path.iterdir()) == []


def test_cli_empty_fasta_is_refused(run_cli, tmp_path):
    empty = tmp_path / "empty.fa"
    empty.write_text("")
    status, out, err = run_cli("align", empty, "ACGT")
    assert status == 2 and "no FASTA record" in err and err.count("\n") == 1


def test_cli_pdf(run_cli, tmp_path):
    from tests.conftest import require_pdflatex
    require_pdflatex()
    import subprocess
    pdf = tmp_path / "nw.pdf"
    assert run_cli("align", "ACGT", "AGT", "--gap-open", "-3", "--gap-extend", "-1", "--format", "pdf", "-o", pdf)[0] == 0
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "Gotoh" in text and "co-optimal" in text


def test_check_own_json_with_exact_fractions_in_any_order():
    r = align("GATTACA", "GCATGCU", match="1/2", gap_open="-1/3", gap_extend="-1/10")
    answer = json.loads(r.to_json())
    answer["alignments"].reverse()
    assert r.check(answer).ok
    answer["alignments"][0]["score"] = 0.5
    assert [d.location for d in r.check(answer).discrepancies] == ["alignments[0].score"]
