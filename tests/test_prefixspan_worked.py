"""PrefixSpan worked: the paper's numbers, projections equal to the engine's, checking, the CLI, the PDF."""
import json
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from workedout.derivations.prefixspan import PAPER_DB, demo_examples, prefixspan
from workedout.numerics import prefixspan as engine
from workedout.numerics.seqdb import format_sequence, from_sequences
from tests.conftest import require_pdflatex

# Pei, Han et al., ICDE 2001: the projected databases of Table 2 (infrequent g dropped) and the
# length-2 sequential patterns found in each of them.
PAPER_PROJECTED = {
    "<a>": ["<(abc)(ac)d(cf)>", "<(_d)c(bc)(ae)>", "<(_b)(df)cb>", "<(_f)cbc>"],
    "<b>": ["<(_c)(ac)d(cf)>", "<(_c)(ae)>", "<(df)cb>", "<c>"],
    "<c>": ["<(ac)d(cf)>", "<(bc)(ae)>", "<b>", "<bc>"],
    "<d>": ["<(cf)>", "<c(bc)(ae)>", "<(_f)cb>"],
    "<e>": ["<(_f)(ab)(df)cb>", "<(af)cbc>"],
    "<f>": ["<(ab)(df)cb>", "<cbc>"],
}
PAPER_LENGTH_2 = {
    "<a>": {"<aa>": 2, "<ab>": 4, "<(ab)>": 2, "<ac>": 4, "<ad>": 2, "<af>": 2},
    "<b>": {"<ba>": 2, "<bc>": 3, "<(bc)>": 2, "<bd>": 2, "<bf>": 2},
    "<c>": {"<ca>": 2, "<cb>": 3, "<cc>": 3},
    "<d>": {"<db>": 2, "<dc>": 3},
    "<e>": {"<ea>": 2, "<eb>": 2, "<ec>": 2, "<ef>": 2},
    "<f>": {"<fb>": 2, "<fc>": 2},
}


@pytest.fixture(scope="module")
def paper():
    return prefixspan(PAPER_DB, 2, all_patterns=True, projection="paper")


def test_golden_the_paper_example(paper):
    a = paper.answer
    assert a["min_support"] == 2
    assert {e["pattern"]: e["support"] for e in a["frequent_1"]} == {
        "<a>": 4, "<b>": 4, "<c>": 4, "<d>": 3, "<e>": 3, "<f>": 3}
    assert {p["prefix"]: p["sequences"] for p in a["projected"]} == PAPER_PROJECTED
    found = {}
    for e in a["extensions"]:
        found.setdefault(e["prefix"], {})[e["pattern"]] = e["support"]
    assert found == PAPER_LENGTH_2
    assert len(a["patterns"]) == 53
    kinds = {e["pattern"]: e["kind"] for e in a["extensions"]}
    assert kinds["<(ab)>"] == "into_last_itemset" and kinds["<ab>"] == "new_itemset"
    assert all(step.check for _, step in paper.numbered_steps() if step.label in ("counts", "tree", "patterns"))


def test_strict_keeps_infrequent_items_and_the_second_source_is_counted():
    r = prefixspan(PAPER_DB, 2, prefix="<e>")
    assert r.answer["projected"] == [{"prefix": "<e>", "form": "strict", "sequence_ids": ["30", "40"],
                                      "sequences": ["<(_f)(ab)(df)cb>", "<g(af)cbc>"]}]  # 20: nothing after e
    text = prefixspan(PAPER_DB, 2, prefix="<a>").to_text()
    assert "10 via (abc), 30 via (_b)" in text  # <(ab)>: from a later itemset, and from (_b)


databases = st.sampled_from(["abcd", [1, 2, 10, 11]]).flatmap(  # letters, or numbers that sort apart from text
    lambda alphabet: st.lists(st.lists(st.lists(st.sampled_from(alphabet), min_size=1, max_size=3), max_size=4),
                              max_size=5))


@settings(max_examples=25)
@given(databases, st.integers(1, 3), st.sampled_from(["strict", "paper"]))
def test_worked_projections_equal_the_engines(db, minsup, projection):
    """Every step's machine check runs (a failure raises); the JSON projections are the engine's."""
    data = from_sequences(db)
    r = prefixspan(data, minsup, all_patterns=True, closed=minsup == 2, projection=projection)
    frequent = [p[0][0] for p, _ in engine.prefixspan(data, minsup, max_length=1)]
    assert [e["pattern"] for e in r.answer["frequent_1"]] == [format_sequence([(x,)], dialect=data.dialect)
                                                              for x in frequent]
    assert json.loads(r.to_json())["projected"] == r.answer["projected"] and r.check(json.loads(r.to_json())).ok
    for x, entry in zip(frequent, r.answer["projected"]):
        prefix = ((x,),)
        oracle = engine.projected_database(data, prefix)
        if projection == "paper":
            oracle = [o for o in ((o.index, tuple(t for t in (tuple(x for x in a if x in frequent) for a in o.suffix)
                                                   if t), o.partial and bool([x for x in o.suffix[0] if x in frequent]))
                                  for o in oracle) if o[1]]
        else:
            oracle = [(o.index, o.suffix, o.partial) for o in oracle]
        assert entry["sequences"] == [format_sequence(s, partial=p, dialect=data.dialect) for _, s, p in oracle]
        assert entry["sequence_ids"] == [data.ids[i] for i, _, _ in oracle]
    patterns = engine.prefixspan(data, minsup, closed=minsup == 2)
    assert [p["pattern"] for p in r.answer["patterns"]] == [format_sequence(p, dialect=data.dialect)
                                                            for p, _ in patterns]


def test_check_matches_in_any_order_and_spelling(paper):
    answer = json.loads(paper.to_json())
    assert paper.check(answer).ok
    answer["frequent_1"].reverse()
    respell = {"<af>": "<a, f>", "<(ab)>": "<(ba)>"}    # the comma spelling; an itemset unsorted
    for entry in answer["extensions"] + answer["patterns"]:
        entry["pattern"] = respell.get(entry["pattern"], entry["pattern"])
    assert paper.check(answer).ok
    del answer["frequent_1"][0]
    answer["projected"][0]["sequences"][1] = "<(_d)c(bc)(ae)e>"
    report = paper.check(answer)
    assert not report.ok
    reasons = {d.reason for d in report.discrepancies}
    assert "differs" in reasons and "missing pattern: its support 3 reaches min_support 2" in reasons


def test_fraction_min_support_is_worked_exactly():
    r = prefixspan(PAPER_DB, "0.5", prefix="<a>")
    assert r.answer["min_support"] == 2
    assert "⌈1/2 · 4⌉" in r.to_text()


def test_demo_example_is_the_paper():
    (example,) = demo_examples()
    assert len(example.build().answer["patterns"]) == 53


# ---------------------------------------------------------------------- CLI
@pytest.fixture
def paper_file(tmp_path):
    path = tmp_path / "db.txt"
    path.write_text(PAPER_DB)
    return path


def test_cli_json_keys(run_cli, paper_file):
    status, out, err = run_cli("prefixspan", paper_file, "--min-support", "2", "--prefix", "<a>", "--format", "json")
    assert status == 0 and not err
    data = json.loads(out)
    assert {"frequent_1", "projected", "extensions"} <= set(data) and "patterns" not in data
    assert data["projected"][0]["prefix"] == "<a>" and data["projected"][0]["sequences"][1] == "<(_d)c(bc)(ae)>"
    status, out, _ = run_cli("prefixspan", paper_file, "--min-support", "2", "--closed", "--format", "json")
    assert status == 0 and len(json.loads(out)["patterns"]) == len(engine.prefixspan(
        [["a", "abc", "ac", "d", "cf"], ["ad", "c", "bc", "ae"], ["ef", "ab", "df", "c", "b"],
         ["e", "g", "af", "c", "b", "c"]], 2, closed=True))


def test_cli_stdin_spmf_and_check(tmp_path, paper_file):
    spmf = "1 -1 1 2 3 -1 1 3 -1 4 -1 3 6 -1 -2\n1 4 -1 3 -1 2 3 -1 1 5 -1 -2\n"
    out = subprocess.run([sys.executable, "-m", "workedout", "prefixspan", "-", "--min-support", "2", "--format", "json"], input=spmf,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["frequent_1"][0] == {"pattern": "<1>", "support": 2}
    spmf_file = tmp_path / "db.spmf"
    spmf_file.write_text("2 10 -1 -2\n10 2 -1 3 -1 -2\n")
    check = tmp_path / "spmf-answer.json"
    check.write_text(json.dumps({"patterns": [{"pattern": "<(10, 2)>", "support": 2}, {"pattern": "<10>", "support": 2},
                                              {"pattern": "<2>", "support": 2}]}))
    proc = subprocess.run([sys.executable, "-m", "workedout", "prefixspan", str(spmf_file), "--min-support", "2",
                           "--all", "--check", str(check)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout  # <(10, 2)> is <(2, 10)>: items compared as the database's
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"frequent_1": [{"pattern": "<b>", "support": 4}, {"pattern": "<a>", "support": 3}]}))
    proc = subprocess.run([sys.executable, "-m", "workedout", "prefixspan", str(paper_file), "--min-support", "2", "--check", str(answer)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "support of <a>" in proc.stdout  # the subject, not frequent_1[0].support


@pytest.mark.parametrize("db,args,needle", [
    ("<a(abc)(ac)d(cf)>\n<(ad)c(bc(ae)>\n", [], "DB {path}: line 2: nested parenthesis at column 10"),
    ("<a(abc)(ac\n", [], "line 1: unclosed parenthesis opened at column 8"),
    ("1 -1 2 -1 -2\n1 -1 3 -1\n", [], "line 2: does not end in -2"),
    (PAPER_DB, ["--min-support", "0"], "--min-support: a count must be at least 1, got 0"),
    (PAPER_DB, ["--min-support", "-3"], "--min-support: a count must be at least 1"),
    (PAPER_DB, ["--min-support", "1.5"], "--min-support: a fraction must be at most 1"),
    (PAPER_DB, ["--prefix", "<g>"], "--prefix: <g> is not frequent (support 1 < min-support 2); "
                                    "the frequent 1-sequences are <a>, <b>, <c>, <d>, <e>, <f>"),
    (PAPER_DB, ["--prefix", "<a(b>"], "--prefix: '<a(b>': unclosed parenthesis opened at column 3"),
    (PAPER_DB, ["--max-length", "0"], "--max-length: expected a positive integer"),
])
def test_cli_bad_input_one_line_exit_2_no_file(run_cli, tmp_path, db, args, needle):
    path = tmp_path / "db.txt"
    path.write_text(db)
    out_file = tmp_path / "out.json"
    if "--min-support" not in args:
        args = ["--min-support", "2", *args]
    status, out, err = run_cli("prefixspan", path, *args, "-o", out_file)
    assert status == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert needle.format(path=path) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.txt"]


def test_cli_empty_database_is_valid(run_cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    status, out, _ = run_cli("prefixspan", path, "--min-support", "0.5", "--all", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["frequent_1"] == data["patterns"] == data["projected"] == []


def test_cli_help_has_example():
    out = subprocess.run([sys.executable, "-m", "workedout", "prefixspan", "--help"], capture_output=True, text=True, check=True).stdout
    example = out.split("example:")[1].strip()
    assert example.startswith("printf '<a(abc)(ac)d(cf)>")  # the paper's database, piped in
    assert "| workedout prefixspan - --min-support 2 --prefix '<a>'" in example


def test_pdf_writes_item_names_literally(tmp_path):
    require_pdflatex()
    db = tmp_path / "db.json"
    db.write_text(json.dumps([[["a&b", "50%"], ["x\\y"], ["{z}", "é", "s_1"]],
                              [["50%", "a&b"], ["s_1"], ["x\\y", "{z}"]]]))
    pdf = tmp_path / "out.pdf"
    proc = subprocess.run([sys.executable, "-m", "workedout", "prefixspan", str(db), "--min-support", "2", "--all", "--format", "pdf",
                           "-o", str(pdf)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFC", text)  # pdftotext gives an accent and its letter apart
    for name in ("<(50%, a&b), x\\y, (s", "{z}, é)>", "<(50%, a&b), {z}>"):
        assert name in text
